/**
 * Pure helpers of `<darkswap-orderbook>`: decimal text ↔ integer units (bigint, never floating
 * point), the create-order and take forms' validation with a message per field, the rows of the
 * virtualized book (aggregated levels, expanded per-order rows, depth), and the live summary text.
 *
 * Display units: `baseDecimals` / `quoteDecimals` say how many decimal places one display unit of
 * an asset has (BTC shown in BTC: 8; shown in sats: 0). Prices are shown and entered as quote
 * display units per one base display unit and kept exactly as `price / lot` quote units per base unit.
 */
import { msg, str } from '@lit/localize';
import { formatDecimal, formatNumber } from '../../internal/format.js';
import { checkOrder, isOutpoint, minFillOf, parseAsset, type Order, type OrderTerms } from '../../features/orderbook/order.model.js';
import { formatRatio, ratio, type Ratio } from '../../features/orderbook/ratio.js';
import { MAX_PRICE_UNITS, type Side } from '../../features/orderbook/orderbook.types.js';

const DECIMAL = /^(\d+)(?:\.(\d*))?$|^\.(\d+)$/;
const MAX_DIGITS = 40;

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** `10^n` as a bigint. */
export function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/**
 * Exact value of decimal text as `num / 10^scale` (num ≥ 0). Accepts `12`, `12.5`, `.5`, `12.`;
 * thousands separators, signs, exponents and anything else are refused.
 */
export function parseDecimalText(text: string): Parsed<{ num: bigint; scale: number }> {
  const t = text.trim();
  if (t === '') return { ok: false, message: msg('Enter a number.') };
  const m = DECIMAL.exec(t);
  if (!m) return { ok: false, message: msg('Use digits and at most one dot, like 0.25.') };
  const whole = m[1] ?? '0';
  const fraction = m[2] ?? m[3] ?? '';
  if (whole.length + fraction.length > MAX_DIGITS) return { ok: false, message: msg('That number is too long.') };
  return { ok: true, value: { num: BigInt(whole + fraction || '0'), scale: fraction.length } };
}

/** Decimal text in display units → integer base units (`decimals` places), exactly. */
export function parseUnits(text: string, decimals: number): Parsed<bigint> {
  const d = parseDecimalText(text);
  if (!d.ok) return d;
  const { num, scale } = d.value;
  if (scale > decimals) {
    const excess = pow10(scale - decimals);
    if (num % excess !== 0n) {
      return { ok: false, message: decimals === 0 ? msg('Use a whole number.') : msg(str`Use at most ${decimals} decimal places.`) };
    }
    return { ok: true, value: num / excess };
  }
  return { ok: true, value: num * pow10(decimals - scale) };
}

