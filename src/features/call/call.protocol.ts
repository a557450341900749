/**
 * The call protocol, pure (no DOM, no network): message schemas, limits and deadlines. Call signalling travels on
 * the `call` channel of the authenticated link (reliable, high priority); liveness beats on `call-beat`
 * (fire-and-forget). Media itself is on the link's own connection (core/link-media.ts).
 *
 * - `invite` → the callee answers `ringing` at once, then `accept` or `reject` (`declined`, or `busy` when it is
 *   in another call); the caller may `cancel` before an answer.
 * - After `accept`, both sides set up media on the link and send `state` (microphone, camera, screen share).
 * - `hangup` leaves the call. Every member sends `beat` each second; a member not heard for `LOST_MS` is lost.
 * - Mesh (up to `MAX_PARTICIPANTS`): a member invites another peer with the current `members`; when the peer
 *   accepts, the inviter tells the others (`member`), and the new member sends `join` to each of them, who
 *   answer `accept` — only for a peer a member announced.
 */
import * as v from 'valibot';
import { toBase64Url } from '../../core/bytes.js';
import { isValidPeerId } from '../../core/config.js';

export const CALL_CHANNEL = 'call';
export const CALL_BEAT_CHANNEL = 'call-beat';
export const CALL_MAX_BYTES = 2_048;

/** Me and at most three others. */
export const MAX_PARTICIPANTS = 4;
/** An unanswered call rings this long. */
export const RING_MS = 30_000;
/** An invite with no `ringing` back in this long: the peer cannot take calls (no call widget on its page). */
export const INVITE_ACK_MS = 5_000;
/** From accept to media flowing. */
export const MEDIA_MS = 15_000;
/** Beats go out this often… */
export const BEAT_MS = 1_000;
/** …and a member not heard for this long is lost (so a vanished peer shows within 5 s). */
export const LOST_MS = 3_500;
/** A `join` from a peer no member has announced yet waits this long for the announcement. */
export const JOIN_WAIT_MS = 5_000;

export const CallIdSchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{22}$/));
const PeerIdSchema = v.pipe(v.string(), v.maxLength(64), v.check(isValidPeerId, 'not a peer id'));

export const CallMessageSchema = v.variant('t', [
  v.strictObject({
    t: v.literal('invite'),
    call: CallIdSchema,
    video: v.boolean(),
    members: v.pipe(v.array(PeerIdSchema), v.maxLength(MAX_PARTICIPANTS - 1)),
  }),
  v.strictObject({ t: v.literal('ringing'), call: CallIdSchema }),
  v.strictObject({ t: v.literal('accept'), call: CallIdSchema }),
  v.strictObject({ t: v.literal('reject'), call: CallIdSchema, reason: v.picklist(['declined', 'busy']) }),
  v.strictObject({ t: v.literal('cancel'), call: CallIdSchema }),
  v.strictObject({ t: v.literal('hangup'), call: CallIdSchema }),
  v.strictObject({ t: v.literal('join'), call: CallIdSchema }),
  v.strictObject({ t: v.literal('member'), call: CallIdSchema, peer: PeerIdSchema }),
  v.strictObject({ t: v.literal('state'), call: CallIdSchema, audio: v.boolean(), video: v.boolean(), screen: v.boolean() }),
]);
export type CallMessage = v.InferOutput<typeof CallMessageSchema>;

export const CallBeatSchema = v.strictObject({ t: v.literal('beat'), call: CallIdSchema });
export type CallBeat = v.InferOutput<typeof CallBeatSchema>;

/** 128 random bits, base64url without padding. */
export function newCallId(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
}
