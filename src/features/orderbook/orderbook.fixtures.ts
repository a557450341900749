/**
 * Helpers for the orderbook tests and benchmark: deterministic outpoints and unsigned orders (a real id,
 * an all-zero signature) for book-only work where signatures are not checked.
 */
import { computeOrderId, type Order, type OrderFields } from './order.model.js';
import { ORDER_VERSION } from './orderbook.types.js';

/** A fixed "now" for tests: 2025-06-15T15:06:40Z. */
export const T0 = 1_750_000_000_000;

/** A distinct, valid outpoint per `n`. */
export function outpoint(n: number, vout = 0): string {
  return `${n.toString(16).padStart(64, '0')}:${vout}`;
}

/** A valid-looking public key per `n` (not a real key: for book tests only). */
export function fakeKey(n: number): string {
  return n.toString(16).padStart(64, 'f');
}

let nonceCounter = 0;

/** A nonce that differs on every call (deterministic within a run). */
export function nextNonce(): string {
  nonceCounter += 1;
  return nonceCounter.toString(16).padStart(32, '0');
}

export const DEFAULT_FIELDS: Omit<OrderFields, 'maker' | 'nonce'> = {
  v: ORDER_VERSION,
  base: 'RUNE:840000:3',
  quote: 'BTC',
  side: 'sell',
  price: 1n,
  lot: 1n,
  amount: 1000n,
  minFill: undefined,
  outpoints: [outpoint(1)],
  created: T0,
  expires: T0 + 5 * 60_000,
};

/** The fields of an order with defaults filled in. */
export function orderFields(overrides: Partial<OrderFields> = {}): OrderFields {
  return { ...DEFAULT_FIELDS, maker: fakeKey(1), nonce: nextNonce(), ...overrides };
}

/** An order with its real id and a zero signature: enough for the book, fails any signature check. */
export function unsignedOrder(overrides: Partial<OrderFields> = {}): Order {
  const fields = orderFields(overrides);
  return Object.freeze({ ...fields, id: computeOrderId(fields), sig: '0'.repeat(128) });
}
