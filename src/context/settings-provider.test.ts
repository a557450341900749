// <darkswap-connection settings> on a real PeerServer with real links: it provides the store through the settings
// context, pins the host's connection attributes, applies an ICE change live (an ICE restart: the chat keeps
// flowing, the link never drops), and a user's new signaling URL replaces the service.
import { expect, fixture, html } from '@open-wc/testing';
import * as v from 'valibot';
import { ContextConsumer } from '@lit/context';
import { LitElement } from 'lit';
import './darkswap-connection.js';
import type { DarkswapConnection } from './connection-provider.js';
import { settingsContext } from './settings-context.js';
import { SettingsStore } from '../features/settings/settings.store.js';
import { SettingsError } from '../features/settings/settings.model.js';
import type { ConnectionService } from '../core/connection-service.js';
import { destroyServices, openService, signaling, uniqueId, waitFor } from '../../test/harness.js';

class SettingsProbe extends LitElement {
  consumer = new ContextConsumer(this, { context: settingsContext, subscribe: true });
}
customElements.define('settings-probe', SettingsProbe);

const stun = { urls: 'stun:127.0.0.1:3478' };

describe('<darkswap-connection settings>', function () {
  this.timeout(40_000);
  const names: string[] = [];
  afterEach(async () => {
    destroyServices();
    for (const name of names.splice(0)) await SettingsStore.forget(name);
  });
  const fresh = () => {
    const name = uniqueId('prov')
      .replace(/[^\w-]/g, '-')
      .slice(0, 60);
    names.push(name);
    return name;
  };

  it('provides the store, pins host attributes, and applies an ICE change live without dropping the link', async () => {
    const name = fresh();
    const s = await signaling();
    const wrap = await fixture<HTMLElement>(
      html`<div>
        <darkswap-connection settings=${name} signaling-url=${s.url} key=${s.key} ice-preset="default"><settings-probe></settings-probe></darkswap-connection>
      </div>`,
    );
    const el = wrap.querySelector<DarkswapConnection>('darkswap-connection')!;
    const probe = wrap.querySelector<SettingsProbe>('settings-probe')!;
    await waitFor(() => el.status === 'open', 10_000, 'the service open');
    const store = el.settingsStore!;
    expect(probe.consumer.value, 'provided through the settings context').to.equal(store);
    expect(store.pinnedFields).to.have.members(['connection.signalingUrl', 'connection.icePreset']);
    expect((await store.update({ connection: { icePreset: 'lan' } }).catch((e: SettingsError) => e)) instanceof SettingsError).to.equal(true);

    const mine = el.service as ConnectionService;
    const other = await openService();
    await mine.connect(other.id!);
    const Chat = v.object({ n: v.number() });
    const got: number[] = [];
    other.channel('chat', { schema: Chat }).on((m) => got.push(m.n));
    const chat = mine.channel('chat', { schema: Chat });
    const drops: string[] = [];
    mine.addEventListener('peer-reconnecting', () => drops.push('reconnecting'));
    const pc = mine.peerConnection(other.id!);
    let n = 0;
    const stream = setInterval(() => chat.send(other.id!, { n: n++ }), 10);
    try {
      await new Promise((r) => setTimeout(r, 200));
      await store.update({ connection: { iceServers: [stun] } });
      await waitFor(() => JSON.stringify(mine.iceConfiguration.iceServers) === JSON.stringify([stun]), 5_000, 'the new ICE servers applied');
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      clearInterval(stream);
    }
    await waitFor(() => got.length === n, 10_000, `all ${n} messages`);
    expect(got).to.deep.equal(Array.from({ length: n }, (_, i) => i));
    expect(drops, 'the link never dropped').to.deep.equal([]);
    expect(mine.peerConnection(other.id!), 'the same connection (an ICE restart)').to.equal(pc);
    expect(el.service, 'the same service').to.equal(mine);
  });

  it('a user-chosen signaling URL (not pinned) replaces the service; clearing settings stops providing', async () => {
    const name = fresh();
    const s = await signaling();
    const store = SettingsStore.open(name);
    await store.update({ connection: { signalingUrl: s.url } });
    const wrap = await fixture<HTMLElement>(
      html`<div>
        <darkswap-connection settings=${name} key=${s.key}><settings-probe></settings-probe></darkswap-connection>
      </div>`,
    );
    const el = wrap.querySelector<DarkswapConnection>('darkswap-connection')!;
    await waitFor(() => el.status === 'open', 10_000, 'open on the saved signaling URL');
    const first = el.service;
    await store.update({ connection: { signalingUrl: `${s.url.replace('127.0.0.1', 'localhost')}` } });
    await waitFor(() => el.service !== first && el.status === 'open', 10_000, 'a new service on the new URL');
    el.removeAttribute('settings');
    await el.updateComplete;
    const probe = wrap.querySelector<SettingsProbe>('settings-probe')!;
    expect(probe.consumer.value).to.equal(undefined);
  });
});
