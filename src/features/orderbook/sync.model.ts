/**
 * Orderbook sync and gossip as a pure state machine: no network, no timers. The owner feeds it
 * link events and inbound messages and gives it a `send` and a clock.
 *
 * ## Protocol (JSON messages, discriminated by `t`, each ≤ MAX_MESSAGE_BYTES)
 * - `{"t":"digest","orders":<short ids>,"cancels":<short ids>}` — on every new link each side sends
 *   the short ids of its live orders and honoured cancels, in pages of at most MAX_IDS_PER_MESSAGE.
 *   A short id is the first SHORT_ID_HEX hex digits of the id; a page's ids are concatenated.
 * - `{"t":"get","orders":<short ids>,"cancels":<short ids>}` — the receiver of a digest asks only
 *   for what it lacks, in pages.
 * - `{"t":"orders","orders":[<order wire>…][,"reach":[{"peer":<peer id>}|null…]]}` and
 *   `{"t":"cancels","cancels":[<cancel wire>…]}` — answers to `get`, packed into pages under the size
 *   limit, and the gossip of new items.
 *
 * ## Reach (how to find an order's maker)
 * `reach`, when present, has one entry per order, in order: `{"peer":<the maker's peer id>}` (a valid peer id,
 * at most 64 characters; no other keys) or `null`. It is beside the order, not in it: the signed order format,
 * its id and signature are unchanged. The maker sets its current peer id for its own orders; a relay forwards
 * the hint it holds unchanged. An order received straight from its maker (the link's authenticated key is the
 * order's maker) is reachable at that link's peer, whatever the message says; a new link to a maker gives its
 * orders that peer; a hint that arrives for an order already held replaces nothing unless none is held; hints
 * pointing at a peer that went away are forgotten (`peerLeft(peer, true)`). Unsigned, so a relay may lie: a
 * taker proceeds only when the peer it reaches proves the order's maker key (the trade widget checks it).
 *
 * Every order and cancel is validated (shape, ranges, clock, cap, then signature) before it enters
 * the book; only items that entered the book are forwarded, once (the book is the seen-set), to every
 * neighbour except the one it came from — so items cross chains of peers that are not directly
 * linked, and forged or foreign-cancelled items stop at the first honest peer. A cancel for an order
 * not yet seen waits unforwarded (bounded) until that order arrives, then cancels it.
 * Orders are never attributed to the peer that relayed them: the maker is the signed key.
 */
import * as v from 'valibot';
import { isValidPeerId } from '../../core/config.js';
import { OrderBook, type BookOptions } from './book.model.js';
import {
  CancelWireSchema,
  checkCancel,
  checkOrder,
  decodeOrder,
  encodeCancel,
  encodeOrder,
  serializeOrder,
  verifyCancelSignature,
  verifyOrderSignature,
  OrderWireSchema,
  type Cancel,
  type CancelVerdict,
  type CancelWire,
  type Order,
  type OrderVerdict,
  type OrderWire,
  type SignatureVerifier,
} from './order.model.js';
import {
  MAX_IDS_PER_MESSAGE,
  MAX_MESSAGE_BYTES,
  SHORT_ID_HEX,
  type CancelRejectReason,
  type OrderRejectReason,
  type Reach,
  type RemovalCause,
  type SyncRejectReason,
} from './orderbook.types.js';

// ---- messages --------------------------------------------------------------------------------------------------

const ShortIds = v.pipe(v.string(), v.maxLength(MAX_IDS_PER_MESSAGE * SHORT_ID_HEX), v.regex(new RegExp(`^(?:[0-9a-f]{${SHORT_ID_HEX}})*$`)));

export const DigestMessageSchema = v.strictObject({ t: v.literal('digest'), orders: ShortIds, cancels: ShortIds });
export const GetMessageSchema = v.strictObject({ t: v.literal('get'), orders: ShortIds, cancels: ShortIds });
/** How to reach an order's maker, beside the order (unsigned: a hint). Unknown keys are refused. */
export const ReachSchema = v.strictObject({ peer: v.pipe(v.string(), v.maxLength(64), v.check(isValidPeerId, 'not a peer id')) });

