/**
 * What `<darkswap-orderbook>` shows of its store: listens to the store's changes, coalesces them into at
 * most one new view per UPDATE_INTERVAL_MS, and rebuilds only the sides whose orders changed.
 */
import { LOCALE_STATUS_EVENT } from '@lit/localize';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Order } from '../../features/orderbook/order.model.js';
import type { Ratio } from '../../features/orderbook/ratio.js';
import type { OrderbookChangeEvent, OrderbookStore } from '../../features/orderbook/orderbook.store.js';
import { UPDATE_INTERVAL_MS, type Side } from '../../features/orderbook/orderbook.types.js';
import { buildSide, maxDepth, summaryText, type Formats, type SideView } from './orderbook.view.js';

export const EMPTY_SIDE: SideView = { rows: [], levels: 0, orders: 0, depth: 0n };

/** Everything the element renders of the book for one pair. */
export interface OrderbookView {
  base: string;
  quote: string;
  bids: SideView;
  asks: SideView;
  /** 100 % of the depth bars. */
  depth: bigint;
  spread: Ratio | undefined;
  mid: Ratio | undefined;
  summary: string;
  mine: Order[];
  pairs: string[];
}

/** What a view is computed from: read from the element each time one is computed. */
export interface OrderbookViewSource {
  /** The pair in effect (none: no view). */
  pair(): { base: string; quote: string } | undefined;
  /** The pairs offered in the selector. */
  pairs(): string[];
  /** Keys of the expanded price levels. */
  expanded(): ReadonlySet<string>;
  formats(): Formats;
  /** Coalesced changes are due: the element answers with its public `flush(false)`, which calls this controller's. */
  due(): void;
  /** Told of every new view (before the host renders it). */
  viewed?(view: OrderbookView): void;
}

export class OrderbookViewController implements ReactiveController {
  /** The current view; undefined while no pair is known. */
  view: OrderbookView | undefined;
  private current: OrderbookStore | undefined;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private lastFlush = -Infinity;
  /** The last built sides and what they were built for; `dirty` sides changed since. */
  private sides: Partial<Record<Side, SideView>> = {};
  private sidesPair: { store: OrderbookStore | undefined; base: string; quote: string; me: string | undefined; expanded: ReadonlySet<string> } | undefined;
  private readonly dirty = new Set<Side>();

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly source: OrderbookViewSource,
  ) {
    host.addController(this);
  }

  /** The store whose book is shown. */
  get store(): OrderbookStore | undefined {
    return this.current;
  }

  /** Show `store`'s book (listening to its changes), or none. */
  setStore(store: OrderbookStore | undefined): void {
    this.current?.removeEventListener('orderbook-change', this.onBookChange);
    this.current?.removeEventListener('orderbook-peers', this.onPeers);
    this.current = store;
    store?.addEventListener('orderbook-change', this.onBookChange);
    store?.addEventListener('orderbook-peers', this.onPeers);
    this.recompute();
  }

  hostConnected(): void {
    window.addEventListener(LOCALE_STATUS_EVENT, this.onLocale);
  }

  hostDisconnected(): void {
    window.removeEventListener(LOCALE_STATUS_EVENT, this.onLocale);
    this.setStore(undefined);
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
  }

  /** Compute the view again (sides rebuilt only when dirty or built for something else). */
  recompute(): void {
    this.view = this.compute();
    this.host.requestUpdate();
  }

  /** Compute the view now: `all` rebuilds both sides, else only those whose orders changed. */
  flush(all = true): void {
    if (all) this.dirty.add('buy').add('sell');
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.lastFlush = performance.now();
    this.recompute();
  }

  /** The page's language changed: the summary is words (the sides are numbers, formatted when rendered). */
  private readonly onLocale = (e: Event): void => {
    if ((e as CustomEvent<{ status: string }>).detail.status === 'ready') this.recompute();
  };

  /** A maker came or went: rows show whether its orders can be taken. */
  private readonly onPeers = (): void => this.flush(true);

  private readonly onBookChange = (event: OrderbookChangeEvent): void => {
    const o = event.change.order;
    const pair = this.sidesPair;
    if (o.base === pair?.base && o.quote === pair.quote) this.dirty.add(o.side);
    this.scheduleFlush();
  };

  /** Coalesce book changes: at most one re-render per UPDATE_INTERVAL_MS. */
  private scheduleFlush(): void {
    if (this.flushTimer !== undefined) return;
    const wait = Math.max(0, this.lastFlush + UPDATE_INTERVAL_MS - performance.now());
    this.flushTimer = setTimeout(() => this.source.due(), wait);
  }

  private compute(): OrderbookView | undefined {
    const store = this.current;
    const pair = this.source.pair();
    if (!pair) return undefined;
    const { base, quote } = pair;
    const book = store?.book;
    const me = store?.me;
    const expanded = this.source.expanded();
    // Rebuild only the sides that changed since the last view (same pair, store, identity, expansion).
    const context = { store, base, quote, me, expanded };
    const same = this.sidesPair && Object.entries(context).every(([k, v]) => this.sidesPair![k as keyof typeof context] === v);
    if (!same) {
      this.dirty.add('buy').add('sell');
      this.sidesPair = context;
    }
    const build = (side: Side) => {
      const cached = this.sides[side];
      if (cached && !this.dirty.has(side)) return cached;
      const view = book ? buildSide(book.orders(base, quote, side), side, expanded, me) : EMPTY_SIDE;
      this.sides[side] = view;
      return view;
    };
    const bids = build('buy');
    const asks = build('sell');
    this.dirty.clear();
    const depth = maxDepth(bids, asks);
    const spread = book?.spread(base, quote);
    const mid = book?.mid(base, quote);
    const bestBid = bids.rows[0];
    const bestAsk = asks.rows[0];
    const fmt = this.source.formats();
    const summary = summaryText({
      base,
      quote,
      bids: bids.orders,
      asks: asks.orders,
      bestBid: bestBid?.kind === 'level' ? fmt.price(bestBid.price) : undefined,
      bestAsk: bestAsk?.kind === 'level' ? fmt.price(bestAsk.price) : undefined,
      spread: spread ? fmt.signedPrice(spread) : undefined,
    });
    const view = { base, quote, bids, asks, depth, spread, mid, summary, mine: store?.myOrders() ?? [], pairs: this.source.pairs() };
    this.source.viewed?.(view);
    return view;
  }
}
