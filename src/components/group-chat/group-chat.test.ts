// <darkswap-group-chat> on two real services (real PeerServer, real WebRTC), driven through its own UI: create a
// group, invite a linked peer, join, write (Enter sends, Shift+Enter adds a line), HTML and script payloads
// render as text, over-long texts are refused with an error, unread badges, direct messages, leave; contacts'
// names and fingerprints; no provider; 320 px; axe.
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { createIdentity } from '../../core/identity.js';
import type { ConnectionService } from '../../core/connection-service.js';
import { destroyServices, openService, waitFor } from '../../../test/harness.js';
import { MemoryChatStore } from '../../features/chat/chat.store.js';
import { CHAT_FEATURE, ChatEngine } from '../../features/chat/chat.engine.js';
import { featureFor, peekFeature } from '../../features/registry.js';
import { provideConnection } from '../../context/provide-connection.js';
import type { DarkswapGroupChat } from './group-chat.js';
import type { DarkswapChatGroupLeftEvent, DarkswapChatMessageEvent } from './group-chat.events.js';
import './darkswap-group-chat.js';

const part = <T extends Element = HTMLElement>(el: DarkswapGroupChat, name: string) => el.shadowRoot!.querySelector<T>(`[part~="${name}"]`);
const parts = <T extends Element = HTMLElement>(el: DarkswapGroupChat, name: string) => [...el.shadowRoot!.querySelectorAll<T>(`[part~="${name}"]`)];
/** The message texts the list renders (a virtualized list renders only what is in view: bring it into view). */
function texts(el: DarkswapGroupChat): (string | null)[] {
  part(el, 'messages')?.scrollIntoView({ block: 'nearest' });
  return parts(el, 'text').map((p) => p.textContent);
}

const leases: { release(): void }[] = [];

/** Two linked services, each with an in-memory chat engine (nothing left in IndexedDB). */
async function linked(): Promise<[ConnectionService, ConnectionService]> {
  const [a, b] = await Promise.all([openService({ identity: await createIdentity() }), openService({ identity: await createIdentity() })]);
  for (const s of [a, b]) leases.push(featureFor(s, CHAT_FEATURE, (svc) => new ChatEngine(svc, { store: new MemoryChatStore(), syncIntervalMs: 300 })));
  await a.connect(b.id!);
  await waitFor(() => b.peers.includes(a.id!), 10_000, 'link');
  return [a, b];
}

async function pair(a: ConnectionService, b: ConnectionService, width = '44rem'): Promise<[DarkswapGroupChat, DarkswapGroupChat]> {
  const box = await fixture<HTMLDivElement>(
    html`<div style="inline-size:${width}">
      <darkswap-group-chat heading="A" display-name="Ann" .connection=${a}></darkswap-group-chat>
      <darkswap-group-chat heading="B" .connection=${b}></darkswap-group-chat>
    </div>`,
  );
  const [ea, eb] = [...box.querySelectorAll<DarkswapGroupChat>('darkswap-group-chat')] as [DarkswapGroupChat, DarkswapGroupChat];
  await waitFor(() => !!part(ea, 'create-form') && !!part(eb, 'create-form') && !!ea.engine?.me && !!eb.engine?.me, 5_000, 'widgets ready');
  return [ea, eb];
}

/** A creates a group through the UI, invites B, B joins through the UI. */
async function groupOfTwo(ea: DarkswapGroupChat, eb: DarkswapGroupChat, name = 'Friends'): Promise<string> {
  part<HTMLInputElement>(ea, 'create-input')!.value = name;
  part(ea, 'create-button')!.click();
  await waitFor(() => part(ea, 'conversation-title')?.textContent === name, 5_000, 'group created and open');
  await waitFor(() => !!part(ea, 'invite-select'), 5_000, 'invite form');
  part(ea, 'invite-button')!.click();
  await waitFor(() => !!part(eb, 'invitation'), 5_000, 'invitation shown');
  expect(part(eb, 'group-status')!.textContent).to.equal('Invited');
  expect(part(eb, 'invitation')!.textContent).to.match(/Ann \([0-9a-f]{8}…[0-9a-f]{4}\) invited you/);
  part(eb, 'join-button')!.click();
  await waitFor(() => !!part(eb, 'message-input') && parts(ea, 'member').filter((m) => m.dataset.status === 'member').length === 2, 5_000, 'joined');
  return ea.engine!.groups()[0]!.id;
}