/** Integer units → display text with `decimals` places, trailing zeros dropped. Exact. */
export function formatUnits(units: bigint, decimals: number): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  if (decimals === 0) return `${negative ? '-' : ''}${abs}`;
  const scale = pow10(decimals);
  const fraction = (abs % scale).toString().padStart(decimals, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${abs / scale}${fraction ? `.${fraction}` : ''}`;
}

/** Display price text → exact quote units per base unit. */
export function parsePrice(text: string, baseDecimals: number, quoteDecimals: number): Parsed<Ratio> {
  const d = parseDecimalText(text);
  if (!d.ok) return d;
  if (d.value.num === 0n) return { ok: false, message: msg('The price must be more than 0.') };
  const r = ratio(d.value.num * pow10(quoteDecimals), pow10(d.value.scale + baseDecimals));
  if (r.num > MAX_PRICE_UNITS || r.den > MAX_PRICE_UNITS) return { ok: false, message: msg('That price is out of range.') };
  return { ok: true, value: r };
}

/** Quote units per base unit → display price (quote display units per base display unit). */
export function displayPrice(price: Ratio, baseDecimals: number, quoteDecimals: number): Ratio {
  return ratio(price.num * pow10(baseDecimals), price.den * pow10(quoteDecimals));
}

export function formatPrice(price: Ratio, baseDecimals: number, quoteDecimals: number): string {
  return formatRatio(displayPrice(price, baseDecimals, quoteDecimals), Math.min(20, Math.max(8, baseDecimals + quoteDecimals)));
}

/**
 * The unit an amount of `asset` is shown in, named as what it is: BTC with 8 decimals is `BTC`, with 0 it is
 * `sats` (never sats labelled BTC); other assets keep their name.
 */
export function unitLabel(asset: string, decimals: number): string {
  if (asset !== 'BTC') return asset;
  if (decimals === 8) return 'BTC';
  if (decimals === 0) return 'sats';
  return `BTC ×10⁻${decimals}`;
}

/** Display text of prices and amounts in one widget's display units. */
export interface Formats {
  /** The unit of the base or quote side (`unitLabel`). */
  unit(side: 'base' | 'quote', asset: string): string;
  price(r: Ratio): string;
  /** A price that may be negative (the spread of a crossed book). */
  signedPrice(r: Ratio): string;
  units(u: bigint, side: 'base' | 'quote'): string;
  /** Units as typed into an input (digits and a dot, whatever the language). */
  plainUnits(u: bigint, side: 'base' | 'quote'): string;
}

export function formatsFor(baseDecimals: number, quoteDecimals: number): Formats {
  const price = (r: Ratio) => formatDecimal(formatPrice(r, baseDecimals, quoteDecimals));
  return {
    unit: (side, asset) => unitLabel(asset, side === 'base' ? baseDecimals : quoteDecimals),
    price,
    signedPrice: (r) => (r.num >= 0n ? price(r) : `-${price(ratio(-r.num, r.den))}`),
    units: (u, side) => formatDecimal(formatUnits(u, side === 'base' ? baseDecimals : quoteDecimals)),
    plainUnits: (u, side) => formatUnits(u, side === 'base' ? baseDecimals : quoteDecimals),
  };
}

/** `BASE/QUOTE` → its two assets, when both are valid and different. */
export function parsePair(pair: string): { base: string; quote: string } | undefined {
  const slash = pair.indexOf('/');
  if (slash < 0) return undefined;
  const base = pair.slice(0, slash).trim();
  const quote = pair.slice(slash + 1).trim();
  if (!parseAsset(base) || !parseAsset(quote) || base === quote) return undefined;
  return { base, quote };
}

// ---- create-order form -----------------------------------------------------------------------------------------

export const ORDER_FORM_FIELDS = ['side', 'price', 'amount', 'minFill', 'outpoints'] as const;
export type OrderFormField = (typeof ORDER_FORM_FIELDS)[number];

export interface OrderFormInput {
  side: string;
  price: string;
  amount: string;
  /** Empty: any whole number of lots. */
  minFill: string;
  /** Outpoints separated by white space or commas. */
  outpoints: string;
}

export interface FormUnits {
  base: string;
  quote: string;
  baseDecimals: number;
  quoteDecimals: number;
}

export type OrderFormResult = { ok: true; terms: OrderTerms & { lot: bigint } } | { ok: false; errors: Partial<Record<OrderFormField | 'form', string>> };

/**
 * Validate the create-order form: one message per field in plain words, then the order model's
 * own range rules (total, lots) on the result, so the form never offers what peers would refuse.
 */
export function validateOrderForm(input: OrderFormInput, units: FormUnits, now = Date.now()): OrderFormResult {
  const errors: Partial<Record<OrderFormField | 'form', string>> = {};
  const { baseDecimals: bd, quoteDecimals: qd } = units;
  const side = input.side === 'buy' || input.side === 'sell' ? (input.side as Side) : undefined;
  if (!side) errors.side = msg('Choose buy or sell.');
  const price = parsePrice(input.price, bd, qd);
  if (!price.ok) errors.price = input.price.trim() === '' ? msg('Enter a price.') : price.message;
  const amount = parseUnits(input.amount, bd);
  if (!amount.ok) errors.amount = input.amount.trim() === '' ? msg('Enter an amount.') : amount.message;
  else if (amount.value === 0n) errors.amount = msg('The amount must be more than 0.');
  let minFill: bigint | undefined;
  if (input.minFill.trim() !== '') {
    const m = parseUnits(input.minFill, bd);
    if (!m.ok) errors.minFill = m.message;
    else minFill = m.value;
  }
  const outpoints = input.outpoints
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (outpoints.length === 0) errors.outpoints = msg('List at least one outpoint (txid:vout) you will spend to settle.');
  else {
    const bad = outpoints.find((o) => !isOutpoint(o.toLowerCase()));
    if (bad) errors.outpoints = `"${bad.slice(0, 80)}" is not an outpoint: 64 hex digits, a colon, an output number.`;
    else if (new Set(outpoints.map((o) => o.toLowerCase())).size !== outpoints.length) errors.outpoints = msg('An outpoint is listed twice.');
  }
  if (price.ok && amount.ok && amount.value > 0n) {
    const lot = price.value.den;
    const lotText = formatUnits(lot, bd);
    if (amount.value % lot !== 0n) errors.amount = msg(str`At this price the amount must be a multiple of ${lotText}.`);
    if (minFill !== undefined && !errors.minFill) {
      if (minFill % lot !== 0n) errors.minFill = msg(str`At this price the minimum fill must be a multiple of ${lotText}.`);
      else if (minFill < lot) errors.minFill = msg('The minimum fill must be more than 0.');
      else if (minFill > amount.value) errors.minFill = msg('The minimum fill cannot be more than the amount.');
    }
  }
  if (Object.keys(errors).length || !side || !price.ok || !amount.ok) return { ok: false, errors };
  const terms = {
    base: units.base,
    quote: units.quote,
    side,
    price: price.value.num,
    lot: price.value.den,
    amount: amount.value,
    minFill,
    outpoints: outpoints.map((o) => o.toLowerCase()),
  };
  // The model's remaining rules (assets, totals, sizes), on an unsigned draft.
  const draft = { v: 1 as const, maker: '0'.repeat(64), ...terms, created: now, expires: now + 60_000, nonce: '0'.repeat(32), id: '', sig: '0'.repeat(128) };
  const verdict = checkOrder(draft, now, { makerLiveOrders: 0 });
  if (!verdict.ok) {
    const field: OrderFormField | 'form' =
      verdict.reason === 'amount-out-of-range' || verdict.reason === 'total-out-of-range'
        ? 'amount'
        : verdict.reason === 'price-out-of-range'
          ? 'price'
          : 'form';
    return { ok: false, errors: { [field]: verdict.message } };
  }
  return { ok: true, terms };
}

/** Validate a take amount (display text) against one order: whole lots, ≥ its minimum fill, ≤ its amount. */
export function validateTakeAmount(text: string, order: Order, baseDecimals: number): Parsed<bigint> {
  const parsed = parseUnits(text, baseDecimals);
  if (!parsed.ok) return text.trim() === '' ? { ok: false, message: msg('Enter an amount.') } : parsed;
  const amount = parsed.value;
  const fmt = (u: bigint) => formatUnits(u, baseDecimals);
  if (amount === 0n) return { ok: false, message: msg('The amount must be more than 0.') };
  if (amount > order.amount) return { ok: false, message: msg(str`This order has only ${fmt(order.amount)}.`) };
  if (amount % order.lot !== 0n) return { ok: false, message: msg(str`Use a multiple of ${fmt(order.lot)}.`) };
  if (amount < minFillOf(order)) return { ok: false, message: msg(str`The maker's minimum fill is ${fmt(minFillOf(order))}.`) };
  return { ok: true, value: amount };
}

