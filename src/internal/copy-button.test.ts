// Copy buttons beside long values (issue 18 item 2): what they write to the real clipboard, what they say (to
// screen readers too), that "Copied" clears, and the failure wording; then in the widgets that show long values.
import { executeServerCommand } from '@web/test-runner-commands';
import { expect, fixture, html } from '@open-wc/testing';
import { LitElement } from 'lit';
import { CopyController, COPIED_MS } from './copy-button.js';
import { baseStyles } from './tokens.styles.js';
import '../components/network-status/darkswap-network-status.js';
import { provideConnection } from '../context/provide-connection.js';
import { destroyServices, linkedPair, waitFor } from '../../test/harness.js';

class CopyHost extends LitElement {
  static override styles = baseStyles;
  value = 'a'.repeat(64);
  readonly copier = new CopyController(this);
  protected override render() {
    return html`<code>${this.value}</code> ${this.copier.button(this.value, 'transaction id')}`;
  }
}
customElements.define('copy-host-test', CopyHost);

const button = (el: Element) => el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="copy-button"]')!;
const status = (el: Element) => el.shadowRoot!.querySelector('.copy [role="status"]')!.textContent!.trim();

describe('copy buttons', () => {
  before(() => executeServerCommand('page-grant-clipboard'));
  afterEach(destroyServices);

  it('writes the value to the clipboard, says Copied (also in a live region), and clears after 3 s', async () => {
    await navigator.clipboard.writeText('before');
    const el = await fixture<CopyHost>(html`<copy-host-test></copy-host-test>`);
    expect(button(el).getAttribute('aria-label')).to.equal('Copy transaction id');
    expect(button(el).textContent!.trim()).to.equal('Copy');
    button(el).click();
    await waitFor(() => button(el).textContent!.trim() === 'Copied', 2_000, 'Copied');
    expect(await navigator.clipboard.readText()).to.equal(el.value);
    expect(status(el)).to.equal('transaction id copied');
    const shown = performance.now();
    await waitFor(() => button(el).textContent!.trim() === 'Copy', COPIED_MS + 2_000, 'Copied clears');
    expect(performance.now() - shown).to.be.greaterThan(COPIED_MS - 500);
    expect(status(el)).to.equal('');
    // A 44 px touch target like every other button.
    expect(button(el).getBoundingClientRect().height).to.be.at.least(44);
  });

  it('says so when the page may not write to the clipboard', async () => {
    const el = await fixture<CopyHost>(html`<copy-host-test></copy-host-test>`);
    const original = Object.getOwnPropertyDescriptor(Navigator.prototype, 'clipboard')!;
    // A browser without the async clipboard (an insecure context has none).
    Object.defineProperty(navigator, 'clipboard', { configurable: true, get: () => undefined });
    try {
      button(el).click();
      await waitFor(() => button(el).textContent!.trim() === 'Copy failed', 2_000, 'Copy failed');
      expect(status(el)).to.equal('Could not copy the transaction id');
    } finally {
      delete (navigator as unknown as Record<string, unknown>).clipboard;
      Object.defineProperty(Navigator.prototype, 'clipboard', original);
    }
  });

  it('<darkswap-network-status> copies a linked peer id', async () => {
    const [a, b] = await linkedPair();
    const wrap = await fixture<HTMLDivElement>(html`<div><darkswap-network-status></darkswap-network-status></div>`);
    provideConnection(wrap, a);
    const el = wrap.querySelector('darkswap-network-status')!;
    await waitFor(() => !!el.shadowRoot?.querySelector('[part~="peer"] [part~="copy-button"]'), 10_000, 'a copy button beside the peer');
    const copy = el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="peer"] [part~="copy-button"]')!;
    expect(copy.getAttribute('aria-label')).to.equal('Copy peer id');
    copy.click();
    await waitFor(() => copy.textContent!.trim() === 'Copied', 2_000, 'Copied');
    expect(await navigator.clipboard.readText()).to.equal(b.id);
  });
});
