/**
 * Backups of an identity: the private key encrypted with a passphrase (PBKDF2-SHA-256, 600,000 iterations, then
 * AES-256-GCM), made when the identity is created. The key in use stays non-extractable as always: it is
 * generated extractable for the moment it takes to encrypt a copy, imported again non-extractable, and only the
 * encrypted copy is kept (with the identity, in IndexedDB). So a backup exists only for identities created with
 * one; an identity created without one can never be read out, by anyone.
 *
 * Restoring checks the file, decrypts it (a wrong passphrase fails AES-GCM's authentication: a clear error,
 * nothing changed), proves the key matches the backup's public key by signing with it, then replaces the
 * persistent identity of that name.
 */
import * as v from 'valibot';
import { fromBase64, toBase64 } from './bytes.js';
import { bytesToHex, hexToBytes, verifySignature, type Identity } from './identity.js';
import { identityRecord, setIdentityRecord, storeIdentity } from './identity-store.js';

export const BACKUP_ITERATIONS = 600_000;
import { MIN_PASSPHRASE } from './passphrase.js';

export { MIN_PASSPHRASE };
const ED25519 = { name: 'Ed25519' } as const;

export type IdentityBackupErrorCode = 'weak-passphrase' | 'wrong-passphrase' | 'not-ours' | 'newer' | 'corrupt' | 'no-backup';

export class IdentityBackupError extends Error {
  override readonly name = 'IdentityBackupError';
  constructor(
    readonly code: IdentityBackupErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const B64 = v.pipe(v.string(), v.regex(/^[A-Za-z0-9+/]*={0,2}$/), v.maxLength(4096));

export const IdentityBackupSchema = v.strictObject({
  kind: v.literal('darkswap-identity-backup'),
  format: v.literal(1),
  publicKey: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
  createdAt: v.string(),
  kdf: v.strictObject({
    name: v.literal('PBKDF2'),
    hash: v.literal('SHA-256'),
    iterations: v.pipe(v.number(), v.integer(), v.minValue(100_000), v.maxValue(10_000_000)),
    salt: B64,
  }),
  cipher: v.strictObject({ name: v.literal('AES-GCM'), iv: B64 }),
  data: B64,
});
export type IdentityBackup = v.InferOutput<typeof IdentityBackupSchema>;

const backupKey = (name: string) => `backup:${name}`;

async function wrappingKey(passphrase: string, salt: Uint8Array, iterations: number): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey('raw', new TextEncoder().encode(passphrase), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt: salt as Uint8Array<ArrayBuffer>, iterations },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

function checkPassphrase(passphrase: string): void {
  if (typeof passphrase !== 'string' || [...passphrase].length < MIN_PASSPHRASE) {
    throw new IdentityBackupError('weak-passphrase', `The passphrase needs at least ${MIN_PASSPHRASE} characters.`);
  }
}

/**
 * Creates a new persistent identity `name` (replacing the one there: peers who pinned it will refuse the new
 * one) together with its encrypted backup. Pages that loaded `name` keep the old identity until they reload.
 */
export async function createIdentityWithBackup(name: string, passphrase: string): Promise<{ identity: Identity; backup: IdentityBackup }> {
  checkPassphrase(passphrase);
  const pair = (await crypto.subtle.generateKey(ED25519, true, ['sign', 'verify'])) as CryptoKeyPair;
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey));
  const publicKey = bytesToHex(new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)));
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await wrappingKey(passphrase, salt, BACKUP_ITERATIONS);
  const data = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, pkcs8));
  const backup: IdentityBackup = {
    kind: 'darkswap-identity-backup',
    format: 1,
    publicKey,
    createdAt: new Date().toISOString(),
    kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations: BACKUP_ITERATIONS, salt: toBase64(salt) },
    cipher: { name: 'AES-GCM', iv: toBase64(iv) },
    data: toBase64(data),
  };
  const identity = await keep(name, pkcs8, publicKey);
  pkcs8.fill(0);
  await setIdentityRecord(backupKey(name), backup);
  return { identity, backup };
}

/** Imports the private key non-extractable and stores the pair as identity `name`. */
async function keep(name: string, pkcs8: Uint8Array, publicKey: string): Promise<Identity> {
  const privateKey = await crypto.subtle.importKey('pkcs8', pkcs8 as Uint8Array<ArrayBuffer>, ED25519, false, ['sign']);
  const pub = await crypto.subtle.importKey('raw', hexToBytes(publicKey), ED25519, true, ['verify']);
  return storeIdentity(name, { privateKey, publicKey: pub });
}

/** The encrypted backup kept with identity `name`, if it was created with one (and is of the key in use). */
export async function identityBackup(name: string): Promise<IdentityBackup | undefined> {
  const [stored, pair] = await Promise.all([identityRecord<unknown>(backupKey(name)), identityRecord<CryptoKeyPair>(name)]);
  if (!v.is(IdentityBackupSchema, stored) || !pair?.publicKey) return undefined;
  // A backup left from an earlier key (the page died between the two writes) is not this identity's.
  const current = bytesToHex(new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)));
  return current === stored.publicKey ? stored : undefined;
}

/** Restores a backup file as identity `name` (replacing the one there). Nothing changes on any error. */
export async function restoreIdentity(name: string, file: unknown, passphrase: string): Promise<Identity> {
  const f = file as { kind?: unknown; format?: unknown } | null;
  if (typeof f !== 'object' || f === null || f.kind !== 'darkswap-identity-backup')
    throw new IdentityBackupError('not-ours', 'This file is not a DarkSwap identity backup.');
  if (typeof f.format === 'number' && f.format > 1) throw new IdentityBackupError('newer', 'This backup comes from a newer version of the kit.');
  const parsed = v.safeParse(IdentityBackupSchema, file);
  if (!parsed.success) throw new IdentityBackupError('corrupt', `The backup is damaged: ${parsed.issues[0].message}.`);
  const b = parsed.output;
  let pkcs8: Uint8Array;
  try {
    const key = await wrappingKey(passphrase, fromBase64(b.kdf.salt), b.kdf.iterations);
    pkcs8 = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(b.cipher.iv) }, key, fromBase64(b.data)));
  } catch {
    throw new IdentityBackupError('wrong-passphrase', 'The passphrase does not open this backup.');
  }
  try {
    // The key must be the one the backup names: sign with it, verify with the named public key.
    const probe = await crypto.subtle.importKey('pkcs8', pkcs8 as Uint8Array<ArrayBuffer>, ED25519, false, ['sign']);
    const message = crypto.getRandomValues(new Uint8Array(32));
    const signature = new Uint8Array(await crypto.subtle.sign(ED25519, probe, message));
    if (!(await verifySignature(b.publicKey, message, signature))) throw new Error('mismatch');
  } catch {
    throw new IdentityBackupError('corrupt', 'The backup’s key does not match the public key it names.');
  }
  const identity = await keep(name, pkcs8, b.publicKey);
  pkcs8.fill(0);
  await setIdentityRecord(backupKey(name), b);
  return identity;
}
