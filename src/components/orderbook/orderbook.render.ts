/**
 * The templates of `<darkswap-orderbook>`: the toolbar and summary, the two virtualized sides and their
 * rows, the take panel, my orders and the create-order form. Pure functions of what they are given
 * (the view, the form and panel state, display formats and the element's actions).
 */
import { msg, str } from '@lit/localize';
import { html, nothing } from 'lit';
import { formatClock, formatNumber } from '../../internal/format.js';
// CSSOM (element.style), which a strict CSP allows; a style attribute it blocks (see cssom-style.ts).
import { cssomStyle } from '../../internal/cssom-style.js';
import { virtualize } from '@lit-labs/virtualizer/virtualize.js';
import { FlowLayout } from '@lit-labs/virtualizer/layouts/flow.js';
import type { Order } from '../../features/orderbook/order.model.js';
import type { Side } from '../../features/orderbook/orderbook.types.js';
import { EMPTY_SIDE, type OrderbookView } from './orderbook.view-controller.js';
import { depthPercent, shortKey, sideWord, type BookRow, type Formats, type OrderFormField, type SideView } from './orderbook.view.js';

type FlowLayoutArgs = ConstructorParameters<typeof FlowLayout>;

/** Options of `FixedRowFlowLayout`: the flow layout's, plus the height of every row in px. */
export type FixedRowLayoutConfig = NonNullable<FlowLayoutArgs[1]> & { rowHeight?: number };

/**
 * The flow layout told the height of the rows. Its first size estimate is otherwise 100 px; the rows here
 * are one fixed height, so right from the first frame it renders the rows that fit, instead of rendering
 * too few, measuring and adding more from inside a ResizeObserver callback (which Chromium reports as
 * "ResizeObserver loop completed with undelivered notifications").
 */
export class FixedRowFlowLayout extends FlowLayout {
  constructor(hostSink: FlowLayoutArgs[0], config?: FixedRowLayoutConfig) {
    super(hostSink, config);
    if (config?.rowHeight) this.rowHeight = config.rowHeight;
  }

  /** The row height in px: the size estimate until rows are measured. A config key, too. */
  get rowHeight(): number {
    return this._itemSize.height;
  }

  set rowHeight(px: number) {
    this._itemSize = { width: 320, height: px };
  }
}

/** The `layout` option of the virtualize directive for rows `rowHeight` px high. */
export function fixedRowLayout(rowHeight: number): { type: typeof FixedRowFlowLayout; rowHeight: number } {
  return { type: FixedRowFlowLayout, rowHeight };
}

/** The row height in px: `--darkswap-orderbook-row-height` (default 2rem) resolved inside `root`. */
export function rowHeightPx(root: Node): number {
  const probe = document.createElement('div');
  probe.style.cssText = 'position:absolute;visibility:hidden;height:var(--darkswap-orderbook-row-height, 2rem)';
  root.appendChild(probe);
  const px = probe.getBoundingClientRect().height;
  probe.remove();
  return px;
}

export interface TakeState {
  order: Order;
  error: string;
  /** The control to return focus to. */
  returnTo: HTMLElement | null;
}

/** What the element does when its controls are used. */
export interface BookActions {
  pairChange(event: Event): void;
  listKeydown(side: Side, event: KeyboardEvent): void;
  listFocusin(side: Side, event: FocusEvent): void;
  toggleLevel(key: string): void;
  openTake(order: Order, returnTo: HTMLElement): void;
  cancel(orderId: string): void;
  takeSubmit(event: SubmitEvent): void;
  closeTake(): void;
  orderSubmit(event: SubmitEvent): void;
}

/** Everything the book's templates show. */
export interface BookState {
  view: OrderbookView | undefined;
  /** The pairs in the selector. */
  pairs: string[];
  fmt: Formats;
  /** The virtualize directive's layout option. */
  layout: ReturnType<typeof fixedRowLayout>;
  /** The tabindex of a list row (one tab stop per list). */
  tabIndex(side: Side, index: number): '0' | '-1';
  take: TakeState | undefined;
  takeNote: string;
  cancelError: string;
  formErrors: Partial<Record<OrderFormField | 'form', string>>;
  formNote: string;
  placeDisabled: boolean;
  /** Whether an order can be taken: its maker has an open link, or the order says how to reach the maker. */
  reachable(order: Order): boolean;
  actions: BookActions;
}

