import * as v from 'valibot';
import { bytesToHex, hexToBytes, linkProofMessage, verifySignature, type Identity } from './identity.js';
import type { LinkLimits } from './rate-limit.js';

/**
 * Control frames of the link protocol (names starting with `_`, never available to channels):
 * - `_hello` — sent by both sides as soon as a data channel opens; nothing else is accepted
 *   before it. Carries the sender's session, identity key, proof over the DTLS fingerprints,
 *   what it has received per reliable channel (for resume) and its inbound limits.
 * - `_ack` — cumulative acknowledgements `{ <channel>: <seq> }`.
 * - `_back` — bulk flow control: `{ b: <bulk bytes received on this connection> }`.
 * - `_bye` — a deliberate leave: do not try to recover this link.
 * - `_ice` — ICE restart over the link (`{restart}`, `{offer}`, `{answer}`; see link-ice.ts).
 */

const HEX32 = /^[0-9a-f]{32}$/;
const SIG = /^[0-9a-f]{128}$/;
const CHANNEL = /^[a-z][a-z0-9-]{0,31}$/;
const Seq = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const Rate = v.pipe(v.number(), v.finite(), v.minValue(1), v.maxValue(1e9));

export const HelloSchema = v.strictObject({
  v: v.literal(1),
  session: v.pipe(v.string(), v.regex(HEX32)),
  /** The session of the receiver the sender last knew (null on first contact). */
  known: v.nullable(v.pipe(v.string(), v.regex(HEX32))),
  key: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
  proof: v.pipe(v.string(), v.regex(SIG)),
  recv: v.pipe(
    v.record(v.pipe(v.string(), v.regex(CHANNEL)), Seq),
    v.check((r) => Object.keys(r).length <= 256, 'too many channels'),
  ),
  limits: v.strictObject({ mps: Rate, burst: Rate, bps: Rate, bburst: Rate }),
  /** Whether the sender already has the receiver's hello on this connection (re-sends only). */
  seen: v.optional(v.boolean()),
});
export type Hello = v.InferOutput<typeof HelloSchema>;

export const AckSchema = v.pipe(
  v.record(v.pipe(v.string(), v.regex(CHANNEL)), v.pipe(Seq, v.minValue(1))),
  v.check((r) => Object.keys(r).length <= 256, 'too many channels'),
);

/** Bulk acknowledgement: total bulk bytes received on this connection. */
export const BulkAckSchema = v.strictObject({ b: v.pipe(v.number(), v.safeInteger(), v.minValue(0)) });

/** `_ready`: I verified your hello on this connection; send data. */
export const ReadySchema = v.strictObject({});

/** `_nack`: on these channels I processed up to (and including) this number and then saw a gap: resend what follows. */
export const NackSchema = v.pipe(
  v.record(v.pipe(v.string(), v.regex(CHANNEL)), v.pipe(Seq, v.minValue(0))),
  v.check((r) => Object.keys(r).length <= 256, 'too many channels'),
);

export const ByeSchema = v.strictObject({ reason: v.optional(v.pipe(v.string(), v.maxLength(64))) });

/** Largest control frame payload accepted. */
export const MAX_CONTROL_BYTES = 16_384;

export interface HelloInput {
  identity: Identity;
  session: string;
  known: string | null;
  localFingerprint: string;
  remoteFingerprint: string;
  recv: Record<string, number>;
  limits: LinkLimits;
}

/** My hello for one link: the proof signs my fingerprint then the other side's. */
export async function buildHello(input: HelloInput): Promise<Hello> {
  const proof = await input.identity.sign(linkProofMessage(input.localFingerprint, input.remoteFingerprint));
  return {
    v: 1,
    session: input.session,
    known: input.known,
    key: input.identity.publicKey,
    proof: bytesToHex(proof),
    recv: input.recv,
    limits: {
      mps: input.limits.messagesPerSecond,
      burst: input.limits.messageBurst,
      bps: input.limits.bytesPerSecond,
      bburst: input.limits.byteBurst,
    },
  };
}

/** Check the other side's proof: it signed its fingerprint (my remote) then mine (my local). */
export function verifyHello(hello: Hello, localFingerprint: string, remoteFingerprint: string): Promise<boolean> {
  return verifySignature(hello.key, linkProofMessage(remoteFingerprint, localFingerprint), hexToBytes(hello.proof));
}
