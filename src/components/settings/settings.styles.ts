import { css } from 'lit';
import { panelStyles } from '../../internal/tokens.styles.js';

export const settingsStyles = [
  panelStyles('settings'),
  css`
    section {
      display: grid;
      gap: var(--darkswap-space-2, 0.5rem);
      min-width: 0;
    }
    h3 {
      margin: 0;
      font-size: 1rem;
    }
    .field {
      display: grid;
      gap: var(--darkswap-space-1, 0.25rem);
      min-width: 0;
    }
    label {
      font-size: var(--darkswap-font-size-small, 0.8125rem);
      color: var(--darkswap-color-text-muted, #555b66);
    }
    input,
    select {
      min-block-size: 44px;
      inline-size: 100%;
      min-width: 0;
    }
    button {
      min-block-size: 44px;
    }
    .row {
      display: flex;
      flex-wrap: wrap;
      gap: var(--darkswap-space-2, 0.5rem);
      align-items: center;
    }
    ul {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      gap: var(--darkswap-space-2, 0.5rem);
    }
    li {
      display: grid;
      gap: var(--darkswap-space-1, 0.25rem);
      border: 1px solid var(--darkswap-color-border, #c9ced6);
      border-radius: var(--darkswap-radius, 0.5rem);
      padding: var(--darkswap-space-2, 0.5rem);
      min-width: 0;
    }
    code {
      font-family: var(--darkswap-font-mono, monospace);
      overflow-wrap: anywhere;
    }
    [part~='field-error'] {
      margin: 0;
      color: var(--darkswap-settings-error-color, var(--darkswap-color-danger, #b3261e));
      font-size: var(--darkswap-font-size-small, 0.8125rem);
    }
    [part~='field-error']:empty {
      display: none;
    }
    .note,
    [part~='pinned-note'] {
      margin: 0;
      font-size: var(--darkswap-font-size-small, 0.8125rem);
      color: var(--darkswap-color-text-muted, #555b66);
    }
    [part~='test-result'][data-ok='true'] {
      color: var(--darkswap-color-success, #116b35);
    }
    [part~='test-result'][data-ok='false'] {
      color: var(--darkswap-color-danger, #b3261e);
    }
    fieldset {
      border: 1px solid var(--darkswap-color-border, #c9ced6);
      border-radius: var(--darkswap-radius, 0.5rem);
      margin: 0;
      padding: var(--darkswap-space-2, 0.5rem);
      min-width: 0;
    }
    fieldset label {
      display: inline-flex;
      align-items: center;
      gap: var(--darkswap-space-1, 0.25rem);
      min-block-size: 44px;
    }
    input[type='checkbox'] {
      inline-size: auto;
      min-block-size: 0;
    }
    input[type='time'] {
      inline-size: auto;
    }
    dialog {
      max-inline-size: min(90vw, 24rem);
      border: 1px solid var(--darkswap-color-border, #c9ced6);
      border-radius: var(--darkswap-radius, 0.5rem);
    }
    p {
      margin: 0;
    }
  `,
];