export function renderBook(s: BookState) {
  const view = s.view;
  const pairs = s.pairs;
  const active = view ? `${view.base}/${view.quote}` : '';
  return html`
    <div part="toolbar">
      <label for="pair">${msg('Pair')}</label>
      <select part="pair-select" id="pair" @change=${s.actions.pairChange} ?disabled=${pairs.length === 0}>
        ${pairs.length === 0 ? html`<option value="">${msg('No pairs yet')}</option>` : nothing}
        ${pairs.map((p) => html`<option value=${p} ?selected=${p === active}>${p}</option>`)}
      </select>
      <dl part="stats">
        <div>
          <dt>${msg('Spread')}</dt>
          <dd part="spread">${view?.spread ? s.fmt.signedPrice(view.spread) : '—'}</dd>
        </div>
        <div>
          <dt>${msg('Mid')}</dt>
          <dd part="mid">${view?.mid ? s.fmt.price(view.mid) : '—'}</dd>
        </div>
      </dl>
    </div>
    <p part="summary" id="summary" aria-live="polite" aria-atomic="true">${view?.summary ?? msg('Choose a pair.')}</p>
    <div part="sides">${renderSide('buy', view?.bids ?? EMPTY_SIDE, s)} ${renderSide('sell', view?.asks ?? EMPTY_SIDE, s)}</div>
    ${renderTake(s)}
    <p part="note" id="take-note" role="status">${s.takeNote}</p>
    ${renderMine(s)} ${renderForm(s)}
  `;
}

function renderSide(side: Side, sv: SideView, s: BookState) {
  const name = side === 'buy' ? 'bids' : 'asks';
  const title = side === 'buy' ? msg('Bids (buy orders)') : msg('Asks (sell orders)');
  const quote = s.fmt.unit('quote', s.view?.quote ?? '');
  const base = s.fmt.unit('base', s.view?.base ?? '');
  return html`<section part="side ${name}" aria-labelledby="${name}-title">
    <h3 part="side-title" id="${name}-title">${title}</h3>
    <div part="columns" class="grid" aria-hidden="true">
      <span>${msg(str`Price (${quote} per ${base})`)}</span><span>${msg(str`Amount (${base})`)}</span><span>${msg(str`Total (${quote})`)}</span
      ><span>${msg('Orders')}</span>
    </div>
    ${
      sv.rows.length === 0
        ? html`<p part="empty">${side === 'buy' ? msg('No bids.') : msg('No asks.')}</p>`
        : html`<div
            part="levels"
            class="levels"
            role="list"
            aria-labelledby="${name}-title"
            data-list=${side}
            @keydown=${(e: KeyboardEvent) => s.actions.listKeydown(side, e)}
            @focusin=${(e: FocusEvent) => s.actions.listFocusin(side, e)}
          >
            ${virtualize({
              items: sv.rows,
              // When the list shrinks, the virtualizer can ask once more for indexes of its old range (no row).
              keyFunction: (row: BookRow | undefined, index: number) => row?.key ?? `gone-${index}`,
              renderItem: (row: BookRow | undefined, index: number) => (row ? renderRow(row, index, sv.rows.length, s) : html``),
              scroller: true,
              layout: s.layout,
            })}
          </div>`
    }
  </section>`;
}

