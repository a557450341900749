// cdn/autoloader.js, loaded with a script tag as an embedder would: it defines each DarkSwap element whose tag
// appears — in the document or in an open shadow root, now or later — by importing that element's entry.
import { expect } from '@open-wc/testing';
import { signaling, waitFor } from './harness.js';

function moduleScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.type = 'module';
    script.src = src;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`failed to load ${src} (run npm run build)`));
    document.head.append(script);
  });
}

/** How many times the page fetched `path` (a module is fetched once however often it is imported). */
const fetched = (path: string): number => performance.getEntriesByType('resource').filter((e) => new URL(e.name).pathname === path).length;

const part = (el: Element, name: string): Element | null | undefined => el.shadowRoot?.querySelector(`[part~="${name}"]`);

describe('cdn/autoloader.js from a script tag', () => {
  const warnings: string[] = [];
  const errors: string[] = [];
  const originalWarn = console.warn;
  const onError = (e: ErrorEvent) => errors.push(String(e.message));
  const onRejection = (e: PromiseRejectionEvent) => errors.push(String(e.reason));
  const wraps: HTMLElement[] = [];

  before(async () => {
    console.warn = (...args: unknown[]) => {
      warnings.push(args.join(' '));
      originalWarn.apply(console, args);
    };
    window.addEventListener('error', onError);
    window.addEventListener('unhandledrejection', onRejection);
    // Present before the autoloader: found by its first look at the page.
    const early = document.createElement('div');
    early.innerHTML = '<darkswap-network-status></darkswap-network-status>';
    document.body.append(early);
    wraps.push(early);
    await moduleScript('/cdn/autoloader.js');
  });

  after(() => {
    console.warn = originalWarn;
    window.removeEventListener('error', onError);
    window.removeEventListener('unhandledrejection', onRejection);
    for (const w of wraps) w.remove();
  });

  const add = (html: string): HTMLElement => {
    const wrap = document.createElement('div');
    wrap.innerHTML = html;
    document.body.append(wrap);
    wraps.push(wrap);
    return wrap;
  };

  it('defines an element that was on the page before it loaded', async () => {
    await waitFor(() => !!customElements.get('darkswap-network-status'), 10_000, 'darkswap-network-status defined');
    const el = wraps[0]!.querySelector('darkswap-network-status')!;
    await waitFor(() => !!part(el, 'header'), 5_000, 'network status rendered');
  });

  it('defines <darkswap-orderbook> inserted into the document, and its <darkswap-connection>, which serves it', async () => {
    expect(customElements.get('darkswap-orderbook')).to.equal(undefined);
    const s = await signaling();
    const wrap = add(
      `<darkswap-connection signaling-url="${s.url}" key="${s.key}"><darkswap-orderbook pair="RUNE:840000:3/BTC"></darkswap-orderbook></darkswap-connection>`,
    );
    const orderbook = wrap.querySelector('darkswap-orderbook')!;
    const provider = wrap.querySelector('darkswap-connection')!;
    await waitFor(() => !!customElements.get('darkswap-orderbook') && !!customElements.get('darkswap-connection'), 10_000, 'both defined');
    await waitFor(() => provider.status === 'open', 10_000, 'provider open');
    // Rendered, and connected through the provider (the ContextRoot and the provider came with the entries).
    await waitFor(() => !!part(orderbook, 'sides') && part(orderbook, 'status')?.getAttribute('data-status') === 'open', 5_000, 'orderbook connected');
    expect(part(orderbook, 'not-connected')).to.equal(null);
  });

  it('defines a tag inside an open shadow root created later, and one attached to an element already on the page', async () => {
    // A host built off the page with its shadow root, then inserted.
    const host = document.createElement('div');
    host.attachShadow({ mode: 'open' }).innerHTML = '<darkswap-demo heading="In a shadow root"></darkswap-demo>';
    add('').append(host);
    // A host already on the page that gets its shadow root (and the tag) afterwards: only the attachShadow hook sees it.
    const late = add('<div id="late-host"></div>').querySelector('#late-host')!;
    await new Promise((r) => setTimeout(r, 50));
    const root = late.attachShadow({ mode: 'open' });
    await Promise.resolve();
    root.innerHTML = '<darkswap-settings></darkswap-settings>';

    const demo = host.shadowRoot!.querySelector('darkswap-demo')!;
    const settings = root.querySelector('darkswap-settings')!;
    await waitFor(() => !!customElements.get('darkswap-demo') && !!customElements.get('darkswap-settings'), 10_000, 'demo and settings defined');
    await waitFor(() => !!part(demo, 'title') && !!part(settings, 'header'), 5_000, 'both rendered');
    expect(part(demo, 'title')!.textContent).to.equal('In a shadow root');
    // No provider around them: the visible "not connected" state.
    expect(part(demo, 'not-connected')).to.not.equal(null);
  });

  it('imports each entry once, however many of its tags appear', async () => {
    add('<darkswap-orderbook></darkswap-orderbook><darkswap-orderbook></darkswap-orderbook>');
    await new Promise((r) => setTimeout(r, 200));
    expect(fetched('/cdn/darkswap-orderbook.js')).to.equal(1);
    expect(fetched('/cdn/darkswap-demo.js')).to.equal(1);
    expect(fetched('/cdn/darkswap-connection.js')).to.equal(1);
  });

  it('leaves an unknown darkswap-* tag undefined with one warning, and nothing throws', async () => {
    add('<darkswap-nope></darkswap-nope><darkswap-nope></darkswap-nope>');
    const host = document.createElement('div');
    host.attachShadow({ mode: 'open' }).innerHTML = '<darkswap-nope></darkswap-nope>';
    add('').append(host);
    await new Promise((r) => setTimeout(r, 200));
    expect(customElements.get('darkswap-nope')).to.equal(undefined);
    expect(fetched('/cdn/darkswap-nope.js')).to.equal(0);
    expect(warnings.filter((w) => w.includes('darkswap-nope'))).to.have.length(1);
    expect(warnings.filter((w) => w.includes('autoloader') && !w.includes('darkswap-nope'))).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });
});
