import { css } from 'lit';
import { panelStyles } from '../../internal/tokens.styles.js';

export const networkStatusStyles = [
  panelStyles('network-status'),
  css`
    ul {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      gap: var(--darkswap-space-2, 0.5rem);
    }
    [part~='peer'] {
      border: 1px solid var(--darkswap-network-status-border-color, var(--darkswap-color-border, #c9ced6));
      border-radius: var(--darkswap-radius, 0.5rem);
      padding: var(--darkswap-space-2, 0.5rem);
      display: grid;
      gap: var(--darkswap-space-1, 0.25rem);
      min-width: 0;
    }
    .line {
      display: flex;
      flex-wrap: wrap;
      gap: var(--darkswap-space-2, 0.5rem);
      align-items: center;
      min-width: 0;
    }
    code {
      font-family: var(--darkswap-font-mono, monospace);
      overflow-wrap: anywhere;
    }
    dl {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(6.5rem, 1fr));
      gap: var(--darkswap-space-1, 0.25rem) var(--darkswap-space-2, 0.5rem);
      margin: 0;
    }
    dt {
      font-size: var(--darkswap-font-size-small, 0.8125rem);
      color: var(--darkswap-color-text-muted, #555b66);
    }
    dd {
      margin: 0;
      font-variant-numeric: tabular-nums;
    }
    [part~='verdict'] {
      border-radius: 999px;
      padding: 0 var(--darkswap-space-2, 0.5rem);
      font-size: var(--darkswap-font-size-small, 0.8125rem);
      border: 1px solid currentColor;
    }
    [part~='verdict'][data-verdict='good'] {
      color: var(--darkswap-network-status-good-color, var(--darkswap-color-success, #116b35));
    }
    [part~='verdict'][data-verdict='fair'] {
      color: var(--darkswap-network-status-fair-color, var(--darkswap-color-warning, #8a5300));
    }
    [part~='verdict'][data-verdict='poor'] {
      color: var(--darkswap-network-status-poor-color, var(--darkswap-color-danger, #b3261e));
    }
    svg {
      inline-size: 60px;
      block-size: 16px;
      overflow: visible;
    }
    polyline {
      fill: none;
      stroke: var(--darkswap-network-status-spark-color, var(--darkswap-color-accent, #1f5fbf));
      stroke-width: 1.5;
    }
    [part~='finding'][data-severity='problem'] {
      color: var(--darkswap-color-danger, #b3261e);
    }
    button {
      min-block-size: 44px;
    }
    [part~='history'] {
      display: flex;
      flex-wrap: wrap;
      gap: var(--darkswap-space-1, 0.25rem) var(--darkswap-space-3, 0.75rem);
      margin: 0;
      font-size: var(--darkswap-font-size-small, 0.8125rem);
    }
    [part~='turn-servers'] {
      margin: 0;
      padding-inline-start: 1.25rem;
      font-size: var(--darkswap-font-size-small, 0.8125rem);
      overflow-wrap: anywhere;
    }
    [part~='notice'] {
      margin: 0;
    }
    .muted {
      color: var(--darkswap-color-text-muted, #555b66);
      margin: 0;
    }
  `,
];
