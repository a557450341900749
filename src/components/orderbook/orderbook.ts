import { localized, msg, str } from '@lit/localize';
import { html, type PropertyValues } from 'lit';
import { formatNumber } from '../../internal/format.js';
import { property, state } from 'lit/decorators.js';
import type { ConnectionApi } from '../../core/connection-api.js';
import { ConnectionController } from '../../context/connection-controller.js';
import { FeatureController } from '../../context/feature-controller.js';
import { DarkswapElement } from '../../internal/base-element.js';
import { headingText, notConnected, panelHeader, statusWord } from '../../internal/panel-header.js';
import type { OrderbookIndexer } from '../../features/orderbook/assets.model.js';
import { encodeOrder, type Order } from '../../features/orderbook/order.model.js';
import { ratio } from '../../features/orderbook/ratio.js';
import { ORDERBOOK_FEATURE, isOrderbookError, OrderbookStore } from '../../features/orderbook/orderbook.store.js';
import type { Side } from '../../features/orderbook/orderbook.types.js';
import { DarkswapOrderCancelledEvent, DarkswapOrderPlacedEvent, DarkswapOrderTakenEvent } from './orderbook.events.js';
import { RovingFocus } from './orderbook.keyboard.js';
import { fixedRowLayout, renderBook, rowHeightPx, type BookActions, type BookState, type TakeState } from './orderbook.render.js';
import { orderbookStyles } from './orderbook.styles.js';
import { OrderbookViewController } from './orderbook.view-controller.js';
import { formatsFor, parsePair, sideWord, validateOrderForm, validateTakeAmount, type Formats, type OrderFormField } from './orderbook.view.js';

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
 * @fires darkswap-order-taken - I took an order; `detail: { order, orderWire, maker, taker, side, base, quote, amount, price, lot, quoteAmount, take, peer, makerPeer }` (bigint amounts; `peer`: the maker's peer id when linked to it; `makerPeer`: where the order's gossip says the maker is, an unsigned hint).
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
@localized()
export class DarkswapOrderbook extends DarkswapElement {
  static override styles = [...DarkswapElement.styles, ...orderbookStyles];

  /** Heading text. The default, "Order book", is shown in the page's language. */
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

  /**
   * Host's asset indexer: orders (mine included, at placement) whose outpoints do not hold what they offer are
   * refused. Applies to the store shared on the service, also when set after it was made.
   */
  @property({ attribute: false }) indexer: OrderbookIndexer | undefined;

  @state() private expanded = new Set<string>();
  @state() private formErrors: Partial<Record<OrderFormField | 'form', string>> = {};
  @state() private formNote = '';
  @state() private placing = false;
  @state() private take: TakeState | undefined;
  @state() private takeNote = '';
  @state() private cancelError = '';

  private readonly conn = new ConnectionController(this, {});
  /** The store shared by every orderbook widget (and the headless API) on the current service. */
  private readonly shared = new FeatureController(this, this.conn, {
    key: ORDERBOOK_FEATURE,
    create: (service) => new OrderbookStore({ ...(this.indexer ? { indexer: this.indexer } : {}), service }),
    enabled: () => !this.store,
  });
  /** The view of the store in use: coalesced updates, sides rebuilt when their orders change. */
  private readonly bookView = new OrderbookViewController(this, {
    pair: () => this.activePair,
    pairs: () => this.pairList(),
    expanded: () => this.expanded,
    formats: () => this.formats,
    due: () => this.flush(false),
    viewed: (view) => this.roving.clamp({ buy: view.bids.rows, sell: view.asks.rows }),
  });
  /** One tab stop per list; arrows move it. */
  private readonly roving = new RovingFocus(this, {
    rows: (side) => (side === 'buy' ? this.bookView.view?.bids.rows : this.bookView.view?.asks.rows),
    toggleLevel: (key) => this.toggleLevel(key),
  });
  private seenStatus = '';
  /** Rows are one fixed height: the list lays out the rows that fit from its first frame. */
  private layout = fixedRowLayout(32);
  private readonly actions: BookActions = {
    pairChange: (e) => this.onPairChange(e),
    listKeydown: (side, e) => this.roving.onKeydown(side, e),
    listFocusin: (side, e) => this.roving.onFocusin(side, e),
    toggleLevel: (key) => this.toggleLevel(key),
    openTake: (order, returnTo) => this.openTake(order, returnTo),
    cancel: (orderId) => void this.cancelOrder(orderId).catch(() => undefined),
    takeSubmit: (e) => this.onTakeSubmit(e),
    closeTake: () => this.closeTake(),
    orderSubmit: (e) => void this.onOrderSubmit(e),
  };

