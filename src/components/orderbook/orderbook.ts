import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { virtualize, virtualizerRef } from '@lit-labs/virtualizer/virtualize.js';
import type { ConnectionApi } from '../../core/connection-api.js';
import { ConnectionController } from '../../context/connection-controller.js';
import { DarkswapElement } from '../../internal/base-element.js';
import { notConnected, panelHeader, statusWord } from '../../internal/panel-header.js';
import type { OrderbookIndexer } from '../../features/orderbook/assets.model.js';
import { encodeOrder, type Order } from '../../features/orderbook/order.model.js';
import { ratio, type Ratio } from '../../features/orderbook/ratio.js';
import { ORDERBOOK_FEATURE, OrderbookError, OrderbookStore, type OrderbookChangeEvent } from '../../features/orderbook/orderbook.store.js';
import { FeatureController } from '../../context/feature-controller.js';
import { DarkswapOrderCancelledEvent, DarkswapOrderPlacedEvent, DarkswapOrderTakenEvent } from './orderbook.events.js';
import {
  buildSide,
  depthPercent,
  formatPrice,
  formatUnits,
  maxDepth,
  parsePair,
  shortKey,
  summaryText,
  validateOrderForm,
  validateTakeAmount,
  type BookRow,
  type OrderFormField,
  type SideView,
} from './orderbook.view.js';
import { orderbookStyles } from './orderbook.styles.js';
import { UPDATE_INTERVAL_MS, type Side } from '../../features/orderbook/orderbook.types.js';

const EMPTY_SIDE: SideView = { rows: [], levels: 0, orders: 0, depth: 0n };

interface View {
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

interface TakeState {
  order: Order;
  error: string;
  /** The control to return focus to. */
  returnTo: HTMLElement | null;
}

/** Space-separated list attribute ↔ string array. */
const listConverter = {
  fromAttribute: (value: string | null) => (value ?? '').split(/\s+/).filter(Boolean),
  toAttribute: (value: string[]) => value.join(' '),
};

/**
 * A decentralized order book: signed orders gossiped between peers on the `orderbook` channel.
 * Shows bids and asks of one pair as aggregated price levels with depth bars (expand a level for its
 * orders), the spread and mid price, my orders with cancel, a create-order form, and "take" on any
 * order, which proposes a trade. Lists are virtualized (10k orders stay fast) and re-render at most
 * ten times a second; a polite live region summarises the book. Peer content is rendered as text.
 *
 * Amounts and prices are typed as decimal text and kept as integers (bigint): `base-decimals` and
 * `quote-decimals` say how many decimal places a display unit has (0 = base units / sats).
 *
 * @summary Peer-to-peer order book: levels, depth, spread, my orders, create and take orders.
 * @tag darkswap-orderbook
 * @fires darkswap-order-taken - I took an order; `detail: { order, orderWire, maker, taker, side, base, quote, amount, price, lot, quoteAmount }` (bigint amounts).
 * @fires darkswap-order-placed - My order was signed and published; `detail: { order }`.
 * @fires darkswap-order-cancelled - I cancelled one of my orders (or a trade on the page settled it: see `darkswap-trade-completed`); `detail: { order }`.
 * @csspart base - The widget's outer box.
 * @csspart header - Title and status row.
 * @csspart title - The heading.
 * @csspart status - Connection status and peer count.
 * @csspart not-connected - Shown when no connection service reached the widget.
 * @csspart toolbar - Pair selector, spread and mid.
 * @csspart pair-select - The pair selector.
 * @csspart stats - The spread and mid price list.
 * @csspart spread - The spread value.
 * @csspart mid - The mid price value.
 * @csspart summary - The polite live summary of the book.
 * @csspart sides - The bids and asks columns.
 * @csspart side - One side (also `bids` or `asks`).
 * @csspart bids - The bids side.
 * @csspart asks - The asks side.
 * @csspart side-title - A side's heading.
 * @csspart columns - A side's column headings.
 * @csspart levels - A side's virtualized, scrollable list.
 * @csspart empty - "No bids" / "No asks".
 * @csspart level - One aggregated price level row.
 * @csspart level-button - Expands or collapses a level.
 * @csspart depth-bar - The depth bar behind a level (also `bid-depth` or `ask-depth`).
 * @csspart bid-depth - Depth bar of a bid level.
 * @csspart ask-depth - Depth bar of an ask level.
 * @csspart price - A price cell.
 * @csspart amount - An amount cell.
 * @csspart total - A quote total cell.
 * @csspart count - A level's order count.
 * @csspart order - One order row under an expanded level (also `my-order` when it is mine).
 * @csspart maker - The maker's short key in an order row.
 * @csspart expiry - An order's expiry time.
 * @csspart take-button - Takes one order.
 * @csspart take-form - The take panel: amount to take and confirm.
 * @csspart take-input - The take amount input.
 * @csspart take-submit - Proposes the trade.
 * @csspart take-close - Closes the take panel.
 * @csspart my-orders - My orders section.
 * @csspart my-order - One of my orders.
 * @csspart cancel-button - Cancels one of my orders.
 * @csspart order-form - The create-order form.
 * @csspart side-choice - The buy/sell radio group.
 * @csspart price-input - Price input.
 * @csspart amount-input - Amount input.
 * @csspart min-fill-input - Minimum fill input.
 * @csspart outpoints-input - Outpoints input.
 * @csspart field-error - A validation message under a field.
 * @csspart submit-button - Places the order.
 * @csspart error - Form-level error messages.
 * @csspart note - Form-level success messages.
 * @cssprop --darkswap-orderbook-background - Background (default `--darkswap-color-surface`).
 * @cssprop --darkswap-orderbook-border-color - Border colour (default `--darkswap-color-border`).
 * @cssprop --darkswap-orderbook-radius - Corner radius (default `--darkswap-radius`).
 * @cssprop --darkswap-orderbook-padding - Inner spacing (default `--darkswap-space-4`).
 * @cssprop --darkswap-orderbook-list-height - Height of each side's list (default `18rem`).
 * @cssprop --darkswap-orderbook-row-height - Minimum height of a row (default `2rem`).
 * @cssprop --darkswap-orderbook-bid-color - Bid prices (default `--darkswap-color-success`).
 * @cssprop --darkswap-orderbook-ask-color - Ask prices (default `--darkswap-color-danger`).
 * @cssprop --darkswap-orderbook-bid-depth - Bid depth bars (default: the bid colour at 16%).
 * @cssprop --darkswap-orderbook-ask-depth - Ask depth bars (default: the ask colour at 16%).
 * @cssprop --darkswap-orderbook-font-mono - Numbers (default `--darkswap-font-mono`).
 */
export class DarkswapOrderbook extends DarkswapElement {
  static override styles = [...DarkswapElement.styles, ...orderbookStyles];

