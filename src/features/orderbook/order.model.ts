/**
 * The order and the cancel (tombstone): types, canonical encoding, id, signature, wire schemas and
 * validation. Pure: no DOM, no network, no clock (time is always passed in).
 *
 * ## Order wire format (JSON, version 1)
 * ```
 * {"v":1,"maker":<64 hex>,"base":<asset>,"quote":<asset>,"side":"buy"|"sell",
 *  "price":<dec>,"lot":<dec>,"amount":<dec>,["minFill":<dec>,]"outpoints":["<64 hex txid>:<vout>",…],
 *  "created":<ms>,"expires":<ms>,"nonce":<32 hex>,"sig":<128 hex>}
 * ```
 * - assets: `BTC`, `RUNE:<block>:<tx>`, `ALKANE:<block>:<tx>` (decimal, no leading zeros, ≤ 2^32−1;
 *   a rune's block is ≥ 1).
 * - `side` is what the maker does with the **base** asset (`buy` = bid, `sell` = ask).
 * - price: `price` quote units per `lot` base units, in lowest terms (gcd 1), so a rune worth a
 *   fraction of a sat is exact (e.g. 1 sat per 1000 units is price 1, lot 1000). `amount` and
 *   `minFill` are whole numbers of lots, so every fill pays a whole number of quote units.
 * - `<dec>`: a decimal string without leading zeros (bigint in memory); `<ms>`: integer milliseconds
 *   since the epoch. Lower-case hex everywhere.
 * - `minFill` is omitted when the maker accepts any whole number of lots.
 *
 * **Canonical encoding** = the JSON text of exactly these keys, in exactly this order, without `sig`
 * (and without `minFill` when absent); no whitespace. **id** = lower-case hex sha256 of its UTF-8
 * bytes. **sig** = the maker's identity signature (Ed25519, see core/identity) over the
 * domain-separated message `domainMessage('darkswap/order/v1', canonical)`, i.e. the UTF-8 of
 * `darkswap/order/v1\n<canonical>`.
 * The wire JSON is the canonical text with `,"sig":…` before the closing brace; at most
 * MAX_ORDER_BYTES.
 *
 * ## Cancel wire format
 * `{"orderId":<64 hex>,"maker":<64 hex>,"at":<ms>,"sig":<128 hex>}`; canonical = the same without
 * `sig`; sig by `maker` over `domainMessage('darkswap/cancel/v1', canonical)`. Honoured only when
 * `maker` is the order's maker; kept until the order's expiry.
 */
import * as v from 'valibot';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { bytesToHex, hexToBytes } from '../../core/bytes.js';
import { domainMessage, verifySignature } from '../../core/identity.js';
import { ratio, type Ratio } from './ratio.js';
import {
  DEFAULT_MAX_LIVE_PER_MAKER,
  MAX_ASSET_ID_PART,
  MAX_ASSET_UNITS,
  MAX_CLOCK_SKEW_MS,
  MAX_ORDER_BYTES,
  MAX_PRICE_UNITS,
  MAX_SATS,
  MAX_TTL_MS,
  ORDER_VERSION,
  SIDES,
  type AssetKind,
  type CancelRejectReason,
  type OrderRejectReason,
  type Side,
} from './orderbook.types.js';

export const ORDER_TAG = 'darkswap/order/v1';
export const CANCEL_TAG = 'darkswap/cancel/v1';

// ---- wire schemas ----------------------------------------------------------------------------------------------

const hex = (length: number) => v.pipe(v.string(), v.regex(new RegExp(`^[0-9a-f]{${length}}$`)));
/** Decimal integer without leading zeros, at most 40 digits (u128 has 39). */
const Decimal = v.pipe(v.string(), v.regex(/^(0|[1-9][0-9]{0,39})$/));
const Millis = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
/** Loose on purpose: the exact asset and outpoint rules give their own reject reasons. */
const AssetText = v.pipe(v.string(), v.maxLength(40));
const OutpointText = v.pipe(v.string(), v.maxLength(100));

/** The shape of an order on the wire; ranges and meaning are checked by `validateOrder`. */
export const OrderWireSchema = v.strictObject({
  v: v.literal(ORDER_VERSION),
  maker: hex(64),
  base: AssetText,
  quote: AssetText,
  side: v.picklist(SIDES),
  price: Decimal,
  lot: Decimal,
  amount: Decimal,
  minFill: v.optional(Decimal),
  outpoints: v.pipe(v.array(OutpointText), v.maxLength(1000)),
  created: Millis,
  expires: Millis,
  nonce: hex(32),
  sig: hex(128),
});
export type OrderWire = v.InferOutput<typeof OrderWireSchema>;