function renderRow(row: BookRow, index: number, size: number, s: BookState) {
  const tabindex = s.tabIndex(row.side, index);
  const { price, units } = s.fmt;
  if (row.kind === 'level') {
    const depth = row.side === 'buy' ? 'bid-depth' : 'ask-depth';
    return html`<div part="level" class="row" role="listitem" aria-posinset=${index + 1} aria-setsize=${size} data-side=${row.side} data-key=${row.key}>
      <span
        part="depth-bar ${depth}"
        class="depth"
        style=${cssomStyle({ 'inline-size': `${depthPercent(row, s.view?.depth ?? 0n)}%` })}
        aria-hidden="true"
      ></span>
      <button
        part="level-button"
        class="grid"
        type="button"
        tabindex=${tabindex}
        data-index=${index}
        aria-expanded=${row.expanded ? 'true' : 'false'}
        @click=${() => s.actions.toggleLevel(row.key)}
      >
        <span part="price" class="price"><span class="visually-hidden">${msg('Price')} </span>${price(row.price)}</span>
        <span part="amount"><span class="visually-hidden">${msg(', amount')} </span>${units(row.amount, 'base')}</span>
        <span part="total"><span class="visually-hidden">${msg(', total')} </span>${units(row.total, 'quote')}</span>
        <span part="count"
          ><span class="visually-hidden">${msg(', orders:')} </span
          >${formatNumber(row.count, { useGrouping: false })}${row.mine ? html`<span class="mine-mark"> ·&nbsp;${msg('yours')}</span>` : nothing}</span
        >
      </button>
    </div>`;
  }
  const o = row.order;
  return html`<div part="order${row.mine ? ' my-order' : ''}" class="row order" role="listitem" aria-posinset=${index + 1} aria-setsize=${size} data-id=${o.id}>
    <span part="maker">${row.mine ? msg('You') : shortKey(o.maker)}</span>
    <span part="amount"
      >${units(o.amount, 'base')}${o.minFill !== undefined ? html` <small>${msg(str`(min ${units(o.minFill, 'base')})`)}</small>` : nothing}</span
    >
    <span part="expiry">${msg(str`until ${formatClock(o.expires)}`)}</span>
    ${
      row.mine
        ? html`<button part="cancel-button" class="secondary" type="button" tabindex=${tabindex} data-index=${index} @click=${() => s.actions.cancel(o.id)}>
            ${msg(html`Cancel<span class="visually-hidden"> my order of ${units(o.amount, 'base')} at ${price({ num: o.price, den: o.lot })}</span>`)}
          </button>`
        : s.reachable(o)
          ? html`<button
              part="take-button"
              type="button"
              tabindex=${tabindex}
              data-index=${index}
              @click=${(e: Event) => s.actions.openTake(o, e.currentTarget as HTMLElement)}
            >
              ${o.side === 'sell' ? msg('Buy') : msg('Sell')}<span class="visually-hidden">
                ${msg(str`${units(o.amount, 'base')} at ${price({ num: o.price, den: o.lot })} from ${shortKey(o.maker)}`)}</span
              >
            </button>`
          : html`<button part="take-button unreachable" type="button" tabindex=${tabindex} data-index=${index} aria-disabled="true" disabled>
              ${msg(html`Maker offline<span class="visually-hidden">: connect to ${shortKey(o.maker)} to take this order</span>`)}
            </button>`
    }
  </div>`;
}

function renderTake(s: BookState) {
  const take = s.take;
  if (!take) return nothing;
  const { price, units } = s.fmt;
  const o = take.order;
  return html`<form
    part="take-form"
    aria-labelledby="take-title"
    novalidate
    @submit=${s.actions.takeSubmit}
    @keydown=${(e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        s.actions.closeTake();
      }
    }}
  >
    <h3 id="take-title">
      ${
        o.side === 'sell'
          ? msg(str`Buy from ${shortKey(o.maker)} at ${price({ num: o.price, den: o.lot })} ${s.fmt.unit('quote', o.quote)}`)
          : msg(str`Sell from ${shortKey(o.maker)} at ${price({ num: o.price, den: o.lot })} ${s.fmt.unit('quote', o.quote)}`)
      }
    </h3>
    <p>
      ${msg(str`Available ${units(o.amount, 'base')} ${s.fmt.unit('base', o.base)}`)}${
        o.minFill !== undefined ? msg(str`, minimum ${units(o.minFill, 'base')}`) : ''
      }${o.lot > 1n ? msg(str`, in multiples of ${units(o.lot, 'base')}`) : ''}.
    </p>
    <label for="take-amount">${msg(str`Amount (${s.fmt.unit('base', o.base)})`)}</label>
    <input
      part="take-input"
      id="take-amount"
      inputmode="decimal"
      autocomplete="off"
      .value=${s.fmt.plainUnits(o.amount, 'base')}
      aria-describedby="take-error"
      aria-invalid=${take.error ? 'true' : 'false'}
    />
    <button part="take-submit" type="submit">${msg('Propose trade')}</button>
    <button part="take-close" class="secondary" type="button" @click=${s.actions.closeTake}>${msg('Close')}</button>
    <p part="field-error" id="take-error">${take.error}</p>
  </form>`;
}