async function write(el: DarkswapGroupChat, text: string): Promise<void> {
  const input = part<HTMLTextAreaElement>(el, 'message-input')!;
  input.focus();
  await sendKeys({ type: text });
  await sendKeys({ press: 'Enter' });
}

describe('<darkswap-group-chat>', () => {
  afterEach(() => {
    for (const lease of leases.splice(0)) lease.release();
    destroyServices();
  });

  it('without a provider shows "not connected", and is accessible', async () => {
    const el = await fixture<DarkswapGroupChat>(html`<darkswap-group-chat></darkswap-group-chat>`);
    expect(part(el, 'not-connected')).to.exist;
    expect(part(el, 'create-form')).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('picks up a provider that arrives later', async () => {
    const [a] = await linked();
    const box = await fixture<HTMLDivElement>(html`<div><darkswap-group-chat></darkswap-group-chat></div>`);
    const el = box.querySelector<DarkswapGroupChat>('darkswap-group-chat')!;
    expect(part(el, 'not-connected')).to.exist;
    const provision = provideConnection(box, a);
    await waitFor(() => !!part(el, 'create-form') && !part(el, 'not-connected'), 5_000, 'connected');
    expect(el.engine, 'the service’s one engine').to.equal(peekFeature(a, CHAT_FEATURE));
    provision.detach();
    await waitFor(() => !!part(el, 'not-connected'), 5_000, 'back to not connected');
  });

  it('create, invite, join and write through the UI; payloads render as text; Shift+Enter; over-long texts; events', async () => {
    const [a, b] = await linked();
    const [ea, eb] = await pair(a, b);
    const joined: string[] = [];
    eb.addEventListener('darkswap-chat-group-joined', (e) => joined.push(e.detail.name));
    const received: DarkswapChatMessageEvent[] = [];
    eb.addEventListener('darkswap-chat-message', (e) => received.push(e));
    await groupOfTwo(ea, eb);
    expect(joined).to.deep.equal(['Friends']);
    await expect(eb).to.be.accessible();
    // Enter sends; the other side shows it under my claimed name with my fingerprint.
    await write(ea, 'Hello B');
    await waitFor(() => texts(eb).includes('Hello B'), 5_000, 'message shown');
    expect(part(eb, 'author')!.textContent).to.equal('Ann');
    expect(part(eb, 'fingerprint')!.textContent).to.match(/^[0-9a-f]{8}…[0-9a-f]{4}$/);
    expect(part(ea, 'author')!.textContent, 'mine').to.equal('You');
    expect(received.map((e) => e.detail)).to.deep.include({
      group: received[0]!.detail.group,
      id: received[0]!.detail.id,
      author: a.publicKey,
      text: 'Hello B',
      source: 'live',
      at: received[0]!.detail.at,
    });
    // HTML and script payloads are text.
    (window as unknown as { __chatXss?: number }).__chatXss = undefined;
    const payload = '<img src=x onerror="window.__chatXss=1"><script>window.__chatXss=2</script><b>bold</b>';
    await ea.engine!.send(ea.engine!.groups()[0]!.id, payload);
    await waitFor(() => texts(eb).includes(payload), 5_000, 'payload shown');
    const shown = parts(eb, 'text').find((p) => p.textContent === payload)!;
    expect(shown.children, 'no elements made from the text').to.have.length(0);
    expect(eb.shadowRoot!.querySelector('img, script:not([type]), b')).to.equal(null);
    expect((window as unknown as { __chatXss?: number }).__chatXss).to.equal(undefined);
    // Shift+Enter adds a line; Enter then sends both lines as one message.
    const input = part<HTMLTextAreaElement>(eb, 'message-input')!;
    input.focus();
    await sendKeys({ type: 'line one' });
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Enter' });
    await sendKeys({ up: 'Shift' });
    await sendKeys({ type: 'line two' });
    expect(input.value).to.equal('line one\nline two');
    await sendKeys({ press: 'Enter' });
    await waitFor(() => texts(ea).includes('line one\nline two'), 5_000, 'two lines arrive');
    expect(input.value).to.equal('');
    // Over 2,000 characters: an error, nothing sent.
    const before = texts(ea).length;
    input.value = 'x'.repeat(2_001);
    input.dispatchEvent(new InputEvent('input'));
    await eb.updateComplete;
    expect(part(eb, 'compose-error')!.textContent).to.equal('Messages are at most 2,000 characters; this one has 2,001.');
    expect(part(eb, 'counter')!.dataset.over).to.equal('true');
    expect(input.getAttribute('aria-invalid')).to.equal('true');
    input.focus();
    await sendKeys({ press: 'Enter' });
    await new Promise((r) => setTimeout(r, 300));
    expect(texts(ea)).to.have.length(before);
    expect(input.value, 'the text is kept').to.have.length(2_001);
    await expect(ea).to.be.accessible();
  });

  it('unread badges, direct messages, leave; contacts by name, others with fingerprints', async () => {
    const [a, b] = await linked();
    const [ea, eb] = await pair(a, b);
    const g = await groupOfTwo(ea, eb, 'Team');
    // B opens a direct conversation with A: the group is no longer in view, so its new messages count unread.
    const direct = part<HTMLSelectElement>(eb, 'direct-select')!;
    expect(direct.value).to.equal(a.id);
    part(eb, 'direct-button')!.click();
    // Titled with the name A claims (in the group) and A's fingerprint: A is no contact of B's page.
    const fp = ea.engine!.author(a.publicKey!).fingerprint;
    await waitFor(() => part(eb, 'conversation-title')?.textContent === `Ann (${fp})`, 5_000, 'direct conversation open');
    await ea.engine!.send(g, 'one');
    await ea.engine!.send(g, 'two');
    const teamButton = () => parts(eb, 'group-button').find((x) => x.dataset.group === g)!;
    await waitFor(() => teamButton().querySelector('[part~="unread-badge"]')?.textContent === '2', 5_000, 'unread badge');
    expect(teamButton().getAttribute('aria-label')).to.equal('Team, 2 unread');
    expect(part(eb, 'live')!.textContent).to.match(/^Ann \([0-9a-f]{8}…[0-9a-f]{4}\) in Team: two$/);
    // A direct message from B reaches A; A's page knows B as a contact.
    ea.names = new Map([[b.publicKey!, 'Bea']]);
    await write(eb, 'psst');
    await waitFor(() => ea.engine!.groups().some((x) => x.kind === 'dm' && x.unread === 1), 5_000, 'direct message at A');
    const dmButton = parts(ea, 'group-button').find((x) => x.dataset.group !== g)!;
    expect(dmButton.textContent).to.contain('Bea');
    dmButton.focus();
    await sendKeys({ press: 'Enter' });
    await waitFor(() => part(ea, 'conversation-title')?.textContent === 'Bea', 5_000, 'opened by keyboard');
    expect(part(ea, 'author')!.textContent).to.equal('Bea');
    expect(part(ea, 'fingerprint'), 'a contact needs no fingerprint').to.equal(null);
    await waitFor(() => !dmButton.querySelector('[part~="unread-badge"]'), 5_000, 'read once open');
    // Opening the group clears its badge; leaving fires the event and A sees B left.
    teamButton().click();
    await waitFor(() => !teamButton().querySelector('[part~="unread-badge"]'), 5_000, 'badge cleared');
    const left = new Promise<DarkswapChatGroupLeftEvent>((r) => eb.addEventListener('darkswap-chat-group-left', r, { once: true }));
    part(eb, 'leave-button')!.click();
    expect((await left).detail).to.deep.equal({ group: g, name: 'Team' });
    await waitFor(() => part(eb, 'join-button')?.textContent === 'Join again' && !part(eb, 'message-input'), 5_000, 'left');
    ea.group = g;
    await waitFor(() => parts(ea, 'member').some((m) => m.dataset.status === 'left' && /Bea/.test(m.textContent!)), 5_000, 'A sees B left');
  });

  it('fits 320 px with a conversation open', async () => {
    const [a, b] = await linked();
    const [ea, eb] = await pair(a, b, '320px');
    await groupOfTwo(ea, eb, 'A group with a rather long name that has to wrap somewhere');
    await write(ea, 'a-very-long-word-without-spaces-'.repeat(8));
    await waitFor(() => texts(eb).length === 1, 5_000, 'message');
    for (const el of [ea, eb]) {
      const base = part(el, 'base')!;
      expect(base.scrollWidth, `${el.heading} scrolls sideways`).to.be.at.most(base.clientWidth);
      for (const button of parts(el, 'send-button')) expect(button.getBoundingClientRect().height).to.be.at.least(44);
    }
  });
});
