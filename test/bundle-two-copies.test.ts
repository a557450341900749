// Two copies of the all-in-one ES bundle on one page (e.g. two embeds from different sites)
// share one provider, one ContextRoot and one set of registrations.
import { expect } from '@open-wc/testing';
import { signaling, waitFor } from './harness.js';

type Kit = typeof import('../src/darkswap.js');

describe('two copies of cdn/darkswap.js on one page', () => {
  let A: Kit;
  let B: Kit;
  const warnings: string[] = [];
  const originalWarn = console.warn;

  before(async () => {
    console.warn = (...args: unknown[]) => warnings.push(args.join(' '));
    // Two URL spaces (two sites) → two independent module instances: each file runs nothing from another file
    // when it loads, and what it loads later (its chunks/all-* chunks, e.g. PeerJS) comes from next to it.
    A = (await import(/* @vite-ignore */ '/cdn/darkswap.js' as string)) as Kit;
    B = (await import(/* @vite-ignore */ '/cdn-copy/darkswap.js' as string)) as Kit;
    console.warn = originalWarn;
  });

  it('are really two copies, and the second registers nothing and says nothing (same version)', () => {
    expect(A.DarkswapDemo).to.not.equal(B.DarkswapDemo);
    expect(A.ConnectionService).to.not.equal(B.ConnectionService);
    expect(customElements.get('darkswap-demo')).to.equal(A.DarkswapDemo);
    expect(warnings.filter((w) => w.includes('already defined'))).to.deep.equal([]);
    expect(A.connectionContext).to.equal(B.connectionContext); // Symbol.for: one key for both copies
  });

  it("a widget class from copy B finds copy A's <darkswap-connection>, even when the provider comes later", async () => {
    const s = await signaling();
    customElements.define('x-demo-from-copy-b', class extends B.DarkswapDemo {});
    const wrap = document.createElement('div');
    wrap.innerHTML = `<x-demo-from-copy-b></x-demo-from-copy-b>`;
    document.body.append(wrap);
    const demo = wrap.querySelector('x-demo-from-copy-b') as InstanceType<Kit['DarkswapDemo']>;
    await demo.updateComplete;
    expect(demo.shadowRoot!.querySelector('[part~="not-connected"]')).to.not.equal(null);
    // Now copy A's provider wraps it (a late provider, replayed by the one shared ContextRoot).
    const provider = document.createElement('darkswap-connection');
    provider.setAttribute('signaling-url', s.url);
    provider.setAttribute('key', s.key);
    wrap.append(provider);
    provider.append(demo);
    await waitFor(() => provider.status === 'open', 10_000, 'provider open');
    expect(provider).to.be.instanceOf(A.DarkswapConnection);
    await waitFor(() => demo.shadowRoot!.querySelector('[part~="peer-id"]')?.textContent === provider.service?.id, 5_000, 'copy B widget uses copy A service');
    wrap.remove();
  });

  it("copy B's provideConnection serves copy A's widgets with a copy A service, and they exchange messages", async () => {
    const s = await signaling();
    const config = { host: s.host, port: s.port, path: s.path, key: s.key };
    const svcA = new A.ConnectionService(config);
    const svcB = new B.ConnectionService(config);
    await Promise.all([svcA.open(), svcB.open()]);
    const wrap = document.createElement('div');
    wrap.innerHTML = `<div id="one"><darkswap-demo></darkswap-demo></div><div id="two"><x-demo-from-copy-b></x-demo-from-copy-b></div>`;
    document.body.append(wrap);
    B.provideConnection(wrap.querySelector<HTMLElement>('#one')!, svcA);
    A.provideConnection(wrap.querySelector<HTMLElement>('#two')!, svcB);
    const one = wrap.querySelector('darkswap-demo')!;
    const two = wrap.querySelector('x-demo-from-copy-b') as InstanceType<Kit['DarkswapDemo']>;
    await waitFor(() => one.shadowRoot!.querySelector('[part~="peer-id"]')?.textContent === svcA.id, 5_000, 'one sees A');
    await one.connectTo(svcB.id!);
    one.send('across copies');
    await waitFor(() => (two.shadowRoot!.querySelector('[part~="log"]')?.textContent ?? '').includes('across copies'), 5_000, 'delivered');
    // Each copy loaded PeerJS (its signaling chunk) from next to itself.
    const signalingChunks = performance
      .getEntriesByType('resource')
      .map((e) => new URL(e.name).pathname)
      .filter((p) => /\/chunks\/all-signaling-[\w-]+\.js$/.test(p));
    expect(signalingChunks.filter((p) => p.startsWith('/cdn/chunks/'))).to.have.length(1);
    expect(signalingChunks.filter((p) => p.startsWith('/cdn-copy/chunks/'))).to.have.length(1);
    svcA.destroy();
    svcB.destroy();
    wrap.remove();
  });
});
