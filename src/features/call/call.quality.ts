/**
 * A call leg's runtime beside the model, its live quality (what the overlay shows) and the adaptation of my video
 * to it: the step of the media ladder (core/media-constraints.ts) comes from the page's media budget
 * (`bandwidth.mediaBps`) and, once the encoder says bandwidth holds it back or the link is poor, the link's
 * available outgoing bitrate; else the top step.
 */
import type { ConnectionApi } from '../../core/connection-api.js';
import type { MediaPath } from '../../core/link-media.js';
import type { LinkSample } from '../../core/link-stats.js';
import { ladderStepFor, MEDIA_LADDER, type MediaLadderStep } from '../../core/media-constraints.js';

/** Live quality of one leg (what the overlay shows). */
export interface LegQuality {
  readonly width?: number;
  readonly height?: number;
  readonly fps?: number;
  /** Bits per second received and sent. */
  readonly inBps: number;
  readonly outBps: number;
  readonly loss?: number;
  readonly rttMs?: number;
  readonly verdict?: LinkSample['verdict'];
  /** Video frames decoded so far. */
  readonly framesDecoded: number;
  /** The peer's audio level (0..1) and mean power since the previous sample (0 = silence; measured while played). */
  readonly audioLevel?: number;
  readonly audioPower?: number;
  /** The media ladder step my video to this peer is held to. */
  readonly step?: string;
}

/** Per leg: what the engine tracks beside the model. */
export interface LegRuntime {
  lastHeard: number;
  /** I invited this peer (so I announce it to the others when it accepts). */
  invited?: boolean;
  /** The connection media was set up on (a re-dial needs it again). */
  mediaOn?: object;
  /** The leg's media path, once set up. */
  path?: MediaPath;
  settingUp?: boolean;
  stopStats?: () => void;
  link?: LinkSample;
  step?: MediaLadderStep;
  quality?: LegQuality;
  adapting?: boolean;
}

/**
 * Watches a leg: each link sample (1 Hz) takes a media sample, sets the video step and the quality; `changed` is
 * called after each. Returns the function that stops it.
 */
export function watchLeg(service: ConnectionApi, peer: string, path: MediaPath, rt: LegRuntime, changed: () => void): () => void {
  try {
    return service.watchStats(peer, (sample) => {
      rt.link = sample;
      void adapt(service, path, rt, changed);
    });
  } catch {
    return () => undefined; // the link went away: the peer events end the leg
  }
}

async function adapt(service: ConnectionApi, path: MediaPath, rt: LegRuntime, changed: () => void): Promise<void> {
  if (rt.adapting) return; // one at a time: a slow getStats must not let an older sample win
  rt.adapting = true;
  try {
    const sample = await path.sample().catch(() => undefined);
    const link = rt.link;
    const cap = service.bandwidth?.mediaBps;
    const constrained = sample?.outbound.limitedBy === 'bandwidth' || link?.verdict === 'poor';
    const limit = Math.min(cap ?? Infinity, constrained && link?.availableOutBps ? link.availableOutBps : Infinity);
    const step = Number.isFinite(limit) ? ladderStepFor(limit) : MEDIA_LADDER[0]!;
    if (step !== rt.step) {
      rt.step = step;
      await path.constrain(step).catch(() => (rt.step = undefined));
    }
    if (!sample) return;
    rt.quality = {
      width: sample.inbound.width,
      height: sample.inbound.height,
      fps: sample.inbound.fps,
      inBps: sample.inbound.bitsPerSecond,
      outBps: sample.outbound.bitsPerSecond,
      loss: sample.inbound.loss ?? link?.loss,
      rttMs: link?.rttMs,
      verdict: link?.verdict,
      framesDecoded: sample.inbound.framesDecoded,
      audioLevel: sample.inbound.audioLevel,
      audioPower: sample.inbound.audioPower,
      step: rt.step?.name,
    };
    changed();
  } finally {
    rt.adapting = false;
  }
}
