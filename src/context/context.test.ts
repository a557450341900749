import { expect, fixture, html } from '@open-wc/testing';
import { ConnectionService } from '../core/connection-service.js';
import type { ConnectionApi } from '../core/connection-api.js';
import '../components/demo/darkswap-demo.js';
import './darkswap-connection.js';
import type { DarkswapDemo } from '../components/demo/demo.js';
import type { DarkswapConnection } from './connection-provider.js';
import { provideConnection } from './provide-connection.js';
import { NO_PROVIDER_WARN_MS } from './connection-controller.js';
import { destroyServices, openService, signaling, waitFor } from '../../test/harness.js';

const part = (el: Element, name: string) => el.shadowRoot!.querySelector(`[part~="${name}"]`);
const text = (el: Element, name: string) => part(el, name)?.textContent?.replace(/\s+/g, ' ').trim() ?? '';

describe('connection context', () => {
  afterEach(destroyServices);

  it('without a provider, a widget renders an accessible "not connected" state; the page warns once, and only when no provider comes', async function () {
    this.timeout(15_000);
    const original = console.warn;
    const warnings: string[] = [];
    console.warn = (...args: unknown[]) => warnings.push(args.join(' '));
    const noConnection = () => warnings.filter((w) => w.includes('has no connection')).length;
    try {
      // An app that provides its service only after `await service.open()` (README, "Apps that own the service").
      const app = await fixture<HTMLDivElement>(html`<div><darkswap-demo></darkswap-demo></div>`);
      const service = await openService();
      provideConnection(app, service);
      await new Promise((r) => setTimeout(r, NO_PROVIDER_WARN_MS + 300));
      expect(noConnection(), 'no warning for a provider that came in time').to.equal(0);
      // Widgets that never get one: a "not connected" state, and one warning for the page.
      const wrap = await fixture<HTMLDivElement>(html`<div><darkswap-demo></darkswap-demo><darkswap-demo></darkswap-demo></div>`);
      const [first] = [...wrap.querySelectorAll('darkswap-demo')];
      await new Promise((r) => setTimeout(r, 20));
      expect(text(first, 'not-connected')).to.match(/Not connected/);
      expect(text(first, 'status')).to.equal('Not connected');
      expect(part(first, 'status')!.getAttribute('role')).to.equal('status');
      expect(first.shadowRoot!.querySelector('#peer-input')).to.equal(null);
      await expect(first).shadowDom.to.be.accessible();
      await new Promise((r) => setTimeout(r, NO_PROVIDER_WARN_MS + 300));
      expect(noConnection()).to.equal(1);
    } finally {
      console.warn = original;
    }
  });

  it('a provider added later is picked up (ContextRoot replays the request)', async () => {
    const host = await fixture<HTMLDivElement>(
      html`<div>
        <section><darkswap-demo></darkswap-demo></section>
      </div>`,
    );
    const demo = host.querySelector('darkswap-demo')!;
    await demo.updateComplete;
    expect(part(demo, 'not-connected')).to.not.equal(null);
    const service = await openService();
    provideConnection(host, service);
    await waitFor(() => text(demo, 'peer-id') === service.id, 5_000, 'late provider');
    expect(part(demo, 'not-connected')).to.equal(null);
  });

  it('a later service swap reaches every subscribed widget', async () => {
    const host = await fixture<HTMLDivElement>(html`<div><darkswap-demo></darkswap-demo></div>`);
    const demo = host.querySelector('darkswap-demo')!;
    const [one, two] = await Promise.all([openService(), openService()]);
    const provision = provideConnection(host, one);
    await waitFor(() => text(demo, 'peer-id') === one.id, 5_000, 'first service');
    provision.set(two);
    await waitFor(() => text(demo, 'peer-id') === two.id, 5_000, 'swapped service');
    provision.set(undefined);
    await waitFor(() => part(demo, 'not-connected') !== null, 5_000, 'no service');
  });

  it('an injected service wins over context', async () => {
    const [ctx, injected] = await Promise.all([openService(), openService()]);
    const host = await fixture<HTMLDivElement>(html`<div><darkswap-demo .connection=${injected}></darkswap-demo></div>`);
    provideConnection(host, ctx);
    const demo = host.querySelector<DarkswapDemo>('darkswap-demo')!;
    await waitFor(() => text(demo, 'peer-id') === injected.id, 5_000, 'injected service');
  });

  it('<darkswap-connection> builds a service from signaling-url/key and provides it to nested widgets', async () => {
    const s = await signaling();
    const el = await fixture<DarkswapConnection>(
      html`<darkswap-connection signaling-url=${s.url} key=${s.key} ice-servers="[]"
        ><div><darkswap-demo></darkswap-demo></div
      ></darkswap-connection>`,
    );
    const demo = el.querySelector('darkswap-demo')!;
    await waitFor(() => el.status === 'open', 10_000, 'provider open');
    expect(el.getAttribute('status')).to.equal('open');
    expect(el.service).to.be.instanceOf(ConnectionService);
    await waitFor(() => text(demo, 'peer-id') === el.service!.id, 5_000, 'widget sees id');
    expect(text(demo, 'status')).to.equal('Online');
    el.remove();
    expect(el.service).to.equal(undefined);
  });

  it('<darkswap-connection> accepts host/port/path attributes and replaces its service when they change', async () => {
    const s = await signaling();
    const el = await fixture<DarkswapConnection>(html`<darkswap-connection host=${s.host} port=${s.port} path=${s.path} key=${s.key}></darkswap-connection>`);
    await waitFor(() => el.status === 'open', 10_000, 'open');
    const first = el.service!;
    el.peerId = `fixed-${crypto.randomUUID().slice(0, 8)}`;
    await waitFor(() => el.status === 'open' && el.service !== first, 10_000, 'replaced');
    expect(first.status).to.equal('closed');
    expect(el.service!.id).to.equal(el.peerId);
    el.remove();
  });

  it('<darkswap-connection> applies ice-servers and ice-preset to the live service (no new service); a bad preset is reported', async () => {
    const s = await signaling();
    const el = await fixture<DarkswapConnection>(html`<darkswap-connection signaling-url=${s.url} key=${s.key}></darkswap-connection>`);
    await waitFor(() => el.status === 'open', 10_000, 'open');
    const service = el.service!;
    el.setAttribute('ice-servers', JSON.stringify([{ urls: 'stun:127.0.0.1:3478' }]));
    await el.updateComplete;
    expect(el.service).to.equal(service);
    expect(service.iceConfiguration).to.deep.equal({ iceServers: [{ urls: 'stun:127.0.0.1:3478' }], iceTransportPolicy: 'all' });
    el.setAttribute('ice-preset', 'lan');
    await el.updateComplete;
    expect(service.iceConfiguration.iceServers).to.deep.equal([]);
    el.setAttribute('ice-preset', 'relay');
    await el.updateComplete;
    expect(el.error?.message).to.contain('needs at least one TURN server');
    expect(service.iceConfiguration.iceServers, 'unchanged').to.deep.equal([]);
    expect(el.service).to.equal(service);
    el.remove();
  });

  it('<darkswap-connection identity> names the persistent identity: same name, same key; another name, another key', async () => {
    const s = await signaling();
    const name = `tab-${crypto.randomUUID().slice(0, 8)}`;
    const mountOne = (identity: string) =>
      fixture<DarkswapConnection>(html`<darkswap-connection signaling-url=${s.url} key=${s.key} identity=${identity}></darkswap-connection>`);
    const [a, b, c] = await Promise.all([mountOne(name), mountOne(name), mountOne(`${name}-other`)]);
    await waitFor(() => [a, b, c].every((el) => el.status === 'open'), 10_000, 'all open');
    const keys = [a, b, c].map((el) => el.service!.publicKey);
    expect(keys[0]).to.match(/^[0-9a-f]{64}$/);
    expect(keys[1]).to.equal(keys[0]);
    expect(keys[2]).to.not.equal(keys[0]);
    // A name the kit cannot store is a configuration error, not a silent default.
    a.identity = 'not a valid name!';
    await waitFor(() => a.status === 'error', 5_000, 'invalid identity reported');
    expect(a.error?.code).to.equal('invalid-config');
    [a, b, c].forEach((el) => el.remove());
  });

  it('<darkswap-connection> reports configuration and signaling errors through status and darkswap-status', async () => {
    const s = await signaling();
    const events: Array<{ status: string; error?: { code: string } }> = [];
    const el = await fixture<DarkswapConnection>(
      html`<darkswap-connection @darkswap-status=${(e: CustomEvent) => events.push(e.detail)} signaling-url="ftp://nope" key=${s.key}></darkswap-connection>`,
    );
    await waitFor(() => el.status === 'error', 5_000, 'config error');
    expect(el.error?.code).to.equal('invalid-config');
    el.signalingUrl = `http://127.0.0.1:9${s.path}`;
    await waitFor(() => el.status === 'error' && el.error?.code === 'signaling-unreachable', 15_000, 'unreachable');
    expect(events.some((e) => e.error?.code === 'signaling-unreachable')).to.equal(true);
    el.remove();
  });

  it('`page` provides to widgets anywhere in the document', async () => {
    const s = await signaling();
    const wrap = await fixture<HTMLDivElement>(
      html`<div>
        <darkswap-connection page signaling-url=${s.url} key=${s.key}></darkswap-connection>
        <aside><darkswap-demo></darkswap-demo></aside>
      </div>`,
    );
    const el = wrap.querySelector('darkswap-connection')!;
    const demo = wrap.querySelector('darkswap-demo')!;
    await waitFor(() => el.status === 'open', 10_000, 'open');
    await waitFor(() => text(demo, 'peer-id') === el.service!.id, 5_000, 'sibling widget sees the page provider');
    el.remove();
    await waitFor(() => part(demo, 'not-connected') !== null, 5_000, 'provider gone');
  });

  it('two widgets under two providers talk through the real server, with darkswap-* events', async () => {
    const [a, b]: ConnectionApi[] = await Promise.all([openService(), openService()]);
    const wrap = await fixture<HTMLDivElement>(
      html`<div>
        <div id="a"><darkswap-demo></darkswap-demo></div>
        <div id="b"><darkswap-demo></darkswap-demo></div>
      </div>`,
    );
    provideConnection(wrap.querySelector<HTMLElement>('#a')!, a);
    provideConnection(wrap.querySelector<HTMLElement>('#b')!, b);
    const [demoA, demoB] = [...wrap.querySelectorAll<DarkswapDemo>('darkswap-demo')];
    const events: string[] = [];
    wrap.addEventListener('darkswap-connected', (e) => events.push(`connected:${e.detail.peer === a.id ? 'a' : 'b'}`));
    wrap.addEventListener('darkswap-message', (e) => events.push(`${e.detail.direction}:${e.detail.text}`));
    await waitFor(() => text(demoA, 'peer-id') === a.id, 5_000, 'ids');
    await demoB.connectTo(a.id!);
    await waitFor(() => a.peers.length === 1, 5_000, 'link');
    demoB.send('<img src=x onerror=alert(1)>');
    await waitFor(() => demoA.shadowRoot!.querySelectorAll('[part~="message"]').length === 1, 5_000, 'message arrives');
    const shown = demoA.shadowRoot!.querySelector('[part~="message"]')!;
    expect(shown.textContent).to.contain('<img src=x onerror=alert(1)>');
    expect(shown.querySelector('img')).to.equal(null);
    expect(events).to.include.members(['connected:a', 'connected:b', 'out:<img src=x onerror=alert(1)>', 'in:<img src=x onerror=alert(1)>']);
  });
});