  /** Heading text. */
  @property() heading = 'Order book';

  /** The pair shown and traded, `BASE/QUOTE` (e.g. `RUNE:840000:3/BTC`). Empty: the first known pair. */
  @property() pair = '';

  /** Pairs offered in the selector besides those in the book, space-separated. */
  @property({ converter: listConverter }) pairs: string[] = [];

  /** Decimal places of one base display unit (0: amounts in base units). */
  @property({ type: Number, attribute: 'base-decimals' }) baseDecimals = 0;

  /** Decimal places of one quote display unit (0: sats; 8: BTC). */
  @property({ type: Number, attribute: 'quote-decimals' }) quoteDecimals = 0;

  /** A connection service to use instead of the one from context. */
  @property({ attribute: false }) connection: ConnectionApi | undefined;

  /** An orderbook store to use instead of the one shared per service (apps that configure TTL, persistence…). */
  @property({ attribute: false }) store: OrderbookStore | undefined;

  /** Host's asset indexer, used when this widget creates the shared store for its service. */
  @property({ attribute: false }) indexer: OrderbookIndexer | undefined;

  @state() private view: View | undefined;
  @state() private expanded = new Set<string>();
  @state() private formErrors: Partial<Record<OrderFormField | 'form', string>> = {};
  @state() private formNote = '';
  @state() private placing = false;
  @state() private take: TakeState | undefined;
  @state() private takeNote = '';
  @state() private cancelError = '';
  @state() private active: Record<Side, number> = { buy: 0, sell: 0 };

