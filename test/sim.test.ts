// The network simulator (scripts/sim/): its UDP impairment proxy measured on real sockets against what it was
// asked to do, and a file transfer between two services relayed through a real coturn over an impaired path
// (5 % loss, 100 ms RTT), checked byte for byte by SHA-256.
import { expect } from '@open-wc/testing';
import type { ConnectionService } from '../src/core/connection-service.js';
import type { LinkSample } from '../src/core/link-stats.js';
import { createFileShareSession } from '../src/features/file-share/file-share.headless.js';
import { destroyServices, openService, waitFor } from './harness.js';
import { measureProxy, simPath, stopSimPaths } from './sim.js';

describe('the impairment proxy on real UDP sockets', function () {
  this.timeout(30_000);

  it('drops the asked share of packets (10 %: 2,000 sent, 7–13 % lost) and nothing without loss', async () => {
    const lossy = await measureProxy({ up: { loss: 0.1 }, packets: 2000, perTick: 4 });
    expect(lossy.lossRate).to.be.within(0.07, 0.13);
    expect(lossy.proxy.up.lost).to.equal(lossy.sent - lossy.received);
    const clean = await measureProxy({ packets: 500, perTick: 4 });
    expect(clean.received).to.equal(500);
  });

  it('adds the asked delay plus jitter one way (40 + 0…10 ms), and delays each direction by its own figure', async () => {
    const r = await measureProxy({ up: { delayMs: 40, jitterMs: 10 }, packets: 300 });
    expect(r.received).to.equal(300);
    expect(r.delayMs.min).to.be.at.least(39.5);
    // (upper bounds are loose: a busy machine delays timers, never advances them)
    expect(r.delayMs.p50).to.be.within(41, 75);
    // jitter spreads arrivals: not all within 2 ms of each other
    expect(r.delayMs.p95 - r.delayMs.min).to.be.above(4);
    // up 30 ms + down 20 ms: the echo's round trip is 50 ms plus scheduling
    const echo = await measureProxy({ up: { delayMs: 30 }, down: { delayMs: 20 }, packets: 200, echo: true });
    expect(echo.received).to.equal(200);
    expect(echo.delayMs.min).to.be.at.least(49.5);
    expect(echo.delayMs.p50).to.be.below(85);
  });

  it('caps the rate (1 Mbit/s offered about 3 Mbit/s delivers 0.85–1.1 Mbit/s) and drops what its queue cannot hold', async () => {
    const r = await measureProxy({ up: { rateBps: 1e6 }, packets: 750, bytes: 1000, perTick: 4, tickMs: 10 });
    expect(r.mbps).to.be.within(0.85, 1.1);
    expect(r.proxy.up.queueDrops).to.be.above(0);
    // offered three times the rate, the 200 ms queue stays nearly full: packets wait most of it
    expect(r.delayMs.p50).to.be.at.least(150);
  });

  it('a blackout drops everything sent during it, and traffic flows again after it', async () => {
    const r = await measureProxy({ packets: 600, tickMs: 2, blackout: { atMs: 300, ms: 400 } });
    expect(r.blackoutArrivals).to.equal(0);
    expect(r.proxy.up.blackoutDrops).to.be.above(50);
    expect(r.received + r.proxy.up.blackoutDrops).to.equal(600);
  });
});

async function sha256Hex(blob: Blob): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

describe('a file over a simulated impaired path (relay through coturn behind the proxy)', function () {
  this.timeout(90_000);
  afterEach(async () => {
    destroyServices();
    await stopSimPaths();
  });

  it('5 % loss and 100 ms RTT: a 512 KiB file arrives whole, its SHA-256 equal to the sent one', async function () {
    const path = await simPath(this, { lossPct: 5, rttMs: 100 });
    const relay = () => openService({ icePreset: 'relay', iceServers: [path.iceServer], statsIntervalMs: 250, connectTimeoutMs: 30_000 });
    const [a, b]: ConnectionService[] = [await relay(), await relay()];
    await a.connect(b.id!);
    await waitFor(() => b.peers.includes(a.id!), 20_000, 'linked through the impaired relay');
    const sample = await new Promise<LinkSample>((resolve) => {
      const stop = a.watchStats(b.id!, (s) => {
        if (s.path !== 'unknown' && s.rttMs !== undefined) {
          stop();
          resolve(s);
        }
      });
    });
    expect(sample).to.deep.include({ path: 'relayed', localType: 'relay', remoteType: 'relay' });
    // ICE checks cross all four legs: the link's RTT cannot be below the path's 100 ms
    expect(sample.rttMs).to.be.at.least(95);

    const bytes = new Uint8Array(512 * 1024);
    for (let at = 0; at < bytes.length; at += 65536) crypto.getRandomValues(bytes.subarray(at, at + 65536));
    const source = new File([bytes], 'impaired.bin', { type: 'application/octet-stream' });
    const receiver = createFileShareSession(b, {
      memory: true,
      listener: { offered: (t) => queueMicrotask(() => void receiver.engine.accept(t.id)) },
    });
    const sender = createFileShareSession(a, { memory: true });
    try {
      const before = await path.stats();
      await sender.engine.offer(b.id!, [source]);
      await waitFor(
        () => {
          const s = receiver.engine.transfers[0]?.status;
          if (s === 'failed' || s === 'rejected' || s === 'cancelled') throw new Error(`transfer ${s}`);
          return s === 'complete';
        },
        60_000,
        'the file through the impaired path',
      );
      const got = receiver.engine.transfers[0]!.files[0]!;
      const want = await sha256Hex(source);
      expect(got.file!.size).to.equal(source.size);
      expect(await sha256Hex(got.file!)).to.equal(want);
      expect(got.verified).to.equal(want);
      // The file really crossed the proxy, and the proxy really lost packets on the way.
      const after = await path.stats();
      const delivered = after.up.deliveredBytes + after.down.deliveredBytes - before.up.deliveredBytes - before.down.deliveredBytes;
      expect(delivered).to.be.above(2 * source.size);
      // each leg drops q with (1 − q)² = 0.95, q ≈ 2.5 %
      const packets = after.up.packets + after.down.packets - before.up.packets - before.down.packets;
      const lost = after.up.lost + after.down.lost - before.up.lost - before.down.lost;
      expect(lost / packets).to.be.within(0.01, 0.05);
    } finally {
      sender.close();
      receiver.close();
    }
  });
});
