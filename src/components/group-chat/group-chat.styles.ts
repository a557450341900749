import { css } from 'lit';
import { panelStyles } from '../../internal/tokens.styles.js';

export const groupChatStyles = [
  panelStyles('group-chat'),
  css`
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
      flex: 1 1 8rem;
    }
    code {
      font-family: var(--darkswap-font-mono, monospace);
      overflow-wrap: anywhere;
    }
    /* The list beside the conversation when both fit (the conversation at least 55 % wide), else stacked: no
       container query, so the widget keeps its content size inside flex rows and shrink-to-fit boxes. */
    [part~='layout'] {
      display: flex;
      flex-wrap: wrap;
      gap: var(--darkswap-space-3, 0.75rem);
    }
    [part~='groups'] {
      flex: 1 1 14rem;
      min-inline-size: 0;
    }
    [part~='conversation'] {
      flex: 999 1 0;
      min-inline-size: min(100%, 55%);
    }
    [part~='groups'],
    [part~='conversation'] {
      display: grid;
      grid-template-columns: minmax(0, 1fr);
      gap: var(--darkswap-space-2, 0.5rem);
      align-content: start;
    }
    [part~='group-list'] {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      gap: var(--darkswap-space-1, 0.25rem);
      max-block-size: 16rem;
      overflow-y: auto;
    }
    [part~='group-button'] {
      inline-size: 100%;
      display: flex;
      align-items: center;
      gap: var(--darkswap-space-2, 0.5rem);
      text-align: start;
      background: transparent;
      color: var(--darkswap-color-text, #15171c);
      border-color: var(--darkswap-color-border, #c9ced6);
    }
    [part~='group-button'][aria-current='true'] {
      border-color: var(--darkswap-color-accent, #4338ca);
      box-shadow: inset 3px 0 0 var(--darkswap-color-accent, #4338ca);
    }
    /* The mark on the start edge: box-shadow has no logical form. */
    :host(:dir(rtl)) [part~='group-button'][aria-current='true'] {
      box-shadow: inset -3px 0 0 var(--darkswap-color-accent, #4338ca);
    }
    [part~='group-name'] {
      flex: 1 1 auto;
      min-width: 0;
      overflow-wrap: anywhere;
    }
    [part~='group-status'],
    [part~='member-status'],
    [part~='hint'],
    [part~='counter'],
    [part~='time'] {
      font-size: var(--darkswap-font-size-small, 0.8125rem);
      color: var(--darkswap-color-text-muted, #555b66);
    }
    [part~='unread-badge'] {
      min-inline-size: 1.5rem;
      padding: 0 0.4rem;
      border-radius: 999px;
      text-align: center;
      font-size: var(--darkswap-font-size-small, 0.8125rem);
      font-variant-numeric: tabular-nums;
      background: var(--darkswap-group-chat-badge-background, var(--darkswap-color-accent, #4338ca));
      color: var(--darkswap-color-accent-text, #fff);
    }
    [part~='conversation-header'] {
      align-items: center;
      justify-content: space-between;
    }
    h3 {
      margin: 0;
      font-size: 1rem;
      overflow-wrap: anywhere;
      min-width: 0;
    }
    [part~='invitation'] {
      align-items: center;
      border: 2px solid var(--darkswap-color-accent, #4338ca);
      border-radius: var(--darkswap-radius, 0.5rem);
      padding: var(--darkswap-space-2, 0.5rem);
    }
    [part~='invitation'] p {
      margin: 0;
      flex: 1 1 10rem;
      overflow-wrap: anywhere;
    }
    [part~='members'] ul {
      margin: var(--darkswap-space-1, 0.25rem) 0 0;
      padding-inline-start: 1.25rem;
    }
    [part~='member'] {
      overflow-wrap: anywhere;
    }
    [part~='messages'] {
      display: block;
      block-size: var(--darkswap-group-chat-log-height, 20rem);
      overflow: auto;
      background: var(--darkswap-color-bg, #fff);
      border: 1px solid var(--darkswap-color-border, #c9ced6);
      border-radius: var(--darkswap-radius, 0.5rem);
    }
    .message {
      inline-size: 100%;
      padding: var(--darkswap-space-1, 0.25rem) var(--darkswap-space-2, 0.5rem);
    }
    .message[part~='my-message'] {
      background: var(--darkswap-group-chat-mine-background, color-mix(in srgb, var(--darkswap-color-accent, #4338ca) 8%, transparent));
    }
    .meta {
      display: flex;
      flex-wrap: wrap;
      gap: 0 var(--darkswap-space-2, 0.5rem);
      align-items: baseline;
      min-width: 0;
    }
    [part~='author'] {
      font-weight: 600;
      overflow-wrap: anywhere;
    }
    .message[data-trusted='false'] [part~='author'] {
      font-weight: 500;
    }
    [part~='fingerprint'] {
      font-size: var(--darkswap-font-size-small, 0.8125rem);
      color: var(--darkswap-color-text-muted, #555b66);
    }
    [part~='name-warning'],
    [part~='error'],
    [part~='compose-error'] {
      color: var(--darkswap-color-danger, #b3261e);
      font-size: var(--darkswap-font-size-small, 0.8125rem);
      margin: 0;
    }
    [part~='text'] {
      margin: 0;
      white-space: pre-wrap;
      overflow-wrap: anywhere;
      unicode-bidi: isolate;
    }
    [part~='composer'] {
      display: grid;
      gap: var(--darkswap-space-1, 0.25rem);
    }
    textarea {
      font: inherit;
      color: inherit;
      inline-size: 100%;
      min-block-size: 2.75rem;
      resize: vertical;
      background: var(--darkswap-color-bg, #fff);
      border: 1px solid var(--darkswap-color-border, #c9ced6);
      border-radius: var(--darkswap-radius, 0.5rem);
      padding: var(--darkswap-space-1, 0.25rem) var(--darkswap-space-2, 0.5rem);
    }
    textarea[aria-invalid='true'] {
      border-color: var(--darkswap-color-danger, #b3261e);
    }
    .composer-row {
      align-items: center;
      justify-content: flex-end;
    }
    [part~='hint'] {
      flex: 1 1 10rem;
    }
    [part~='counter'][data-over='true'] {
      color: var(--darkswap-color-danger, #b3261e);
    }
    [part~='empty'] {
      margin: 0;
      color: var(--darkswap-color-text-muted, #555b66);
    }
  `,
];