  private readonly conn = new ConnectionController(this, {});
  /** The store shared by every orderbook widget (and the headless API) on the current service. */
  private readonly shared = new FeatureController(this, this.conn, {
    key: ORDERBOOK_FEATURE,
    create: (service) => new OrderbookStore({ ...(this.indexer ? { indexer: this.indexer } : {}), service }),
    enabled: () => !this.store,
  });
  private current: OrderbookStore | undefined;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private lastFlush = -Infinity;
  private seenStatus = '';
  /** The last built sides and what they were built for; `dirty` sides changed since. */
  private sides: Partial<Record<Side, SideView>> = {};
  private sidesPair: { store: OrderbookStore | undefined; base: string; quote: string; me: string | undefined; expanded: ReadonlySet<string> } | undefined;
  private readonly dirty = new Set<Side>();
  /**
   * The flow layout's first size estimate is 100 px; rows are one fixed height, so tell it (a
   * config key the layout assigns to itself). Right from the first frame it renders the rows that
   * fit, instead of rendering too few, measuring and adding more from inside a ResizeObserver
   * callback (which Chromium reports as "ResizeObserver loop completed with undelivered notifications").
   */
  private layout = { _itemSize: { width: 320, height: 32 } } as unknown as { direction?: 'vertical' };

  /** The store in use (injected, or shared for the current service). */
  get orderbook(): OrderbookStore | undefined {
    return this.current;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('darkswap-trade-completed', this.onTradeCompleted);
    const rowPx = this.rowHeightPx();
    if (rowPx > 0) this.layout = { _itemSize: { width: 320, height: rowPx } } as unknown as { direction?: 'vertical' };
  }

  /** The row height in px: `--darkswap-orderbook-row-height` (default 2rem) resolved against this element. */
  private rowHeightPx(): number {
    const probe = document.createElement('div');
    probe.style.cssText = 'position:absolute;visibility:hidden;height:var(--darkswap-orderbook-row-height, 2rem)';
    (this.shadowRoot ?? this).appendChild(probe);
    const px = probe.getBoundingClientRect().height;
    probe.remove();
    return px;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('darkswap-trade-completed', this.onTradeCompleted);
    this.setStore(undefined);
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('connection')) this.conn.inject(this.connection);
    if (changed.has('store')) this.shared.refresh();
    if (this.isConnected) this.syncStore();
    const status = this.conn.status;
    if (
      this.view === undefined ||
      status !== this.seenStatus ||
      changed.has('pair') ||
      changed.has('pairs') ||
      changed.has('baseDecimals') ||
      changed.has('quoteDecimals')
    ) {
      this.seenStatus = status;
      this.view = this.computeView();
    }
  }

  /** Use the injected store, or the one shared by every widget on the current service. */
  private syncStore(): void {
    const service = this.conn.service;
    if (this.store) {
      if (this.current !== this.store) this.setStore(this.store);
      if (!this.store.connection && service) this.store.attach(service);
      return;
    }
    if (this.current !== this.shared.feature) this.setStore(this.shared.feature);
  }

