import { css } from 'lit';
import { panelStyles } from '../../internal/tokens.styles.js';

export const avCallStyles = [
  panelStyles('av-call'),
  css`
    .row {
      display: flex;
      flex-wrap: wrap;
      gap: var(--darkswap-space-2, 0.5rem);
      align-items: center;
      min-width: 0;
    }
    label {
      display: grid;
      gap: var(--darkswap-space-1, 0.25rem);
      min-width: 0;
    }
    select {
      max-inline-size: 100%;
    }
    code {
      font-family: var(--darkswap-font-mono, monospace);
      overflow-wrap: anywhere;
    }
    [part~='incoming'] {
      border: 2px solid var(--darkswap-av-call-accent, var(--darkswap-color-accent, #2156d1));
      border-radius: var(--darkswap-radius, 0.5rem);
      padding: var(--darkswap-space-3, 0.75rem);
      display: grid;
      gap: var(--darkswap-space-2, 0.5rem);
    }
    [part~='participants'] {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(min(100%, 12rem), 1fr));
      gap: var(--darkswap-space-2, 0.5rem);
      list-style: none;
      margin: 0;
      padding: 0;
    }
    [part~='participant'],
    [part~='self'] {
      position: relative;
      display: grid;
      gap: var(--darkswap-space-1, 0.25rem);
      min-width: 0;
      border: 1px solid var(--darkswap-av-call-border-color, var(--darkswap-color-border, #c9ced6));
      border-radius: var(--darkswap-radius, 0.5rem);
      padding: var(--darkswap-space-1, 0.25rem);
      background: var(--darkswap-av-call-tile-background, #111);
      color: #fff;
    }
    [part~='participant'] button.secondary {
      /* The tile is dark: secondary buttons get the surface behind them to keep their contrast. */
      background: var(--darkswap-color-surface, #f5f6f8);
    }
    video {
      inline-size: 100%;
      aspect-ratio: 4 / 3;
      object-fit: cover;
      background: #000;
      border-radius: calc(var(--darkswap-radius, 0.5rem) / 2);
    }
    [part~='self'] {
      max-inline-size: 12rem;
    }
    .tile-info {
      display: flex;
      flex-wrap: wrap;
      gap: var(--darkswap-space-1, 0.25rem) var(--darkswap-space-2, 0.5rem);
      font-size: var(--darkswap-font-size-small, 0.8125rem);
      min-width: 0;
    }
    [part~='quality'] {
      display: grid;
      grid-template-columns: auto 1fr;
      gap: 0 var(--darkswap-space-2, 0.5rem);
      margin: 0;
      font-size: var(--darkswap-font-size-small, 0.8125rem);
      font-variant-numeric: tabular-nums;
    }
    [part~='quality'] dd {
      margin: 0;
    }
    [part~='controls'] {
      display: flex;
      flex-wrap: wrap;
      gap: var(--darkswap-space-2, 0.5rem);
    }
    button[aria-pressed='true'] {
      background: var(--darkswap-av-call-pressed-background, var(--darkswap-color-text, #1d2129));
      color: var(--darkswap-color-surface, #fff);
    }
    [part~='hangup-button'],
    [part~='decline-button'] {
      background: var(--darkswap-av-call-hangup-color, var(--darkswap-color-danger, #b3261e));
      color: #fff;
    }
    [part~='level'] {
      inline-size: 100%;
    }
    [part~='error'] {
      color: var(--darkswap-color-danger, #b3261e);
      margin: 0;
    }
    [part~='history'] {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      gap: var(--darkswap-space-1, 0.25rem);
      font-size: var(--darkswap-font-size-small, 0.8125rem);
    }
    [part~='history-entry'] {
      display: flex;
      flex-wrap: wrap;
      gap: 0 var(--darkswap-space-2, 0.5rem);
      min-width: 0;
    }
    .visually-hidden {
      position: absolute;
      inline-size: 1px;
      block-size: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
  `,
];