export const CancelWireSchema = v.strictObject({
  orderId: hex(64),
  maker: hex(64),
  at: Millis,
  sig: hex(128),
});
export type CancelWire = v.InferOutput<typeof CancelWireSchema>;

// ---- in-memory types -------------------------------------------------------------------------------------------

/** What the maker signs. Integers that count money are bigint. */
export interface OrderFields {
  readonly v: typeof ORDER_VERSION;
  /** Maker's identity key: raw Ed25519 public key, 64 lower-case hex. */
  readonly maker: string;
  readonly base: string;
  readonly quote: string;
  readonly side: Side;
  /** Quote units paid per `lot` base units. */
  readonly price: bigint;
  /** Base units per lot: the price's denominator and the granularity of every fill. */
  readonly lot: bigint;
  /** Base units offered (sell) or wanted (buy). */
  readonly amount: bigint;
  /** Smallest fill the maker accepts, in base units (absent = one lot). */
  readonly minFill?: bigint | undefined;
  /** `<txid>:<vout>` outputs the maker will spend to settle. */
  readonly outpoints: readonly string[];
  readonly created: number;
  readonly expires: number;
  /** 16 random bytes, hex: two otherwise equal orders get different ids. */
  readonly nonce: string;
}

/** A signed order with its id. Build one only with `signOrder`, `createOrder` or `decodeOrder`. */
export interface Order extends OrderFields {
  /** sha256 hex of the canonical encoding. */
  readonly id: string;
  /** Ed25519 signature by the maker's identity key, 128 hex. */
  readonly sig: string;
}

/** A maker's signed tombstone for one of its orders. */
export interface Cancel {
  readonly orderId: string;
  readonly maker: string;
  readonly at: number;
  readonly sig: string;
}

export type Asset = { readonly kind: Extract<AssetKind, 'btc'> } | { readonly kind: Exclude<AssetKind, 'btc'>; readonly block: number; readonly tx: number };

export type Verdict<R extends string> = { ok: true } | { ok: false; reason: R; message: string };
export type OrderVerdict = Verdict<OrderRejectReason>;
export type CancelVerdict = Verdict<CancelRejectReason>;

/** Same shape as `verifySignature` from the identity module; inject to count, skip or offload. */
export type SignatureVerifier = (publicKey: string, message: Uint8Array, signature: Uint8Array) => boolean | Promise<boolean>;