// ---- book rows -------------------------------------------------------------------------------------------------

export interface LevelRow {
  readonly kind: 'level';
  /** `side:num/den`: stable across updates (for keyed rendering and expansion state). */
  readonly key: string;
  readonly side: Side;
  readonly price: Ratio;
  readonly amount: bigint;
  readonly total: bigint;
  readonly count: number;
  readonly cumulative: bigint;
  readonly expanded: boolean;
  /** How many of my orders are at this level. */
  readonly mine: number;
}

export interface OrderRow {
  readonly kind: 'order';
  readonly key: string;
  readonly side: Side;
  readonly order: Order;
  readonly mine: boolean;
  readonly levelKey: string;
}

export type BookRow = LevelRow | OrderRow;

export interface SideView {
  readonly rows: BookRow[];
  readonly levels: number;
  readonly orders: number;
  /** Sum of the side's base amounts. */
  readonly depth: bigint;
}

export function levelKey(side: Side, price: Ratio): string {
  return `${side}:${price.num}/${price.den}`;
}

const priceKeys = new WeakMap<Order, string>();

/** `price/lot` of an order as text, computed once per (immutable) order. */
function priceKeyOf(o: Order): string {
  let key = priceKeys.get(o);
  if (key === undefined) {
    key = `${o.price}/${o.lot}`;
    priceKeys.set(o, key);
  }
  return key;
}

