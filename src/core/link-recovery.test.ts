import { expect } from '@open-wc/testing';
import * as v from 'valibot';
import type { ServiceErrorEvent, PeerEvent } from './events.js';
import { claimPeerId, destroyServices, linkedPair, openService, uniqueId, waitFor } from '../../test/harness.js';

const Tick = v.strictObject({ n: v.pipe(v.number(), v.integer()) });

function record(target: EventTarget, types: string[]): string[] {
  const seen: string[] = [];
  for (const type of types) target.addEventListener(type, (e) => seen.push(`${type}:${(e as PeerEvent).reason ?? ''}`));
  return seen;
}

describe('Link recovery and reliable channels (real PeerServer, real WebRTC)', () => {
  afterEach(destroyServices);

  for (const side of ['sender', 'receiver'] as const) {
    it(`delivers 1,000 acked messages exactly once, in order, across a forced drop on the ${side} side`, async function () {
      this.timeout(40_000);
      const fast = { limits: { messagesPerSecond: 2_000, messageBurst: 2_000 } };
      const [a, b] = await linkedPair(fast);
      const sent = a.channel('tick', { schema: Tick });
      const got: number[] = [];
      b.channel('tick', { schema: Tick }).on((m) => got.push(m.n));
      const eventsA = record(a, ['peer-reconnecting', 'peer-connected', 'peer-disconnected']);
      const eventsB = record(b, ['peer-reconnecting', 'peer-connected', 'peer-disconnected']);
      let n = 0;
      const pump = async () => {
        while (n < 1_000) {
          for (let i = 0; i < 20 && n < 1_000; i++) sent.send(b.id!, { n: n++ });
          await new Promise((r) => setTimeout(r, 5));
        }
      };
      const pumping = pump();
      await waitFor(() => got.length >= 300, 15_000, '300 messages before the drop');
      const victim = side === 'sender' ? a.peerConnection(b.id!) : b.peerConnection(a.id!);
      victim!.close();
      await pumping;
      await waitFor(() => got.length >= 1_000, 30_000, 'all 1,000 messages');
      await new Promise((r) => setTimeout(r, 200)); // any duplicate would arrive by now
      expect(got.length).to.equal(1_000);
      expect(got).to.deep.equal(Array.from({ length: 1_000 }, (_, i) => i));
      expect(a.linkStatus(b.id!)).to.equal('open');
      expect(b.linkStatus(a.id!)).to.equal('open');
      // The widgets' view: at most a reconnecting/connected pair, never a disconnect.
      for (const events of [eventsA, eventsB]) {
        expect(events.filter((e) => e.startsWith('peer-disconnected'))).to.deep.equal([]);
      }
      expect([...eventsA, ...eventsB].some((e) => e.startsWith('peer-reconnecting'))).to.equal(true);
      expect(a.peerConnection(b.id!)).to.not.equal(victim);
    });
  }

  it("paces itself to the receiver's advertised limits: 700 messages at default limits, none rate-limited", async function () {
    this.timeout(30_000);
    const [a, b] = await linkedPair();
    const ch = a.channel('tick', { schema: Tick });
    const got: number[] = [];
    b.channel('tick', { schema: Tick }).on((m) => got.push(m.n));
    for (let i = 0; i < 700; i++) ch.send(b.id!, { n: i });
    await waitFor(() => got.length === 700, 20_000, '700 paced messages');
    expect(got).to.deep.equal(Array.from({ length: 700 }, (_, i) => i));
    expect(b.rejects(a.id!).total).to.equal(0);
  });

  it('sends high-priority channels first when a link is busy: an order overtakes a queue of chat lines', async function () {
    this.timeout(30_000);
    const [a, b] = await linkedPair();
    const chat = a.channel('chat', { schema: Tick });
    const orders = a.channel('orders', { schema: Tick, priority: 'high' });
    const arrivals: string[] = [];
    b.channel('chat', { schema: Tick }).on((m) => arrivals.push(`chat ${m.n}`));
    b.channel('orders', { schema: Tick, priority: 'high' }).on((m) => arrivals.push(`order ${m.n}`));
    // 700 chat lines exceed what b lets a send at once (burst 500 at 90 %): the rest wait in a's queue.
    for (let n = 0; n < 700; n++) chat.send(b.id!, { n });
    orders.send(b.id!, { n: 1 });
    await waitFor(() => arrivals.length === 701, 20_000, 'all messages');
    const orderAt = arrivals.indexOf('order 1');
    expect(orderAt).to.be.greaterThan(-1);
    expect(orderAt).to.be.lessThan(500); // it did not wait behind the queued chat lines
    expect(arrivals.filter((x) => x.startsWith('chat'))).to.deep.equal(Array.from({ length: 700 }, (_, n) => `chat ${n}`));
  });

  it('queues reliable messages while a link recovers and drops unreliable ones with a clear error', async function () {
    this.timeout(30_000);
    const [a, b] = await linkedPair();
    const reliable = a.channel('tick', { schema: Tick });
    const loose = a.channel('presence', { schema: Tick, reliable: false });
    const got: number[] = [];
    b.channel('tick', { schema: Tick }).on((m) => got.push(m.n));
    b.channel('presence', { schema: Tick, reliable: false });
    a.peerConnection(b.id!)!.close();
    await waitFor(() => a.linkStatus(b.id!) === 'reconnecting' || a.linkStatus(b.id!) === 'open', 5_000);
    reliable.send(b.id!, { n: 1 });
    if (a.linkStatus(b.id!) === 'reconnecting') {
      expect(() => loose.send(b.id!, { n: 2 })).to.throw(/not open/);
    }
    await waitFor(() => got.length === 1, 15_000, 'queued message after recovery');
    expect(got).to.deep.equal([1]);
  });

  it('gives up after linkRecoveryMs when the peer is gone, and says how many messages were not delivered', async function () {
    this.timeout(30_000);
    const [a, b] = await linkedPair({ linkRecoveryMs: 3_000 });
    const ch = a.channel('tick', { schema: Tick });
    const events = record(a, ['peer-reconnecting', 'peer-disconnected']);
    const errors: string[] = [];
    a.addEventListener('error', (e: ServiceErrorEvent) => errors.push(e.error.message));
    const bId = b.id!;
    b.peerConnection(a.id!)!.close();
    b.destroy(); // gone without a goodbye
    await waitFor(() => events.some((e) => e.startsWith('peer-reconnecting')), 10_000, 'reconnecting');
    ch.send(bId, { n: 1 });
    ch.send(bId, { n: 2 });
    await waitFor(() => events.some((e) => e.startsWith('peer-disconnected')), 15_000, 'give up');
    expect(events.at(-1)).to.equal('peer-disconnected:unreachable');
    expect(a.linkStatus(bId)).to.equal(undefined);
    expect(errors.some((m) => /2 messages to .* were not delivered/.test(m))).to.equal(true);
  });

  it('recognises a peer that crashed and came back with the same id as a new session: no ghost, fresh numbering', async function () {
    this.timeout(40_000);
    const suffix = uniqueId('r');
    // "a-…" < "b-…": a is the side that re-dials.
    const a = await openService({ peerId: `a-${suffix}` });
    const b1 = await openService({ peerId: `b-${suffix}` });
    await a.connect(b1.id!);
    const ch = a.channel('tick', { schema: Tick });
    ch.send(b1.id!, { n: 1 });
    const events = record(a, ['peer-reconnecting', 'peer-disconnected', 'peer-connected']);
    // b crashes: its connection dies without a goodbye, then its page comes back with the same id.
    b1.peerConnection(a.id!)!.close();
    (b1 as unknown as { links: Map<string, unknown> }).links.clear();
    b1.destroy();
    await waitFor(() => events.includes('peer-reconnecting:closed') || events.some((e) => e.startsWith('peer-reconnecting')), 10_000, 'reconnecting');
    const b2 = await claimPeerId(`b-${suffix}`);
    const got: number[] = [];
    b2.channel('tick', { schema: Tick }).on((m) => got.push(m.n));
    await waitFor(() => events.includes('peer-connected:'), 20_000, 'a re-dialed the new b');
    expect(events.filter((e) => !e.startsWith('peer-reconnecting'))).to.deep.equal(['peer-disconnected:restarted', 'peer-connected:']);
    ch.send(b2.id!, { n: 2 });
    await waitFor(() => got.length === 1, 5_000, 'message to the new session');
    expect(got).to.deep.equal([2]); // the old session's message is not replayed to the new one
    expect(a.peers).to.deep.equal([b2.id]);
  });

  it('keeps pacing across a re-dial: 800 messages at default limits, dropped mid-stream, all arrive, none rate-limited', async function () {
    this.timeout(40_000);
    const [a, b] = await linkedPair();
    const ch = a.channel('tick', { schema: Tick });
    const got: number[] = [];
    b.channel('tick', { schema: Tick }).on((m) => got.push(m.n));
    const blocked = record(b, ['peer-blocked']);
    // The first ~450 drain b's burst; a fresh, full pacing bucket after the re-dial would overrun it.
    for (let i = 0; i < 800; i++) ch.send(b.id!, { n: i });
    await waitFor(() => got.length >= 460, 20_000, '460 messages before the drop');
    a.peerConnection(b.id!)!.close();
    await waitFor(() => got.length >= 800, 30_000, 'all 800 messages');
    await new Promise((r) => setTimeout(r, 200));
    expect(got).to.deep.equal(Array.from({ length: 800 }, (_, i) => i));
    expect(b.rejects(a.id!).total).to.equal(0);
    expect(blocked).to.deep.equal([]);
  });

  it('one side drops its link state while the other keeps it: both number again from 1, nothing lost or doubled', async function () {
    this.timeout(30_000);
    const suffix = uniqueId('f');
    const a = await openService({ peerId: `a-${suffix}` });
    const b = await openService({ peerId: `b-${suffix}` });
    await a.connect(b.id!);
    await waitFor(() => b.peers.includes(a.id!));
    const chA = a.channel('tick', { schema: Tick });
    const chB = b.channel('tick', { schema: Tick });
    const gotA: number[] = [];
    const gotB: number[] = [];
    chA.on((m) => gotA.push(m.n));
    chB.on((m) => gotB.push(m.n));
    for (let i = 0; i < 5; i++) {
      chA.send(b.id!, { n: i });
      chB.send(a.id!, { n: 100 + i });
    }
    await waitFor(() => gotA.length === 5 && gotB.length === 5, 5_000, 'first messages');
    await new Promise((r) => setTimeout(r, 300)); // acknowledgements settle
    // What giveUp() does on b (its recovery deadline passed first), without a goodbye: a keeps its state.
    (b as unknown as { dropLink(peer: string, error: Error, reason: string): void }).dropLink(a.id!, new Error('gave up'), 'unreachable');
    await waitFor(() => b.peers.includes(a.id!) && a.linkStatus(b.id!) === 'open', 20_000, 'linked again');
    for (let i = 5; i < 10; i++) {
      chA.send(b.id!, { n: i });
      chB.send(a.id!, { n: 100 + i });
    }
    await waitFor(() => gotA.length === 10 && gotB.length === 10, 10_000, 'messages after the re-link');
    await new Promise((r) => setTimeout(r, 200));
    expect(gotB).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(gotA).to.deep.equal([100, 101, 102, 103, 104, 105, 106, 107, 108, 109]);
    expect(a.rejects(b.id!).total).to.equal(0);
    expect(b.rejects(a.id!).total).to.equal(0);
  });

  it('a re-dial the other side had not noticed yet: it sees peer-reconnecting then peer-connected, and messages flow', async function () {
    this.timeout(30_000);
    const suffix = uniqueId('n');
    const a = await openService({ peerId: `a-${suffix}` }); // the lower id: a re-dials
    const b = await openService({ peerId: `b-${suffix}` });
    await a.connect(b.id!);
    await waitFor(() => b.peers.includes(a.id!));
    const events = record(b, ['peer-reconnecting', 'peer-connected', 'peer-disconnected']);
    const got: number[] = [];
    b.channel('tick', { schema: Tick }).on((m) => got.push(m.n));
    const ch = a.channel('tick', { schema: Tick });
    // a notices a failure first and re-dials; b's own detection is held off until then (it would otherwise
    // race a's new connection), which is the moment the old code kept b "open" without telling anyone.
    type LinkInternals = { wire?: { ready: boolean }; onLost(wire: unknown, why: string): void };
    const links = (s: unknown) => (s as { links: Map<string, LinkInternals> }).links;
    const linkB = links(b).get(a.id!)!;
    const realOnLost = linkB.onLost;
    linkB.onLost = function (this: LinkInternals, wire: unknown, why: string) {
      if (why === 'replaced') realOnLost.call(this, wire, why); // only a's new connection may end the old one
    };
    const linkA = links(a).get(b.id!)!;
    linkA.onLost(linkA.wire, 'test: one-sided failure');
    await waitFor(() => a.linkStatus(b.id!) === 'open' && !!linkA.wire?.ready, 20_000, 'a linked again');
    linkB.onLost = realOnLost;
    await waitFor(() => events.includes('peer-connected:'), 5_000, 'peer-connected on b');
    expect(events).to.deep.equal(['peer-reconnecting:replaced', 'peer-connected:']);
    ch.send(b.id!, { n: 1 });
    await waitFor(() => got.length === 1, 5_000, 'a message on the new connection');
    expect(b.linkStatus(a.id!)).to.equal('open');
  });

  it('a deliberate disconnect is a clean leave on the other side: no recovery attempts', async () => {
    const [a, b] = await linkedPair();
    const events = record(a, ['peer-reconnecting', 'peer-disconnected']);
    b.disconnect(a.id!);
    await waitFor(() => events.length > 0, 5_000, 'leave seen');
    await new Promise((r) => setTimeout(r, 300));
    expect(events).to.deep.equal(['peer-disconnected:remote']);
    expect(a.peers).to.deep.equal([]);
  });
});
