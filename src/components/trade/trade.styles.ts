import { css } from 'lit';
import { panelStyles } from '../../internal/tokens.styles.js';

export const tradeStyles = [
  panelStyles('trade'),
  css`
    h2,
    h3,
    h4,
    h5 {
      margin: 0;
    }
    h2 {
      font-size: 1.125rem;
    }
    h3 {
      font-size: 1rem;
    }
    h4,
    h5 {
      font-size: var(--darkswap-font-size, 0.9375rem);
    }
    p {
      margin: 0;
    }
    code {
      font-family: var(--darkswap-font-mono, monospace);
      overflow-wrap: anywhere;
    }
    [part~='status'],
    .muted {
      font-size: var(--darkswap-font-size-small, 0.8125rem);
      color: var(--darkswap-color-text-muted, #555b66);
    }
    [part~='propose-form'] {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr));
      gap: var(--darkswap-space-2, 0.5rem);
      align-items: end;
    }
    [part~='propose-form'] label {
      display: grid;
      gap: var(--darkswap-space-1, 0.25rem);
      font-size: var(--darkswap-font-size-small, 0.8125rem);
    }
    [part~='propose-form'] input,
    [part~='propose-form'] select {
      min-width: 0;
      width: 100%;
    }
    [part~='error'],
    [part~='failure'] {
      color: var(--darkswap-color-danger, #b3261e);
    }
    [part~='trades'],
    [part~='history-list'] {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      /* Never wider than the panel: long addresses and txids wrap (a phone shows a trade without scrolling). */
      grid-template-columns: minmax(0, 1fr);
      gap: var(--darkswap-space-2, 0.5rem);
    }
    [part~='trade'],
    [part~='review'] {
      grid-template-columns: minmax(0, 1fr);
      min-width: 0;
      overflow-wrap: anywhere;
    }
    [part~='trade'] {
      display: grid;
      gap: var(--darkswap-space-2, 0.5rem);
      padding: var(--darkswap-space-3, 0.75rem);
      background: var(--darkswap-trade-card-background, var(--darkswap-color-bg, #fff));
      border: 1px solid var(--darkswap-trade-border-color, var(--darkswap-color-border, #c9ced6));
      border-radius: var(--darkswap-trade-radius, var(--darkswap-radius, 0.5rem));
    }
    [part~='liveness'][data-online='true'] {
      color: var(--darkswap-color-success, #116b35);
    }
    [part~='liveness'][data-online='false'] {
      color: var(--darkswap-color-warning, #8a5300);
    }
    [part~='steps'] {
      display: flex;
      flex-wrap: wrap;
      gap: var(--darkswap-space-1, 0.25rem);
      margin: 0;
      padding: 0;
      list-style: none;
      font-size: var(--darkswap-font-size-small, 0.8125rem);
    }
    [part~='step'] {
      padding: 0 var(--darkswap-space-2, 0.5rem);
      border-radius: var(--darkswap-radius, 0.5rem);
      border: 1px solid var(--darkswap-color-border, #c9ced6);
      color: var(--darkswap-color-text-muted, #555b66);
    }
    [part~='step'][data-status='complete'] {
      color: var(--darkswap-trade-step-done-color, var(--darkswap-color-success, #116b35));
      border-color: currentColor;
    }
    [part~='step'][data-status='current'] {
      color: var(--darkswap-trade-step-current-color, var(--darkswap-color-accent, #4338ca));
      border-color: currentColor;
      font-weight: 600;
    }
    [part~='review'] {
      display: grid;
      gap: var(--darkswap-space-2, 0.5rem);
      padding: var(--darkswap-space-3, 0.75rem);
      border: 2px solid var(--darkswap-trade-review-border-color, var(--darkswap-color-accent, #4338ca));
      border-radius: var(--darkswap-trade-radius, var(--darkswap-radius, 0.5rem));
    }
    dl {
      display: grid;
      grid-template-columns: minmax(min(7rem, 35%), max-content) minmax(0, 1fr);
      gap: var(--darkswap-space-1, 0.25rem) var(--darkswap-space-3, 0.75rem);
      margin: 0;
    }
    dt {
      font-weight: 600;
    }
    dd {
      margin: 0;
      min-width: 0;
    }
    dd ul {
      margin: 0;
      padding-inline-start: 1.1rem;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: var(--darkswap-space-2, 0.5rem);
    }
    [part~='history-item'] {
      display: flex;
      flex-wrap: wrap;
      gap: var(--darkswap-space-2, 0.5rem);
      align-items: baseline;
    }
    [part~='history-item'][data-state='failed'] .result {
      color: var(--darkswap-color-danger, #b3261e);
    }
    [part~='history-item'][data-state='done'] .result {
      color: var(--darkswap-color-success, #116b35);
    }
  `,
];