export const OrdersMessageSchema = v.strictObject({
  t: v.literal('orders'),
  orders: v.pipe(v.array(OrderWireSchema), v.minLength(1), v.maxLength(500)),
  /** One entry per order (same index): how to reach its maker, or null. */
  reach: v.optional(v.pipe(v.array(v.nullable(ReachSchema)), v.maxLength(500))),
});
export const CancelsMessageSchema = v.strictObject({
  t: v.literal('cancels'),
  cancels: v.pipe(v.array(CancelWireSchema), v.minLength(1), v.maxLength(500)),
});

/** Every message on the orderbook channel (give it to `service.channel('orderbook', …)`). */
export const SyncMessageSchema = v.pipe(
  v.variant('t', [DigestMessageSchema, GetMessageSchema, OrdersMessageSchema, CancelsMessageSchema]),
  v.check((m) => m.t !== 'orders' || m.reach === undefined || m.reach.length === m.orders.length, 'reach must have one entry per order'),
);
export type SyncMessage = v.InferOutput<typeof SyncMessageSchema>;

// ---- events and results ----------------------------------------------------------------------------------------

export type BookChange =
  | { readonly type: 'added'; readonly order: Order; /** The peer it came through; absent for our own. */ readonly from?: string | undefined }
  | { readonly type: 'removed'; readonly order: Order; readonly cause: RemovalCause };

export interface SyncReject {
  readonly kind: 'message' | 'order' | 'cancel';
  readonly reason: SyncRejectReason | OrderRejectReason | CancelRejectReason;
  /** The order id the reject is about (for orders and cancels). */
  readonly id?: string | undefined;
  readonly message: string;
}

export interface SyncOptions {
  send(peer: string, message: SyncMessage): void;
  /** Send one message to several peers, serialised once (default: `send` per peer). */
  sendMany?(peers: readonly string[], message: SyncMessage): void;
  /** Milliseconds since the epoch. */
  now(): number;
  /** Signature check (default: the identity module's `verifySignature`); `false` trusts every signature. */
  verify?: SignatureVerifier | false;
  /** Book settings, or a book to use. */
  book?: OrderBook | BookOptions;
  /** Called for every order that enters or leaves the book. */
  onChange?(change: BookChange): void;
  /** Called for every refused message, order or cancel (peer undefined for local publish/cancel). */
  onReject?(peer: string | undefined, reject: SyncReject): void;
  /**
   * An extra, possibly slow check of an order that passed every rule and its signature, before it
   * enters the book and is forwarded (the host's asset indexer). Not called for orders already known.
   */
  screen?(order: Order): OrderVerdict | Promise<OrderVerdict>;
  /** The authenticated identity key of the peer on a link (orders straight from their maker are reachable there). */
  peerKey?(peer: string): string | undefined;
  /** How to reach me, when `maker` is my identity key (my current peer id): the hint sent with my orders. */
  myReach?(maker: string): Reach | undefined;
}

/** The envelope of an `orders` message with its `reach` list (counted whether or not a page carries one). */
const ORDERS_ENVELOPE = '{"t":"orders","orders":[],"reach":[]}'.length;
/** `null`: the reach entry of an order without a hint. */
const NO_REACH = 4;
const CANCELS_ENVELOPE = '{"t":"cancels","cancels":[]}'.length;
const BAD_SIGNATURE_MEMORY = 10_000;

/** Split `items` into pages whose JSON (envelope + items + commas) stays within the message limit. */
function pageBySize<T>(items: readonly T[], size: (item: T) => number, envelope: number): T[][] {
  const pages: T[][] = [];
  let page: T[] = [];
  let bytes = envelope;
  for (const item of items) {
    const n = size(item);
    if (page.length && (bytes + 1 + n > MAX_MESSAGE_BYTES || page.length >= 500)) {
      pages.push(page);
      page = [];
      bytes = envelope;
    }
    bytes += n + (page.length ? 1 : 0);
    page.push(item);
  }
  if (page.length) pages.push(page);
  return pages;
}

