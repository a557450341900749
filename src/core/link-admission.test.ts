/**
 * Admission control: a cap on links from peers that dial me and on connections still in their
 * handshake; refused connections are closed at once and reported (`peer-refused`); pinned peers
 * are always admitted.
 */
import { expect } from '@open-wc/testing';
import * as v from 'valibot';
import type { PeerRefusedEvent } from './events.js';
import { createIdentity } from './identity.js';
import { destroyServices, openService, waitFor } from '../../test/harness.js';
import { destroyHostiles, hostilePeer } from '../../test/hostile-peer.js';

describe('Admission control (real WebRTC, real PeerServer)', () => {
  afterEach(() => {
    destroyHostiles();
    destroyServices();
  });

  it('refuses links beyond maxLinks with peer-refused, and still admits a pinned peer', async function () {
    this.timeout(30_000);
    const victim = await openService({ maxLinks: 2, identity: await createIdentity() });
    const refused: PeerRefusedEvent[] = [];
    victim.addEventListener('peer-refused', (e: PeerRefusedEvent) => refused.push(e));
    // A refused dialer learns it at its connect deadline (kept short here).
    const [p1, p2, p3, friend] = await Promise.all([0, 1, 2, 3].map(async () => openService({ identity: await createIdentity(), connectTimeoutMs: 3_000 })));
    await p1.connect(victim.id!);
    await p2.connect(victim.id!);
    const third = p3.connect(victim.id!).then(
      () => 'open',
      (e: Error) => e.message,
    );
    await waitFor(() => refused.length === 1, 10_000, 'the third refused');
    expect(refused[0].peer).to.equal(p3.id);
    expect(refused[0].reason).to.equal('too-many-links');
    expect(victim.linkStatus(p3.id!)).to.equal(undefined);
    expect(await third).to.not.equal('open');
    // A pinned peer gets in past the cap.
    await victim.pin(friend.id!, friend.publicKey);
    await friend.connect(victim.id!);
    await waitFor(() => victim.linkStatus(friend.id!) === 'open', 10_000, 'the pinned peer admitted');
    expect(victim.peers).to.have.members([p1.id, p2.id, friend.id]);
    expect(refused).to.have.length(1);
  });

  it('refuses connections beyond maxPendingHandshakes while others sit in their handshake', async function () {
    this.timeout(30_000);
    const victim = await openService({ maxPendingHandshakes: 2, handshakeTimeoutMs: 20_000 });
    const refused: PeerRefusedEvent[] = [];
    victim.addEventListener('peer-refused', (e: PeerRefusedEvent) => refused.push(e));
    // Two peers that open a connection and never say hello.
    const mute1 = await hostilePeer(victim.id!, { hello: false });
    const mute2 = await hostilePeer(victim.id!, { hello: false });
    await waitFor(() => victim.linkStatus(mute1.id) === 'connecting' && victim.linkStatus(mute2.id) === 'connecting', 10_000, 'two pending');
    const honest = await openService({ connectTimeoutMs: 3_000 });
    const attempt = honest.connect(victim.id!).then(
      () => 'open',
      (e: Error) => e.message,
    );
    await waitFor(() => refused.length === 1, 10_000, 'the third refused');
    expect(refused[0]).to.include({ peer: honest.id, reason: 'too-many-handshakes' });
    expect(await attempt).to.not.equal('open');
  });

  it('at maxLinks, closes the idle incoming link of an unpinned peer to admit a new one; links I dialed and pinned peers stay', async function () {
    this.timeout(30_000);
    const victim = await openService({ maxLinks: 3, idleLinkMs: 400, identity: await createIdentity() });
    const refused: PeerRefusedEvent[] = [];
    victim.addEventListener('peer-refused', (e: PeerRefusedEvent) => refused.push(e));
    const [mine, friend, idle, busy, newcomer] = await Promise.all(
      [0, 1, 2, 3, 4].map(async () => openService({ identity: await createIdentity(), connectTimeoutMs: 5_000 })),
    );
    await victim.connect(mine.id!); // dialed by the victim: never evicted
    await victim.pin(friend.id!, friend.publicKey);
    await friend.connect(victim.id!); // pinned: never evicted
    await idle.connect(victim.id!);
    await waitFor(() => victim.peers.length === 3, 5_000, 'three links on the victim');
    await new Promise((r) => setTimeout(r, 600));
    // All three are idle now; only `idle` may go. With it gone there is room for `busy`.
    await busy.connect(victim.id!);
    await waitFor(() => refused.length === 1, 5_000, 'the idle link evicted');
    expect(refused[0]).to.include({ peer: idle.id, reason: 'evicted' });
    // busy's connect() resolves when its side is open; the victim's side opens a moment later.
    await waitFor(() => victim.peers.includes(busy.id!), 5_000, 'busy linked on the victim');
    expect(victim.peers).to.have.members([mine.id, friend.id, busy.id]);
    // `busy` keeps talking, so nothing is idle enough: the next newcomer is refused.
    const channel = victim.channel('chat', { schema: v.object({ hi: v.number() }) });
    const talk = setInterval(() => channel.send(busy.id!, { hi: 1 }), 100);
    try {
      await new Promise((r) => setTimeout(r, 500));
      const attempt = newcomer.connect(victim.id!).then(
        () => 'open',
        (e: Error) => e.message,
      );
      await waitFor(() => refused.length === 2, 10_000, 'the newcomer refused');
      expect(refused[1]).to.include({ peer: newcomer.id, reason: 'too-many-links' });
      expect(await attempt).to.not.equal('open');
      expect(victim.peers).to.have.members([mine.id, friend.id, busy.id]);
    } finally {
      clearInterval(talk);
    }
  });
});
