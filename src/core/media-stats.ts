/**
 * Statistics of a call's media on one link, from `getStats()`: what arrives (resolution, frame rate, bitrate,
 * frames decoded, audio level) and what goes out (resolution, frame rate, bitrate, why the encoder holds back).
 * Pure: a report and the previous counters in, a sample and new counters out. RTT, path and the verdict come
 * from the link's own sampler (link-stats.ts).
 */

export interface MediaDirectionSample {
  /** Video frame size and rate (undefined while no video flows). */
  readonly width?: number;
  readonly height?: number;
  readonly fps?: number;
  /** Bits per second of audio and video together since the previous sample. */
  readonly bitsPerSecond: number;
}

export interface MediaSample {
  /** When it was taken (performance.now()). */
  readonly at: number;
  readonly inbound: MediaDirectionSample & {
    /** Video frames decoded so far (grows while the peer's video plays). */
    readonly framesDecoded: number;
    /** The peer's audio level now, 0..1 (undefined before any audio). */
    readonly audioLevel?: number;
    /**
     * Mean power of the peer's audio since the previous sample (Δ totalAudioEnergy ÷ Δ duration; 0 = silence).
     * Browsers measure received audio while it is played (an `<audio>`/`<video>` element).
     */
    readonly audioPower?: number;
    /** Fraction of media packets lost since the previous sample. */
    readonly loss?: number;
  };
  readonly outbound: MediaDirectionSample & {
    /** Why the encoder sends less than it could (`bandwidth`, `cpu`, `none`, `other`). */
    readonly limitedBy?: string;
  };
}

export interface MediaCounters {
  readonly at: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly lost: number;
  readonly received: number;
  readonly energy: number;
  readonly audioSeconds: number;
}

type Stat = Record<string, unknown> & { type: string };

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** One media sample from a stats report and the previous counters. Pure. */
export function mediaSampleFrom(
  report: ReadonlyMap<string, Stat>,
  previous: MediaCounters | undefined,
  now: number,
): { sample: MediaSample; counters: MediaCounters } {
  let bytesIn = 0;
  let bytesOut = 0;
  let lost = 0;
  let received = 0;
  let framesDecoded = 0;
  let audioLevel: number | undefined;
  let energy = 0;
  let audioSeconds = 0;
  let inVideo: Stat | undefined;
  let outVideo: Stat | undefined;
  for (const s of report.values()) {
    if (s.type === 'inbound-rtp') {
      bytesIn += num(s.bytesReceived) ?? 0;
      lost += Math.max(0, num(s.packetsLost) ?? 0);
      received += num(s.packetsReceived) ?? 0;
      if (s.kind === 'video') {
        inVideo = s;
        framesDecoded += num(s.framesDecoded) ?? 0;
      } else if (s.kind === 'audio') {
        audioLevel = num(s.audioLevel) ?? audioLevel;
        energy += num(s.totalAudioEnergy) ?? 0;
        audioSeconds += num(s.totalSamplesDuration) ?? 0;
      }
    } else if (s.type === 'outbound-rtp') {
      bytesOut += num(s.bytesSent) ?? 0;
      if (s.kind === 'video') outVideo = s;
    }
  }
  const counters: MediaCounters = { at: now, bytesIn, bytesOut, lost, received, energy, audioSeconds };
  const dSeconds = previous ? audioSeconds - previous.audioSeconds : 0;
  const audioPower = dSeconds > 0 ? Math.max(0, energy - previous!.energy) / dSeconds : undefined;
  const seconds = previous ? (now - previous.at) / 1000 : 0;
  const rate = (bytes: number, before: number | undefined) => (seconds > 0 && before !== undefined ? Math.max(0, ((bytes - before) * 8) / seconds) : 0);
  const dLost = previous ? lost - previous.lost : 0;
  const dReceived = previous ? received - previous.received : 0;
  const loss = previous && dLost + dReceived > 0 ? Math.max(0, dLost) / (Math.max(0, dLost) + Math.max(0, dReceived)) : undefined;
  const video = (s: Stat | undefined) => ({ width: num(s?.frameWidth), height: num(s?.frameHeight), fps: num(s?.framesPerSecond) });
  const sample: MediaSample = {
    at: now,
    inbound: { ...video(inVideo), bitsPerSecond: rate(bytesIn, previous?.bytesIn), framesDecoded, audioLevel, audioPower, loss },
    outbound: {
      ...video(outVideo),
      bitsPerSecond: rate(bytesOut, previous?.bytesOut),
      limitedBy: typeof outVideo?.qualityLimitationReason === 'string' ? outVideo.qualityLimitationReason : undefined,
    },
  };
  return { sample, counters };
}