  /** The store in use (injected, or shared for the current service). */
  get orderbook(): OrderbookStore | undefined {
    return this.bookView.store;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('darkswap-trade-completed', this.onTradeCompleted);
    const rowPx = rowHeightPx(this.shadowRoot ?? this);
    if (rowPx > 0) this.layout = fixedRowLayout(rowPx);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback(); // the view controller lets go of the store and its timer
    document.removeEventListener('darkswap-trade-completed', this.onTradeCompleted);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('connection')) this.conn.inject(this.connection);
    if (changed.has('store')) this.shared.refresh();
    if (this.isConnected) this.syncStore();
    const status = this.conn.status;
    if (
      this.bookView.view === undefined ||
      status !== this.seenStatus ||
      changed.has('pair') ||
      changed.has('pairs') ||
      changed.has('baseDecimals') ||
      changed.has('quoteDecimals')
    ) {
      this.seenStatus = status;
      this.bookView.recompute();
    }
  }

  /** Use the injected store, or the one shared by every widget on the current service. */
  private syncStore(): void {
    const service = this.conn.service;
    if (this.store) {
      if (this.bookView.store !== this.store) this.bookView.setStore(this.store);
      if (!this.store.connection && service) this.store.attach(service);
      return;
    }
    if (this.bookView.store !== this.shared.feature) this.bookView.setStore(this.shared.feature);
    // An indexer set after the shared store was made still applies (to orders placed here too).
    if (this.indexer) this.shared.feature?.useIndexer(this.indexer);
  }

  /**
   * Recompute the view now. The coalesced update passes `all = false` (only sides whose orders
   * changed are rebuilt); call it with no argument after changing the store's book directly.
   */
  flush(all = true): void {
    this.bookView.flush(all);
  }

  /** The pair in effect: the `pair` property when valid, else the first offered or known pair. */
  get activePair(): { base: string; quote: string } | undefined {
    return parsePair(this.pair) ?? this.pairList().map(parsePair).find(Boolean);
  }

  private pairList(): string[] {
    const out = new Set<string>();
    if (parsePair(this.pair)) out.add(this.pair);
    for (const p of this.pairs) if (parsePair(p)) out.add(p);
    for (const p of this.bookView.store?.book.pairs() ?? []) out.add(`${p.base}/${p.quote}`);
    return [...out];
  }

  private get formats(): Formats {
    return formatsFor(this.baseDecimals, this.quoteDecimals);
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
    else if (take) this.roving.focusActive(take.order.side);
  }

  /**
   * Take `amount` base units (display text) of one order: match it (prices must cross, no
   * self-match, whole lots, at least the minimum fill) and emit `darkswap-order-taken`.
   * Returns the event detail, or throws with the reason.
   */
  takeOrder(order: Order, amountText: string): DarkswapOrderTakenEvent['detail'] {
    const store = this.bookView.store;
    if (!store?.me) throw new Error(msg('Not connected: taking an order needs an open connection.'));
    const amount = validateTakeAmount(amountText, order, this.baseDecimals);
    if (!amount.ok) throw new Error(amount.message);
    const side: Side = order.side === 'sell' ? 'buy' : 'sell';
    const result = store.match({ base: order.base, quote: order.quote, side, amount: amount.value, limit: ratio(order.price, order.lot), orderId: order.id });
    const trade = result.trades[0];
    if (!trade) {
      const why = result.skipped[0]?.reason;
      throw new Error(
        why === 'self-match'
          ? msg('That is your own order.')
          : why === 'below-min-fill'
            ? msg('That amount is below the maker’s minimum fill.')
            : why === 'expired'
              ? msg('That order has expired.')
              : msg('That order is no longer in the book.'),
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
      makerPeer: store.reachOf(order.id)?.peer,
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
      const f = this.formats;
      this.takeNote = msg(
        str`Trade proposed: ${sideWord(d.side)} ${f.units(d.amount, 'base')} ${f.unit('base', d.base)} for ${f.units(d.quoteAmount, 'quote')} ${f.unit('quote', d.quote)}.`,
      );
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
    const store = this.bookView.store;
    if (typeof detail?.orderId !== 'string' || detail.direction !== 'in' || !store) return;
    const order = store.book.get(detail.orderId);
    if (!order || order.maker !== store.me) return;
    const txid = typeof detail.txid === 'string' ? detail.txid.slice(0, 16) : '';
    this.cancelOrder(order.id).then(
      () =>
        (this.formNote = msg(
          str`Your order to ${sideWord(order.side)} ${this.formats.units(order.amount, 'base')} ${order.base} was settled in transaction ${txid}… and withdrawn: its outputs are spent. Place any remainder again with the new outpoint.`,
        )),
      () => undefined, // another widget on the same store withdrew it first
    );
  };

  /** Cancel one of my orders. */
  async cancelOrder(orderId: string): Promise<void> {
    const store = this.bookView.store;
    const order = store?.book.get(orderId);
    this.cancelError = '';
    try {
      if (!store) throw new Error(msg('Not connected.'));
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
      this.formErrors = { form: msg('Choose a pair first.') };
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
    const store = this.bookView.store;
    if (!store) {
      this.formErrors = { form: msg('Not connected.') };
      return;
    }
    this.placing = true;
    try {
      const order = await store.place(result.terms);
      const t = result.terms;
      this.formNote = msg(
        str`Order placed: ${sideWord(t.side)} ${this.formats.units(t.amount, 'base')} at ${this.formats.price({ num: t.price, den: t.lot })}.`,
      );
      for (const name of ['price', 'amount', 'minFill']) {
        const input = form.elements.namedItem(name) as HTMLInputElement | null;
        if (input) input.value = '';
      }
      this.dispatchEvent(new DarkswapOrderPlacedEvent({ order }));
    } catch (e) {
      const reason = isOrderbookError(e) ? e.reason : undefined;
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
    this.roving.reset();
  }

  // ---- render --------------------------------------------------------------------------------------------------

  private bookState(): BookState {
    const view = this.bookView.view;
    return {
      view,
      pairs: view?.pairs ?? this.pairList(),
      fmt: this.formats,
      layout: this.layout,
      tabIndex: (side, index) => this.roving.tabIndex(side, index),
      take: this.take,
      takeNote: this.takeNote,
      cancelError: this.cancelError,
      formErrors: this.formErrors,
      formNote: this.formNote,
      placeDisabled: this.placing || !view || !this.bookView.store?.me,
      reachable: (order) => !!this.bookView.store?.canReach(order),
      actions: this.actions,
    };
  }

  protected override render() {
    const service = this.conn.service;
    const status = this.conn.status;
    const peers = service?.peers.length ?? 0;
    return html`<section part="base" aria-labelledby="title">
      ${panelHeader(
        headingText(this.heading, 'Order book', msg('Order book')),
        status,
        `${statusWord(status)}${status === 'open' ? ` · ${peers === 1 ? msg('1 peer') : msg(str`${formatNumber(peers)} peers`)}` : ''}`,
      )}
      ${service || this.store ? renderBook(this.bookState()) : notConnected()}
    </section>`;
  }
}
