/**
 * What can go wrong between the kit and a browser wallet, as one typed error with a code a page can act on
 * and a message in plain words. Framework-free, no dependencies: the eager part of the wallet adapters.
 */

export const WALLET_ERROR_CODES = [
  /** No such wallet in this browser (extension missing or disabled). */
  'not-installed',
  /** The user declined in the wallet. */
  'rejected',
  /** The wallet is on another network than the site trades on. */
  'wrong-network',
  /** The wallet is locked. */
  'locked',
  /** The site has no permission (not connected, or the permission was revoked). */
  'not-connected',
  /** The wallet did not answer in time. */
  'timeout',
  /** The wallet answered something that is not what its API documents. */
  'malformed',
  /** The wallet returned a PSBT that differs in more than signatures (or signs what it was not asked to). */
  'tampered',
  /** The wallet cannot do what the kit needs (method missing, address type it cannot sign). */
  'unsupported',
  /** Any other failure the wallet reported. */
  'failed',
] as const;
export type WalletErrorCode = (typeof WALLET_ERROR_CODES)[number];

export class WalletError extends Error {
  override readonly name = 'WalletError';
  /** Which adapter (`xverse`, `unisat`, `leather`, …). */
  readonly wallet: string;
  readonly code: WalletErrorCode;
  /** For `tampered`/`malformed` PSBTs: the kit's check that refused it (`WALLET_TX_CHANGED`, …). */
  readonly check: string | undefined;
  /** The wallet's own error code, when it gave one. */
  readonly walletCode: number | string | undefined;

  constructor(wallet: string, code: WalletErrorCode, message: string, extra: { check?: string; walletCode?: number | string; cause?: unknown } = {}) {
    super(message, extra.cause !== undefined ? { cause: extra.cause } : undefined);
    this.wallet = wallet;
    this.code = code;
    this.check = extra.check;
    this.walletCode = extra.walletCode;
  }
}

/** Whether a value is a `WalletError` (by shape: two copies of the kit on a page have two classes). */
export function isWalletError(e: unknown): e is WalletError {
  const w = e as Partial<WalletError> | null;
  return !!w && typeof w === 'object' && w.name === 'WalletError' && typeof w.code === 'string' && (WALLET_ERROR_CODES as readonly string[]).includes(w.code);
}

/** The default plain-words message for a code (`name`: the wallet's display name). */
export function walletErrorText(code: WalletErrorCode, name: string, detail = ''): string {
  const tail = detail ? ` ${detail}` : '';
  switch (code) {
    case 'not-installed':
      return `${name} is not installed in this browser (or it is disabled).`;
    case 'rejected':
      return `You declined the request in ${name}.`;
    case 'wrong-network':
      return `${name} is on another network than this site.${tail} Switch networks in ${name} and connect again.`;
    case 'locked':
      return `${name} is locked. Unlock it and try again.`;
    case 'not-connected':
      return `This site is not connected to ${name} (or the permission was revoked). Connect again.`;
    case 'timeout':
      return `${name} did not answer in time.${tail}`;
    case 'malformed':
      return `${name} answered something unexpected.${tail}`;
    case 'tampered':
      return `${name} returned a transaction that differs from the one you reviewed: refused, nothing was sent.${tail}`;
    case 'unsupported':
      return `${name} cannot do this.${tail}`;
    default:
      return `${name} reported an error.${tail}`;
  }
}

/** `promise`, or a `timeout` WalletError after `ms` (the wallet's call itself cannot be cancelled). */
export function withTimeout<T>(promise: Promise<T>, ms: number, wallet: string, name: string, what: string): Promise<T> {
  if (!Number.isFinite(ms) || ms <= 0) return promise;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new WalletError(wallet, 'timeout', walletErrorText('timeout', name, `(${what}: no answer after ${Math.round(ms / 1000)} s)`))),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
