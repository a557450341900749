import { msg, str } from '@lit/localize';
import { html, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';

/** How long "Copied" stays on a copy button (ms). */
export const COPIED_MS = 3_000;

/**
 * Copy buttons for long values a widget shows (peer ids, transaction ids, addresses): at 320 px they wrap, and a
 * user who needs one elsewhere should not have to select a wrapped 64-character string by hand. One controller per
 * element; `button(value, what)` renders a button (part `copy-button`) that writes `value` to the clipboard and
 * says "Copied" for 3 s — to screen readers too, through a polite live region — or "Copy failed" when the page
 * may not write to the clipboard (no permission, not a secure context).
 */
export class CopyController implements ReactiveController {
  private copied: string | undefined;
  private failed: string | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostDisconnected(): void {
    clearTimeout(this.timer);
    this.copied = this.failed = undefined;
  }

  /** Writes `value` to the clipboard; the button showing it says how that went. */
  async copy(value: string): Promise<void> {
    clearTimeout(this.timer);
    try {
      if (!navigator.clipboard?.writeText) throw new Error('no clipboard');
      await navigator.clipboard.writeText(value);
      this.copied = value;
      this.failed = undefined;
    } catch {
      this.failed = value;
      this.copied = undefined;
    }
    this.host.requestUpdate();
    this.timer = setTimeout(() => {
      this.copied = this.failed = undefined;
      this.host.requestUpdate();
    }, COPIED_MS);
  }

  /** A copy button for `value`; `what` names it for screen readers ("transaction id", "peer id"). */
  button(value: string, what: string): TemplateResult {
    const state = this.copied === value ? 'copied' : this.failed === value ? 'failed' : 'idle';
    const label = state === 'copied' ? msg('Copied') : state === 'failed' ? msg('Copy failed') : msg('Copy');
    const said = state === 'copied' ? msg(str`${what} copied`) : state === 'failed' ? msg(str`Could not copy the ${what}`) : '';
    return html`<span class="copy"
      ><button
        part="copy-button"
        type="button"
        class="secondary"
        data-state=${state}
        aria-label=${msg(str`Copy ${what}`)}
        @click=${() => void this.copy(value)}
      >
        ${label}</button
      ><span class="visually-hidden" role="status">${said}</span></span
    >`;
  }
}
