/**
 * The piece every widget's panel starts with: a heading, a status line in one shared set of words,
 * and the "not connected" notice shown when no connection service reached the widget.
 */
import { msg } from '@lit/localize';
import { html, nothing, type TemplateResult } from 'lit';

/** One set of words for a connection service's status (`none`: no service reached the widget), in the active language. */
export function statusWords(): Readonly<Record<string, string>> {
  return {
    none: msg('Not connected'),
    idle: msg('Not started'),
    connecting: msg('Connecting…'),
    open: msg('Online'),
    reconnecting: msg('Reconnecting…'),
    closed: msg('Closed'),
    error: msg('Connection error'),
  };
}

/** The words for a service status. */
export function statusWord(status: string): string {
  return statusWords()[status] ?? status;
}

/** A widget's heading: its English default shown in the active language (`msg(default)`), anything else as set. */
export function headingText(heading: string, englishDefault: string, translatedDefault: string): string {
  return heading === englishDefault ? translatedDefault : heading;
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
    ? html`<p part="not-connected">${msg(html`Not connected: this widget needs a <code>&lt;darkswap-connection&gt;</code> around it or on the page.`)}</p>`
    : nothing;
}
