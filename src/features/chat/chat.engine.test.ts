// The chat engine on real services (real PeerServer, real WebRTC, real Ed25519): four peers in a chain A–B–C–D
// (links only A-B, B-C, C-D) converge to one history; a late joiner gets the history by digest sync; a leave
// stays left after a later sync brings the old join back; forged, replayed, oversized, future, non-member and
// flooded items are rejected and counted and never stored or forwarded; a claimed contact name is refused;
// chats persist in IndexedDB per identity with the cap.
import { expect } from '@open-wc/testing';
import * as v from 'valibot';
import { destroyServices, openService, waitFor } from '../../../test/harness.js';
import type { ConnectionService } from '../../core/connection-service.js';
import { createIdentity, type Identity } from '../../core/identity.js';
import { ChatEngine } from './chat.engine.js';
import { decodeItem, MAX_TEXT, signItem, type ChatMessage, type ItemWire } from './chat.protocol.js';
import { idbChatStore, MemoryChatStore } from './chat.store.js';

interface Node {
  s: ConnectionService;
  e: ChatEngine;
  who: Identity;
}

const FAST = { syncIntervalMs: 250, pendingMs: 600 };

describe('chat engine', () => {
  const engines: ChatEngine[] = [];
  async function node(options: ConstructorParameters<typeof ChatEngine>[1] = {}, identity?: Identity): Promise<Node> {
    const who = identity ?? (await createIdentity());
    const s = await openService({ identity: who });
    const e = new ChatEngine(s, { store: new MemoryChatStore(), ...FAST, ...options });
    engines.push(e);
    await e.ready;
    return { s, e, who };
  }
  async function link(a: Node, b: Node): Promise<void> {
    await a.s.connect(b.s.id!);
    await waitFor(() => b.s.peers.includes(a.s.id!), 10_000, 'link');
  }
  const ids = (n: Node, g: string) => n.e.messages(g).map((m) => m.id);
  /** `by` invites `who` (a linked peer) and `who` joins. */
  async function bringIn(by: Node, who: Node, g: string): Promise<void> {
    await by.e.invite(g, who.s.id!);
    await waitFor(() => who.e.group(g)?.status === 'invited', 5_000, 'invitation');
    await who.e.join(g);
    await waitFor(() => by.e.group(g)?.members.some((m) => m.key === who.who.publicKey && m.status === 'member') ?? false, 5_000, 'join seen');
  }

  afterEach(() => {
    for (const e of engines.splice(0)) e.dispose();
    destroyServices();
  });

  it('four peers in a chain A–B–C–D converge to the same ordered history', async () => {
    const [a, b, c, d] = await Promise.all([node(), node(), node(), node()]);
    await link(a, b);
    await link(b, c);
    await link(c, d);
    const g = await a.e.createGroup('Chain');
    await bringIn(a, b, g);
    await bringIn(b, c, g);
    await bringIn(c, d, g);
    const nodes = [a, b, c, d];
    await waitFor(() => nodes.every((n) => n.e.group(g)?.members.filter((m) => m.status === 'member').length === 4), 5_000, 'every member everywhere');
    // 10 rounds, each of the four writes (no waiting between sends: they cross the chain concurrently).
    const sent: Promise<ChatMessage>[] = [];
    for (let i = 0; i < 10; i++) for (const [k, n] of nodes.entries()) sent.push(n.e.send(g, `${'ABCD'[k]} ${i}`));
    await Promise.all(sent);
    await waitFor(() => nodes.every((n) => n.e.messages(g).length === 40), 10_000, '40 messages everywhere');
    const reference = ids(a, g);
    for (const n of nodes) expect(ids(n, g)).to.deep.equal(reference);
    expect(new Set(reference).size).to.equal(40);
    // The order is (t, c, id), and D (three hops from A, never linked to it) has A's messages.
    const keys = a.e.messages(g).map((m) => m.sk);
    expect(keys).to.deep.equal([...keys].sort());
    expect(d.e.messages(g).filter((m) => m.a === a.who.publicKey)).to.have.length(10);
    expect(d.s.peers).to.not.include(a.s.id);
    for (const n of nodes) expect(n.e.rejects.byReason['bad-signature'] ?? 0).to.equal(0);
    // Unread: D read nothing yet, and its own messages do not count.
    expect(d.e.unread(g)).to.equal(30);
    d.e.markRead(g);
    expect(d.e.unread(g)).to.equal(0);
  });

  it('a late joiner gets the whole history by digest sync, then live messages', async () => {
    const [a, b] = await Promise.all([node(), node()]);
    await link(a, b);
    const g = await a.e.createGroup('History');
    await bringIn(a, b, g);
    for (let i = 0; i < 30; i++) await (i % 2 ? a : b).e.send(g, `old ${i}`);
    await waitFor(() => a.e.messages(g).length === 30 && b.e.messages(g).length === 30, 5_000, 'history');
    const c = await node();
    await link(c, b); // C knows only B
    await bringIn(b, c, g);
    await waitFor(() => c.e.messages(g).length === 30, 5_000, 'history at the late joiner');
    expect(ids(c, g)).to.deep.equal(ids(a, g));
    await a.e.send(g, 'new');
    await waitFor(() => c.e.messages(g).length === 31, 5_000, 'live message through B');
    expect(c.e.messages(g).at(-1)!.text).to.equal('new');
  });

  it('a leave stays left after a later sync brings the old join back; only a newer join re-joins', async () => {
    const [a, b, c] = await Promise.all([node(), node(), node()]);
    await link(a, b);
    await link(a, c);
    const g = await a.e.createGroup('Leavers');
    await bringIn(a, b, g);
    await bringIn(a, c, g);
    await waitFor(() => c.e.group(g)?.members.find((m) => m.key === b.who.publicKey)?.status === 'member', 5_000, 'C sees B joined');
    // C goes away; B leaves meanwhile. C still holds B's join.
    a.s.disconnect(c.s.id!);
    await waitFor(() => !c.s.peers.includes(a.s.id!) && !a.s.peers.includes(c.s.id!), 5_000, 'C unlinked');
    const left = new Promise<void>((r) => b.e.addEventListener('membership', () => r(), { once: true }));
    await b.e.leave(g);
    await left;
    await waitFor(() => a.e.group(g)?.members.find((m) => m.key === b.who.publicKey)?.status === 'left', 5_000, 'A sees the leave');
    expect(c.e.group(g)!.members.find((m) => m.key === b.who.publicKey)!.status, 'C has not heard').to.equal('member');
    // C comes back: the sync exchanges ops both ways. The leave wins everywhere.
    await link(c, a);
    await waitFor(() => c.e.group(g)?.members.find((m) => m.key === b.who.publicKey)?.status === 'left', 5_000, 'C learns the leave');
    await new Promise((r) => setTimeout(r, 600)); // a few more sync rounds
    for (const n of [a, b, c]) expect(n.e.group(g)!.members.find((m) => m.key === b.who.publicKey)!.status).to.equal('left');
    expect(b.e.group(g)!.status).to.equal('left');
    // B's old join, replayed at A, is a duplicate; a message B signs after leaving is refused.
    const joinOp = [
      ...(a.e as unknown as { state: { held: Map<string, { group: { ops: Map<string, { op: string; a: string; wire: ItemWire }> } }> } }).state.held
        .get(g)!
        .group.ops.values(),
    ].find((o) => o.op === 'join' && o.a === b.who.publicKey)!;
    const after = await signItem(b.who, { v: 1, k: 'msg', g, a: b.who.publicKey, t: Date.now(), c: 0, text: 'still here?' });
    const raw = b.s.channel('chat', { schema: v.any(), maxBytes: 65_536 });
    raw.send(a.s.id!, { t: 'items', hop: 0, re: false, items: [joinOp.wire, after.wire] });
    await waitFor(() => (a.e.rejectsFrom(b.s.id!).byReason['not-member'] ?? 0) >= 1, 5_000, 'the message refused');
    expect(a.e.rejectsFrom(b.s.id!).byReason.duplicate).to.be.at.least(1);
    expect(a.e.messages(g).some((m) => m.text === 'still here?')).to.equal(false);
    raw.close();
    // A newer join takes B back in.
    await b.e.join(g);
    await waitFor(() => [a, c].every((n) => n.e.group(g)?.members.find((m) => m.key === b.who.publicKey)?.status === 'member'), 5_000, 're-joined');
  });

  it('rejects and counts forged, altered, replayed, oversized, future, non-member and flooded items; forwards none', async () => {
    const [a, b, m] = await Promise.all([node({ pendingMs: 300 }), node(), openService({ identity: await createIdentity() })]);
    const mallory = await createIdentity(); // the attacker's service uses another key: it signs as it likes
    await link(a, b);
    await m.connect(a.s.id!);
    await waitFor(() => a.s.peers.includes(m.id!), 5_000, 'attacker linked');
    const g = await a.e.createGroup('Guarded');
    await bringIn(a, b, g);
    const genuine = await b.e.send(g, 'genuine');
    await waitFor(() => a.e.messages(g).length === 1, 5_000, 'genuine arrived');
    const attack = m.channel('chat', { schema: v.any(), maxBytes: 200_000 });
    const push = (items: unknown[]) => attack.send(a.s.id!, { t: 'items', hop: 0, re: false, items });
    const now = Date.now();
    const altered = { ...genuine.wire, text: 'genuine (edited by a relay)' };
    const inB = await signItem(mallory, { v: 1, k: 'msg', g, a: mallory.publicKey, t: now, c: 0, text: 'I am B' });
    const asB = { ...inB.wire, a: b.who.publicKey }; // Mallory's signature under B's key
    const outsider = await signItem(mallory, { v: 1, k: 'msg', g, a: mallory.publicKey, t: now, c: 1, text: 'let me in' });
    const future = await signItem(mallory, { v: 1, k: 'msg', g, a: mallory.publicKey, t: now + 3_600_000, c: 0, text: 'from the future' });
    const long = { ...genuine.wire, text: 'x'.repeat(MAX_TEXT + 1) };
    const html = await signItem(mallory, { v: 1, k: 'msg', g, a: mallory.publicKey, t: now, c: 2, text: '<img src=x onerror=alert(1)>' });
    push([altered, asB, genuine.wire, outsider.wire, future.wire, long, html.wire, { k: 'msg', nonsense: true }]);
    const counts = () => a.e.rejectsFrom(m.id!).byReason;
    await waitFor(() => (counts()['not-member'] ?? 0) >= 2, 5_000, 'non-members refused after the wait');
    expect(counts()).to.deep.include({ 'bad-signature': 2, duplicate: 1, 'not-member': 2, future: 1, 'too-long': 1, malformed: 1 });
    // A channel message over the size limit never reaches the engine: the service refuses and counts it.
    attack.send(a.s.id!, { t: 'items', hop: 0, re: false, items: [{ k: 'x', pad: 'y'.repeat(66_000) }] });
    await waitFor(() => (a.s.rejects(m.id!).byReason['too-large'] ?? 0) === 1, 5_000, 'oversized refused by the service');
    // A flood of well-formed junk: past the per-peer item rate, refused before any signature work.
    const junk = Array.from({ length: 2_500 }, (_, i) => decodeItem({ ...outsider.wire, c: 100 + i } as ItemWire).wire);
    for (let i = 0; i < junk.length; i += 150) push(junk.slice(i, i + 150));
    await waitFor(() => (counts()['rate-limited'] ?? 0) >= 400, 5_000, 'flood rate-limited');
    // Nothing of it is stored or shown, and B (A's only other peer) got none of it.
    await new Promise((r) => setTimeout(r, 400));
    expect(a.e.messages(g).map((x) => x.text)).to.deep.equal(['genuine']);
    expect(b.e.messages(g).map((x) => x.text)).to.deep.equal(['genuine']);
    expect(b.e.rejects.total, 'nothing forged was forwarded to B').to.equal(0);
    expect(a.e.rejectsFrom(b.s.id!), 'B sent A nothing twice').to.deep.equal({ total: 0, byReason: {} });
    // The genuine item is not blocked by its forged copy: B's own engine still reaches A with new messages.
    await b.e.send(g, 'still talking');
    await waitFor(() => a.e.messages(g).length === 2, 5_000, 'B heard after the attack');
    attack.close();
  });

  it('a display name that claims a contact’s name is refused and counted; the message is kept under its key', async () => {
    const [a, b] = await Promise.all([node(), node()]);
    await link(a, b);
    const g = await a.e.createGroup('Names');
    await bringIn(a, b, g);
    const carol = (await createIdentity()).publicKey;
    a.e.names = new Map([[carol, 'Carol']]);
    b.e.displayName = 'carol ';
    await b.e.send(g, 'hi, it is Carol');
    await waitFor(() => a.e.messages(g).length === 1, 5_000, 'message');
    expect(a.e.rejects.byReason['name-claim']).to.equal(1);
    const msg = a.e.messages(g)[0]!;
    expect(msg.n).to.equal('carol');
    expect(a.e.author(msg.a, msg.n)).to.deep.include({ impostor: true, trusted: false, label: a.e.author(msg.a).fingerprint });
  });

  it('direct messages: a two-member conversation reaches the other side only', async () => {
    const [a, b, c] = await Promise.all([node(), node(), node()]);
    await link(a, b);
    await link(b, c);
    const dm = await a.e.openDirect(b.s.id!);
    await a.e.send(dm, 'just us');
    await waitFor(() => b.e.messages(dm).length === 1, 5_000, 'DM arrived');
    expect(b.e.group(dm)).to.deep.include({ kind: 'dm', partner: a.who.publicKey, unread: 1 });
    await b.e.send(dm, 'yes');
    await waitFor(() => a.e.messages(dm).length === 2, 5_000, 'reply');
    await new Promise((r) => setTimeout(r, 300));
    expect(c.e.groups(), 'C was not sent it').to.deep.equal([]);
  });

  it('persists per identity in IndexedDB with the cap, and loads it back (unread too)', async () => {
    const who = await createIdentity();
    const first = await node({ store: idbChatStore, cap: 5 }, who);
    await idbChatStore.clear(who.publicKey);
    const g = await first.e.createGroup('Kept');
    for (let i = 0; i < 8; i++) await first.e.send(g, `m${i}`);
    first.e.markRead(g);
    await first.e.flush();
    const stored = await idbChatStore.load(who.publicKey);
    expect(stored.items.filter((w) => (w as ItemWire).k === 'msg')).to.have.length(5);
    first.e.dispose();
    const again = new ChatEngine(first.s, { store: idbChatStore, cap: 5 });
    engines.push(again);
    await again.ready;
    expect(again.messages(g).map((x) => x.text)).to.deep.equal(['m3', 'm4', 'm5', 'm6', 'm7']);
    expect(again.group(g)).to.deep.include({ name: 'Kept', status: 'member', unread: 0 });
    // The clock continues after what was stored.
    const next = await again.send(g, 'after reload');
    expect(next.sk > again.messages(g)[3]!.sk).to.equal(true);
    await idbChatStore.clear(who.publicKey);
  });
});