function shortIdsOf(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + SHORT_ID_HEX <= text.length; i += SHORT_ID_HEX) out.push(text.slice(i, i + SHORT_ID_HEX));
  return out;
}

/** Pages of `{orders, cancels}` short-id strings, at most MAX_IDS_PER_MESSAGE ids per page. */
function idPages(orders: readonly string[], cancels: readonly string[]): { orders: string; cancels: string }[] {
  const pages: { orders: string; cancels: string }[] = [];
  let o = 0;
  let c = 0;
  while (o < orders.length || c < cancels.length) {
    const takeOrders = Math.min(orders.length - o, MAX_IDS_PER_MESSAGE);
    const takeCancels = Math.min(cancels.length - c, MAX_IDS_PER_MESSAGE - takeOrders);
    pages.push({ orders: orders.slice(o, o + takeOrders).join(''), cancels: cancels.slice(c, c + takeCancels).join('') });
    o += takeOrders;
    c += takeCancels;
  }
  return pages;
}

export class OrderbookSync {
  readonly book: OrderBook;
  private readonly peerSet = new Set<string>();
  /** `id + sig` of orders (and `orderId + maker + sig` of cancels) whose signature failed: not re-verified. */
  private readonly badSignatures = new Set<string>();
  /** Items being verified right now, so a copy arriving meanwhile is not verified twice. */
  private readonly inFlight = new Set<string>();

  constructor(private readonly options: SyncOptions) {
    this.book = options.book instanceof OrderBook ? options.book : new OrderBook(options.book);
  }

  /** Peers currently linked. */
  get peers(): readonly string[] {
    return [...this.peerSet];
  }

  /**
   * A new link: remember the peer and send it our digest, paged. When the peer's authenticated key is a maker's,
   * that maker's orders are reachable at this peer.
   */
  peerJoined(peer: string): void {
    this.peerSet.add(peer);
    const key = this.options.peerKey?.(peer);
    if (key) for (const order of this.book.ordersOf(key)) this.book.setReach(order.id, { peer });
    const orders: string[] = [];
    for (const order of this.book.all()) orders.push(order.id.slice(0, SHORT_ID_HEX));
    const cancels: string[] = [];
    for (const c of this.book.cancels()) cancels.push(c.orderId.slice(0, SHORT_ID_HEX));
    const pages = idPages(orders, cancels);
    if (pages.length === 0) pages.push({ orders: '', cancels: '' });
    for (const page of pages) this.options.send(peer, { t: 'digest', ...page });
  }

  /** A link ended; `gone` (the peer left or is unreachable, not merely re-linking): hints pointing at it are forgotten. */
  peerLeft(peer: string, gone = false): void {
    this.peerSet.delete(peer);
    if (gone) this.book.forgetReachTo(peer);
  }

  /**
   * Handle one inbound message. Resolves (after any signature checks) with what was refused;
   * never throws for bad input.
   */
  async receive(peer: string, input: unknown): Promise<SyncReject[]> {
    const rejects: SyncReject[] = [];
    const refuse = this.refuser(peer, rejects);
    if (!this.knownPeer(peer, refuse)) return rejects;
    let size: number;
    try {
      size = JSON.stringify(input)?.length ?? 0;
    } catch {
      size = Infinity;
    }
    // Characters ≤ UTF-8 bytes; anything non-ASCII fails the schema anyway.
    if (size > MAX_MESSAGE_BYTES) {
      refuse({ kind: 'message', reason: 'too-big', message: `Message of ${size} characters; at most ${MAX_MESSAGE_BYTES}.` });
      return rejects;
    }
    const parsed = v.safeParse(SyncMessageSchema, input);
    if (!parsed.success) {
      const path = parsed.issues[0]?.path?.map((p) => String(p.key)).join('.') ?? '';
      refuse({ kind: 'message', reason: 'malformed', message: `Malformed${path ? ` ${path}` : ''}: ${parsed.issues[0]?.message ?? ''}` });
      return rejects;
    }
    return this.receiveChecked(peer, parsed.output, rejects);
  }

