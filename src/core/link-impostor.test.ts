/**
 * An impostor that takes a pinned peer's id while that peer's link recovers is refused on its own
 * connection only: the real peer's link keeps its queued messages and numbering and recovers as soon
 * as the real peer is back.
 */
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import * as v from 'valibot';
import type { PeerEvent, ServiceErrorEvent } from './events.js';
import { createIdentity } from './identity.js';
import { claimPeerId as claim, destroyServices, openService, uniqueId, waitFor } from '../../test/harness.js';

const Tick = v.strictObject({ n: v.pipe(v.number(), v.integer()) });

describe('An impostor on a pinned peer’s id (real WebRTC, real PeerServer)', () => {
  afterEach(async () => {
    destroyServices();
    await executeServerCommand('signaling-start');
  });

  it('is refused on its own connection; the real link keeps its queue and recovers when the real peer is back', async function () {
    this.timeout(90_000);
    const suffix = uniqueId('i');
    // "a-…" < "b-…": a is the side that re-dials.
    const a = await openService({ peerId: `a-${suffix}`, identity: await createIdentity() });
    const b = await openService({ peerId: `b-${suffix}`, identity: await createIdentity() });
    await a.connect(b.id!);
    await a.pin(b.id!);
    const realKey = b.publicKey;
    const ch = a.channel('tick', { schema: Tick });
    const got: number[] = [];
    b.channel('tick', { schema: Tick }).on((m) => got.push(m.n));
    const errors: string[] = [];
    a.addEventListener('error', (e: ServiceErrorEvent) => errors.push(e.error.code));
    const disconnected: string[] = [];
    a.addEventListener('peer-disconnected', (e: PeerEvent) => disconnected.push(e.reason ?? ''));

    // A network blip: signaling goes away (b's id is released) and the link's connection dies.
    await executeServerCommand('signaling-stop');
    a.peerConnection(b.id!)!.close();
    await waitFor(() => a.linkStatus(b.id!) === 'reconnecting', 10_000, 'reconnecting');
    for (let i = 0; i < 5; i++) ch.send(b.id!, { n: i }); // queued for the real b
    await executeServerCommand('signaling-start');

    // Someone else grabs b's id before b re-registers; a's re-dial reaches it: not the pinned key.
    const impostor = await claim(`b-${suffix}`, { identity: await createIdentity() });
    const stolen: number[] = [];
    impostor.channel('tick', { schema: Tick }).on((m) => stolen.push(m.n));
    await waitFor(() => errors.includes('identity-mismatch'), 30_000, 'the impostor refused');
    expect(a.linkStatus(b.id!)).to.equal('reconnecting');
    expect(disconnected).to.deep.equal([]);
    impostor.destroy();

    // The real b gets its id back; a's link to it recovers and delivers what was queued, once, in order.
    await waitFor(() => got.length >= 5, 60_000, 'the queued messages at the real b');
    await new Promise((r) => setTimeout(r, 300));
    expect(got).to.deep.equal([0, 1, 2, 3, 4]);
    expect(stolen).to.deep.equal([]);
    expect(disconnected).to.deep.equal([]);
    expect(a.linkStatus(b.id!)).to.equal('open');
    expect(a.peerIdentity(b.id!)?.publicKey).to.equal(realKey);
  });
});
