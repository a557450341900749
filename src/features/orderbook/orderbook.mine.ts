/**
 * My orders beyond the book: kept in IndexedDB (or memory) so a reload can republish the live ones,
 * and re-signed before they expire. Only the store holding my identity's Web Lock (one tab of an
 * origin) republishes and refreshes; `OrderbookStore` takes the lock when its service opens.
 *
 * - Refresh: a new order with the same terms (new `created`, `expires`, nonce), published before
 *   the old one is cancelled with a signed tombstone, so the offer never has a gap.
 * - Orders that expired while the page was closed are not revived: an order lives while its
 *   maker is online (a taker should not reach an absent maker).
 */
import { createStore, del, entries, set, type UseStore } from 'idb-keyval';
import { createCancel, createOrder, parseOrder, serializeOrder, type Order, type OrderTerms, type Signer } from './order.model.js';
import type { OrderbookSync } from './sync.model.js';

interface Persisted {
  maker: string;
  /** The order's wire JSON. */
  wire: string;
}

/** Where my orders are kept: IndexedDB (default database `darkswap-orderbook`, object store `my-orders`) or memory. */
export class MyOrderStorage {
  private readonly idb: UseStore | undefined;
  /** My orders when not persisted (id → order). */
  private readonly memory = new Map<string, Order>();

  constructor(persist: boolean | { database: string; store: string } = true) {
    if (persist !== false && typeof indexedDB !== 'undefined') {
      this.idb = persist === true ? createStore('darkswap-orderbook', 'my-orders') : createStore(persist.database, persist.store);
    }
  }

  /** The orders kept for `maker`, oldest first. */
  async list(maker: string): Promise<Order[]> {
    if (!this.idb) return [...this.memory.values()].filter((o) => o.maker === maker);
    const out: Order[] = [];
    for (const [, value] of await entries<string, Persisted>(this.idb)) {
      if (value?.maker !== maker || typeof value.wire !== 'string') continue;
      let wire: unknown;
      try {
        wire = JSON.parse(value.wire);
      } catch {
        continue;
      }
      const parsed = parseOrder(wire);
      if (parsed.ok) out.push(parsed.value);
    }
    return out.sort((a, b) => a.created - b.created);
  }

  async remember(order: Order): Promise<void> {
    if (!this.idb) {
      this.memory.set(order.id, order);
      return;
    }
    await set(order.id, { maker: order.maker, wire: serializeOrder(order) } satisfies Persisted, this.idb).catch(() => undefined);
  }

  async forget(id: string): Promise<void> {
    if (!this.idb) {
      this.memory.delete(id);
      return;
    }
    await del(id, this.idb).catch(() => undefined);
  }
}

export interface MyOrdersOptions {
  sync: OrderbookSync;
  storage: MyOrderStorage;
  /** My identity while the service is open. */
  identity(): Signer | undefined;
  now(): number;
  /** Lifetime of a refreshed order. */
  ttlMs: number;
  /** Re-sign my live orders when they have this long left (0: never). */
  refreshBeforeMs: number;
}

/** Persists my orders, and republishes and refreshes them while holding my identity's lock. */
export class MyOrders {
  private releaseLock: (() => void) | undefined;
  private managing = false;
  private key: string | undefined;
  private refreshing = false;
  private disposed = false;

  constructor(private readonly options: MyOrdersOptions) {}

  /** Whether these orders are refreshed and republished here (the identity's lock is held). */
  get isManaging(): boolean {
    return this.managing;
  }

  /** The identity key managed (or waiting for its lock). */
  get managedKey(): string | undefined {
    return this.key;
  }

  /** My orders as persisted, for my identity. */
  async persisted(): Promise<Order[]> {
    const me = this.options.identity()?.publicKey;
    return me ? this.options.storage.list(me) : [];
  }

  remember(order: Order): Promise<void> {
    return this.options.storage.remember(order);
  }

  forget(id: string): Promise<void> {
    return this.options.storage.forget(id);
  }

  /** Re-sign my live orders that expire within `refreshBeforeMs` (only while managing). */
  async refreshDue(): Promise<number> {
    const { sync, now, ttlMs, refreshBeforeMs } = this.options;
    const identity = this.options.identity();
    if (!identity || !this.managing || this.refreshing || this.disposed) return 0;
    this.refreshing = true;
    let refreshed = 0;
    try {
      const at = now();
      for (const old of await this.persisted()) {
        if (old.expires <= at) {
          if (!sync.book.has(old.id)) await this.forget(old.id);
          continue;
        }
        if (old.expires - at > refreshBeforeMs || !sync.book.has(old.id)) continue;
        const terms: OrderTerms = {
          base: old.base,
          quote: old.quote,
          side: old.side,
          price: old.price,
          lot: old.lot,
          amount: old.amount,
          minFill: old.minFill,
          outpoints: old.outpoints,
        };
        const fresh = await createOrder(identity, terms, now(), ttlMs);
        let verdict = await sync.publish(fresh);
        const tombstone = await createCancel(identity, old.id, now());
        if (!verdict.ok && verdict.reason === 'too-many-live-orders') {
          // At the cap: give up the old one first (a short gap beats no refresh).
          await sync.cancel(tombstone);
          verdict = await sync.publish(fresh);
        } else if (verdict.ok) {
          await sync.cancel(tombstone);
        }
        if (verdict.ok) {
          await this.remember(fresh);
          refreshed++;
        }
        await this.forget(old.id);
      }
    } finally {
      this.refreshing = false;
    }
    return refreshed;
  }

  /** Take the identity's lock (one store per identity across tabs refreshes), then load and republish; resolves when done. */
  start(key: string): Promise<void> {
    this.key = key;
    let granted!: () => void;
    const got = new Promise<void>((resolve) => (granted = resolve));
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    if (locks) {
      const held = new Promise<void>((resolve) => (this.releaseLock = resolve));
      locks
        .request(`darkswap-orderbook:${key}`, () => {
          granted();
          return held;
        })
        .catch(() => undefined);
    } else {
      this.releaseLock = () => undefined;
      granted();
    }
    return got.then(async () => {
      if (this.key !== key || this.disposed) return;
      this.managing = true;
      await this.republish();
    });
  }

  /** Stop managing and give the lock back. */
  stop(): void {
    this.managing = false;
    this.key = undefined;
    this.releaseLock?.();
    this.releaseLock = undefined;
  }

  /** Stop for good (after `stop()`): a lock granted later is not used. */
  dispose(): void {
    this.disposed = true;
  }

  private async republish(): Promise<void> {
    const { sync, now } = this.options;
    const at = now();
    for (const order of await this.persisted()) {
      if (order.expires <= at) {
        await this.forget(order.id);
        continue;
      }
      if (sync.book.has(order.id)) continue;
      const verdict = await sync.publish(order);
      if (!verdict.ok && verdict.reason !== 'duplicate') await this.forget(order.id);
    }
    await this.refreshDue();
  }
}
