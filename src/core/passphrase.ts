/** Fewest characters of a passphrase that encrypts an identity backup (identity-backup.ts); forms show it up front. */
export const MIN_PASSPHRASE = 10;