/** What signs orders and cancels: the identity module's `Identity` fits. */
export interface Signer {
  readonly publicKey: string;
  sign(message: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

// ---- assets ----------------------------------------------------------------------------------------------------

const ASSET_ID = /^(RUNE|ALKANE):(0|[1-9][0-9]{0,9}):(0|[1-9][0-9]{0,9})$/;

/** Parse `BTC`, `RUNE:<block>:<tx>` or `ALKANE:<block>:<tx>`; undefined when it is none of them. */
export function parseAsset(text: string): Asset | undefined {
  if (text === 'BTC') return { kind: 'btc' };
  const m = ASSET_ID.exec(text);
  if (!m) return undefined;
  const block = Number(m[2]);
  const tx = Number(m[3]);
  if (block > MAX_ASSET_ID_PART || tx > MAX_ASSET_ID_PART) return undefined;
  const kind = m[1] === 'RUNE' ? 'rune' : 'alkane';
  // A rune id with block 0 is not a rune (0:0 means "the etching in this tx"; 0:n>0 is a cenotaph).
  if (kind === 'rune' && block === 0) return undefined;
  return { kind, block, tx };
}

/** Largest amount of an asset (sats for BTC, u128 for runes and alkanes). */
export function maxUnits(asset: Asset): bigint {
  return asset.kind === 'btc' ? MAX_SATS : MAX_ASSET_UNITS;
}

const OUTPOINT = /^[0-9a-f]{64}:(0|[1-9][0-9]{0,9})$/;

export function isOutpoint(text: string): boolean {
  return OUTPOINT.test(text) && Number(text.slice(65)) <= 0xffff_ffff;
}

// ---- encoding --------------------------------------------------------------------------------------------------

function canonicalObject(o: OrderFields): Record<string, unknown> {
  // Insertion order is JSON.stringify's key order: this literal IS the canonical key order.
  const out: Record<string, unknown> = {
    v: o.v,
    maker: o.maker,
    base: o.base,
    quote: o.quote,
    side: o.side,
    price: o.price.toString(),
    lot: o.lot.toString(),
    amount: o.amount.toString(),
  };
  if (o.minFill !== undefined) out.minFill = o.minFill.toString();
  out.outpoints = [...o.outpoints];
  out.created = o.created;
  out.expires = o.expires;
  out.nonce = o.nonce;
  return out;
}

/** The canonical encoding (see the module comment): what the id hashes and the signature covers. */
export function canonicalOrder(o: OrderFields): string {
  return JSON.stringify(canonicalObject(o));
}

/** sha256 hex of the canonical encoding. */
export function computeOrderId(o: OrderFields): string {
  return bytesToHex(sha256(utf8ToBytes(canonicalOrder(o))));
}

/** The bytes the maker signs. */
export function orderMessage(o: OrderFields): Uint8Array {
  return domainMessage(ORDER_TAG, canonicalOrder(o));
}

/** The wire object, keys in canonical order with `sig` last (JSON.stringify it to send). */
export function encodeOrder(o: Order): OrderWire {
  return { ...(canonicalObject(o) as Omit<OrderWire, 'sig'>), sig: o.sig };
}

/** The wire JSON text: the canonical encoding plus `sig`. */
export function serializeOrder(o: Order): string {
  return JSON.stringify(encodeOrder(o));
}

/** UTF-8 size of the wire JSON. */
export function orderBytes(o: Order): number {
  return utf8ToBytes(serializeOrder(o)).length;
}

/** An Order from a schema-valid wire object (computes the id; does not validate ranges or signature). */
export function decodeOrder(w: OrderWire): Order {
  const fields: OrderFields = {
    v: w.v,
    maker: w.maker,
    base: w.base,
    quote: w.quote,
    side: w.side,
    price: BigInt(w.price),
    lot: BigInt(w.lot),
    amount: BigInt(w.amount),
    minFill: w.minFill === undefined ? undefined : BigInt(w.minFill),
    outpoints: Object.freeze([...w.outpoints]),
    created: w.created,
    expires: w.expires,
    nonce: w.nonce,
  };
  return Object.freeze({ ...fields, id: computeOrderId(fields), sig: w.sig });
}

export type ParseResult<T, R extends string> = { ok: true; value: T } | { ok: false; reason: R; message: string };

/** Check the wire shape of untrusted input and decode it. Ranges and signature: `validateOrder`. */
export function parseOrder(input: unknown): ParseResult<Order, 'malformed'> {
  const result = v.safeParse(OrderWireSchema, input);
  if (!result.success) return { ok: false, reason: 'malformed', message: describeIssue(result.issues) };
  return { ok: true, value: decodeOrder(result.output) };
}

export function parseCancel(input: unknown): ParseResult<Cancel, 'malformed'> {
  const result = v.safeParse(CancelWireSchema, input);
  if (!result.success) return { ok: false, reason: 'malformed', message: describeIssue(result.issues) };
  return { ok: true, value: Object.freeze({ ...result.output }) };
}

function describeIssue(issues: readonly v.BaseIssue<unknown>[]): string {
  const issue = issues[0];
  const path = issue?.path?.map((p) => String(p.key)).join('.') ?? '';
  return `Malformed${path ? ` ${path}` : ''}: ${issue?.message ?? 'invalid'}`;
}

// ---- creating --------------------------------------------------------------------------------------------------

/** Sign order fields with the maker's identity (its key must be `fields.maker`). No validation. */
export async function signOrder(identity: Signer, fields: Omit<OrderFields, 'v'> & { v?: typeof ORDER_VERSION }): Promise<Order> {
  const clean: OrderFields = {
    v: ORDER_VERSION,
    maker: fields.maker,
    base: fields.base,
    quote: fields.quote,
    side: fields.side,
    price: fields.price,
    lot: fields.lot,
    amount: fields.amount,
    minFill: fields.minFill,
    outpoints: Object.freeze([...fields.outpoints]),
    created: fields.created,
    expires: fields.expires,
    nonce: fields.nonce,
  };
  if (identity.publicKey !== clean.maker) throw new Error('signOrder: the identity is not the maker.');
  const canonical = canonicalOrder(clean);
  const sig = bytesToHex(await identity.sign(domainMessage(ORDER_TAG, canonical)));
  return Object.freeze({ ...clean, id: bytesToHex(sha256(utf8ToBytes(canonical))), sig });
}

export interface OrderTerms {
  base: string;
  quote: string;
  side: Side;
  price: bigint;
  lot?: bigint;
  amount: bigint;
  minFill?: bigint | undefined;
  outpoints: readonly string[];
}

/**
 * A new signed order from `identity`, created `now`, living `ttlMs` (default the maximum). A
 * refresh is a new order with the same terms (and a cancel of the old one).
 */
export function createOrder(identity: Signer, terms: OrderTerms, now: number, ttlMs = MAX_TTL_MS): Promise<Order> {
  return signOrder(identity, {
    maker: identity.publicKey,
    base: terms.base,
    quote: terms.quote,
    side: terms.side,
    price: terms.price,
    lot: terms.lot ?? 1n,
    amount: terms.amount,
    minFill: terms.minFill,
    outpoints: terms.outpoints,
    created: now,
    expires: now + ttlMs,
    nonce: bytesToHex(randomBytes(16)),
  });
}

export function canonicalCancel(c: Omit<Cancel, 'sig'>): string {
  return JSON.stringify({ orderId: c.orderId, maker: c.maker, at: c.at });
}

/** The bytes the maker signs for a cancel. */
export function cancelMessage(c: Omit<Cancel, 'sig'>): Uint8Array {
  return domainMessage(CANCEL_TAG, canonicalCancel(c));
}

/** A tombstone for `orderId`, signed by `identity` at `now`. */
export async function createCancel(identity: Signer, orderId: string, now: number): Promise<Cancel> {
  const body = { orderId, maker: identity.publicKey, at: now };
  return Object.freeze({ ...body, sig: bytesToHex(await identity.sign(cancelMessage(body))) });
}

export function encodeCancel(c: Cancel): CancelWire {
  return { orderId: c.orderId, maker: c.maker, at: c.at, sig: c.sig };
}

// ---- validation ------------------------------------------------------------------------------------------------

const reject = <R extends string>(reason: R, message: string): { ok: false; reason: R; message: string } => ({
  ok: false,
  reason,
  message,
});

/** The price as an exact ratio: quote units per base unit. */
export function orderPrice(o: Pick<OrderFields, 'price' | 'lot'>): Ratio {
  return ratio(o.price, o.lot);
}

/** The smallest fill the maker accepts, in base units. */
export function minFillOf(o: Pick<OrderFields, 'minFill' | 'lot'>): bigint {
  return o.minFill ?? o.lot;
}

/** Quote units for `amount` base units at the order's price (amount must be whole lots). */
export function quoteFor(o: Pick<OrderFields, 'price' | 'lot'>, amount: bigint): bigint {
  return (amount / o.lot) * o.price;
}

export interface ValidationContext {
  /** Live orders this maker already has in the book (not counting this one). */
  makerLiveOrders?: number;
  maxLivePerMaker?: number;
  /** Signature check (default `verifySignature`); `false` skips it (benchmarks, already-verified input). */
  verify?: SignatureVerifier | false;
  maxClockSkewMs?: number;
}

/**
 * Every rule an order must pass except its signature, cheapest first: synchronous, so a flood of
 * junk is refused before any signature work. `now` is the receiver's clock in ms.
 */
export function checkOrder(o: Order, now: number, context: ValidationContext = {}): OrderVerdict {
  const skew = context.maxClockSkewMs ?? MAX_CLOCK_SKEW_MS;
  const size = orderBytes(o);
  if (size > MAX_ORDER_BYTES) return reject('too-big', `The order is ${size} bytes; at most ${MAX_ORDER_BYTES}.`);
  const base = parseAsset(o.base);
  if (!base) return reject('bad-asset', `Unknown base asset "${o.base}".`);
  const quote = parseAsset(o.quote);
  if (!quote) return reject('bad-asset', `Unknown quote asset "${o.quote}".`);
  if (o.base === o.quote) return reject('same-asset', 'Base and quote are the same asset.');
  if (o.price < 1n || o.price > MAX_PRICE_UNITS) return reject('price-out-of-range', 'Price must be 1 … 2^128−1.');
  if (o.lot < 1n || o.lot > MAX_PRICE_UNITS) return reject('price-out-of-range', 'Lot must be 1 … 2^128−1.');
  if (gcdIsNotOne(o.price, o.lot)) return reject('price-not-reduced', 'Price and lot must be in lowest terms.');
  if (o.amount < 1n || o.amount > maxUnits(base)) return reject('amount-out-of-range', 'Amount is out of range.');
  if (o.amount % o.lot !== 0n) return reject('amount-not-lot-multiple', 'Amount must be a whole number of lots.');
  if (quoteFor(o, o.amount) > maxUnits(quote)) {
    return reject('total-out-of-range', 'The order is worth more of the quote asset than can exist.');
  }
  if (o.minFill !== undefined && (o.minFill < o.lot || o.minFill > o.amount || o.minFill % o.lot !== 0n)) {
    return reject('min-fill-invalid', 'Minimum fill must be whole lots, at least one and at most the amount.');
  }
  if (o.outpoints.length === 0) return reject('bad-outpoint', 'An order names at least one outpoint.');
  const seen = new Set<string>();
  for (const outpoint of o.outpoints) {
    if (!isOutpoint(outpoint)) return reject('bad-outpoint', `Not an outpoint: "${outpoint.slice(0, 80)}".`);
    if (seen.has(outpoint)) return reject('duplicate-outpoint', `Outpoint ${outpoint} is listed twice.`);
    seen.add(outpoint);
  }
  if (o.expires <= o.created) return reject('bad-expiry', 'The order expires before it is created.');
  if (o.expires - o.created > MAX_TTL_MS) {
    return reject('ttl-too-long', `An order lives at most ${MAX_TTL_MS / 60_000} minutes.`);
  }
  if (o.created > now + skew) return reject('created-in-future', 'The order is created in the future.');
  if (o.expires <= now) return reject('expired', 'The order has expired.');
  const cap = context.maxLivePerMaker ?? DEFAULT_MAX_LIVE_PER_MAKER;
  if ((context.makerLiveOrders ?? 0) >= cap) {
    return reject('too-many-live-orders', `The maker already has ${cap} live orders.`);
  }
  return { ok: true };
}

const SIG = /^[0-9a-f]{128}$/;

/** Whether the order's id matches its content and its signature verifies with its maker key. */
export async function verifyOrderSignature(o: Order, verify: SignatureVerifier = verifySignature): Promise<boolean> {
  if (!SIG.test(o.sig)) return false;
  const canonical = canonicalOrder(o);
  if (bytesToHex(sha256(utf8ToBytes(canonical))) !== o.id) return false;
  try {
    return (await verify(o.maker, domainMessage(ORDER_TAG, canonical), hexToBytes(o.sig))) === true;
  } catch {
    return false;
  }
}

/** `checkOrder`, then the signature (unless `context.verify === false`). */
export async function validateOrder(o: Order, now: number, context: ValidationContext = {}): Promise<OrderVerdict> {
  const verdict = checkOrder(o, now, context);
  if (!verdict.ok || context.verify === false) return verdict;
  if (!(await verifyOrderSignature(o, context.verify))) {
    return reject('bad-signature', 'The signature does not verify with the maker key (or the id does not match).');
  }
  return { ok: true };
}

function gcdIsNotOne(a: bigint, b: bigint): boolean {
  if (a === 1n || b === 1n) return false;
  while (b !== 0n) [a, b] = [b, a % b];
  return a !== 1n;
}

export interface CancelContext {
  /** The order it cancels, when known. */
  order?: Order | undefined;
  verify?: SignatureVerifier | false;
  maxClockSkewMs?: number;
}

/**
 * The cheap rules for a cancel: not from the future, not stale, and — when the order is known —
 * from the order's maker.
 */
export function checkCancel(c: Cancel, now: number, context: CancelContext = {}): CancelVerdict {
  const skew = context.maxClockSkewMs ?? MAX_CLOCK_SKEW_MS;
  if (c.at > now + skew) return reject('created-in-future', 'The cancel is dated in the future.');
  const { order } = context;
  if (order) {
    if (order.id !== c.orderId) return reject('malformed', 'The cancel is for another order.');
    if (order.maker !== c.maker) return reject('not-maker', 'Only the maker of an order can cancel it.');
    if (order.expires <= now) return reject('expired', 'The order has already expired.');
  } else if (c.at + MAX_TTL_MS + skew <= now) {
    return reject('expired', 'The cancel is older than any order it could cancel.');
  }
  return { ok: true };
}

export async function verifyCancelSignature(c: Cancel, verify: SignatureVerifier = verifySignature): Promise<boolean> {
  if (!SIG.test(c.sig)) return false;
  try {
    return (await verify(c.maker, cancelMessage(c), hexToBytes(c.sig))) === true;
  } catch {
    return false;
  }
}

/** `checkCancel`, then the signature by the key the cancel names. */
export async function validateCancel(c: Cancel, now: number, context: CancelContext = {}): Promise<CancelVerdict> {
  const verdict = checkCancel(c, now, context);
  if (!verdict.ok || context.verify === false) return verdict;
  if (!(await verifyCancelSignature(c, context.verify))) {
    return reject('bad-signature', 'The cancel signature does not verify with the maker key.');
  }
  return { ok: true };
}