  private knownPeer(peer: string, refuse: (r: SyncReject) => void): boolean {
    if (this.peerSet.has(peer)) return true;
    refuse({ kind: 'message', reason: 'unknown-peer', message: `No link to "${peer}".` });
    return false;
  }

  private refuser(peer: string, rejects: SyncReject[]): (r: SyncReject) => void {
    return (r) => {
      rejects.push(r);
      this.options.onReject?.(peer, r);
    };
  }

  /**
   * Handle a message that already passed `SyncMessageSchema` and the `MAX_MESSAGE_BYTES` limit (the
   * connection service's `orderbook` channel checks both before it delivers): nothing is checked twice.
   */
  async receiveChecked(peer: string, msg: SyncMessage, rejects: SyncReject[] = []): Promise<SyncReject[]> {
    const refuse = this.refuser(peer, rejects);
    if (!this.knownPeer(peer, refuse)) return rejects;
    switch (msg.t) {
      case 'digest':
        this.onDigest(peer, msg.orders, msg.cancels);
        break;
      case 'get':
        this.onGet(peer, msg.orders, msg.cancels);
        break;
      case 'orders':
        await this.onOrders(peer, msg.orders, msg.reach, refuse);
        break;
      case 'cancels':
        await this.onCancels(peer, msg.cancels, refuse);
        break;
    }
    return rejects;
  }

  /** Publish our own order: validate it fully, add it, gossip it to every neighbour. */
  async publish(order: Order): Promise<OrderVerdict> {
    const verdict = await this.admitOrder(order, undefined);
    if (!verdict.ok) this.options.onReject?.(undefined, { kind: 'order', reason: verdict.reason, id: order.id, message: verdict.message });
    return verdict;
  }

  /** Cancel one of our orders with a signed tombstone; gossiped when honoured. */
  async cancel(tombstone: Cancel): Promise<CancelVerdict> {
    const verdict = await this.admitCancel(tombstone, undefined);
    if (!verdict.ok) {
      this.options.onReject?.(undefined, { kind: 'cancel', reason: verdict.reason, id: tombstone.orderId, message: verdict.message });
    }
    return verdict;
  }

  /** Drop expired orders and stale tombstones (call it every few seconds). Returns the orders dropped. */
  prune(): Order[] {
    const expired = this.book.prune(this.options.now());
    for (const order of expired) this.options.onChange?.({ type: 'removed', order, cause: 'expired' });
    return expired;
  }

  // ---- handlers ------------------------------------------------------------------------------------------------

  private onDigest(peer: string, orders: string, cancels: string): void {
    const wantOrders = shortIdsOf(orders).filter((s) => !this.book.getByShortId(s) && !this.book.cancelByShortId(s));
    const wantCancels = shortIdsOf(cancels).filter((s) => !this.book.cancelByShortId(s));
    for (const page of idPages(wantOrders, wantCancels)) this.options.send(peer, { t: 'get', ...page });
  }

  private onGet(peer: string, orders: string, cancels: string): void {
    const found: Order[] = [];
    for (const s of shortIdsOf(orders)) {
      const order = this.book.getByShortId(s);
      if (order) found.push(order);
    }
    this.sendOrders([peer], found);
    const foundCancels: Cancel[] = [];
    for (const s of shortIdsOf(cancels)) {
      const c = this.book.cancelByShortId(s);
      if (c) foundCancels.push(c);
    }
    this.sendCancels([peer], foundCancels);
  }

