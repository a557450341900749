import { expect } from '@open-wc/testing';
import * as v from 'valibot';
import { BandwidthBudget, MAX_BULK_FRAME } from './bandwidth.js';
import { utf8Length } from './frame.js';
import { isConnectionError } from './errors.js';
import { FakeClock, flush } from '../../test/fake-clock.js';
import { destroyServices, linkedPair, waitFor } from '../../test/harness.js';

interface Grant {
  channel: string;
  at: number;
  bytes: number;
}

/** A sender loop like BulkChannel's: acquire, "send", acquire again — until the budget is disposed. */
function sender(budget: BandwidthBudget, clock: FakeClock, channel: string, frame: number, grants: Grant[], stop = { now: false }): Promise<void> {
  return (async () => {
    try {
      while (!stop.now) {
        await budget.acquire(channel, frame);
        grants.push({ channel, at: clock.time, bytes: frame });
      }
    } catch (error) {
      if (!isConnectionError(error) || error.code !== 'destroyed') throw error;
    }
  })();
}

const bytesIn = (grants: Grant[], from: number, to: number, channel?: string) =>
  grants.filter((g) => g.at >= from && g.at < to && (!channel || g.channel === channel)).reduce((n, g) => n + g.bytes, 0);

describe('BandwidthBudget (fake clock)', () => {
  const start = new Date(2025, 2, 10, 12, 0, 0).getTime(); // Monday 10 March 2025, 12:00 local
  let clock: FakeClock;
  let budget: BandwidthBudget;
  beforeEach(() => {
    clock = new FakeClock(start);
    budget = new BandwidthBudget(clock);
  });
  afterEach(() => budget.dispose());

  it('grants at once and arms no timer when unlimited', async () => {
    let done = 0;
    for (let i = 0; i < 100; i++) void budget.acquire('files', MAX_BULK_FRAME).then(() => done++);
    await flush();
    expect(done).to.equal(100);
    expect(clock.requested).to.deep.equal([]);
    expect(budget.pending).to.equal(0);
  });

  it('holds one channel to the cap (token bucket with a 100 ms / one-frame burst)', async () => {
    const cap = 1_000_000;
    budget.setCap(cap);
    const grants: Grant[] = [];
    void sender(budget, clock, 'files', 16_384, grants);
    await clock.advance(20_000);
    const total = bytesIn(grants, start, start + 20_001);
    // Everything granted in 20 s: the cap's 20 s plus at most the burst and one frame of debt.
    expect(total).to.be.within(20 * cap, 20 * cap + budget.burst + 16_384);
    // Steady state, seconds 10–20: the cap to within one frame.
    expect(bytesIn(grants, start + 10_000, start + 20_000)).to.be.within(10 * cap - 16_384, 10 * cap + 16_384);
  });

  it('shares the cap 3:1 between two competing channels by weight, and gives a lone channel all of it', async () => {
    const cap = 400_000;
    budget.setCap(cap);
    budget.setWeights({ files: 3, backup: 1 });
    const grants: Grant[] = [];
    const stopFiles = { now: false };
    void sender(budget, clock, 'files', 10_000, grants, stopFiles);
    void sender(budget, clock, 'backup', 10_000, grants);
    await clock.advance(20_000);
    const from = start + 5_000;
    const to = start + 20_000;
    const files = bytesIn(grants, from, to, 'files');
    const backup = bytesIn(grants, from, to, 'backup');
    expect(files / backup).to.be.within(2.9, 3.1);
    expect(files + backup).to.be.within(15 * cap - 20_000, 15 * cap + 20_000);
    stopFiles.now = true;
    await clock.advance(10_000);
    expect(bytesIn(grants, start + 22_000, start + 30_000, 'backup')).to.be.within(8 * cap - 10_000, 8 * cap + 10_000);
  });

  it('pauses at 0 (no timer) and resumes when the cap is raised', async () => {
    budget.setCap(0);
    let done = false;
    void budget.acquire('files', 1_000).then(() => (done = true));
    await clock.advance(3_600_000);
    expect(done).to.equal(false);
    expect(budget.paused).to.equal('paused');
    expect(clock.armed).to.equal(0);
    budget.setCap(10_000);
    await flush();
    expect(done).to.equal(true);
    expect(budget.paused).to.equal(undefined);
  });

  it('stops bulk at the daily cap until local midnight, then goes on', async () => {
    clock.time = new Date(2025, 2, 10, 22, 0, 0).getTime();
    budget.setDailyCap(1_000_000);
    const grants: Grant[] = [];
    void sender(budget, clock, 'files', 100_000, grants);
    await flush();
    expect(grants.length).to.equal(10);
    expect(budget.paused).to.equal('daily-cap');
    expect(clock.requested.at(-1)).to.equal(2 * 3_600_000);
    await clock.advance(2 * 3_600_000 - 1);
    expect(grants.length).to.equal(10);
    await clock.advance(1);
    expect(grants.length).to.equal(20); // a new day: another 1,000,000 bytes
    expect(grants[10].at).to.equal(new Date(2025, 2, 11).getTime());
    expect(budget.paused).to.equal('daily-cap');
    budget.setDailyCap(2_500_000); // raised: 1,500,000 more bytes today
    await flush();
    expect(grants.length).to.equal(35);
  });

  it('counts usage per peer and per channel, today and this month, rolling over at midnight and month end', async () => {
    clock.time = new Date(2025, 0, 31, 23, 0).getTime();
    budget.record('sent', 'alice', 'files', 1_000, true);
    budget.record('received', 'bob', 'chat', 10, false);
    let u = budget.usage();
    expect(u.today).to.deep.equal({
      period: '2025-01-31',
      sent: 1_000,
      received: 10,
      bulkSent: 1_000,
      bulkReceived: 0,
      byPeer: { alice: { sent: 1_000, received: 0 }, bob: { sent: 0, received: 10 } },
      byChannel: { files: { sent: 1_000, received: 0 }, chat: { sent: 0, received: 10 } },
    });
    expect(u.month.period).to.equal('2025-01');
    expect(u.month.sent).to.equal(1_000);
    await clock.advance(3_600_000); // 1 February, 00:00
    u = budget.usage();
    expect([u.today.period, u.today.sent, u.month.period, u.month.sent]).to.deep.equal(['2025-02-01', 0, '2025-02', 0]);
    budget.record('sent', 'alice', 'files', 500, true);
    await clock.advance(24 * 3_600_000);
    budget.record('received', 'alice', 'files', 200, true);
    u = budget.usage();
    expect([u.today.period, u.today.sent, u.today.received]).to.deep.equal(['2025-02-02', 0, 200]);
    expect(u.month.byPeer).to.deep.equal({ alice: { sent: 500, received: 200 } });
    expect(u.month.bulkReceived).to.equal(200);
    u.month.byPeer.alice.sent = 0; // a copy
    expect(budget.usage().month.byPeer.alice.sent).to.equal(500);
  });

  it('keys usage by any peer id safely (no prototype keys)', () => {
    budget.record('sent', '__proto__', 'constructor', 7, false);
    const u = budget.usage();
    expect(Object.getOwnPropertyDescriptor(u.today.byPeer, '__proto__')?.value).to.deep.equal({ sent: 7, received: 0 });
    expect(u.today.byChannel.constructor).to.deep.equal({ sent: 7, received: 0 });
  });

  it('rejects waiters on dispose and refuses bad settings without changing anything', async () => {
    budget.setCap(1_000);
    const waits = [budget.acquire('files', 300_000), budget.acquire('files', 5_000)]; // the first puts the bucket in debt
    const outcomes = Promise.allSettled(waits);
    budget.dispose();
    const [first, second] = await outcomes;
    expect(first.status).to.equal('fulfilled'); // the bucket's burst (one frame) covered it
    expect(second.status).to.equal('rejected');
    expect((second as PromiseRejectedResult).reason.code).to.equal('destroyed');
    expect(clock.armed).to.equal(0);

    const b = new BandwidthBudget(clock);
    b.configure({ bulkBps: 100, weights: { files: 2 }, dailyCapBytes: 5 });
    for (const bad of [{ bulkBps: -1 }, { bulkBps: Number.NaN }, { dailyCapBytes: Infinity }, { weights: { files: 0 } }, { bulkBps: 1, cap: 2 }]) {
      expect(() => b.configure({ weights: { x: 9 }, ...bad } as never))
        .to.throw()
        .with.property('code', 'invalid-config');
    }
    expect([b.cap, b.weights, b.dailyCap]).to.deep.equal([100, { files: 2 }, 5]);
    b.configure({ bulkBps: null, dailyCapBytes: null });
    expect([b.cap, b.dailyCap]).to.deep.equal([undefined, undefined]);
    b.dispose();
  });
});

