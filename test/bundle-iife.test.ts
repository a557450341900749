// The IIFE bundle, loaded with a classic <script> tag as an embedder without a build step would.
import { expect } from '@open-wc/testing';
import { signaling, waitFor } from './harness.js';

type Kit = typeof import('../src/darkswap-iife.js');
declare global {
  interface Window {
    DarkSwap?: Kit;
  }
}

function classicScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`failed to load ${src} (run npm run build)`));
    document.head.append(script);
  });
}

describe('cdn/darkswap.iife.js from a classic script tag', () => {
  it('registers the elements and exposes the API on window.DarkSwap', async () => {
    await classicScript('/cdn/darkswap.iife.js');
    const kit = window.DarkSwap!;
    expect(kit.VERSION).to.match(/^\d+\.\d+\.\d+/);
    expect(customElements.get('darkswap-demo')).to.equal(kit.DarkswapDemo);
    expect(customElements.get('darkswap-connection')).to.equal(kit.DarkswapConnection);
  });

  it('works end to end: provider + demo widget talk to another peer through the real server', async () => {
    const kit = window.DarkSwap!;
    const s = await signaling();
    const wrap = document.createElement('div');
    wrap.innerHTML = `<darkswap-connection signaling-url="${s.url}" key="${s.key}"><darkswap-demo></darkswap-demo></darkswap-connection>`;
    document.body.append(wrap);
    const provider = wrap.querySelector('darkswap-connection')!;
    const demo = wrap.querySelector('darkswap-demo')!;
    await waitFor(() => provider.status === 'open', 10_000, 'provider open');
    const other = new kit.ConnectionService({ host: s.host, port: s.port, path: s.path, key: s.key });
    await other.open();
    const got: string[] = [];
    other.channel(kit.DEMO_CHANNEL, { schema: kit.DemoMessageSchema }).on((m) => got.push(m.text));
    await demo.connectTo(other.id!);
    demo.send('from the iife bundle');
    await waitFor(() => got.length === 1, 5_000, 'message');
    expect(got).to.deep.equal(['from the iife bundle']);
    const log = demo.shadowRoot!.querySelector('[part~="log"]')!;
    expect(log.textContent).to.contain('from the iife bundle');
    other.destroy();
    wrap.remove();
  });
});