  private async onOrders(
    peer: string,
    wires: readonly OrderWire[],
    reach: readonly (Reach | null)[] | undefined,
    refuse: (r: SyncReject) => void,
  ): Promise<void> {
    const accepted: Order[] = [];
    const sender = this.options.peerKey?.(peer);
    await Promise.all(
      wires.map(async (wire, i) => {
        // The message schema has checked the shape of every order (and that `reach` has one entry per order).
        const order = decodeOrder(wire);
        // Straight from its maker: reachable right here, whatever the message says.
        const direct = sender !== undefined && sender === order.maker;
        const hint = direct ? { peer } : (reach?.[i] ?? undefined);
        if (hint && this.book.has(order.id) && (direct || !this.book.reachOf(order.id))) this.book.setReach(order.id, hint);
        const verdict = await this.admitOrder(order, peer, hint);
        if (verdict === 'accepted') accepted.push(order);
        else if (verdict !== 'ignored' && !verdict.ok) {
          refuse({ kind: 'order', reason: verdict.reason, id: order.id, message: verdict.message });
        }
      }),
    );
    this.sendOrders(this.neighboursExcept(peer), accepted);
  }

  private async onCancels(peer: string, wires: readonly CancelWire[], refuse: (r: SyncReject) => void): Promise<void> {
    await Promise.all(
      wires.map(async (wire) => {
        const c: Cancel = Object.freeze({ ...wire });
        const verdict = await this.admitCancel(c, peer);
        if (verdict !== 'ignored' && !verdict.ok) {
          refuse({ kind: 'cancel', reason: verdict.reason, id: c.orderId, message: verdict.message });
        }
      }),
    );
  }

  /**
   * Validate and add one order; gossip it when it came from us. `'accepted'` / `'ignored'` (already
   * known or cancelled: normal in gossip) for remote orders; a verdict otherwise.
   */
  private admitOrder(order: Order, from: undefined): Promise<OrderVerdict>;
  private admitOrder(order: Order, from: string, reach: Reach | undefined): Promise<OrderVerdict | 'accepted' | 'ignored'>;
  private async admitOrder(order: Order, from: string | undefined, reach?: Reach): Promise<OrderVerdict | 'accepted' | 'ignored'> {
    const book = this.book;
    const remote = from !== undefined;
    if (remote && (book.has(order.id) || book.cancelOf(order.id))) return 'ignored';
    const key = order.id + order.sig;
    if (remote && this.inFlight.has(key)) return 'ignored';
    if (this.badSignatures.has(key)) return { ok: false, reason: 'bad-signature', message: 'The signature does not verify with the maker key.' };
    const checked = checkOrder(order, this.options.now(), {
      makerLiveOrders: book.liveCount(order.maker),
      maxLivePerMaker: book.maxLivePerMaker,
    });
    if (!checked.ok) return checked;
    if (book.size >= book.maxOrders) {
      return { ok: false, reason: 'book-full', message: `The book holds its maximum of ${book.maxOrders} orders.` };
    }
    const screen = this.options.screen;
    if (this.options.verify !== false || screen) {
      this.inFlight.add(key);
      try {
        if (this.options.verify !== false && !(await verifyOrderSignature(order, this.options.verify))) {
          this.remember(key);
          return { ok: false, reason: 'bad-signature', message: 'The signature does not verify with the maker key.' };
        }
        if (screen) {
          let screened: OrderVerdict;
          try {
            screened = await screen(order);
          } catch (error) {
            screened = { ok: false, reason: 'asset-not-held', message: `The asset check failed: ${String(error)}` };
          }
          if (!screened.ok) return screened;
        }
      } finally {
        this.inFlight.delete(key);
      }
    }
    const inserted = book.insert(order, this.options.now());
    if (!inserted.ok) {
      if (inserted.honouredCancel) this.sendCancels(this.neighbours(), [inserted.honouredCancel]);
      if (remote && (inserted.reason === 'duplicate' || inserted.reason === 'cancelled')) return 'ignored';
      return { ok: false, reason: inserted.reason, message: inserted.message };
    }
    if (reach) book.setReach(order.id, reach);
    this.options.onChange?.({ type: 'added', order, from });
    if (!remote) {
      this.sendOrders(this.neighbours(), [order]);
      return { ok: true };
    }
    return 'accepted';
  }