const Chunk = v.strictObject({ i: v.pipe(v.number(), v.integer(), v.minValue(0)) });
const Note = v.strictObject({ text: v.string() });

describe('Bandwidth on a real link', () => {
  afterEach(destroyServices);

  it('holds a 32 MiB bulk transfer to a 2 MiB/s cap (a functional check of the cap, not a speed claim), delivers it intact, and both sides count the same bytes', async function () {
    this.timeout(60_000);
    const [a, b] = await linkedPair();
    const cap = 2 * 1024 * 1024; // well below what this link carries uncapped even on a busy machine
    a.setBandwidth({ bulkBps: cap });
    expect(a.bandwidth.bulkBps).to.equal(cap);
    const bulkA = a.bulkChannel('files', { schema: Chunk });
    const bulkB = b.bulkChannel('files', { schema: Chunk });
    const total = 32 * 1024 * 1024;
    const chunk = bulkA.maxChunkBytes(b.id!);
    let received = 0;
    let corrupt = 0;
    let next = 0;
    let frameBytes = 0;
    bulkB.on((h, data) => {
      if (h.i !== next++ || data[0] !== (h.i & 0xff) || data[data.length - 1] !== (h.i & 0xff)) corrupt++;
      received += data.length;
    });
    const t0 = performance.now();
    for (let i = 0, sent = 0; sent < total; i++, sent += chunk) {
      const data = new Uint8Array(Math.min(chunk, total - sent)).fill(i & 0xff);
      frameBytes += 4 + 'files'.length + JSON.stringify({ i }).length + data.length;
      await bulkA.send(b.id!, { i }, data);
    }
    await waitFor(() => received === total, 30_000, 'all bytes');
    const seconds = (performance.now() - t0) / 1000;
    const ratio = total / seconds / cap;
    expect(corrupt).to.equal(0);
    expect(ratio, `measured ${(total / seconds / 1024 / 1024).toFixed(2)} MiB/s`).to.be.within(0.85, 1.1);

    const sent = a.bandwidth.usage.today;
    const got = b.bandwidth.usage.today;
    expect(sent.bulkSent).to.equal(frameBytes);
    expect(got.bulkReceived).to.equal(frameBytes);
    expect(sent.byPeer[b.id!].sent).to.equal(frameBytes);
    expect(got.byPeer[a.id!].received).to.equal(frameBytes);
    expect(sent.byChannel.files.sent).to.equal(frameBytes);
    expect(a.bandwidth.usage.month.bulkSent).to.equal(frameBytes);
  });

  it('counts regular messages both ways, validates setBandwidth, and rejects a waiting bulk send on destroy', async () => {
    const [a, b] = await linkedPair();
    const notes = ['hello', 'ünïcødé ✓', '🚀 rocket'];
    let got = 0;
    b.channel('chat', { schema: Note }).on(() => got++);
    const chat = a.channel('chat', { schema: Note });
    for (const text of notes) chat.send(b.id!, { text });
    await waitFor(() => got === notes.length, 5_000, 'chat');
    const bytes = notes.reduce((n, text) => n + utf8Length(JSON.stringify({ text })), 0);
    expect(a.bandwidth.usage.today.byChannel.chat).to.deep.equal({ sent: bytes, received: 0 });
    expect(b.bandwidth.usage.today.byChannel.chat).to.deep.equal({ sent: 0, received: bytes });
    expect(a.bandwidth.usage.today.bulkSent).to.equal(0);

    expect(() => a.setBandwidth({ bulkBps: -5 }))
      .to.throw(/bulkBps/)
      .with.property('code', 'invalid-config');
    expect(a.bandwidth.bulkBps).to.equal(undefined);
    a.setBandwidth({ bulkBps: 0, weights: { files: 2 } });
    expect(a.bandwidth.paused).to.equal('paused');
    expect(a.bandwidth.weights).to.deep.equal({ files: 2 });
    const bulk = a.bulkChannel('files', { schema: Chunk });
    b.bulkChannel('files', { schema: Chunk });
    const waiting = bulk.send(b.id!, { i: 0 }, new Uint8Array(10)).then(
      () => 'sent',
      (e: { code?: string }) => e.code,
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(a.bandwidth.usage.today.bulkSent).to.equal(0);
    a.destroy();
    expect(await waiting).to.equal('destroyed');
  });
});
