/**
 * Who a peer is, across ids and keys: a block follows the identity key, a changed key is said plainly,
 * and per-peer reject counters stay bounded.
 */
import { expect } from '@open-wc/testing';
import type { PeerBlockedEvent, ServiceErrorEvent } from './events.js';
import { createIdentity } from './identity.js';
import { claimPeerId, destroyServices, linkedPair, openService, uniqueId, waitFor } from '../../test/harness.js';
import { MAX_REJECT_COUNTERS } from './link-registry.js';
import type { PeerEvent } from './events.js';
import { destroyHostiles, hostilePeer } from '../../test/hostile-peer.js';

describe('Blocks tied to the identity key (raw hostile PeerJS peers, real PeerServer)', () => {
  afterEach(() => {
    destroyHostiles();
    destroyServices();
  });

  it('a blocked peer that comes back under a new peer id with the same key is refused; unblock lifts both', async function () {
    this.timeout(40_000);
    const victim = await openService({ identity: await createIdentity() });
    const blocked: PeerBlockedEvent[] = [];
    victim.addEventListener('peer-blocked', (e: PeerBlockedEvent) => blocked.push(e));
    const errors: ServiceErrorEvent[] = [];
    victim.addEventListener('error', (e: ServiceErrorEvent) => errors.push(e));
    const key = await createIdentity();

    const first = await hostilePeer(victim.id!, { identity: key });
    await waitFor(() => victim.linkStatus(first.id) === 'open', 10_000, 'first handshake');
    try {
      for (let i = 0; i < 400; i++) first.send('garbage without a header');
    } catch {
      /* cut off mid-flood */
    }
    await waitFor(() => blocked.length === 1, 15_000, 'blocked');

    // Same key, new peer id: its hello checks out cryptographically, but the key is blocked.
    const second = await hostilePeer(victim.id!, { identity: key });
    await waitFor(() => errors.some((e) => e.error.code === 'peer-blocked' && e.peer === second.id), 10_000, 'refused by key');
    await new Promise((r) => setTimeout(r, 300));
    expect(victim.linkStatus(second.id)).to.equal(undefined);
    expect(victim.peers).to.not.include(second.id);

    // Another key under yet another id is not affected.
    const stranger = await hostilePeer(victim.id!);
    await waitFor(() => victim.linkStatus(stranger.id) === 'open', 10_000, 'a different key connects');

    // Unblocking the blocked id lifts the key as well.
    victim.unblock(first.id);
    const third = await hostilePeer(victim.id!, { identity: key });
    await waitFor(() => victim.linkStatus(third.id) === 'open', 10_000, 'unblocked key connects again');
  });

  it('an unpinned peer that comes back with another identity key is reported plainly (key-changed), not as a plain restart', async function () {
    this.timeout(40_000);
    const suffix = uniqueId('k');
    // "a-…" < "b-…": a is the side that re-dials.
    const a = await openService({ peerId: `a-${suffix}`, identity: await createIdentity() });
    const b1 = await openService({ peerId: `b-${suffix}`, identity: await createIdentity() });
    await a.connect(b1.id!);
    const oldKey = b1.publicKey!;
    const bId = b1.id!;
    const reasons: string[] = [];
    a.addEventListener('peer-disconnected', (e: PeerEvent) => reasons.push(e.reason ?? ''));
    const errors: ServiceErrorEvent[] = [];
    a.addEventListener('error', (e: ServiceErrorEvent) => errors.push(e));
    // b's page dies without a goodbye and someone comes back on b's id with another key.
    b1.peerConnection(a.id!)!.close();
    (b1 as unknown as { links: Map<string, unknown> }).links.clear();
    b1.destroy();
    await waitFor(() => a.linkStatus(bId) === 'reconnecting', 10_000, 'reconnecting');
    const newKey = await createIdentity();
    const b2 = await claimPeerId(`b-${suffix}`, { identity: newKey });
    await waitFor(() => a.linkStatus(b2.id!) === 'open' && a.peerIdentity(b2.id!)?.publicKey === newKey.publicKey, 20_000, 'a re-dialed the new b');
    expect(reasons).to.deep.equal(['key-changed']);
    const changed = errors.find((e) => e.error.code === 'identity-changed');
    expect(changed?.peer).to.equal(b2.id);
    expect(changed?.error.message).to.contain(oldKey.slice(0, 16));
    expect(changed?.error.message).to.contain(newKey.publicKey.slice(0, 16));
  });
});

describe('Per-peer reject counters stay bounded', () => {
  afterEach(destroyServices);

  it('keeps at most MAX_REJECT_COUNTERS, forgetting the oldest peers with no link first; a linked peer keeps its count', async function () {
    this.timeout(20_000);
    const [a, b] = await linkedPair();
    // b's counters, as the registry keeps them (the path every refused frame takes).
    const registry = (
      b as unknown as { registry: { countReject(peer: string, channel: string | undefined, reason: string): void; rejectCounts: Map<string, unknown> } }
    ).registry;
    registry.countReject(a.id!, undefined, 'invalid');
    for (let i = 0; i < 2 * MAX_REJECT_COUNTERS; i++) registry.countReject(`gone-${i}`, undefined, 'not-text');
    expect(registry.rejectCounts.size).to.equal(MAX_REJECT_COUNTERS);
    expect(b.rejects(a.id!).total).to.equal(1);
    expect(b.rejects('gone-0').total).to.equal(0);
    expect(b.rejects(`gone-${2 * MAX_REJECT_COUNTERS - 1}`).total).to.equal(1);
  });
});
