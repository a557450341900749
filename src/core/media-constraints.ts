import { DarkswapConnectionError } from './errors.js';

/**
 * Media constraints for calls: a ladder of encoding steps (bitrate, resolution scale, frame rate) and the
 * means to apply one to an `RTCRtpSender` through `setParameters()` — no renegotiation, the encoder adapts at
 * once. The A/V call picks a step from the link's available outgoing bitrate (`LinkSample.availableOutBps`)
 * with `ladderStepFor` and applies it with `applySendConstraints`.
 *
 * Units: `availableBps` is in **bytes** per second, like every `*Bps` of the kit; `maxBitrate` is in **bits**
 * per second, like `RTCRtpEncodingParameters.maxBitrate`.
 */

/** One rung of the ladder. */
export interface MediaLadderStep {
  /** A label for people and logs, e.g. `720p30`. */
  readonly name: string;
  /** Most bits per second the encoder may use. */
  readonly maxBitrate: number;
  /** Divide the captured width and height by this (≥ 1). */
  readonly scaleResolutionDownBy: number;
  /** Most frames per second (> 0). */
  readonly maxFramerate: number;
}

/** The default ladder, best first (resolutions assume a 720p capture). */
export const MEDIA_LADDER: readonly MediaLadderStep[] = Object.freeze([
  Object.freeze({ name: '720p30', maxBitrate: 2_500_000, scaleResolutionDownBy: 1, maxFramerate: 30 }),
  Object.freeze({ name: '540p30', maxBitrate: 1_200_000, scaleResolutionDownBy: 4 / 3, maxFramerate: 30 }),
  Object.freeze({ name: '360p30', maxBitrate: 700_000, scaleResolutionDownBy: 2, maxFramerate: 30 }),
  Object.freeze({ name: '360p15', maxBitrate: 400_000, scaleResolutionDownBy: 2, maxFramerate: 15 }),
  Object.freeze({ name: '180p15', maxBitrate: 200_000, scaleResolutionDownBy: 4, maxFramerate: 15 }),
  Object.freeze({ name: '180p8', maxBitrate: 100_000, scaleResolutionDownBy: 4, maxFramerate: 8 }),
]);

/** The share of the available bitrate a video step may take (the rest is for audio, data and estimate error). */
export const MEDIA_HEADROOM = 0.85;

function checkStep(step: MediaLadderStep): void {
  const bad = (what: string) => {
    throw new DarkswapConnectionError('invalid-config', `Media step "${String(step?.name)}": ${what}.`);
  };
  if (typeof step !== 'object' || step === null) bad('not an object');
  if (!Number.isFinite(step.maxBitrate) || step.maxBitrate <= 0) bad(`maxBitrate must be a number of bits per second > 0, not ${step.maxBitrate}`);
  if (!Number.isFinite(step.scaleResolutionDownBy) || step.scaleResolutionDownBy < 1)
    bad(`scaleResolutionDownBy must be ≥ 1, not ${step.scaleResolutionDownBy}`);
  if (!Number.isFinite(step.maxFramerate) || step.maxFramerate <= 0) bad(`maxFramerate must be > 0, not ${step.maxFramerate}`);
}

/**
 * The best step whose bitrate fits in `MEDIA_HEADROOM` of `availableBps` (bytes per second), or the last
 * (lowest) step when none fits or nothing is known (`undefined`, not finite, ≤ 0). Pure.
 */
export function ladderStepFor(availableBps: number | undefined, ladder: readonly MediaLadderStep[] = MEDIA_LADDER): MediaLadderStep {
  if (!Array.isArray(ladder) || ladder.length === 0) throw new DarkswapConnectionError('invalid-config', 'The media ladder needs at least one step.');
  for (const step of ladder) checkStep(step);
  const lowest = ladder[ladder.length - 1]!;
  if (availableBps === undefined || !Number.isFinite(availableBps) || availableBps <= 0) return lowest;
  const usableBits = availableBps * 8 * MEDIA_HEADROOM;
  return ladder.find((step) => step.maxBitrate <= usableBits) ?? lowest;
}

/**
 * Applies a step to every encoding of `sender` through `getParameters()`/`setParameters()`: `maxBitrate` always;
 * `scaleResolutionDownBy` and `maxFramerate` for video (audio encodings have neither). Resolves with the
 * parameters now in force. Throws `invalid-config` for a bad step, `webrtc` when the sender has no encodings
 * yet (apply after negotiation) or the browser refuses the change.
 */
export async function applySendConstraints(sender: RTCRtpSender, step: MediaLadderStep): Promise<RTCRtpSendParameters> {
  checkStep(step);
  const params = sender.getParameters();
  if (!params.encodings?.length) {
    throw new DarkswapConnectionError('webrtc', 'This sender has no encodings yet: apply media constraints once the call is negotiated.');
  }
  const video = sender.track?.kind !== 'audio';
  for (const encoding of params.encodings) {
    encoding.maxBitrate = step.maxBitrate;
    if (video) {
      encoding.scaleResolutionDownBy = step.scaleResolutionDownBy;
      encoding.maxFramerate = step.maxFramerate;
    }
  }
  try {
    await sender.setParameters(params);
  } catch (cause) {
    throw new DarkswapConnectionError('webrtc', `The browser refused media step "${step.name}": ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
  return sender.getParameters();
}
