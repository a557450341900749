import { css } from 'lit';
import { panelStyles } from '../../internal/tokens.styles.js';

export const orderbookStyles = [
  panelStyles('orderbook'),
  css`
    :host {
      --_bid: var(--darkswap-orderbook-bid-color, var(--darkswap-color-success, #116b35));
      --_ask: var(--darkswap-orderbook-ask-color, var(--darkswap-color-danger, #b3261e));
      --_mono: var(--darkswap-orderbook-font-mono, var(--darkswap-font-mono, ui-monospace, monospace));
      --_row: var(--darkswap-orderbook-row-height, 2rem);
      --_muted: var(--darkswap-color-text-muted, #555b66);
      --_border: var(--darkswap-color-border, #c9ced6);
    }
    [part='toolbar'] {
      display: flex;
      flex-wrap: wrap;
      align-items: baseline;
      justify-content: space-between;
      gap: var(--darkswap-space-2, 0.5rem);
    }
    [part='toolbar'] {
      align-items: center;
      justify-content: flex-start;
    }
    h2,
    h3 {
      margin: 0;
    }
    h2 {
      font-size: 1.125rem;
    }
    h3 {
      font-size: 1rem;
    }
    [part~='status'],
    [part~='empty'],
    small {
      font-size: var(--darkswap-font-size-small, 0.8125rem);
      color: var(--_muted);
    }
    [part~='status'][data-status='open'] {
      color: var(--darkswap-color-success, #116b35);
    }
    [part~='stats'] {
      display: flex;
      gap: var(--darkswap-space-4, 1rem);
      margin: 0 0 0 auto;
    }
    [part~='stats'] div {
      display: flex;
      gap: var(--darkswap-space-1, 0.25rem);
    }
    dt {
      color: var(--_muted);
    }
    dd {
      margin: 0;
      font-family: var(--_mono);
    }
    [part~='summary'] {
      margin: 0;
      font-size: var(--darkswap-font-size-small, 0.8125rem);
      color: var(--_muted);
    }
    [part~='sides'] {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(min(16rem, 100%), 1fr));
      gap: var(--darkswap-space-3, 0.75rem);
    }
    [part~='side'] {
      display: grid;
      gap: var(--darkswap-space-1, 0.25rem);
      align-content: start;
      min-width: 0;
    }
    .grid {
      display: grid;
      /* minmax(0, …): long column titles and numbers wrap instead of widening the book past its container. */
      grid-template-columns: minmax(0, 1.2fr) minmax(0, 1fr) minmax(0, 1fr) minmax(0, 0.7fr);
      gap: var(--darkswap-space-2, 0.5rem);
      align-items: center;
      text-align: end;
    }
    .grid > * {
      min-width: 0;
      overflow-wrap: anywhere;
    }
    [part~='columns'] {
      font-size: var(--darkswap-font-size-small, 0.8125rem);
      color: var(--_muted);
      padding: 0 var(--darkswap-space-2, 0.5rem);
    }
    .levels {
      height: var(--darkswap-orderbook-list-height, 18rem);
      background: var(--darkswap-color-bg, #fff);
      border: 1px solid var(--_border);
      border-radius: var(--darkswap-radius, 0.5rem);
    }
    /* Rows have one fixed height: the virtualizer measures each row once and nothing resizes under it. */
    .row {
      position: relative;
      width: 100%;
      height: var(--_row);
      overflow: hidden;
      white-space: nowrap;
    }
    .depth {
      position: absolute;
      inset-block: 0;
      inset-inline-end: 0;
      pointer-events: none;
    }
    [part~='bid-depth'] {
      background: var(--darkswap-orderbook-bid-depth, color-mix(in srgb, var(--_bid) 16%, transparent));
    }
    [part~='ask-depth'] {
      background: var(--darkswap-orderbook-ask-depth, color-mix(in srgb, var(--_ask) 16%, transparent));
    }
    [part~='level-button'] {
      position: relative;
      width: 100%;
      height: 100%;
      min-height: 0;
      border: 0;
      border-radius: 0;
      background: transparent;
      color: inherit;
      padding: 0 var(--darkswap-space-2, 0.5rem);
      font-family: var(--_mono);
    }
    [part~='level-button']:hover {
      background: color-mix(in srgb, var(--darkswap-color-accent, #4338ca) 8%, transparent);
    }
    [part~='level-button']:focus-visible {
      box-shadow: inset var(--darkswap-focus-ring, 0 0 0 3px #2563eb);
    }
    [data-side='buy'] .price {
      color: var(--_bid);
      font-weight: 600;
    }
    [data-side='sell'] .price {
      color: var(--_ask);
      font-weight: 600;
    }
    .mine-mark {
      font-family: var(--darkswap-font-family, system-ui, sans-serif);
      color: var(--darkswap-color-accent, #4338ca);
    }
    .order {
      display: flex;
      align-items: center;
      gap: var(--darkswap-space-2, 0.5rem);
      padding: 0 var(--darkswap-space-2, 0.5rem) 0 var(--darkswap-space-4, 1rem);
      font-size: var(--darkswap-font-size-small, 0.8125rem);
      border-top: 1px dashed var(--_border);
    }
    .order [part~='amount'] {
      font-family: var(--_mono);
      margin-inline-start: auto;
    }
    .order button {
      min-height: 0;
      height: calc(var(--_row) - 0.25rem);
      padding-block: 0;
    }
    [part~='maker'],
    [part~='expiry'] {
      color: var(--_muted);
      font-family: var(--_mono);
    }
    [part~='take-form'],
    [part~='order-form'],
    [part~='my-orders'] {
      display: grid;
      gap: var(--darkswap-space-2, 0.5rem);
      padding: var(--darkswap-space-3, 0.75rem);
      border: 1px solid var(--_border);
      border-radius: var(--darkswap-radius, 0.5rem);
      background: var(--darkswap-color-bg, #fff);
    }
    [part~='take-form'] {
      grid-template-columns: auto 1fr auto auto;
      align-items: center;
    }
    [part~='take-form'] h3,
    [part~='take-form'] p {
      grid-column: 1 / -1;
      margin: 0;
    }
    [part~='my-orders'] ul {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      gap: var(--darkswap-space-1, 0.25rem);
    }
    [part~='my-order'] {
      display: flex;
      flex-wrap: wrap;
      gap: var(--darkswap-space-2, 0.5rem);
      align-items: center;
    }
    [part~='my-order'] button {
      margin-inline-start: auto;
    }
    fieldset {
      border: 0;
      margin: 0;
      padding: 0;
      display: flex;
      flex-wrap: wrap;
      gap: var(--darkswap-space-3, 0.75rem);
      align-items: center;
    }
    [part~='side-choice'] label {
      display: inline-flex;
      align-items: center;
      gap: var(--darkswap-space-1, 0.25rem);
    }
    [part~='side-choice'] input {
      margin: 0;
      padding: 0;
      inline-size: auto;
    }
    legend {
      float: inline-start;
      margin-inline-end: var(--darkswap-space-2, 0.5rem);
    }
    .field {
      display: grid;
      gap: var(--darkswap-space-1, 0.25rem);
    }
    textarea {
      font: inherit;
      font-family: var(--_mono);
      color: inherit;
      background: var(--darkswap-color-bg, #fff);
      border: 1px solid var(--_border);
      border-radius: var(--darkswap-radius, 0.5rem);
      padding: var(--darkswap-space-1, 0.25rem) var(--darkswap-space-2, 0.5rem);
    }
    [aria-invalid='true'] {
      border-color: var(--darkswap-color-danger, #b3261e);
    }
    [part~='field-error'],
    [part~='error'] {
      margin: 0;
      color: var(--darkswap-color-danger, #b3261e);
      font-size: var(--darkswap-font-size-small, 0.8125rem);
    }
    [part~='field-error']:empty,
    [part~='error']:empty,
    [part~='note']:empty {
      display: none;
    }
    [part~='note'] {
      margin: 0;
      color: var(--darkswap-color-success, #116b35);
    }
    [part~='submit-button'] {
      justify-self: start;
    }
    [part~='not-connected'] {
      margin: 0;
      color: var(--_muted);
    }
    code {
      font-family: var(--_mono);
    }
  `,
];
