import { css } from 'lit';
import { panelStyles } from '../../internal/tokens.styles.js';

export const walletStyles = [
  panelStyles('wallet'),
  css`
    ul {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      gap: var(--darkswap-space-2, 0.5rem);
    }
    [part~='wallet-button'] {
      width: 100%;
      text-align: start;
    }
    [part~='connected'] {
      display: grid;
      gap: var(--darkswap-space-2, 0.5rem);
      min-width: 0;
    }
    .line {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: var(--darkswap-space-2, 0.5rem);
      min-width: 0;
    }
    [part~='network'] {
      font-size: var(--darkswap-font-size-small, 0.8125rem);
      padding: 0 var(--darkswap-space-2, 0.5rem);
      border-radius: 999px;
      border: 1px solid var(--darkswap-wallet-network-color, var(--darkswap-color-accent, #1f5fd1));
      color: var(--darkswap-wallet-network-color, var(--darkswap-color-accent, #1f5fd1));
    }
    [part~='account'] {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: var(--darkswap-space-2, 0.5rem);
      min-width: 0;
    }
    [part~='account-purpose'] {
      font-size: var(--darkswap-font-size-small, 0.8125rem);
      color: var(--darkswap-color-text-muted, #555b66);
      min-width: 4.5rem;
    }
    [part~='address'] {
      font-family: var(--darkswap-font-mono, monospace);
      overflow-wrap: anywhere;
      min-width: 0;
    }
    [part~='error'] {
      margin: 0;
      color: var(--darkswap-color-danger, #b3261e);
    }
    [part~='empty'] {
      margin: 0;
    }
  `,
];
