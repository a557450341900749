// <darkswap-peer-discovery> on real services (real PeerServer, real WebRTC), driven through its own UI: join a
// room and see each other linked with codes and features; names are text, never markup; contacts; an invite link
// with its QR code, opened in the other widget, links verified; ask mode (Allow / Deny); block and unblock;
// no provider; 320 px; axe.
import { expect, fixture, html } from '@open-wc/testing';
import { createIdentity } from '../../core/identity.js';
import type { ConnectionService } from '../../core/connection-service.js';
import { destroyServices, openService, waitFor } from '../../../test/harness.js';
import type { DarkswapPeerDiscovery } from './peer-discovery.js';
import './darkswap-peer-discovery.js';

const own = async () => openService({ identity: await createIdentity() });
const part = <T extends Element = HTMLElement>(el: DarkswapPeerDiscovery, name: string) => el.shadowRoot!.querySelector<T>(`[part~="${name}"]`);
const parts = (el: DarkswapPeerDiscovery, name: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>(`[part~="${name}"]`)];
/** A display name that is markup: it must be shown as text. */
const MARKUP = '<img src=x onerror=alert(1)>';
const room = () => `ui-room-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

async function widgets(a: ConnectionService, b: ConnectionService, extra = '', width = '40rem'): Promise<[DarkswapPeerDiscovery, DarkswapPeerDiscovery]> {
  const box = await fixture<HTMLDivElement>(
    html`<div style="inline-size:${width}">
      <darkswap-peer-discovery heading="A" .displayName=${MARKUP} .connection=${a}></darkswap-peer-discovery>
      <darkswap-peer-discovery heading="B" display-name="Bea" .connection=${b}></darkswap-peer-discovery>
    </div>`,
  );
  const [wa, wb] = [...box.querySelectorAll<DarkswapPeerDiscovery>('darkswap-peer-discovery')] as [DarkswapPeerDiscovery, DarkswapPeerDiscovery];
  if (extra === 'ask') wb.ask = true;
  await waitFor(() => !!part(wa, 'room-form') && !!part(wb, 'room-form'), 5_000, 'widgets ready');
  return [wa, wb];
}

function joinByUi(el: DarkswapPeerDiscovery, name: string): void {
  part<HTMLInputElement>(el, 'room-input')!.value = name;
  part(el, 'join-button')!.click();
}

describe('<darkswap-peer-discovery>', () => {
  afterEach(destroyServices);

  it('without a provider shows "not connected", and is accessible', async () => {
    const el = await fixture<DarkswapPeerDiscovery>(html`<darkswap-peer-discovery></darkswap-peer-discovery>`);
    expect(part(el, 'not-connected')).to.exist;
    await expect(el).to.be.accessible();
  });

  it('joins a room through the UI: both list each other linked, with the code and features; names are text; contacts', async () => {
    const [a, b] = await Promise.all([own(), own()]);
    const [wa, wb] = await widgets(a, b);
    const discovered: string[] = [];
    wa.addEventListener('darkswap-peer-discovered', (e) => discovered.push(e.detail.name));
    const name = room();
    joinByUi(wa, name);
    await waitFor(() => !!part(wa, 'room'), 5_000, 'room shown');
    joinByUi(wb, name);
    await waitFor(() => part(wa, 'peer')?.dataset.status === 'linked' && part(wb, 'peer')?.dataset.status === 'linked', 15_000, 'linked both ways');
    expect(discovered).to.deep.equal(['Bea']);
    expect(part(wa, 'peer')!.textContent).to.include(b.id!);
    expect(part(wa, 'code')!.textContent).to.equal(a.peerIdentity(b.id!)!.sas);
    expect(part(wa, 'peer')!.textContent).to.include('orderbook, trade');
    // A's announced name is markup: B shows it as text, no element made from it.
    expect(part(wb, 'peer-name')!.textContent).to.equal('<img src=x onerror=alert(1)>');
    expect(wb.shadowRoot!.querySelector('img')).to.equal(null);
    await expect(wa).to.be.accessible();
    // Save B as a contact: listed with its name, first in the room.
    part(wa, 'contact-button')!.click();
    await waitFor(() => parts(wa, 'contact').length === 1, 5_000, 'contact saved');
    expect(part(wa, 'contact')!.textContent).to.include('Bea');
    expect(wa.engine!.contactOf(b.publicKey)!.peer).to.equal(b.id);
    // Block B: the link closes and B leaves the list; unblock brings the key back off the list.
    part(wa, 'block-button')!.click();
    await waitFor(() => !a.peers.includes(b.id!) && !part(wa, 'peer'), 5_000, 'blocked');
    expect(part(wa, 'blocked')!.textContent).to.include(b.publicKey!.slice(0, 8));
    part(wa, 'unblock-button')!.click();
    await waitFor(() => !part(wa, 'blocked'), 5_000, 'unblocked');
  });

  it('my invite link and QR code, opened in the other widget, link with the code verified', async () => {
    const [a, b] = await Promise.all([own(), own()]);
    const [wa, wb] = await widgets(a, b);
    await waitFor(() => !part<HTMLButtonElement>(wb, 'invite-button')!.disabled, 5_000, 'registered');
    part(wb, 'invite-button')!.click();
    await waitFor(() => !!part(wb, 'invite-link'), 2_000, 'invite shown');
    const link = part<HTMLInputElement>(wb, 'invite-link')!.value;
    expect(link).to.include('#darkswap-invite=');
    const qr = part<SVGSVGElement>(wb, 'qr')!;
    expect(qr.getAttribute('role')).to.equal('img');
    expect(qr.querySelector('path')!.getAttribute('d')!.length).to.be.above(100);
    const accepted = new Promise<CustomEvent>((r) => wa.addEventListener('darkswap-invite-accepted', r as EventListener, { once: true }));
    part<HTMLInputElement>(wa, 'open-invite-input')!.value = link;
    part(wa, 'open-invite-button')!.click();
    expect((await accepted).detail).to.deep.include({ peer: b.id, key: b.publicKey, name: 'Bea' });
    await waitFor(() => a.peers.includes(b.id!), 10_000, 'linked by the invite');
    await waitFor(() => part(wa, 'contact')?.dataset.linked === 'true', 5_000, 'contact linked');
    expect(part(wa, 'contact')!.textContent).to.include('verified by invite');
    // A damaged link says so in plain words.
    part<HTMLInputElement>(wa, 'open-invite-input')!.value = 'https://x.test/#darkswap-invite=%%%';
    part(wa, 'open-invite-button')!.click();
    await waitFor(() => /damaged/.test(part(wa, 'error')?.textContent ?? ''), 2_000, 'error shown');
  });

  it('with ask, a discovered peer waits for Allow; fits 320 px', async () => {
    const [a, b] = await Promise.all([own(), own()]);
    const [wa, wb] = await widgets(a, b, 'ask', '320px');
    const name = room();
    joinByUi(wb, name);
    await waitFor(() => !!part(wb, 'room'), 5_000, 'room shown');
    wa.cap = 0; // A does not dial: B's discovery asks
    joinByUi(wa, name);
    await waitFor(() => !!part(wb, 'allow-button'), 10_000, 'B asks');
    expect(a.peers.includes(b.id!), 'not linked before Allow').to.equal(false);
    for (const el of [wa, wb]) {
      const base = part(el, 'base')!;
      expect(base.scrollWidth, `${el.heading} scrolls sideways`).to.be.at.most(base.clientWidth);
    }
    await expect(wb).to.be.accessible();
    part(wb, 'allow-button')!.click();
    await waitFor(() => a.peers.includes(b.id!), 10_000, 'linked after Allow');
  });
});
