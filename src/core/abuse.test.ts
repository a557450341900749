import { expect } from '@open-wc/testing';
import * as v from 'valibot';
import type { MessageRejectedEvent, PeerBlockedEvent, ServiceErrorEvent } from './events.js';
import { destroyServices, linkedPair, openService, waitFor } from '../../test/harness.js';
import { destroyHostiles, hostilePeer } from '../../test/hostile-peer.js';

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`Timed out after ${ms} ms: ${what}`)), ms))]);
}

const Chat = v.strictObject({ text: v.pipe(v.string(), v.maxLength(200)) });

describe('Abuse limits and handshake checks (hostile raw PeerJS peer, real PeerServer)', () => {
  afterEach(() => {
    destroyHostiles();
    destroyServices();
  });

  it('survives a flood of 10,000 malformed, oversized, invalid and over-rate messages: all rejected, flooder cut off, honest peer unaffected', async function () {
    this.timeout(40_000);
    const [honest, victim] = await linkedPair();
    const fromHonest: string[] = [];
    const fromOthers: string[] = [];
    victim.channel('chat', { schema: Chat, maxBytes: 256 }).on((m, from) => (from === honest.id ? fromHonest : fromOthers).push(m.text));
    const blocked: PeerBlockedEvent[] = [];
    victim.addEventListener('peer-blocked', (e: PeerBlockedEvent) => blocked.push(e));
    const flooder = await hostilePeer(victim.id!);
    await waitFor(() => victim.linkStatus(flooder.id) === 'open', 10_000, 'flooder handshake');
    const closed = new Promise<void>((r) => flooder.conn.on('close', r));
    const kinds = [
      'garbage without a header',
      `chat\n${JSON.stringify({ text: 'x'.repeat(400) })}`, // too large for the channel
      'chat\n{"text": 42}', // schema
      'chat\n{nope', // bad json
      'nochannel\n{"text":"hi"}', // unknown channel
    ];
    let sent = 0;
    try {
      for (let i = 0; i < 10_000; i++) {
        // After the first 600 frames the victim's rate limit is exhausted, so even valid frames are over rate.
        flooder.send(i >= 600 && i % 2 ? `chat\n${JSON.stringify({ text: `flood ${i}` })}` : kinds[i % kinds.length]);
        sent++;
      }
    } catch {
      /* the victim cut the link mid-flood */
    }
    const chat = honest.channel('chat', { schema: Chat, maxBytes: 256 });
    for (let i = 0; i < 200; i++) chat.send(victim.id!, { text: `honest ${i}` });
    await waitFor(() => blocked.length === 1, 15_000, 'flooder blocked');
    await within(closed, 10_000, 'flooder link closed');
    await waitFor(() => fromHonest.length === 200, 15_000, 'honest messages');
    expect(fromHonest).to.deep.equal(Array.from({ length: 200 }, (_, i) => `honest ${i}`));
    expect(fromOthers).to.deep.equal([]);
    expect(sent).to.be.greaterThan(200);
    const counts = victim.rejects(flooder.id);
    expect(counts.total).to.be.at.least(200);
    for (const reason of ['malformed-frame', 'too-large', 'invalid', 'bad-json', 'unknown-channel'] as const) {
      expect(counts.byReason[reason] ?? 0, reason).to.be.greaterThan(0);
    }
    expect(blocked[0].peer).to.equal(flooder.id);
    expect(blocked[0].until).to.be.greaterThan(Date.now());
    expect(victim.linkStatus(flooder.id)).to.equal(undefined);
    expect(victim.blockedPeers.has(flooder.id)).to.equal(true);
    expect(victim.rejects(honest.id!).total).to.equal(0);
    expect(victim.linkStatus(honest.id!)).to.equal('open');
    // A blocked peer that dials again is refused: its connection never opens.
    const retry = flooder.peer.connect(victim.id!, { serialization: 'raw', reliable: true });
    await new Promise((r) => setTimeout(r, 2_000));
    expect(retry.open).to.equal(false);
    expect(victim.linkStatus(flooder.id)).to.equal(undefined);
  });

  it('counts every over-rate message exactly: what the bucket allows is delivered, the rest rejected as rate-limited', async function () {
    this.timeout(30_000);
    const victim = await openService({ limits: { messagesPerSecond: 50, messageBurst: 100, strikesBeforeBlock: 100_000 } });
    let delivered = 0;
    victim.channel('chat', { schema: Chat }).on(() => delivered++);
    const rejected: MessageRejectedEvent[] = [];
    victim.addEventListener('message-rejected', (e: MessageRejectedEvent) => rejected.push(e));
    const flooder = await hostilePeer(victim.id!);
    await waitFor(() => victim.linkStatus(flooder.id) === 'open', 10_000, 'handshake');
    const start = performance.now();
    for (let i = 0; i < 2_000; i++) flooder.send(`chat\n{"text":"m${i}"}`);
    await waitFor(() => delivered + rejected.length >= 2_000, 15_000, 'all 2,000 accounted for');
    const seconds = (performance.now() - start) / 1000;
    expect(delivered + rejected.length).to.equal(2_000);
    expect(rejected.every((e) => e.reason === 'rate-limited')).to.equal(true);
    // The burst (minus the hello) plus what refilled while the flood was arriving, never more.
    expect(delivered).to.be.at.least(99);
    expect(delivered).to.be.at.most(100 + Math.ceil(seconds * 50) + 1);
    expect(victim.linkStatus(flooder.id)).to.equal('open');
  });

  it('closes a link whose hello proof does not cover the connection fingerprints (identity-mismatch)', async () => {
    const victim = await openService();
    const errors: ServiceErrorEvent[] = [];
    victim.addEventListener('error', (e: ServiceErrorEvent) => errors.push(e));
    let delivered = 0;
    victim.channel('chat', { schema: Chat }).on(() => delivered++);
    const forger = await hostilePeer(victim.id!, { tamper: true });
    const closed = new Promise<void>((r) => forger.conn.on('close', r));
    forger.send('chat\n{"text":"let me in"}');
    await within(closed, 10_000, 'forger link closed');
    await waitFor(() => errors.length > 0, 5_000, 'error event');
    expect(errors[0].error.code).to.equal('identity-mismatch');
    expect(errors[0].peer).to.equal(forger.id);
    expect(victim.linkStatus(forger.id)).to.equal(undefined);
    expect(victim.peers).to.deep.equal([]);
    expect(delivered).to.equal(0);
  });

  it('accepts nothing before the hello and drops a peer that never sends one', async function () {
    this.timeout(20_000);
    const victim = await openService({ handshakeTimeoutMs: 1_500 });
    let delivered = 0;
    victim.channel('chat', { schema: Chat }).on(() => delivered++);
    const mute = await hostilePeer(victim.id!, { hello: false });
    const closed = new Promise<void>((r) => mute.conn.on('close', r));
    mute.send('chat\n{"text":"no hello"}');
    await waitFor(() => victim.rejects(mute.id).total === 1, 5_000, 'reject');
    expect(victim.rejects(mute.id).byReason).to.deep.equal({ 'no-handshake': 1 });
    await within(closed, 10_000, 'mute link closed');
    expect(delivered).to.equal(0);
    expect(victim.linkStatus(mute.id)).to.equal(undefined);
  });
  it('holds at most 1 MiB from a peer before its hello: bigger floods are refused at once', async function () {
    this.timeout(30_000);
    // A handshake timeout well beyond the refusal window: on a cold browser (first file of a run) the
    // 2.4 MB flood itself can take over 2.5 s to arrive; the refusals must still all come before the timeout.
    const victim = await openService({ handshakeTimeoutMs: 8_000 });
    const mute = await hostilePeer(victim.id!, { hello: false });
    const big = `chat\n{"text":"${'x'.repeat(20_000)}"}`;
    for (let i = 0; i < 120; i++) mute.send(big);
    // 1 MiB holds 52 such frames; the other 68 are refused as they arrive, long before the handshake timeout.
    await waitFor(() => victim.rejects(mute.id).total >= 68, 6_000, '68 refusals');
    expect(victim.rejects(mute.id).byReason).to.deep.equal({ 'no-handshake': 68 });
    // The held ones are refused when the handshake times out.
    await waitFor(() => victim.rejects(mute.id).total === 120, 15_000, 'all 120 refused');
    expect(victim.linkStatus(mute.id)).to.equal(undefined);
  });
});
