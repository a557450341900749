/**
 * Live link statistics: a `getStats()` sampler per link (1 Hz by default), running only while someone
 * watches, with a 5-minute ring buffer and a quality verdict. From the selected candidate pair: direct or
 * relayed, the protocol, RTT, bytes/s each way (data channels included) and the available outgoing bitrate;
 * from media streams (when there are any): packets lost and jitter.
 *
 * Verdict (documented thresholds, `VERDICT_THRESHOLDS`): `poor` when RTT > 400 ms or loss > 5 %; `fair` when
 * RTT > 150 ms or loss > 1 %; else `good`. Without an RTT yet, `fair`.
 */

export type Verdict = 'good' | 'fair' | 'poor';

export const VERDICT_THRESHOLDS = Object.freeze({
  fair: { rttMs: 150, loss: 0.01 },
  poor: { rttMs: 400, loss: 0.05 },
});

export interface LinkSample {
  /** When it was taken (performance.now()). */
  readonly at: number;
  /** `relayed` when either end of the selected pair is a TURN relay candidate. */
  readonly path: 'direct' | 'relayed' | 'unknown';
  /** Transport of the selected pair (`tls`/`tcp` to a relay counts as what the relay is reached by). */
  readonly protocol: 'udp' | 'tcp' | 'tls' | 'unknown';
  readonly localType?: string;
  readonly remoteType?: string;
  /** The TURN server URL of my end of the pair, when my end is a relay. */
  readonly relayUrl?: string;
  readonly rttMs?: number;
  /** Bytes per second received and sent on the selected pair since the previous sample. */
  readonly inBps: number;
  readonly outBps: number;
  /** Fraction of media packets lost since the previous sample (undefined without media). */
  readonly loss?: number;
  readonly jitterMs?: number;
  readonly availableOutBps?: number;
  readonly verdict: Verdict;
}

interface Counters {
  readonly at: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly packetsLost: number;
  readonly packetsReceived: number;
}

type Stat = Record<string, unknown> & { type: string; id: string };

export function verdictOf(rttMs: number | undefined, loss: number | undefined): Verdict {
  const { fair, poor } = VERDICT_THRESHOLDS;
  if ((rttMs ?? 0) > poor.rttMs || (loss ?? 0) > poor.loss) return 'poor';
  if (rttMs === undefined || rttMs > fair.rttMs || (loss ?? 0) > fair.loss) return 'fair';
  return 'good';
}