  private setStore(store: OrderbookStore | undefined): void {
    this.current?.removeEventListener('orderbook-change', this.onBookChange);
    this.current = store;
    store?.addEventListener('orderbook-change', this.onBookChange);
    this.view = this.computeView();
  }

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
    this.flushTimer = setTimeout(() => this.flush(false), wait);
  }

  /**
   * Recompute the view now. The coalesced update passes `all = false` (only sides whose orders
   * changed are rebuilt); call it with no argument after changing the store's book directly.
   */
  flush(all = true): void {
    if (all) this.dirty.add('buy').add('sell');
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.lastFlush = performance.now();
    this.view = this.computeView();
  }

  /** The pair in effect: the `pair` property when valid, else the first offered or known pair. */
  get activePair(): { base: string; quote: string } | undefined {
    return parsePair(this.pair) ?? this.pairList().map(parsePair).find(Boolean);
  }

  private pairList(): string[] {
    const out = new Set<string>();
    if (parsePair(this.pair)) out.add(this.pair);
    for (const p of this.pairs) if (parsePair(p)) out.add(p);
    for (const p of this.current?.book.pairs() ?? []) out.add(`${p.base}/${p.quote}`);
    return [...out];
  }

  private computeView(): View | undefined {
    const store = this.current;
    const pair = this.activePair;
    if (!pair) return undefined;
    const { base, quote } = pair;
    const book = store?.book;
    const me = store?.me;
    // Rebuild only the sides that changed since the last view (same pair, store, identity, expansion).
    const context = { store, base, quote, me, expanded: this.expanded };
    const same = this.sidesPair && Object.entries(context).every(([k, v]) => this.sidesPair![k as keyof typeof context] === v);
    if (!same) {
      this.dirty.add('buy').add('sell');
      this.sidesPair = context;
    }
    const build = (side: Side) => {
      const cached = this.sides[side];
      if (cached && !this.dirty.has(side)) return cached;
      const view = book ? buildSide(book.orders(base, quote, side), side, this.expanded, me) : EMPTY_SIDE;
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
    const fmt = (r: Ratio) => this.price(r);
    const summary = summaryText({
      base,
      quote,
      bids: bids.orders,
      asks: asks.orders,
      bestBid: bestBid?.kind === 'level' ? fmt(bestBid.price) : undefined,
      bestAsk: bestAsk?.kind === 'level' ? fmt(bestAsk.price) : undefined,
      spread: spread ? this.signedPrice(spread) : undefined,
    });
    for (const side of ['buy', 'sell'] as const) {
      const rows = side === 'buy' ? bids.rows : asks.rows;
      if (this.active[side] >= rows.length && rows.length) this.active = { ...this.active, [side]: rows.length - 1 };
    }
    return { base, quote, bids, asks, depth, spread, mid, summary, mine: store?.myOrders() ?? [], pairs: this.pairList() };
  }

  private price(r: Ratio): string {
    return formatPrice(r, this.baseDecimals, this.quoteDecimals);
  }

  private signedPrice(r: Ratio): string {
    if (r.num >= 0n) return this.price(r);
    return `-${this.price(ratio(-r.num, r.den))}`;
  }

  private units(u: bigint, side: 'base' | 'quote'): string {
    return formatUnits(u, side === 'base' ? this.baseDecimals : this.quoteDecimals);
  }

  // ---- actions -------------------------------------------------------------------------------------------------

  /** Expand or collapse a price level (key `side:num/den`). */
  toggleLevel(key: string): void {
    const next = new Set(this.expanded);
    if (!next.delete(key)) next.add(key);
    this.expanded = next;
    this.flush(false);
  }

  /** Open the take panel for one order. */
  openTake(order: Order, returnTo: HTMLElement | null = null): void {
    this.take = { order, error: '', returnTo };
    this.takeNote = '';
    void this.updateComplete.then(() => {
      const input = this.renderRoot.querySelector<HTMLInputElement>('#take-amount');
      input?.focus();
      input?.select();
    });
  }

  private closeTake(): void {
    const take = this.take;
    this.take = undefined;
    if (take?.returnTo?.isConnected) take.returnTo.focus();
    else if (take) this.focusActive(take.order.side);
  }

  /**
   * Take `amount` base units (display text) of one order: match it (prices must cross, no
   * self-match, whole lots, at least the minimum fill) and emit `darkswap-order-taken`.
   * Returns the event detail, or throws with the reason.
   */
  takeOrder(order: Order, amountText: string): DarkswapOrderTakenEvent['detail'] {
    const store = this.current;
    if (!store?.me) throw new Error('Not connected: taking an order needs an open connection.');
    const amount = validateTakeAmount(amountText, order, this.baseDecimals);
    if (!amount.ok) throw new Error(amount.message);
    const side: Side = order.side === 'sell' ? 'buy' : 'sell';
    const result = store.match({ base: order.base, quote: order.quote, side, amount: amount.value, limit: ratio(order.price, order.lot), orderId: order.id });
    const trade = result.trades[0];
    if (!trade) {
      const why = result.skipped[0]?.reason;
      throw new Error(
        why === 'self-match'
          ? 'That is your own order.'
          : why === 'below-min-fill'
            ? 'That amount is below the maker’s minimum fill.'
            : why === 'expired'
              ? 'That order has expired.'
              : 'That order is no longer in the book.',
      );
    }
    const detail = {
      order,
      orderWire: encodeOrder(order),
      maker: trade.maker,
      taker: trade.taker,
      side: trade.side,
      base: trade.base,
      quote: trade.quote,
      amount: trade.amount,
      price: trade.price,
      lot: trade.lot,
      quoteAmount: trade.quoteAmount,
      take: { amount: trade.amount, quoteAmount: trade.quoteAmount },
      peer: store.peerOf(trade.maker),
    };
    this.dispatchEvent(new DarkswapOrderTakenEvent(detail));
    return detail;
  }

  private onTakeSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const take = this.take;
    if (!take) return;
    const input = this.renderRoot.querySelector<HTMLInputElement>('#take-amount');
    try {
      const d = this.takeOrder(take.order, input?.value ?? '');
      this.takeNote = `Trade proposed: ${d.side} ${this.units(d.amount, 'base')} ${d.base} for ${this.units(d.quoteAmount, 'quote')} ${d.quote}.`;
      this.closeTake();
    } catch (e) {
      this.take = { ...take, error: e instanceof Error ? e.message : String(e) };
      input?.focus();
    }
  }

  /**
   * A trade on the page settled one of my orders (`darkswap-trade-completed` from `<darkswap-trade>` with the
   * order's id): its outputs are spent now, so the order is withdrawn everywhere with a signed cancel. What is
   * left of it must be offered again with the new outputs.
   */
  private readonly onTradeCompleted = (e: Event): void => {
    const detail = (e as CustomEvent<{ orderId?: unknown; direction?: unknown; txid?: unknown }>).detail;
    const store = this.current;
    if (typeof detail?.orderId !== 'string' || detail.direction !== 'in' || !store) return;
    const order = store.book.get(detail.orderId);
    if (!order || order.maker !== store.me) return;
    const txid = typeof detail.txid === 'string' ? detail.txid.slice(0, 16) : '';
    this.cancelOrder(order.id).then(
      () =>
        (this.formNote = `Your order to ${order.side} ${this.units(order.amount, 'base')} ${order.base} was settled in transaction ${txid}… and withdrawn: its outputs are spent. Place any remainder again with the new outpoint.`),
      () => undefined, // another widget on the same store withdrew it first
    );
  };

  /** Cancel one of my orders. */
  async cancelOrder(orderId: string): Promise<void> {
    const store = this.current;
    const order = store?.book.get(orderId);
    this.cancelError = '';
    try {
      if (!store) throw new Error('Not connected.');
      await store.cancel(orderId);
      if (order) this.dispatchEvent(new DarkswapOrderCancelledEvent({ order }));
    } catch (e) {
      this.cancelError = e instanceof Error ? e.message : String(e);
      throw e;
    } finally {
      this.flush(false);
    }
  }

  private async onOrderSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const pair = this.activePair;
    const data = new FormData(form);
    const text = (name: string) => String(data.get(name) ?? '');
    this.formNote = '';
    if (!pair) {
      this.formErrors = { form: 'Choose a pair first.' };
      return;
    }
    const result = validateOrderForm(
      { side: text('side'), price: text('price'), amount: text('amount'), minFill: text('minFill'), outpoints: text('outpoints') },
      { ...pair, baseDecimals: this.baseDecimals, quoteDecimals: this.quoteDecimals },
    );
    if (!result.ok) {
      this.formErrors = result.errors;
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    this.formErrors = {};
    const store = this.current;
    if (!store) {
      this.formErrors = { form: 'Not connected.' };
      return;
    }
    this.placing = true;
    try {
      const order = await store.place(result.terms);
      const t = result.terms;
      this.formNote = `Order placed: ${t.side} ${this.units(t.amount, 'base')} at ${this.price({ num: t.price, den: t.lot })}.`;
      for (const name of ['price', 'amount', 'minFill']) {
        const input = form.elements.namedItem(name) as HTMLInputElement | null;
        if (input) input.value = '';
      }
      this.dispatchEvent(new DarkswapOrderPlacedEvent({ order }));
    } catch (e) {
      const reason = e instanceof OrderbookError ? e.reason : undefined;
      const message = e instanceof Error ? e.message : String(e);
      this.formErrors = reason === 'asset-not-held' ? { outpoints: message } : { form: message };
    } finally {
      this.placing = false;
      this.flush(false);
    }
  }

  private onPairChange(event: Event): void {
    this.pair = (event.target as HTMLSelectElement).value;
    this.expanded = new Set();
    this.active = { buy: 0, sell: 0 };
  }

  // ---- keyboard: one tab stop per list, arrows move (roving tabindex over virtualized rows) ------------------

  private onListKeydown(side: Side, event: KeyboardEvent): void {
    const rows = side === 'buy' ? this.view?.bids.rows : this.view?.asks.rows;
    if (!rows?.length) return;
    const current = this.active[side];
    let next = current;
    if (event.key === 'ArrowDown') next = Math.min(rows.length - 1, current + 1);
    else if (event.key === 'ArrowUp') next = Math.max(0, current - 1);
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = rows.length - 1;
    else if (event.key === 'PageDown') next = Math.min(rows.length - 1, current + 10);
    else if (event.key === 'PageUp') next = Math.max(0, current - 10);
    else if ((event.key === 'ArrowRight' || event.key === 'ArrowLeft') && rows[current]?.kind === 'level') {
      const row = rows[current];
      if (row.kind === 'level' && row.expanded === (event.key === 'ArrowLeft')) this.toggleLevel(row.key);
      event.preventDefault();
      return;
    } else return;
    event.preventDefault();
    this.active = { ...this.active, [side]: next };
    this.focusActive(side);
  }

  private focusActive(side: Side): void {
    const list = this.renderRoot.querySelector<HTMLElement>(`[data-list="${side}"]`);
    const index = this.active[side];
    const virtualizer = (
      list as unknown as Record<symbol, { element(i: number): { scrollIntoView(o?: ScrollIntoViewOptions): void } | undefined } | undefined> | null
    )?.[virtualizerRef];
    virtualizer?.element(index)?.scrollIntoView({ block: 'nearest' });
    let tries = 0;
    const attempt = () => {
      const control = list?.querySelector<HTMLElement>(`[data-index="${index}"]`);
      if (control) control.focus();
      else if (tries++ < 10) requestAnimationFrame(attempt);
    };
    void this.updateComplete.then(attempt);
  }

  private onListFocusin(side: Side, event: FocusEvent): void {
    const index = Number((event.target as HTMLElement).dataset?.index);
    if (Number.isInteger(index) && index !== this.active[side]) this.active = { ...this.active, [side]: index };
  }

  // ---- render --------------------------------------------------------------------------------------------------

  protected override render() {
    const service = this.conn.service;
    const status = this.conn.status;
    const peers = service?.peers.length ?? 0;
    return html`<section part="base" aria-labelledby="title">
      ${panelHeader(this.heading, status, `${statusWord(status)}${status === 'open' ? ` · ${peers} ${peers === 1 ? 'peer' : 'peers'}` : ''}`)}
      ${service || this.store ? this.renderBook() : notConnected()}
    </section>`;
  }

  private renderBook() {
    const view = this.view;
    const pairs = view?.pairs ?? this.pairList();
    const active = view ? `${view.base}/${view.quote}` : '';
    return html`
      <div part="toolbar">
        <label for="pair">Pair</label>
        <select part="pair-select" id="pair" @change=${this.onPairChange} ?disabled=${pairs.length === 0}>
          ${pairs.length === 0 ? html`<option value="">No pairs yet</option>` : nothing}
          ${pairs.map((p) => html`<option value=${p} ?selected=${p === active}>${p}</option>`)}
        </select>
        <dl part="stats">
          <div>
            <dt>Spread</dt>
            <dd part="spread">${view?.spread ? this.signedPrice(view.spread) : '—'}</dd>
          </div>
          <div>
            <dt>Mid</dt>
            <dd part="mid">${view?.mid ? this.price(view.mid) : '—'}</dd>
          </div>
        </dl>
      </div>
      <p part="summary" id="summary" aria-live="polite" aria-atomic="true">${view?.summary ?? 'Choose a pair.'}</p>
      <div part="sides">${this.renderSide('buy', view?.bids ?? EMPTY_SIDE)} ${this.renderSide('sell', view?.asks ?? EMPTY_SIDE)}</div>
      ${this.renderTake()}
      <p part="note" id="take-note" role="status">${this.takeNote}</p>
      ${this.renderMine(view)} ${this.renderForm(view)}
    `;
  }

  private renderSide(side: Side, sv: SideView) {
    const name = side === 'buy' ? 'bids' : 'asks';
    const title = side === 'buy' ? 'Bids (buy orders)' : 'Asks (sell orders)';
    const quote = this.view?.quote ?? '';
    const base = this.view?.base ?? '';
    return html`<section part="side ${name}" aria-labelledby="${name}-title">
      <h3 part="side-title" id="${name}-title">${title}</h3>
      <div part="columns" class="grid" aria-hidden="true"><span>Price (${quote})</span><span>Amount (${base})</span><span>Total</span><span>Orders</span></div>
      ${
        sv.rows.length === 0
          ? html`<p part="empty">No ${name}.</p>`
          : html`<div
              part="levels"
              class="levels"
              role="list"
              aria-labelledby="${name}-title"
              data-list=${side}
              @keydown=${(e: KeyboardEvent) => this.onListKeydown(side, e)}
              @focusin=${(e: FocusEvent) => this.onListFocusin(side, e)}
            >
              ${virtualize({
                items: sv.rows,
                // When the list shrinks, the virtualizer can ask once more for indexes of its old range (no row).
                keyFunction: (row: BookRow | undefined, index: number) => row?.key ?? `gone-${index}`,
                renderItem: (row: BookRow | undefined, index: number) => (row ? this.renderRow(row, index, sv.rows.length) : html``),
                scroller: true,
                layout: this.layout,
              })}
            </div>`
      }
    </section>`;
  }

  private renderRow(row: BookRow, index: number, size: number) {
    const tabindex = this.active[row.side] === index ? '0' : '-1';
    if (row.kind === 'level') {
      const depth = row.side === 'buy' ? 'bid-depth' : 'ask-depth';
      return html`<div part="level" class="row" role="listitem" aria-posinset=${index + 1} aria-setsize=${size} data-side=${row.side} data-key=${row.key}>
        <span part="depth-bar ${depth}" class="depth" style="inline-size:${depthPercent(row, this.view?.depth ?? 0n)}%" aria-hidden="true"></span>
        <button
          part="level-button"
          class="grid"
          type="button"
          tabindex=${tabindex}
          data-index=${index}
          aria-expanded=${row.expanded ? 'true' : 'false'}
          @click=${() => this.toggleLevel(row.key)}
        >
          <span part="price" class="price"><span class="visually-hidden">Price </span>${this.price(row.price)}</span>
          <span part="amount"><span class="visually-hidden">, amount </span>${this.units(row.amount, 'base')}</span>
          <span part="total"><span class="visually-hidden">, total </span>${this.units(row.total, 'quote')}</span>
          <span part="count"
            ><span class="visually-hidden">, orders: </span>${row.count}${row.mine ? html`<span class="mine-mark"> ·&nbsp;yours</span>` : nothing}</span
          >
        </button>
      </div>`;
    }
    const o = row.order;
    return html`<div
      part="order${row.mine ? ' my-order' : ''}"
      class="row order"
      role="listitem"
      aria-posinset=${index + 1}
      aria-setsize=${size}
      data-id=${o.id}
    >
      <span part="maker">${row.mine ? 'You' : shortKey(o.maker)}</span>
      <span part="amount"
        >${this.units(o.amount, 'base')}${o.minFill !== undefined ? html` <small>(min ${this.units(o.minFill, 'base')})</small>` : nothing}</span
      >
      <span part="expiry">until ${new Date(o.expires).toLocaleTimeString()}</span>
      ${
        row.mine
          ? html`<button
              part="cancel-button"
              class="secondary"
              type="button"
              tabindex=${tabindex}
              data-index=${index}
              @click=${() => void this.cancelOrder(o.id).catch(() => undefined)}
            >
              Cancel<span class="visually-hidden"> my order of ${this.units(o.amount, 'base')} at ${this.price({ num: o.price, den: o.lot })}</span>
            </button>`
          : html`<button
              part="take-button"
              type="button"
              tabindex=${tabindex}
              data-index=${index}
              @click=${(e: Event) => this.openTake(o, e.currentTarget as HTMLElement)}
            >
              ${o.side === 'sell' ? 'Buy' : 'Sell'}<span class="visually-hidden">
                ${this.units(o.amount, 'base')} at ${this.price({ num: o.price, den: o.lot })} from ${shortKey(o.maker)}</span
              >
            </button>`
      }
    </div>`;
  }

  private renderTake() {
    const take = this.take;
    if (!take) return nothing;
    const o = take.order;
    const verb = o.side === 'sell' ? 'Buy' : 'Sell';
    return html`<form
      part="take-form"
      aria-labelledby="take-title"
      novalidate
      @submit=${this.onTakeSubmit}
      @keydown=${(e: KeyboardEvent) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          this.closeTake();
        }
      }}
    >
      <h3 id="take-title">${verb} from ${shortKey(o.maker)} at ${this.price({ num: o.price, den: o.lot })} ${o.quote}</h3>
      <p>
        Available ${this.units(o.amount, 'base')}
        ${o.base}${o.minFill !== undefined ? `, minimum ${this.units(o.minFill, 'base')}` : ''}${
          o.lot > 1n ? `, in multiples of ${this.units(o.lot, 'base')}` : ''
        }.
      </p>
      <label for="take-amount">Amount (${o.base})</label>
      <input
        part="take-input"
        id="take-amount"
        inputmode="decimal"
        autocomplete="off"
        .value=${this.units(o.amount, 'base')}
        aria-describedby="take-error"
        aria-invalid=${take.error ? 'true' : 'false'}
      />
      <button part="take-submit" type="submit">Propose trade</button>
      <button part="take-close" class="secondary" type="button" @click=${this.closeTake}>Close</button>
      <p part="field-error" id="take-error">${take.error}</p>
    </form>`;
  }

  private renderMine(view: View | undefined) {
    const mine = view?.mine ?? [];
    return html`<section part="my-orders" aria-labelledby="mine-title">
      <h3 id="mine-title">My orders</h3>
      ${
        mine.length === 0
          ? html`<p part="empty">You have no open orders.</p>`
          : html`<ul>
              ${mine.map(
                (o) =>
                  html`<li part="my-order" data-id=${o.id}>
                    <span
                      >${o.side === 'sell' ? 'Sell' : 'Buy'} ${this.units(o.amount, 'base')} ${o.base} at ${this.price({ num: o.price, den: o.lot })}
                      ${o.quote}</span
                    >
                    <span part="expiry">until ${new Date(o.expires).toLocaleTimeString()}</span>
                    <button part="cancel-button" class="secondary" type="button" @click=${() => void this.cancelOrder(o.id).catch(() => undefined)}>
                      Cancel<span class="visually-hidden"> ${o.side} ${this.units(o.amount, 'base')} at ${this.price({ num: o.price, den: o.lot })}</span>
                    </button>
                  </li>`,
              )}
            </ul>`
      }
      <p part="error" role="alert">${this.cancelError}</p>
    </section>`;
  }

  private renderForm(view: View | undefined) {
    const e = this.formErrors;
    const field = (name: OrderFormField, label: string, part: string, hint = '') =>
      html`<div class="field">
        <label for="f-${name}">${label}</label>
        <input
          part=${part}
          id="f-${name}"
          name=${name}
          inputmode="decimal"
          autocomplete="off"
          aria-invalid=${e[name] ? 'true' : 'false'}
          aria-describedby="f-${name}-error${hint ? ` f-${name}-hint` : ''}"
        />
        ${hint ? html`<small id="f-${name}-hint">${hint}</small>` : nothing}
        <p part="field-error" id="f-${name}-error">${e[name] ?? ''}</p>
      </div>`;
    const base = view?.base ?? 'base';
    const quote = view?.quote ?? 'quote';
    return html`<form part="order-form" aria-labelledby="form-title" novalidate @submit=${this.onOrderSubmit}>
      <h3 id="form-title">New order</h3>
      <fieldset part="side-choice" aria-describedby="f-side-error">
        <legend>Side</legend>
        <label><input type="radio" name="side" value="buy" />Buy ${base}</label>
        <label><input type="radio" name="side" value="sell" checked />Sell ${base}</label>
        <p part="field-error" id="f-side-error">${e.side ?? ''}</p>
      </fieldset>
      ${field('price', `Price (${quote} per ${base})`, 'price-input')} ${field('amount', `Amount (${base})`, 'amount-input')}
      ${field('minFill', 'Minimum fill (optional)', 'min-fill-input', 'Smallest amount a taker may take.')}
      <div class="field">
        <label for="f-outpoints">Outpoints</label>
        <textarea
          part="outpoints-input"
          id="f-outpoints"
          name="outpoints"
          rows="2"
          spellcheck="false"
          aria-invalid=${e.outpoints ? 'true' : 'false'}
          aria-describedby="f-outpoints-error f-outpoints-hint"
        ></textarea>
        <small id="f-outpoints-hint">The outputs you will spend to settle, <code>txid:vout</code>, one per line.</small>
        <p part="field-error" id="f-outpoints-error">${e.outpoints ?? ''}</p>
      </div>
      <button part="submit-button" type="submit" ?disabled=${this.placing || !view || !this.current?.me}>Place order</button>
      <p part="error" role="alert">${e.form ?? ''}</p>
      <p part="note" role="status">${this.formNote}</p>
    </form>`;
  }
}
