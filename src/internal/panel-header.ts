/**
 * The piece every widget's panel starts with: a heading, a status line in one shared set of words,
 * and the "not connected" notice shown when no connection service reached the widget.
 */
import { html, nothing, type TemplateResult } from 'lit';

/** One set of words for a connection service's status (`none`: no service reached the widget). */
export const STATUS_WORDS: Readonly<Record<string, string>> = Object.freeze({
  none: 'Not connected',
  idle: 'Not started',
  connecting: 'Connecting…',
  open: 'Online',
  reconnecting: 'Reconnecting…',
  closed: 'Closed',
  error: 'Connection error',
});

/** The words for a service status. */
export function statusWord(status: string): string {
  return STATUS_WORDS[status] ?? status;
}

/**
 * `<header part="header">` with the heading (`part="title"`, `id="title"` for the panel's
 * `aria-labelledby`) and the status (`part="status"`, a polite live region).
 */
export function panelHeader(heading: string, status: string, statusText: string = statusWord(status)): TemplateResult {
  return html`<header part="header">
    <h2 part="title" id="title">${heading}</h2>
    <span part="status" role="status" data-status=${status}>${statusText}</span>
  </header>`;
}

/** The notice shown instead of a widget's body when no connection service reached it. */
export function notConnected(show = true): TemplateResult | typeof nothing {
  return show
    ? html`<p part="not-connected">Not connected: this widget needs a <code>&lt;darkswap-connection&gt;</code> around it or on the page.</p>`
    : nothing;
}
