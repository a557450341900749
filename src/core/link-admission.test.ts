/**
 * Admission control: a cap on links from peers that dial me and on connections still in their
 * handshake; refused connections are closed at once and reported (`peer-refused`); pinned peers
 * are always admitted.
 */
import { expect } from '@open-wc/testing';
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
});
