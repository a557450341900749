/**
 * The one error type every chain adapter throws: a `code` a program can branch on, the adapter that threw
 * (`esplora`, `ord`, `alkanes`) and a message in plain words. A broken or lying indexer ends in one of these,
 * never in a TypeError deep inside the kit.
 */

export const CHAIN_ERROR_CODES = [
  /** No answer within the adapter's timeout (after its retries, for reads). */
  'timeout',
  /** The server could not be reached (connection refused, DNS, CORS). */
  'unreachable',
  /** An HTTP status the adapter does not expect (after retries for 5xx on reads). */
  'http',
  /** The body is not JSON, or not the documented shape. */
  'malformed',
  /** The body is well formed but contradicts the question (another outpoint, a negative amount, …). */
  'inconsistent',
  /** The indexer has not caught up with this output yet (ord's `indexed: false`). */
  'behind',
  /** The server serves another network than the one configured (or the wallet's). */
  'wrong-network',
  /** The node refused a transaction; the message carries the node's own reason. */
  'rejected',
  /** The caller gave something the adapter cannot ask about (an address of another network, a bad outpoint). */
  'bad-request',
] as const;
export type ChainErrorCode = (typeof CHAIN_ERROR_CODES)[number];

export class ChainError extends Error {
  override readonly name = 'ChainError';
  readonly code: ChainErrorCode;
  /** Which adapter: `esplora`, `ord`, `alkanes`. */
  readonly source: string;
  /** The HTTP status, when there was one. */
  readonly status: number | undefined;

  constructor(source: string, code: ChainErrorCode, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(`${source}: ${message}`, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.source = source;
    this.code = code;
    this.status = options.status;
  }
}

export function isChainError(e: unknown): e is ChainError {
  return e instanceof ChainError;
}