function renderMine(s: BookState) {
  const mine = s.view?.mine ?? [];
  const { price, units } = s.fmt;
  return html`<section part="my-orders" aria-labelledby="mine-title">
    <h3 id="mine-title">${msg('My orders')}</h3>
    ${
      mine.length === 0
        ? html`<p part="empty">${msg('You have no open orders.')}</p>`
        : html`<ul>
            ${mine.map(
              (o) =>
                html`<li part="my-order" data-id=${o.id}>
                  <span
                    >${
                      o.side === 'sell'
                        ? msg(
                            str`Sell ${units(o.amount, 'base')} ${s.fmt.unit('base', o.base)} at ${price({ num: o.price, den: o.lot })} ${s.fmt.unit('quote', o.quote)}`,
                          )
                        : msg(
                            str`Buy ${units(o.amount, 'base')} ${s.fmt.unit('base', o.base)} at ${price({ num: o.price, den: o.lot })} ${s.fmt.unit('quote', o.quote)}`,
                          )
                    }</span
                  >
                  <span part="expiry">${msg(str`until ${formatClock(o.expires)}`)}</span>
                  <button part="cancel-button" class="secondary" type="button" @click=${() => s.actions.cancel(o.id)}>
                    ${msg(html`Cancel<span class="visually-hidden"> ${sideWord(o.side)} ${units(o.amount, 'base')} at ${price({ num: o.price, den: o.lot })}</span>`)}
                  </button>
                </li>`,
            )}
          </ul>`
    }
    <p part="error" role="alert">${s.cancelError}</p>
  </section>`;
}

function renderForm(s: BookState) {
  const e = s.formErrors;
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
  const base = s.view ? s.fmt.unit('base', s.view.base) : msg('base');
  const quote = s.view ? s.fmt.unit('quote', s.view.quote) : msg('quote');
  return html`<form part="order-form" aria-labelledby="form-title" novalidate @submit=${s.actions.orderSubmit}>
    <h3 id="form-title">${msg('New order')}</h3>
    <fieldset part="side-choice" aria-describedby="f-side-error">
      <legend>${msg('Side')}</legend>
      <label><input type="radio" name="side" value="buy" />${msg(str`Buy ${base}`)}</label>
      <label><input type="radio" name="side" value="sell" checked />${msg(str`Sell ${base}`)}</label>
      <p part="field-error" id="f-side-error">${e.side ?? ''}</p>
    </fieldset>
    ${field('price', msg(str`Price (${quote} per ${base})`), 'price-input')} ${field('amount', msg(str`Amount (${base})`), 'amount-input')}
    ${field('minFill', msg('Minimum fill (optional)'), 'min-fill-input', msg('Smallest amount a taker may take.'))}
    <div class="field">
      <label for="f-outpoints">${msg('Outpoints')}</label>
      <textarea
        part="outpoints-input"
        id="f-outpoints"
        name="outpoints"
        rows="2"
        spellcheck="false"
        aria-invalid=${e.outpoints ? 'true' : 'false'}
        aria-describedby="f-outpoints-error f-outpoints-hint"
      ></textarea>
      <small id="f-outpoints-hint">${msg(html`The outputs you will spend to settle, <code>txid:vout</code>, one per line.`)}</small>
      <p part="field-error" id="f-outpoints-error">${e.outpoints ?? ''}</p>
    </div>
    <button part="submit-button" type="submit" ?disabled=${s.placeDisabled}>${msg('Place order')}</button>
    <p part="error" role="alert">${e.form ?? ''}</p>
    <p part="note" role="status">${s.formNote}</p>
  </form>`;
}
