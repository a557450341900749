/**
 * The `_ice` frame of an ICE restart (link-ice.ts), apart from the restart code itself: links and the signaling
 * guard check every frame against it, while the code that acts on frames loads with the first one.
 */
import * as v from 'valibot';

/** A data-channel SDP with its candidates is a few KB; allow ample room. */
const MAX_SDP = 32_768;

export const IceFrameSchema = v.union([
  v.strictObject({ restart: v.literal(true) }),
  v.strictObject({ lost: v.literal(true) }),
  v.strictObject({ media: v.literal(true) }),
  v.strictObject({ offer: v.pipe(v.string(), v.maxLength(MAX_SDP)) }),
  v.strictObject({ answer: v.pipe(v.string(), v.maxLength(MAX_SDP)) }),
  v.strictObject({
    candidate: v.pipe(v.string(), v.maxLength(1_024)),
    mid: v.nullable(v.pipe(v.string(), v.maxLength(64))),
    ufrag: v.nullable(v.pipe(v.string(), v.maxLength(256))),
  }),
]);
export type IceFrame = v.InferOutput<typeof IceFrameSchema>;