  /** Validate and apply one cancel; forward it when honoured. */
  private admitCancel(c: Cancel, from: undefined): Promise<CancelVerdict>;
  private admitCancel(c: Cancel, from: string): Promise<CancelVerdict | 'ignored'>;
  private async admitCancel(c: Cancel, from: string | undefined): Promise<CancelVerdict | 'ignored'> {
    const book = this.book;
    if (book.cancelOf(c.orderId)) {
      return from !== undefined ? 'ignored' : { ok: false, reason: 'duplicate', message: 'Already cancelled.' };
    }
    const key = c.orderId + c.maker + c.sig;
    if (from !== undefined && this.inFlight.has(key)) return 'ignored';
    if (this.badSignatures.has(key)) return { ok: false, reason: 'bad-signature', message: 'The cancel signature does not verify.' };
    const checked = checkCancel(c, this.options.now(), { order: book.get(c.orderId) });
    if (!checked.ok) return checked;
    if (this.options.verify !== false) {
      this.inFlight.add(key);
      let good: boolean;
      try {
        good = await verifyCancelSignature(c, this.options.verify);
      } finally {
        this.inFlight.delete(key);
      }
      if (!good) {
        this.remember(key);
        return { ok: false, reason: 'bad-signature', message: 'The cancel signature does not verify.' };
      }
    }
    const result = book.cancel(c, this.options.now());
    if (!result.ok) {
      if (from !== undefined && result.reason === 'duplicate') return 'ignored';
      return { ok: false, reason: result.reason, message: result.message };
    }
    if (result.removed) this.options.onChange?.({ type: 'removed', order: result.removed, cause: 'cancelled' });
    if (result.honoured) this.sendCancels(this.neighboursExcept(from), [c]);
    return { ok: true };
  }

  // ---- sending -------------------------------------------------------------------------------------------------

  private neighbours(): string[] {
    return [...this.peerSet];
  }

  private neighboursExcept(peer: string | undefined): string[] {
    return [...this.peerSet].filter((p) => p !== peer);
  }

  private sendTo(peers: readonly string[], msg: SyncMessage): void {
    if (this.options.sendMany) this.options.sendMany(peers, msg);
    else for (const peer of peers) this.options.send(peer, msg);
  }

  private sendOrders(peers: readonly string[], orders: readonly Order[]): void {
    if (peers.length === 0 || orders.length === 0) return;
    const reachOf = new Map<string, Reach | undefined>();
    for (const o of orders) reachOf.set(o.id, this.reachFor(o));
    // Each order counts its reach entry too (and the comma before it).
    const size = (o: Order) => serializeOrder(o).length + 1 + (reachOf.get(o.id) ? JSON.stringify(reachOf.get(o.id)).length : NO_REACH);
    for (const page of pageBySize(orders, size, ORDERS_ENVELOPE)) {
      const reach = page.map((o) => reachOf.get(o.id) ?? null);
      this.sendTo(peers, { t: 'orders', orders: page.map(encodeOrder), ...(reach.some((r) => r !== null) ? { reach } : {}) });
    }
  }

  /** The hint sent with an order: my current peer id for my own, else the one held (forwarded unchanged). */
  private reachFor(order: Order): Reach | undefined {
    const mine = this.options.myReach?.(order.maker);
    if (mine) return { peer: mine.peer };
    return this.book.reachOf(order.id);
  }

  private sendCancels(peers: readonly string[], cancels: readonly Cancel[]): void {
    if (peers.length === 0 || cancels.length === 0) return;
    const pages = pageBySize(cancels, (c) => JSON.stringify(encodeCancel(c)).length, CANCELS_ENVELOPE);
    for (const page of pages) {
      this.sendTo(peers, { t: 'cancels', cancels: page.map(encodeCancel) });
    }
  }

  private remember(key: string): void {
    this.badSignatures.add(key);
    if (this.badSignatures.size > BAD_SIGNATURE_MEMORY) {
      const oldest = this.badSignatures.values().next().value;
      if (oldest !== undefined) this.badSignatures.delete(oldest);
    }
  }
}
