/**
 * The orderbook on the network: binds the pure `OrderbookSync` to a connection service's
 * `orderbook` channel, signs my orders and cancels with the service's identity, refreshes my live
 * orders before they expire while I am online, prunes expired orders on a timer, keeps my orders in
 * IndexedDB and republishes the live ones after a reload, and (optionally) drops orders whose
 * outpoints a host-supplied asset indexer says do not hold what they offer.
 *
 * Framework-free (no lit): `<darkswap-orderbook>` uses one, and so can an app without the widget.
 * One store per service is shared by every widget on the page (`OrderbookStore.acquire`).
 *
 * - Channel `orderbook`: reliable (acked, resent across link drops, in order), priority `high`,
 *   messages up to MAX_MESSAGE_BYTES, each checked against `SyncMessageSchema` by the service.
 * - Signatures are checked with WebCrypto (async, off the main thread), the orders of one inbound
 *   page concurrently; a burst is as many short tasks as pages, never one long task.
 * - My orders: persisted, republished after a reload and refreshed before they expire by the one
 *   store per identity holding its Web Lock (`orderbook.mine.ts`).
 */
import { ORDERBOOK_FEATURE } from './orderbook.key.js';
import type { ConnectionApi } from '../../core/connection-api.js';
import type { Channel } from '../../core/channel.js';
import type { PeerEvent } from '../../core/events.js';
import { featureFor, type Feature, type FeatureLease } from '../registry.js';
import type { BookOptions, MatchResult, TakeRequest } from './book.model.js';
import { checkHoldings, checkSettleable, type OrderbookIndexer } from './assets.model.js';
import { createCancel, createOrder, type CancelVerdict, type Order, type OrderTerms, type OrderVerdict, type SignatureVerifier } from './order.model.js';
import { MyOrders, MyOrderStorage } from './orderbook.mine.js';
import { OrderbookSync, SyncMessageSchema, type BookChange, type SyncMessage, type SyncReject } from './sync.model.js';
import {
  DEFAULT_INDEXER_RECHECK_MS,
  DEFAULT_PRUNE_EVERY_MS,
  DEFAULT_REFRESH_BEFORE_MS,
  DEFAULT_TTL_MS,
  MAX_MESSAGE_BYTES,
  MAX_TTL_MS,
  ORDERBOOK_CHANNEL,
  type CancelRejectReason,
  type OrderRejectReason,
  type Reach,
} from './orderbook.types.js';

export interface OrderbookStoreOptions {
  /** The connection service to sync over (or `attach()` one later). */
  service?: ConnectionApi | undefined;
  /** Host's asset indexer: orders whose outpoints do not hold what they offer are dropped. */
  indexer?: OrderbookIndexer | undefined;
  /** Lifetime of my orders (default 9 min, at most 10). */
  ttlMs?: number;
  /** Re-sign my live orders when they have this long left (default 3 min; 0 = never refresh). */
  refreshBeforeMs?: number;
  /** Prune expired orders this often (default 5 s). */
  pruneEveryMs?: number;
  /** Re-check live orders with the indexer this often (default 60 s; 0 = on arrival only). */
  indexerRecheckMs?: number;
  /**
   * Keep my orders in IndexedDB (default: database `darkswap-orderbook`, object store `my-orders`);
   * `false` keeps them in memory only.
   */
  persist?: boolean | { database: string; store: string };
  book?: BookOptions;
  /** Signature check (default WebCrypto Ed25519). */
  verify?: SignatureVerifier;
  now?: () => number;
}

/** Orders entered or left the book (one event per change, in order; the widget coalesces). */
export class OrderbookChangeEvent extends Event {
  static readonly type = 'orderbook-change';
  constructor(readonly change: BookChange) {
    super(OrderbookChangeEvent.type);
  }
}

/** A message, order or cancel was refused (peer undefined for my own). */
export class OrderbookRejectEvent extends Event {
  static readonly type = 'orderbook-reject';
  constructor(
    readonly peer: string | undefined,
    readonly reject: SyncReject,
  ) {
    super(OrderbookRejectEvent.type);
  }
}

