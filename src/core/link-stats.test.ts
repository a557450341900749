// Link statistics: the pure sample builder on a synthetic report, then the sampler on a real link (real
// WebRTC, real PeerServer): it samples only while watched, sees traffic, a direct UDP path and an RTT.
import { expect } from '@open-wc/testing';
import * as v from 'valibot';
import { sampleFrom, StatsSampler, verdictOf, VERDICT_THRESHOLDS, type LinkSample } from './link-stats.js';
import { destroyServices, linkedPair, waitFor } from '../../test/harness.js';

type Stat = Record<string, unknown> & { type: string; id: string };
const report = (...stats: Stat[]) => new Map(stats.map((s) => [s.id, s] as const));

describe('link statistics', () => {
  afterEach(destroyServices);

  it('builds samples from a report: the selected pair, relayed or direct, rates, loss and the verdict', () => {
    const pair = (bytesSent: number, bytesReceived: number, rtt: number): Stat => ({
      type: 'candidate-pair',
      id: 'CP1',
      localCandidateId: 'L1',
      remoteCandidateId: 'R1',
      bytesSent,
      bytesReceived,
      currentRoundTripTime: rtt,
      availableOutgoingBitrate: 800_000,
    });
    const local: Stat = { type: 'local-candidate', id: 'L1', candidateType: 'relay', protocol: 'udp', relayProtocol: 'tls' };
    const remote: Stat = { type: 'remote-candidate', id: 'R1', candidateType: 'host' };
    const transport: Stat = { type: 'transport', id: 'T1', selectedCandidatePairId: 'CP1' };
    const media = (lost: number, received: number): Stat => ({ type: 'inbound-rtp', id: 'IN', packetsLost: lost, packetsReceived: received, jitter: 0.004 });
    const first = sampleFrom(report(transport, pair(1_000, 2_000, 0.05), local, remote, media(0, 100)), undefined, 1_000);
    expect(first.sample).to.deep.include({ path: 'relayed', protocol: 'tls', localType: 'relay', remoteType: 'host', rttMs: 50, inBps: 0, outBps: 0 });
    const second = sampleFrom(report(transport, pair(51_000, 102_000, 0.05), local, remote, media(3, 197)), first.counters, 2_000);
    expect(second.sample).to.deep.include({ inBps: 100_000, outBps: 50_000, availableOutBps: 100_000, jitterMs: 4 });
    expect(second.sample.loss).to.be.closeTo(0.03, 1e-9);
    expect(second.sample.verdict, '3 % loss').to.equal('fair');
    expect(verdictOf(20, 0)).to.equal('good');
    expect(verdictOf(VERDICT_THRESHOLDS.fair.rttMs + 1, 0)).to.equal('fair');
    expect(verdictOf(VERDICT_THRESHOLDS.poor.rttMs + 1, 0)).to.equal('poor');
    expect(verdictOf(20, 0.06)).to.equal('poor');
    expect(verdictOf(undefined, undefined), 'no RTT yet').to.equal('fair');
  });

  it('samples a real link only while watched: traffic both ways, a direct UDP host path, an RTT, a good verdict', async function () {
    this.timeout(30_000);
    const [a, b] = await linkedPair({ statsIntervalMs: 200 });
    const pc = a.peerConnection(b.id!)!;
    let calls = 0;
    const getStats = pc.getStats.bind(pc);
    pc.getStats = ((...args: Parameters<RTCPeerConnection['getStats']>) => (calls++, getStats(...args))) as RTCPeerConnection['getStats'];
    await new Promise((r) => setTimeout(r, 500));
    expect(calls, 'nobody watches: no sampling').to.equal(0);
    const samples: LinkSample[] = [];
    const stop = a.watchStats(b.id!, (s) => samples.push(s));
    const Blob = v.object({ x: v.string() });
    b.channel('blob', { schema: Blob, maxBytes: 70_000 }).on(() => undefined);
    const ch = a.channel('blob', { schema: Blob, maxBytes: 70_000 });
    const chunk = 'x'.repeat(60_000);
    for (let i = 0; i < 20; i++) ch.send(b.id!, { x: chunk });
    await waitFor(() => samples.some((s) => s.outBps > 100_000), 10_000, 'outgoing traffic seen');
    const busy = samples.find((s) => s.outBps > 100_000)!;
    expect(busy).to.deep.include({ path: 'direct', protocol: 'udp', localType: 'host', remoteType: 'host' });
    expect(busy.rttMs).to.be.a('number');
    await waitFor(() => samples.some((s) => s.verdict === 'good'), 5_000, 'a good verdict on loopback');
    const all = await a.stats(b.id!);
    expect(all!.history.length).to.be.at.least(samples.length);
    stop();
    const after = calls;
    await new Promise((r) => setTimeout(r, 700));
    expect(calls, 'stopped watching: no more sampling').to.equal(after);
  });

  it('a sample asked for while the watcher’s sample is being taken is that sample, not nothing', async () => {
    // Seen with Firefox, whose getStats() is slower: `service.stats(peer)` right as the network-status widget
    // started watching found no sample yet and returned none.
    const [a, b] = await linkedPair();
    const pc = a.peerConnection(b.id!)!;
    const getStats = pc.getStats.bind(pc);
    pc.getStats = (async (...args: Parameters<RTCPeerConnection['getStats']>) => {
      await new Promise((r) => setTimeout(r, 200));
      return getStats(...args);
    }) as RTCPeerConnection['getStats'];
    const sampler = new StatsSampler(() => pc, 60_000);
    const seen: LinkSample[] = [];
    sampler.watch((s) => seen.push(s)); // its first sample is on the way
    const now = await sampler.sampleNow();
    expect(now, 'a sample').to.not.equal(undefined);
    expect(now).to.deep.include({ path: 'direct', protocol: 'udp' });
    expect(seen).to.deep.equal([now]);
    sampler.dispose();
  });
});