/** One sample from a stats report and the previous counters. Pure. */
export function sampleFrom(report: ReadonlyMap<string, Stat>, previous: Counters | undefined, now: number): { sample: LinkSample; counters: Counters } {
  let pair: Stat | undefined;
  let lost = 0;
  let received = 0;
  let jitter: number | undefined;
  for (const s of report.values()) {
    if (s.type === 'transport' && typeof s.selectedCandidatePairId === 'string') pair = report.get(s.selectedCandidatePairId) ?? pair;
    if (s.type === 'candidate-pair' && !pair && (s.selected === true || (s.nominated === true && s.state === 'succeeded'))) pair = s;
    if (s.type === 'inbound-rtp') {
      lost += Number(s.packetsLost ?? 0);
      received += Number(s.packetsReceived ?? 0);
      if (typeof s.jitter === 'number') jitter = Math.max(jitter ?? 0, s.jitter * 1000);
    }
  }
  const local = pair ? report.get(String(pair.localCandidateId)) : undefined;
  const remote = pair ? report.get(String(pair.remoteCandidateId)) : undefined;
  const relayed = local?.candidateType === 'relay' || remote?.candidateType === 'relay';
  const relayProtocol = typeof local?.relayProtocol === 'string' ? local.relayProtocol : undefined;
  const protocol = (relayProtocol ?? (typeof local?.protocol === 'string' ? local.protocol : undefined)) as LinkSample['protocol'] | undefined;
  const counters: Counters = {
    at: now,
    bytesIn: Number(pair?.bytesReceived ?? 0),
    bytesOut: Number(pair?.bytesSent ?? 0),
    packetsLost: lost,
    packetsReceived: received,
  };
  const seconds = previous ? (now - previous.at) / 1000 : 0;
  const rate = (a: number, b: number) => (seconds > 0 ? Math.max(0, (a - b) / seconds) : 0);
  const dLost = previous ? lost - previous.packetsLost : 0;
  const dReceived = previous ? received - previous.packetsReceived : 0;
  const loss = received > 0 && previous && dLost + dReceived > 0 ? Math.max(0, dLost) / (dLost + dReceived) : undefined;
  const rttMs = typeof pair?.currentRoundTripTime === 'number' ? pair.currentRoundTripTime * 1000 : undefined;
  const sample: LinkSample = {
    at: now,
    path: pair ? (relayed ? 'relayed' : 'direct') : 'unknown',
    protocol: protocol === 'udp' || protocol === 'tcp' || protocol === 'tls' ? protocol : 'unknown',
    ...(typeof local?.candidateType === 'string' ? { localType: local.candidateType } : {}),
    ...(typeof remote?.candidateType === 'string' ? { remoteType: remote.candidateType } : {}),
    ...(local?.candidateType === 'relay' && typeof local.url === 'string' ? { relayUrl: local.url } : {}),
    ...(rttMs !== undefined ? { rttMs } : {}),
    inBps: rate(counters.bytesIn, previous?.bytesIn ?? 0),
    outBps: rate(counters.bytesOut, previous?.bytesOut ?? 0),
    ...(loss !== undefined ? { loss } : {}),
    ...(jitter !== undefined ? { jitterMs: jitter } : {}),
    ...(typeof pair?.availableOutgoingBitrate === 'number' ? { availableOutBps: pair.availableOutgoingBitrate / 8 } : {}),
    verdict: verdictOf(rttMs, loss),
  };
  return { sample, counters };
}

export type StatsListener = (sample: LinkSample) => void;

/** Samples one link's peer connection while it has listeners; keeps the last `historyMs` of samples. */
export class StatsSampler {
  private readonly listeners = new Set<StatsListener>();
  private readonly ring: LinkSample[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  private previous: Counters | undefined;
  /** The tick in flight: a second caller (`sampleNow()` while the timer's tick awaits getStats) waits for it. */
  private running: Promise<void> | undefined;
  /** Main-thread milliseconds spent turning reports into samples (for the bench). */
  costMs = 0;

  constructor(
    private readonly pc: () => RTCPeerConnection | undefined,
    private readonly intervalMs = 1_000,
    private readonly historyMs = 300_000,
  ) {}

  get latest(): LinkSample | undefined {
    return this.ring[this.ring.length - 1];
  }

  /** The samples of the last five minutes (by default), oldest first. */
  get history(): readonly LinkSample[] {
    return this.ring;
  }

  /** Starts sampling (if it was not) and calls `listener` with each sample; returns the function that stops listening. */
  watch(listener: StatsListener): () => void {
    this.listeners.add(listener);
    if (!this.timer) {
      this.timer = setInterval(() => void this.tick(), this.intervalMs);
      void this.tick();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.pause();
    };
  }

  /** Takes one sample now (whether or not anyone watches). */
  async sampleNow(): Promise<LinkSample | undefined> {
    await this.tick();
    return this.latest;
  }

  dispose(): void {
    this.listeners.clear();
    this.pause();
  }

  private pause(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): Promise<void> {
    if (this.running) return this.running;
    const pc = this.pc();
    if (!pc || pc.connectionState === 'closed') return Promise.resolve();
    this.running = this.take(pc).finally(() => (this.running = undefined));
    return this.running;
  }

  private async take(pc: RTCPeerConnection): Promise<void> {
    try {
      const report = (await pc.getStats()) as unknown as ReadonlyMap<string, Stat>;
      const t0 = performance.now();
      const { sample, counters } = sampleFrom(report, this.previous, t0);
      this.previous = counters;
      this.ring.push(sample);
      while (this.ring.length && this.ring[0]!.at < t0 - this.historyMs) this.ring.shift();
      this.costMs += performance.now() - t0;
      for (const listener of [...this.listeners]) listener(sample);
    } catch {
      // A connection that closed while sampling: the next tick (or dispose) sorts it out.
    }
  }
}