export interface OrderbookStoreEventMap {
  'orderbook-change': OrderbookChangeEvent;
  'orderbook-reject': OrderbookRejectEvent;
  /** A peer linked or left: which makers can be reached (`peerOf`, `reachOf`) changed. */
  'orderbook-peers': Event;
}

export interface OrderbookStore {
  addEventListener<K extends keyof OrderbookStoreEventMap>(
    type: K,
    listener: (event: OrderbookStoreEventMap[K]) => void,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof OrderbookStoreEventMap>(
    type: K,
    listener: (event: OrderbookStoreEventMap[K]) => void,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
}

/** A refused place or cancel: `reason` is the model's reject reason. */
export class OrderbookError extends Error {
  constructor(
    readonly reason: OrderRejectReason | CancelRejectReason | 'no-identity' | 'not-mine' | 'unknown-order',
    message: string,
  ) {
    super(message);
    this.name = 'OrderbookError';
  }
}

/**
 * Whether `e` is an OrderbookError, by name and shape: the store may come from another copy of the
 * kit on the page (engines are shared per service), whose class `instanceof` would not recognise.
 */
export function isOrderbookError(e: unknown): e is OrderbookError {
  return e instanceof Error && e.name === 'OrderbookError' && typeof (e as { reason?: unknown }).reason === 'string';
}

const SCREEN_MEMORY = 20_000;
export { ORDERBOOK_FEATURE };

export class OrderbookStore extends EventTarget implements Feature {
  private readonly headlessLeases: FeatureLease<OrderbookStore>[] = [];
  readonly sync: OrderbookSync;
  private service: ConnectionApi | undefined;
  private channel: Channel<SyncMessage> | undefined;
  private readonly joined = new Set<string>();
  /** My orders: persisted, republished and refreshed while this store holds my identity's lock. */
  private readonly mine: MyOrders;
  private readonly screened = new Map<string, OrderVerdict>();
  private readonly ttlMs: number;
  private readonly refreshBeforeMs: number;
  private readonly now: () => number;
  private timers: ReturnType<typeof setInterval>[] = [];
  private disposed = false;
  /** Counts of refused items by reason (inbound and my own). */
  readonly rejectCounts: Partial<Record<string, number>> = {};
  /** Indexer calls that failed (such orders are admitted: availability over strictness; settlement re-verifies). */
  indexerErrors = 0;
  /** Resolves when my persisted orders have been loaded and the live ones republished (after `attach` with an open service). */
  ready: Promise<void> = Promise.resolve();

  constructor(private readonly options: OrderbookStoreOptions = {}) {
    super();
    this.now = options.now ?? Date.now;
    this.ttlMs = Math.min(options.ttlMs ?? DEFAULT_TTL_MS, MAX_TTL_MS);
    this.refreshBeforeMs = Math.max(0, Math.min(options.refreshBeforeMs ?? DEFAULT_REFRESH_BEFORE_MS, this.ttlMs - 1));
    this.sync = new OrderbookSync({
      send: (peer, message) => this.send(peer, message),
      sendMany: (peers, message) => this.channel?.sendMany(peers, message),
      now: this.now,
      book: options.book,
      ...(options.verify ? { verify: options.verify } : {}),
      // Installed always: a host may supply its indexer later (`useIndexer`); without one the screen passes.
      screen: (order: Order) => this.screen(order),
      onChange: (change) => this.onChange(change),
      onReject: (peer, reject) => {
        this.rejectCounts[reject.reason] = (this.rejectCounts[reject.reason] ?? 0) + 1;
        this.dispatchEvent(new OrderbookRejectEvent(peer, reject));
      },
      peerKey: (peer) => this.service?.peerIdentity(peer)?.publicKey,
      // My orders say where I am: my current peer id.
      myReach: (maker) => {
        const id = this.service?.id;
        return id && maker === this.me ? { peer: id } : undefined;
      },
    });
    this.mine = new MyOrders({
      sync: this.sync,
      storage: new MyOrderStorage(options.persist ?? true),
      identity: () => this.service?.identity,
      now: this.now,
      ttlMs: this.ttlMs,
      refreshBeforeMs: this.refreshBeforeMs,
    });
    const pruneEvery = options.pruneEveryMs ?? DEFAULT_PRUNE_EVERY_MS;
    if (pruneEvery > 0) this.timers.push(setInterval(() => this.sync.prune(), pruneEvery));
    if (this.refreshBeforeMs > 0) {
      const every = Math.max(250, Math.min(30_000, Math.floor(this.refreshBeforeMs / 4)));
      this.timers.push(setInterval(() => void this.refreshDue(), every));
    }
    this.indexer = options.indexer;
    if (this.indexer) this.startRecheck();
    if (options.service) this.attach(options.service);
  }

  private indexer: OrderbookIndexer | undefined;
  private rechecking = false;

  private startRecheck(): void {
    const recheck = this.options.indexerRecheckMs ?? DEFAULT_INDEXER_RECHECK_MS;
    if (this.rechecking || recheck <= 0) return;
    this.rechecking = true;
    this.timers.push(setInterval(() => void this.recheckAssets(), recheck));
  }

  /**
   * Supply (or replace) the host's asset indexer after creation: from then on orders, my own included, are
   * refused when their outpoints do not hold what they offer; live orders are checked again at once.
   */
  useIndexer(indexer: OrderbookIndexer | undefined): void {
    if (indexer === this.indexer) return;
    this.indexer = indexer;
    this.screened.clear();
    if (!indexer) return;
    this.startRecheck();
    void this.recheckAssets();
  }

  /**
   * The store shared by every widget on `service` and the headless API (created on first use,
   * disposed when the last user releases it): a lease from the feature registry. `options` apply
   * when it is created.
   */
  static lease(service: ConnectionApi, options: Omit<OrderbookStoreOptions, 'service'> = {}): FeatureLease<OrderbookStore> {
    return featureFor(service, ORDERBOOK_FEATURE, (s) => new OrderbookStore({ ...options, service: s }));
  }

  /** Like `lease`, returning the store; give it back with `release(service, store)`. */
  static acquire(service: ConnectionApi, options: Omit<OrderbookStoreOptions, 'service'> = {}): OrderbookStore {
    const lease = OrderbookStore.lease(service, options);
    lease.feature.headlessLeases.push(lease);
    return lease.feature;
  }

  /** Give back a store from `acquire`; the last release disposes it. */
  static release(service: ConnectionApi, store: OrderbookStore): void {
    if (store.service !== service) return;
    store.headlessLeases.pop()?.release();
  }

  get book() {
    return this.sync.book;
  }

  /** The service this store syncs over. */
  get connection(): ConnectionApi | undefined {
    return this.service;
  }

  /** My identity key, once the service is open. */
  get me(): string | undefined {
    return this.service?.identity?.publicKey;
  }

  /** Whether this store refreshes and republishes my orders (it holds the identity's lock). */
  get isManaging(): boolean {
    return this.mine.isManaging;
  }

  /** Sync over `service` (or stop syncing with `undefined`). The book is kept across services. */
  attach(service: ConnectionApi | undefined): void {
    if (service === this.service || this.disposed) return;
    this.detach();
    if (!service || service.status === 'closed') return;
    this.service = service;
    this.channel = service.channel<SyncMessage>(ORDERBOOK_CHANNEL, { schema: SyncMessageSchema, maxBytes: MAX_MESSAGE_BYTES, priority: 'high' });
    this.channel.on(this.onMessage);
    service.addEventListener('peer-connected', this.onPeerConnected);
    service.addEventListener('peer-disconnected', this.onPeerDisconnected);
    service.addEventListener('status', this.onStatus);
    for (const peer of service.peers) this.join(peer);
    this.onStatus();
  }

  private detach(): void {
    const service = this.service;
    if (!service) return;
    service.removeEventListener('peer-connected', this.onPeerConnected);
    service.removeEventListener('peer-disconnected', this.onPeerDisconnected);
    service.removeEventListener('status', this.onStatus);
    this.channel?.close();
    this.channel = undefined;
    for (const peer of this.joined) this.sync.peerLeft(peer);
    this.joined.clear();
    this.mine.stop();
    this.service = undefined;
  }

  /** Stop everything: timers, channel, lock. The book stays readable. */
  dispose(): void {
    if (this.disposed) return;
    this.detach();
    this.disposed = true;
    this.mine.dispose();
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  // ---- my orders -----------------------------------------------------------------------------------------------

  /** Sign, publish, gossip and persist a new order of mine. Throws `OrderbookError` when it is refused. */
  async place(terms: OrderTerms, ttlMs = this.ttlMs): Promise<Order> {
    const identity = this.service?.identity;
    if (!identity) throw new OrderbookError('no-identity', 'Not connected: open the connection service to place orders.');
    const order = await createOrder(identity, terms, this.now(), Math.min(ttlMs, MAX_TTL_MS));
    const verdict = await this.sync.publish(order);
    if (!verdict.ok) throw new OrderbookError(verdict.reason, verdict.message);
    await this.mine.remember(order);
    return order;
  }

  /** Cancel one of my orders with a signed tombstone (gossiped to every peer). */
  async cancel(orderId: string): Promise<void> {
    const identity = this.service?.identity;
    if (!identity) throw new OrderbookError('no-identity', 'Not connected: open the connection service to cancel orders.');
    const order = this.book.get(orderId);
    if (!order) throw new OrderbookError('unknown-order', 'That order is not in the book (expired or already cancelled).');
    if (order.maker !== identity.publicKey) throw new OrderbookError('not-mine', 'Only the maker of an order can cancel it.');
    const verdict: CancelVerdict = await this.sync.cancel(await createCancel(identity, orderId, this.now()));
    await this.mine.forget(orderId);
    if (!verdict.ok) throw new OrderbookError(verdict.reason, verdict.message);
  }

  /** My live orders, oldest first. */
  myOrders(): Order[] {
    const me = this.me;
    return me ? this.book.ordersOf(me) : [];
  }

  /** Propose trades for a take by me (self-matches refused); the book is not changed. */
  match(request: Omit<TakeRequest, 'taker'>): MatchResult {
    const me = this.me;
    if (!me) throw new OrderbookError('no-identity', 'Not connected: open the connection service to take orders.');
    return this.book.match({ ...request, taker: me }, this.now());
  }

  /** The peer id of an open link whose authenticated identity key is `key` (a maker I can reach directly). */
  peerOf(key: string): string | undefined {
    const service = this.service;
    return service?.peers.find((p) => service.peerIdentity(p)?.publicKey === key);
  }

  /**
   * How to reach the maker of a live order: its peer id as the gossip says (an unsigned hint, see `Reach`), or
   * undefined. A taker without a link to the maker dials it and checks the key there (`<darkswap-trade>` does).
   */
  reachOf(orderId: string): Reach | undefined {
    return this.book.reachOf(orderId);
  }

  /** Whether an order can be taken from here: its maker is linked (`peerOf`), or the order says how to reach it. */
  canReach(order: Order): boolean {
    return !!this.peerOf(order.maker) || !!this.book.reachOf(order.id);
  }

  /** Publish an order someone signed (relays, tests, benchmarks): validated like any inbound order. */
  publishSigned(order: Order): Promise<OrderVerdict> {
    return this.sync.publish(order);
  }

  /** My orders as persisted (IndexedDB or memory), for my identity. */
  persistedOrders(): Promise<Order[]> {
    return this.mine.persisted();
  }

  /** Re-sign my live orders that expire within `refreshBeforeMs` (only while managing). */
  refreshDue(): Promise<number> {
    return this.mine.refreshDue();
  }

  // ---- asset indexer -------------------------------------------------------------------------------------------

  private async screen(order: Order): Promise<OrderVerdict> {
    const known = this.screened.get(order.id);
    if (known) return known;
    const indexer = this.indexer;
    if (!indexer) return { ok: true };
    const settleable = checkSettleable(order);
    if (!settleable.ok) return settleable;
    let verdict: OrderVerdict;
    try {
      verdict = checkHoldings(order, await indexer.getOutputs(order.outpoints));
    } catch {
      this.indexerErrors++;
      return { ok: true };
    }
    this.screened.set(order.id, verdict);
    if (this.screened.size > SCREEN_MEMORY) {
      const oldest = this.screened.keys().next().value;
      if (oldest !== undefined) this.screened.delete(oldest);
    }
    return verdict;
  }

  /** Ask the indexer again about every live order (outpoints get spent); drops the ones that fail. */
  async recheckAssets(): Promise<number> {
    const indexer = this.indexer;
    if (!indexer) return 0;
    const orders = [...this.book.all()];
    let dropped = 0;
    for (let i = 0; i < orders.length; i += 100) {
      const page = orders.slice(i, i + 100);
      let outputs;
      try {
        outputs = await indexer.getOutputs(page.flatMap((o) => o.outpoints));
      } catch {
        this.indexerErrors++;
        continue;
      }
      for (const order of page) {
        const verdict = checkHoldings(order, outputs);
        if (verdict.ok) continue;
        this.screened.set(order.id, verdict);
        if (this.book.remove(order.id)) {
          dropped++;
          this.onChange({ type: 'removed', order, cause: 'removed' });
          this.dispatchEvent(new OrderbookRejectEvent(undefined, { kind: 'order', reason: verdict.reason, id: order.id, message: verdict.message }));
        }
      }
    }
    return dropped;
  }

  // ---- wiring --------------------------------------------------------------------------------------------------

  private send(peer: string, message: SyncMessage): void {
    try {
      this.channel?.send(peer, message);
    } catch {
      // The link went away (peer-disconnected follows) or its buffer is full: the next digest heals it.
    }
  }

  private join(peer: string): void {
    if (this.joined.has(peer)) return;
    this.joined.add(peer);
    this.sync.peerJoined(peer);
  }

  private readonly onMessage = (message: SyncMessage, from: string): void => {
    // A peer's first message can come before our own peer-connected event.
    if (!this.joined.has(from)) this.join(from);
    void this.sync.receiveChecked(from, message);
  };

  private readonly onPeerConnected = (event: PeerEvent): void => {
    // A peer that restarted comes back as disconnected → connected: a fresh digest exchange.
    this.join(event.peer);
    this.dispatchEvent(new Event('orderbook-peers'));
  };

  private readonly onPeerDisconnected = (event: PeerEvent): void => {
    // The peer closed the link (left, closed its page) or stayed unreachable: hints pointing at it are stale.
    // (Not when I hung up, or when the link merely restarted.)
    const gone = event.reason === 'remote' || event.reason === 'unreachable';
    if (this.joined.delete(event.peer)) this.sync.peerLeft(event.peer, gone);
    else if (gone) this.sync.book.forgetReachTo(event.peer);
    // Whose orders can be taken changed (`peerOf`, `reachOf`): views say so.
    this.dispatchEvent(new Event('orderbook-peers'));
  };

  private readonly onStatus = (): void => {
    const key = this.service?.status === 'open' ? this.service.identity?.publicKey : undefined;
    if (key && key !== this.mine.managedKey) {
      this.mine.stop();
      this.ready = this.mine.start(key);
    }
  };

  private onChange(change: BookChange): void {
    if (change.type === 'removed' && change.order.maker === this.me && change.cause !== 'removed') void this.mine.forget(change.order.id);
    this.dispatchEvent(new OrderbookChangeEvent(change));
  }
}
