// The all-in-one cdn/darkswap.js carries the connection, demo, network status, orderbook and trade elements in its
// first load; the settings, call, discovery, chat and file-share widgets are lazy chunks it loads when their tag
// first appears (in the document or an open shadow root) or when loadWidget() asks for them.
import { expect } from '@open-wc/testing';
import { waitFor } from './harness.js';

type Kit = typeof import('../src/darkswap.js');

/** The lazy chunks (cdn/chunks/all-*) the page has fetched so far. */
const lazyChunks = (): string[] =>
  performance
    .getEntriesByType('resource')
    .map((e) => new URL(e.name).pathname)
    .filter((p) => p.startsWith('/cdn/chunks/all-'));

describe('cdn/darkswap.js: widgets defined on first sight', () => {
  let kit: Kit;
  const wraps: HTMLElement[] = [];

  before(async () => {
    kit = (await import(/* @vite-ignore */ '/cdn/darkswap.js' as string)) as Kit;
  });

  after(() => wraps.forEach((w) => w.remove()));

  it('registers the common elements at once and no lazy widget until one is used', () => {
    for (const tag of ['darkswap-connection', 'darkswap-demo', 'darkswap-network-status', 'darkswap-orderbook', 'darkswap-trade']) {
      expect(customElements.get(tag), tag).to.be.a('function');
    }
    for (const name of kit.LAZY_WIDGETS) expect(customElements.get(`darkswap-${name}`), name).to.equal(undefined);
    expect(lazyChunks().filter((p) => /chat|call|discovery|file-share|settings/.test(p))).to.deep.equal([]);
  });

  it('defines a lazy widget when its tag appears in the document, and one inside an open shadow root', async () => {
    const wrap = document.createElement('div');
    wraps.push(wrap);
    wrap.innerHTML = '<darkswap-group-chat></darkswap-group-chat>';
    document.body.append(wrap);
    await waitFor(() => customElements.get('darkswap-group-chat') !== undefined, 10_000, 'group chat defined');
    const chat = wrap.querySelector('darkswap-group-chat')!;
    await waitFor(() => chat.shadowRoot !== null, 5_000, 'group chat upgraded');

    const host = document.createElement('div');
    wraps.push(host);
    document.body.append(host);
    const root = host.attachShadow({ mode: 'open' });
    await Promise.resolve();
    root.innerHTML = '<darkswap-settings></darkswap-settings>';
    await waitFor(() => customElements.get('darkswap-settings') !== undefined, 10_000, 'settings defined from a shadow root');
    expect(customElements.get('darkswap-av-call')).to.equal(undefined);
  });

  it('loadWidget() registers the element and resolves to its API', async () => {
    const call = await kit.loadWidget('av-call');
    expect(customElements.get('darkswap-av-call')).to.equal(call.DarkswapAvCall);
    expect(call.CallEngine).to.be.a('function');
    const files = await kit.loadWidget('file-share');
    expect(customElements.get('darkswap-file-share')).to.equal(files.DarkswapFileShare);
    expect(files.createFileShareSession).to.be.a('function');
    const discovery = await kit.loadWidget('peer-discovery');
    expect(discovery.parseInvite('not a link')).to.equal(undefined);
  });

  it('refuses an unknown name with a clear error', async () => {
    const error = await kit.loadWidget('nope' as never).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(TypeError);
    expect(String(error)).to.contain('unknown widget "nope"');
  });
});