/**
 * One side's rows in a single pass over its orders (best first): a row per price level, followed —
 * when that level is expanded — by a row per order in time priority. Depth bars: `depthPercent`
 * against `maxDepth` of both sides. About 10k orders per millisecond or two: no per-order
 * division, level keys cached per order.
 */
export function buildSide(orders: readonly Order[], side: Side, expanded: ReadonlySet<string>, me: string | undefined): SideView {
  const rows: BookRow[] = [];
  let cumulative = 0n;
  let levels = 0;
  let i = 0;
  const n = orders.length;
  while (i < n) {
    const first = orders[i];
    const { price: p, lot } = first;
    let j = i;
    let amount = 0n;
    let mine = 0;
    // Prices are in lowest terms: equal prices have equal (price, lot).
    for (let o = orders[j]; j < n && (o = orders[j]).price === p && o.lot === lot; j++) {
      amount += o.amount;
      if (o.maker === me) mine++;
    }
    cumulative += amount;
    const key = `${side}:${priceKeyOf(first)}`;
    const open = expanded.size > 0 && expanded.has(key);
    // Every amount is whole lots at the same price: the level total is exact without per-order division.
    const total = (amount / lot) * p;
    rows.push({ kind: 'level', key, side, price: { num: p, den: lot }, amount, total, count: j - i, cumulative, expanded: open, mine });
    levels++;
    if (open) {
      for (let k = i; k < j; k++) rows.push({ kind: 'order', key: orders[k].id, side, order: orders[k], mine: orders[k].maker === me, levelKey: key });
    }
    i = j;
  }
  return { rows, levels, orders: n, depth: cumulative };
}

/** The deeper side's total depth: the 100 % of the depth bars. */
export function maxDepth(...sides: SideView[]): bigint {
  let max = 0n;
  for (const s of sides) if (s.depth > max) max = s.depth;
  return max;
}

/**
 * A level's depth bar length, 0–100 with one decimal (display only), relative to `max`. Computed
 * per rendered row, so a 10k-level book costs nothing for the rows off screen.
 */
export function depthPercent(row: Pick<LevelRow, 'cumulative'>, max: bigint): number {
  return max === 0n ? 0 : Number((row.cumulative * 1000n) / max) / 10;
}

export interface SummaryInput {
  base: string;
  quote: string;
  bids: number;
  asks: number;
  bestBid?: string | undefined;
  bestAsk?: string | undefined;
  spread?: string | undefined;
}

/** The polite live summary: counts and the best prices, in words. */
export function summaryText(s: SummaryInput): string {
  const pair = `${s.base}/${s.quote}`;
  if (s.bids === 0 && s.asks === 0) return msg(str`${pair}: no orders.`);
  // Counts as plain digits (no grouping), as the book has always read them.
  const count = (n: number) => formatNumber(n, { useGrouping: false });
  const bids = s.bids === 1 ? msg('1 bid') : msg(str`${count(s.bids)} bids`);
  const asks = s.asks === 1 ? msg('1 ask') : msg(str`${count(s.asks)} asks`);
  const parts = [`${pair}: ${bids}, ${asks}.`];
  if (s.bestBid) parts.push(msg(str`Best bid ${s.bestBid}.`));
  if (s.bestAsk) parts.push(msg(str`Best ask ${s.bestAsk}.`));
  if (s.spread) parts.push(msg(str`Spread ${s.spread}.`));
  return parts.join(' ');
}

/** Time left in words for an order's expiry (display only). */
export function timeLeft(expires: number, now: number): string {
  const s = Math.max(0, Math.round((expires - now) / 1000));
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

/** `buy` / `sell` in the active language (lower case, inside a sentence). */
export function sideWord(side: 'buy' | 'sell'): string {
  return side === 'buy' ? msg('buy') : msg('sell');
}

/** A short, readable form of a 64-hex key. */
export function shortKey(key: string): string {
  return `${key.slice(0, 8)}…${key.slice(-4)}`;
}
