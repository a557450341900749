import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { ConnectionService } from '../../core/connection-service.js';
import { provideConnection } from '../../context/provide-connection.js';
import './darkswap-demo.js';
import type { DarkswapDemo } from './demo.js';
import { destroyServices, openService, rawSend, uniqueId, waitFor } from '../../../test/harness.js';

const q = <T extends Element = HTMLElement>(el: Element, sel: string) => el.shadowRoot!.querySelector<T>(sel)!;
const messages = (el: Element) => [...el.shadowRoot!.querySelectorAll('[part~="message"]')].map((m) => m.textContent!.replace(/\s+/g, ' ').trim());

async function mount(service: ConnectionService): Promise<DarkswapDemo> {
  const host = await fixture<HTMLDivElement>(html`<div><darkswap-demo></darkswap-demo></div>`);
  provideConnection(host, service);
  const demo = host.querySelector<DarkswapDemo>('darkswap-demo')!;
  await waitFor(() => q(demo, '[part~="peer-id"]')?.textContent === service.id, 5_000, 'peer id shown');
  return demo;
}

describe('<darkswap-demo>', () => {
  afterEach(destroyServices);

  it('shows my peer id, the status, and a heading that can be changed', async () => {
    const service = await openService();
    const demo = await mount(service);
    expect(q(demo, '[part~="status"]').textContent).to.equal('Online');
    expect(q(demo, 'h2').textContent).to.equal('WebRTC Demo');
    demo.heading = 'Talk';
    await demo.updateComplete;
    expect(q(demo, 'h2').textContent).to.equal('Talk');
  });

  it('is accessible when connected and when not connected', async () => {
    const service = await openService();
    const demo = await mount(service);
    await expect(demo).shadowDom.to.be.accessible();
    const lonely = await fixture<DarkswapDemo>(html`<darkswap-demo></darkswap-demo>`);
    await expect(lonely).shadowDom.to.be.accessible();
  });

  it('is keyboard operable: type a peer id, Enter connects; type a message, Enter sends', async () => {
    const [a, b] = await Promise.all([openService(), openService()]);
    const demoA = await mount(a);
    const demoB = await mount(b);
    q<HTMLInputElement>(demoA, '#peer-input').focus();
    await sendKeys({ type: b.id! });
    await sendKeys({ press: 'Enter' });
    await waitFor(() => a.peers.includes(b.id!) && b.peers.includes(a.id!), 10_000, 'link via keyboard');
    await waitFor(() => q(demoA, '[part~="peer"]')?.textContent?.includes('Connected') ?? false, 5_000, 'peer row');
    // Tab from the connect button area to the message input.
    q<HTMLInputElement>(demoA, '#message-input').focus();
    await sendKeys({ type: 'typed with keys' });
    await sendKeys({ press: 'Enter' });
    await waitFor(() => messages(demoB).length === 1, 5_000, 'message arrives');
    expect(messages(demoB)[0]).to.equal(`${a.id}:typed with keys`);
    expect(messages(demoA)[0]).to.equal(`me → ${b.id}:typed with keys`);
    expect(q<HTMLInputElement>(demoA, '#message-input').value).to.equal('');
    // Focus order: the peer input, its button, then further controls, all reachable with Tab.
    q<HTMLInputElement>(demoA, '#peer-input').focus();
    await sendKeys({ press: 'Tab' });
    expect(demoA.shadowRoot!.activeElement?.getAttribute('part')).to.equal('connect-button');
  });

  it('shows a clear error for an unknown peer and for a bad id, and marks the input invalid', async () => {
    const service = await openService();
    const demo = await mount(service);
    const ghost = uniqueId('ghost');
    let caught = '';
    await demo.connectTo(ghost).catch((e: Error) => (caught = e.message));
    expect(caught).to.contain(ghost);
    await demo.updateComplete;
    expect(q(demo, '#connect-error').textContent).to.contain('no such peer');
    expect(q(demo, '#connect-error').getAttribute('role')).to.equal('alert');
    expect(q(demo, '[part~="peer"]').textContent).to.contain('Failed');
    await demo.connectTo('bad id!').catch(() => undefined);
    await demo.updateComplete;
    expect(q(demo, '#connect-error').textContent).to.match(/letters, digits/);
    expect(q(demo, '#peer-input').getAttribute('aria-invalid')).to.equal('true');
    // A failed row can be dismissed.
    q<HTMLButtonElement>(demo, '[part~="peer"][data-state="failed"] [part~="dismiss-button"]').click();
    await demo.updateComplete;
    expect(demo.shadowRoot!.querySelector('[part~="peer"]')).to.equal(null);
  });

  it('refuses to send with no peer, with a visible reason', async () => {
    const service = await openService();
    const demo = await mount(service);
    expect(q<HTMLButtonElement>(demo, '[part~="send-button"]').disabled).to.equal(true);
    expect(() => demo.send('hello')).to.throw(/Connect to a peer/);
  });

  it('says so when a message is over 2,000 characters, and keeps it in the input', async () => {
    const [a, b] = await Promise.all([openService(), openService()]);
    const demo = await mount(a);
    await demo.connectTo(b.id!);
    await demo.updateComplete;
    const input = q<HTMLInputElement>(demo, '#message-input');
    input.value = 'x'.repeat(2_001);
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await demo.updateComplete;
    q<HTMLButtonElement>(demo, '[part~="send-button"]').click();
    await demo.updateComplete;
    expect(q(demo, '#send-error').textContent!.trim()).to.equal('Messages are limited to 2,000 characters; this one has 2,001. Nothing was sent.');
    expect(input.value.length, 'nothing lost').to.equal(2_001);
  });

  it('sends to one chosen peer only, and shows per-peer status after a disconnect', async () => {
    const [a, b, c] = await Promise.all([openService(), openService(), openService()]);
    const [demoA, demoB, demoC] = [await mount(a), await mount(b), await mount(c)];
    await demoA.connectTo(b.id!);
    await demoA.connectTo(c.id!);
    await demoA.updateComplete;
    const select = q<HTMLSelectElement>(demoA, '#target');
    expect([...select.options].map((o) => o.value)).to.have.members(['*', b.id!, c.id!]);
    demoA.send('only for c', c.id!);
    demoA.send('for everyone');
    await waitFor(() => messages(demoC).length === 2 && messages(demoB).length === 1, 5_000, 'deliveries');
    expect(messages(demoB)).to.deep.equal([`${a.id}:for everyone`]);
    q<HTMLButtonElement>(demoB, '[part~="disconnect-button"]').click();
    await waitFor(() => (q(demoA, `[part~="peer"][data-state="closed"]`)?.textContent ?? '').includes(b.id!), 5_000, 'closed row on A');
    expect(q(demoA, `[part~="peer"][data-state="closed"]`).textContent).to.contain('the peer left');
  });

  it('shows the code on both sides when the widget dials, and after crossed dials', async () => {
    const [a, b, c, d] = await Promise.all([openService(), openService(), openService(), openService()]);
    const [demoA, demoB, demoC, demoD] = await Promise.all([mount(a), mount(b), mount(c), mount(d)]);
    await demoA.connectTo(b.id!);
    await Promise.all([demoC.connectTo(d.id!), demoD.connectTo(c.id!)]);
    for (const [x, y] of [
      [demoA, demoB],
      [demoC, demoD],
    ] as const) {
      await waitFor(() => !!q(x, '[part~="peer-code"]') && !!q(y, '[part~="peer-code"]'), 5_000, 'codes on both sides');
      expect(q(x, '[part~="peer-code"]').textContent!.trim()).to.equal(q(y, '[part~="peer-code"]').textContent!.trim());
    }
  });

  it('shows the same short authentication code on both sides, and "Reconnecting…" while a link recovers', async () => {
    const [a, b] = await Promise.all([openService(), openService()]);
    const [demoA, demoB] = await Promise.all([mount(a), mount(b)]);
    await a.connect(b.id!);
    await waitFor(() => !!q(demoA, '[part~="peer-code"]') && !!q(demoB, '[part~="peer-code"]'), 5_000, 'codes shown');
    const code = q(demoA, '[part~="peer-code"]').textContent!.trim();
    expect(code).to.match(/^Code \d{3} \d{3}$/);
    expect(q(demoB, '[part~="peer-code"]').textContent!.trim()).to.equal(code);
    a.peerConnection(b.id!)!.close();
    await waitFor(
      () => !!q(demoA, '[part~="peer"][data-state="reconnecting"]') || !!q(demoB, '[part~="peer"][data-state="reconnecting"]'),
      5_000,
      'reconnecting row',
    );
    await waitFor(() => !!q(demoA, '[part~="peer"][data-state="open"]') && !!q(demoB, '[part~="peer"][data-state="open"]'), 15_000, 'open again');
    await expect(demoA).shadowDom.to.be.accessible();
  });

  it('renders hostile peer text as text and ignores messages that break the schema', async () => {
    const [a, b] = await Promise.all([openService(), openService()]);
    const demoB = await mount(b);
    await a.connect(b.id!);
    const raw = (frame: string) => rawSend(a, b.id!, frame);
    raw('demo\n{"text":"<b>bold</b>"}');
    raw('demo\n{"text":"ok","extra":"<script>"}');
    raw(`demo\n${JSON.stringify({ text: 'x'.repeat(2001) })}`);
    await waitFor(() => b.rejects(a.id!).total === 2 && messages(demoB).length === 1, 5_000, 'one shown, two rejected');
    expect(messages(demoB)[0]).to.equal(`${a.id}:<b>bold</b>`);
    expect(q(demoB, '[part~="message"]').querySelector('b')).to.equal(null);
  });
});
