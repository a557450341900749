/**
 * Bounded queues and per-peer failures on real links: fire-and-forget frames are capped per peer,
 * and a broadcast reaches every peer that can take it even when one cannot.
 */
import { expect } from '@open-wc/testing';
import * as v from 'valibot';
import { DarkswapConnectionError } from './errors.js';
import type { ServiceErrorEvent } from './events.js';
import { MAX_UNRELIABLE_QUEUED } from './link-outbound.js';
import { destroyServices, openService, waitFor } from '../../test/harness.js';

const Text = v.strictObject({ t: v.string() });

describe('Bounded queues and per-peer broadcast failures (real WebRTC, real PeerServer)', () => {
  afterEach(destroyServices);

  it('caps fire-and-forget frames queued for a slowly draining peer and refuses the rest with send-buffer-full', async function () {
    this.timeout(30_000);
    // b accepts 10 messages/s (burst 20): a paces to that, so what a sends piles up in a's queue.
    const a = await openService();
    const b = await openService({ limits: { messagesPerSecond: 10, messageBurst: 20 } });
    await a.connect(b.id!);
    await waitFor(() => b.peers.includes(a.id!));
    const presence = a.channel('presence', { schema: Text, reliable: false });
    const kb = 'x'.repeat(1_000);
    let accepted = 0;
    const refused: DarkswapConnectionError[] = [];
    for (let i = 0; i < 60_000; i++) {
      try {
        presence.send(b.id!, { t: kb });
        accepted++;
      } catch (error) {
        refused.push(error as DarkswapConnectionError);
      }
    }
    // At most the cap is held (plus the few the pacing let out at once); everything beyond is refused at send.
    expect(accepted).to.be.at.most(MAX_UNRELIABLE_QUEUED + 20);
    expect(accepted).to.be.at.least(MAX_UNRELIABLE_QUEUED);
    expect(refused.length).to.equal(60_000 - accepted);
    expect(refused[0]).to.be.instanceOf(DarkswapConnectionError);
    expect(refused[0].code).to.equal('send-buffer-full');
    expect(refused[0].message).to.contain('fire-and-forget');
    expect(a.linkStatus(b.id!)).to.equal('open');
  });

  it('caps the messages held across all links together (maxQueued), each link under its own cap', async function () {
    this.timeout(30_000);
    // b and c accept 10 messages/s: what a sends them waits (unacknowledged) in a's outboxes.
    const a = await openService({ maxQueued: { messages: 150 } });
    const slow = { limits: { messagesPerSecond: 10, messageBurst: 20 } };
    const [b, c] = [await openService(slow), await openService(slow)];
    for (const p of [b, c]) {
      await a.connect(p.id!);
      await waitFor(() => p.peers.includes(a.id!));
    }
    const chat = a.channel('chat', { schema: Text });
    const sendMany = (to: string, n: number) => {
      let ok = 0;
      let error: DarkswapConnectionError | undefined;
      for (let i = 0; i < n; i++) {
        try {
          chat.send(to, { t: `m${i}` });
          ok++;
        } catch (e) {
          error = e as DarkswapConnectionError;
        }
      }
      return { ok, error };
    };
    expect(sendMany(b.id!, 100)).to.deep.equal({ ok: 100, error: undefined });
    const toC = sendMany(c.id!, 100);
    expect(toC.ok).to.equal(50);
    expect(toC.error?.code).to.equal('send-buffer-full');
    expect(toC.error?.message).to.contain('across all 2 links');
    // Everything accepted is delivered in time; then there is room again.
    const got = { b: 0, c: 0 };
    b.channel('chat', { schema: Text }).on(() => got.b++);
    c.channel('chat', { schema: Text }).on(() => got.c++);
    await waitFor(() => got.b === 100 && got.c === 50, 20_000, 'the held messages delivered');
    await waitFor(() => sendMany(c.id!, 1).ok === 1, 5_000, 'room again');
  });

  it('says how many messages were not delivered when a peer leaves with some still waiting', async function () {
    this.timeout(30_000);
    const a = await openService();
    const b = await openService({ limits: { messagesPerSecond: 10, messageBurst: 20 } });
    await a.connect(b.id!);
    await waitFor(() => b.peers.includes(a.id!));
    const errors: string[] = [];
    a.addEventListener('error', (e: ServiceErrorEvent) => errors.push(e.error.message));
    const chat = a.channel('chat', { schema: Text });
    for (let i = 0; i < 100; i++) chat.send(b.id!, { t: `m${i}` });
    const bId = b.id!;
    b.destroy(); // leaves with a goodbye; a's paced queue still holds most of the 100
    await waitFor(() => a.linkStatus(bId) === undefined, 10_000, 'b gone');
    const report = errors.find((m) => /messages to .* were not delivered/.test(m)) ?? `none in: ${errors.join(' | ')}`;
    expect(report).to.match(/^(\d+) messages to .* were not delivered: .* left \(destroyed\)/);
    expect(Number(/^(\d+)/.exec(report)![1])).to.be.within(60, 100);
  });

  it('a broadcast reaches every peer that can take it; the one that cannot is reported per peer', async function () {
    this.timeout(30_000);
    const a = await openService();
    const b = await openService();
    // c accepts at most 4,000 bytes at once: a 5,000-character message can never be sent to it.
    const c = await openService({ limits: { byteBurst: 4_000 } });
    for (const p of [b, c]) {
      await a.connect(p.id!);
      await waitFor(() => p.peers.includes(a.id!));
    }
    const errors: ServiceErrorEvent[] = [];
    a.addEventListener('error', (e) => errors.push(e));
    const chat = a.channel('chat', { schema: Text });
    const got: string[] = [];
    b.channel('chat', { schema: Text }).on((m) => got.push(m.t));
    c.channel('chat', { schema: Text }).on((m) => got.push(`c:${m.t}`));
    const reached = chat.broadcast({ t: 'y'.repeat(5_000) });
    expect(reached).to.equal(1);
    await waitFor(() => got.length === 1, 5_000, 'b got the broadcast');
    expect(got).to.deep.equal(['y'.repeat(5_000)]);
    expect(errors.map((e) => [e.peer, e.error.code])).to.deep.equal([[c.id, 'message-too-large']]);
    expect(errors[0].error.message).to.contain('broadcast on "chat" did not reach');
    // A small one still reaches both.
    expect(chat.broadcast({ t: 'hi' })).to.equal(2);
    await waitFor(() => got.length === 3, 5_000, 'both got the small broadcast');
  });
});
