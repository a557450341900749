// Discovery on real services (real PeerServer, real WebRTC): six peers in a room with a mesh cap of 3 all find each
// other and form one connected mesh through beacons and peer exchange; forged, replayed, stale and name-claiming
// announcements are refused and counted; an invite link links with the key verified (and a tampered one does
// not); blocking; a restart keeps the peer id and reconnects to the last peers. Pure parts: tokens, invites, QR.
import { expect } from '@open-wc/testing';
import { createIdentity } from '../../core/identity.js';
import type { ConnectionService } from '../../core/connection-service.js';
import { destroyServices, openService, waitFor } from '../../../test/harness.js';
import { DiscoveryEngine } from './discovery.engine.js';
import { beaconIds, checkRoomName, roomToken, signAnnouncement } from './discovery.protocol.js';
import { inviteLink, parseInvite, qrPath } from './invite.js';

/** Each peer its own identity key (the harness's default identity is shared by every service in the page). */
const own = async (extra: Record<string, unknown> = {}) => openService({ identity: await createIdentity(), ...extra });
const ownPair = async (): Promise<[ConnectionService, ConnectionService]> => {
  const [a, b] = await Promise.all([own(), own()]);
  await a.connect(b.id!);
  await waitFor(() => b.peers.includes(a.id!));
  return [a, b];
};
const unique = (p: string) => `${p}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

/** Whether the services' links form one connected graph. */
function connected(services: ConnectionService[]): boolean {
  const ids = new Map(services.map((s) => [s.id!, s]));
  const seen = new Set([services[0]!.id!]);
  const todo = [services[0]!];
  while (todo.length) for (const p of todo.pop()!.peers) if (ids.has(p) && !seen.has(p)) (seen.add(p), todo.push(ids.get(p)!));
  return seen.size === services.length;
}

describe('discovery', () => {
  const engines: DiscoveryEngine[] = [];
  const engine = (s: ConnectionService, cap = 3) => {
    const e = new DiscoveryEngine(s, { cap });
    engines.push(e);
    return e;
  };
  afterEach(() => {
    for (const e of engines.splice(0)) e.dispose();
    destroyServices();
  });

  it('tokens, beacons, room names and invites (pure)', async () => {
    const t = await roomToken('  Runes  ');
    expect(t).to.equal(await roomToken('Runes'));
    expect(t).to.match(/^[0-9a-f]{64}$/);
    expect(t).to.not.equal(await roomToken('runes'));
    const b = await beaconIds(t);
    expect(new Set(b).size).to.equal(4);
    expect(b.every((id) => /^rb-[0-9a-f]{32}$/.test(id))).to.equal(true);
    expect(() => checkRoomName('a\nb')).to.throw(TypeError);
    expect(() => checkRoomName(' ')).to.throw(TypeError);
    const key = 'ab'.repeat(32);
    const link = inviteLink('https://example.test/app?x=1#old', { p: 'peer-1', k: key, n: 'Ann <b>' });
    expect(link.startsWith('https://example.test/app?x=1#darkswap-invite=')).to.equal(true);
    expect(parseInvite(link)).to.deep.equal({ v: 1, p: 'peer-1', k: key, n: 'Ann <b>' });
    expect(parseInvite('https://example.test/')).to.equal(undefined);
    expect(() => parseInvite('#darkswap-invite=%%%')).to.throw(TypeError, /damaged/);
    expect(() => parseInvite(inviteLink('https://e.test/', { p: 'bad id!', k: key }))).to.throw(TypeError, /not valid/);
    const qr = qrPath(link);
    expect(qr.size).to.be.within(29, 80);
    expect(qr.d).to.match(/^M\d+ \d+h1v1h-1z/);
  });

  it('six peers in one room with a mesh cap of 3 all find each other and form one mesh', async function () {
    this.timeout(60_000);
    const room = unique('room');
    const services = await Promise.all(Array.from({ length: 6 }, () => own({ maxLinks: 12 })));
    const list = services.map((s) => engine(s, 3));
    for (const e of list) await e.join(room);
    await waitFor(() => list.every((e) => e.peersIn(room).length === 5), 30_000, 'everyone knows everyone');
    await waitFor(() => connected(services), 30_000, 'one connected mesh');
    for (const s of services) expect(s.peers.length, 'each has links').to.be.at.least(1);
    // Every announcement was signed and fresh: nothing refused.
    for (const e of list)
      expect(
        Object.values(e.rejects).reduce((a, b) => a + b, 0),
        JSON.stringify(e.rejects),
      ).to.equal(0);
  });

  it('refuses forged, replayed, stale, other-peer and name-claiming announcements, and counts them', async () => {
    const room = unique('room');
    const [a, b] = await ownPair();
    const [ea, eb] = [engine(a), engine(b)];
    await ea.join(room);
    await eb.join(room);
    await waitFor(() => ea.peersIn(room).length === 1, 10_000, 'A knows B');
    const token = await roomToken(room);
    const mallory = await createIdentity();
    // B's engine owns the `discovery` channel on B; speak on it through a second handle of the same name.
    const wire = (m: unknown) => (eb as unknown as { channel: { send(p: string, m: unknown): void } }).channel.send(a.id!, m);
    const good = await signAnnouncement(mallory, { peer: 'mallory-1', name: 'Mallory', features: [], room: token, at: Date.now() });
    // Relayed in `peers`: a good signature is taken; the same signature with another peer id is forged.
    wire({ t: 'peers', room: token, anns: [{ ...good, peer: 'someone-else' }] });
    await waitFor(() => ea.rejects.forged === 1, 5_000, 'forged counted');
    wire({ t: 'peers', room: token, anns: [good] });
    await waitFor(() => ea.peersIn(room).some((p) => p.ann.key === mallory.publicKey), 5_000, 'a good relayed announcement');
    const older = await signAnnouncement(mallory, { peer: 'mallory-1', name: 'Mallory', features: [], room: token, at: good.at - 1_000 });
    wire({ t: 'peers', room: token, anns: [older] });
    await waitFor(() => ea.rejects.replay === 1, 5_000, 'replay counted');
    const stale = await signAnnouncement(mallory, { peer: 'mallory-1', name: 'Mallory', features: [], room: token, at: Date.now() - 10 * 60_000 });
    wire({ t: 'peers', room: token, anns: [stale] });
    await waitFor(() => ea.rejects.stale === 1, 5_000, 'stale counted');
    // A direct `announce` must be the link's own peer id and key.
    wire({ t: 'announce', ann: good });
    await waitFor(() => ea.rejects['not-the-link'] === 1, 5_000, 'not-the-link counted');
    // A contact's name claimed by another key: shown without the name.
    await ea.addContact(b.id!, 'Mallory');
    const newer = await signAnnouncement(mallory, { peer: 'mallory-1', name: 'mallory', features: [], room: token, at: Date.now() });
    wire({ t: 'peers', room: token, anns: [newer] });
    await waitFor(() => ea.rejects['name-claim'] === 1, 5_000, 'name claim counted');
    expect(ea.peersIn(room).find((p) => p.ann.key === mallory.publicKey)!.ann.name).to.equal('');
    // B's own, genuine announcement keeps its place, and B (a contact) is listed first.
    expect(ea.peersIn(room)[0]!.ann.key).to.equal(b.publicKey);
  });

  it('an invite link links with the key verified; a tampered one does not link; blocking closes and hides', async () => {
    const [a, b, c] = await Promise.all([own(), own(), own()]);
    const [ea, eb, ec] = [engine(a), engine(b), engine(c)];
    eb.displayName = 'Bea';
    const link = eb.inviteLink('https://example.test/');
    const invite = await ea.acceptInvite(link);
    expect(invite).to.deep.include({ p: b.id, k: b.publicKey, n: 'Bea' });
    await waitFor(() => a.peers.includes(b.id!), 10_000, 'linked by the invite');
    expect(ea.verified(b.id!)).to.equal(true);
    expect(ea.contactOf(b.publicKey)).to.deep.include({ name: 'Bea', verified: 'invite' });
    // C's peer id with B's key (a tampered link): the pinned key does not match, so no link opens.
    const tampered = inviteLink('https://example.test/', { p: c.id!, k: b.publicKey! });
    await ec.loaded;
    await ea.acceptInvite(tampered).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(a.peers.includes(c.id!), 'no link to an impostor').to.equal(false);
    expect(ea.verified(c.id!)).to.equal(false);
    // Block B: the link closes, B is not dialed again.
    await ea.block(b.id!);
    await waitFor(() => !a.peers.includes(b.id!), 5_000, 'link closed');
    expect(ea.blocked.has(b.publicKey!)).to.equal(true);
    await ea.dial(b.id!, b.publicKey!);
    expect(a.peers.includes(b.id!)).to.equal(false);
  });

  it('a restart keeps the peer id and reconnects to the last peers', async () => {
    const name = unique('disc');
    const a1 = await openService({ identity: name, stablePeerId: true });
    const b = await own();
    const e1 = engine(a1);
    await e1.loaded;
    await a1.connect(b.id!);
    await waitFor(() => e1.lastPeers.some((p) => p.peer === b.id), 5_000, 'last peers remembered');
    await new Promise((r) => setTimeout(r, 200)); // the save lands
    const id = a1.id;
    e1.dispose();
    a1.destroy();
    await waitFor(() => !b.peers.includes(id!), 10_000, 'B saw A go');
    const a2 = await openService({ identity: name, stablePeerId: true });
    expect(a2.id, 'same peer id after the restart').to.equal(id);
    const e2 = engine(a2);
    expect(await e2.reconnectLast()).to.equal(1);
    await waitFor(() => a2.peers.includes(b.id!), 10_000, 're-linked to the last peer');
  });
});
