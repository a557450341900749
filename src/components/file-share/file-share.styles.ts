import { css } from 'lit';
import { panelStyles } from '../../internal/tokens.styles.js';

export const fileShareStyles = [
  panelStyles('file-share'),
  css`
    h2 {
      margin: 0;
      font-size: 1.125rem;
    }
    [part~='status'],
    [part~='file-size'],
    [part~='selected-hash'],
    [part~='progress-text'],
    [part~='no-peers'] {
      font-size: var(--darkswap-font-size-small, 0.8125rem);
      color: var(--darkswap-color-text-muted, #555b66);
    }
    [part~='composer'] {
      display: grid;
      gap: var(--darkswap-space-2, 0.5rem);
    }
    [part~='drop-zone'] {
      display: flex;
      flex-wrap: wrap;
      min-inline-size: 0;
      align-items: center;
      gap: var(--darkswap-space-2, 0.5rem);
      padding: var(--darkswap-space-3, 0.75rem);
      border: 2px dashed var(--darkswap-file-share-drop-border-color, var(--darkswap-color-border, #c9ced6));
      border-radius: var(--darkswap-radius, 0.5rem);
      background: var(--darkswap-color-bg, #fff);
    }
    [part~='drop-zone'][data-dragging] {
      border-color: var(--darkswap-color-accent, #4338ca);
    }
    [part~='selection'],
    [part~='transfers'],
    [part~='files'] {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      gap: var(--darkswap-space-2, 0.5rem);
    }
    [part~='selected-hash'] {
      font-family: var(--darkswap-font-mono, ui-monospace, monospace);
    }
    [part~='selected-file'],
    [part~='transfer-header'],
    [part~='actions'] {
      display: flex;
      flex-wrap: wrap;
      gap: var(--darkswap-space-2, 0.5rem);
      align-items: center;
    }
    [part~='peers'] {
      display: flex;
      flex-wrap: wrap;
      /* A fieldset is as wide as its widest line by default: let long peer ids wrap instead. */
      min-inline-size: 0;
      gap: var(--darkswap-space-2, 0.5rem) var(--darkswap-space-3, 0.75rem);
      margin: 0;
      border: 1px solid var(--darkswap-color-border, #c9ced6);
      border-radius: var(--darkswap-radius, 0.5rem);
    }
    [part~='peer'] {
      display: inline-flex;
      gap: var(--darkswap-space-1, 0.25rem);
      align-items: center;
      min-inline-size: 0;
    }
    [part~='peer'] input {
      min-height: auto;
    }
    [part~='transfer'] {
      display: grid;
      gap: var(--darkswap-space-2, 0.5rem);
      padding: var(--darkswap-space-3, 0.75rem);
      background: var(--darkswap-color-bg, #fff);
      border: 1px solid var(--darkswap-color-border, #c9ced6);
      border-radius: var(--darkswap-radius, 0.5rem);
    }
    [part~='transfer-status'] {
      font-weight: 600;
    }
    [part~='transfer'][data-status='complete'] [part~='transfer-status'] {
      color: var(--darkswap-color-success, #116b35);
    }
    [part~='transfer'][data-status='failed'] [part~='transfer-status'],
    [part~='transfer'][data-status='unavailable'] [part~='transfer-status'] {
      color: var(--darkswap-color-danger, #b3261e);
    }
    [part~='file'] {
      display: grid;
      grid-template-columns: minmax(0, 1fr) auto;
      gap: var(--darkswap-space-1, 0.25rem) var(--darkswap-space-2, 0.5rem);
      align-items: center;
    }
    [part~='file-name'] {
      overflow-wrap: anywhere;
      font-weight: 500;
    }
    [part~='progress'] {
      grid-column: 1 / -1;
      width: 100%;
      height: var(--darkswap-file-share-progress-height, 0.5rem);
      accent-color: var(--darkswap-file-share-progress-color, var(--darkswap-color-accent, #4338ca));
    }
    [part~='progress-text'],
    [part~='hash'],
    [part~='integrity-error'],
    [part~='download'] {
      grid-column: 1 / -1;
    }
    [part~='hash'] {
      font-family: var(--darkswap-font-mono, monospace);
      font-size: var(--darkswap-font-size-small, 0.8125rem);
      overflow-wrap: anywhere;
    }
    [part~='download'] {
      color: var(--darkswap-color-accent, #4338ca);
      justify-self: start;
    }
    [part~='error'],
    [part~='integrity-error'],
    [part~='reason'][data-tone='danger'] {
      margin: 0;
      color: var(--darkswap-color-danger, #b3261e);
    }
    [part~='reason'],
    [part~='warning'] {
      margin: 0;
    }
    [part~='warning'] {
      color: var(--darkswap-color-warning, #8a5300);
    }
    [part~='not-connected'] {
      margin: 0;
      color: var(--darkswap-color-text-muted, #555b66);
    }
    code {
      font-family: var(--darkswap-font-mono, monospace);
      overflow-wrap: anywhere;
    }
  `,
];
