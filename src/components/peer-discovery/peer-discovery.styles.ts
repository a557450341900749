import { css } from 'lit';
import { panelStyles } from '../../internal/tokens.styles.js';

export const peerDiscoveryStyles = [
  panelStyles('peer-discovery'),
  css`
    form,
    .row {
      display: flex;
      flex-wrap: wrap;
      gap: var(--darkswap-space-2, 0.5rem);
      align-items: end;
      min-width: 0;
    }
    label {
      display: grid;
      gap: var(--darkswap-space-1, 0.25rem);
      min-width: 0;
      flex: 1 1 10rem;
    }
    input {
      max-inline-size: 100%;
      min-width: 0;
    }
    ul {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      gap: var(--darkswap-space-2, 0.5rem);
    }
    h3 {
      margin: 0;
      font-size: 1rem;
    }
    [part~='peer'],
    [part~='contact'],
    [part~='admission'] {
      border: 1px solid var(--darkswap-peer-discovery-border-color, var(--darkswap-color-border, #c9ced6));
      border-radius: var(--darkswap-radius, 0.5rem);
      padding: var(--darkswap-space-2, 0.5rem);
      display: grid;
      gap: var(--darkswap-space-1, 0.25rem);
      min-width: 0;
    }
    .who {
      display: flex;
      flex-wrap: wrap;
      gap: 0 var(--darkswap-space-2, 0.5rem);
      align-items: baseline;
      min-width: 0;
    }
    code {
      font-family: var(--darkswap-font-mono, monospace);
      overflow-wrap: anywhere;
    }
    .muted {
      color: var(--darkswap-color-text-muted, #555b66);
      font-size: var(--darkswap-font-size-small, 0.8125rem);
    }
    [part~='qr'] {
      inline-size: min(100%, 12rem);
      block-size: auto;
      background: #fff;
      color: #000;
    }
    [part~='error'] {
      color: var(--darkswap-color-danger, #b3261e);
      margin: 0;
    }
  `,
];
