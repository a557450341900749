import { css } from 'lit';
import { panelStyles } from '../../internal/tokens.styles.js';

export const demoStyles = [
  panelStyles('demo'),
  css`
    code {
      font-family: var(--darkswap-font-mono, monospace);
      overflow-wrap: anywhere;
    }
    form,
    .row {
      display: flex;
      flex-wrap: wrap;
      gap: var(--darkswap-space-2, 0.5rem);
      align-items: center;
    }
    form input {
      flex: 1 1 12rem;
      min-width: 0;
    }
    [part~='error'] {
      margin: 0;
      color: var(--darkswap-color-danger, #b3261e);
    }
    [part~='peers'] {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      gap: var(--darkswap-space-1, 0.25rem);
    }
    [part~='peer'] {
      display: flex;
      gap: var(--darkswap-space-2, 0.5rem);
      align-items: center;
      flex-wrap: wrap;
    }
    [part~='peer'] .state {
      font-size: var(--darkswap-font-size-small, 0.8125rem);
      color: var(--darkswap-color-text-muted, #555b66);
    }
    [part~='log'] {
      min-height: 6rem;
      max-height: var(--darkswap-demo-log-height, 16rem);
      overflow-y: auto;
      margin: 0;
      padding: var(--darkswap-space-2, 0.5rem);
      list-style: none;
      background: var(--darkswap-color-bg, #fff);
      border: 1px solid var(--darkswap-color-border, #c9ced6);
      border-radius: var(--darkswap-radius, 0.5rem);
    }
    [part~='message'] {
      margin: 0 0 var(--darkswap-space-1, 0.25rem);
      white-space: pre-wrap;
      overflow-wrap: anywhere;
    }
    [part~='message'] .who {
      font-weight: 600;
      margin-inline-end: var(--darkswap-space-1, 0.25rem);
    }
    [part~='not-connected'] {
      margin: 0;
      color: var(--darkswap-color-text-muted, #555b66);
    }
  `,
];
