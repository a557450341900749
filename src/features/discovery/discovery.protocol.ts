/**
 * The discovery protocol, pure (no DOM, no network): rooms, signed announcements, peer exchange, beacons.
 *
 * - **Room:** a room name maps to a room token, `SHA-256("darkswap/room/v1" ‖ name)` in hex; only the token
 *   travels. Its **beacons** are `BEACONS_PER_ROOM` peer ids derived from the token (`rb-` + 32 hex): the first
 *   members each hold one with a second, bare signaling socket (core/rendezvous.ts) and answer anyone who asks
 *   with the room's fresh announcements. Peer ids carry no secret; the signaling server sees opaque ids.
 * - **Announcement:** `{peer, key, name, features, room, at, sig}` signed by the member's identity key over
 *   `darkswap/announce/v1`; fresh for `ANNOUNCE_TTL_MS` (members re-sign every `ANNOUNCE_EVERY_MS`). A newer `at`
 *   for the same key replaces the older; an older one is a replay and is ignored.
 * - **Peer exchange** on the `discovery` channel of open links: `announce` (mine, for a room; the receiver checks
 *   that its peer id and key are the link's own) and `peers` (the fresh announcements I know in that room, sent back
 *   to a member who announced). So the mesh grows over links, without the server's peer list.
 */
import * as v from 'valibot';
import { isValidPeerId } from '../../core/config.js';
import { bytesToHex, domainMessage, isPublicKey, verifySignature, type Identity } from '../../core/identity.js';

export const DISCOVERY_CHANNEL = 'discovery';
export const DISCOVERY_MAX_BYTES = 32_768;
export const BEACONS_PER_ROOM = 4;
export const ANNOUNCE_TTL_MS = 90_000;
export const ANNOUNCE_EVERY_MS = 30_000;
/** Clock skew tolerated in an announcement's time. */
export const ANNOUNCE_SKEW_MS = 30_000;
/** Announcements per `peers` message or beacon answer. */
export const MAX_ANNOUNCEMENTS = 32;
export const MAX_NAME = 64;
export const MAX_FEATURES = 16;

/** Whether a text has control characters (line breaks among them). */
const hasControl = (s: string) => [...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

const Hex64 = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/));
const PeerId = v.pipe(v.string(), v.maxLength(64), v.check(isValidPeerId, 'not a peer id'));

export const AnnouncementSchema = v.strictObject({
  peer: PeerId,
  key: v.pipe(
    v.string(),
    v.check((s: string) => isPublicKey(s), 'not an identity key'),
  ),
  name: v.pipe(
    v.string(),
    v.maxLength(MAX_NAME),
    v.check((n: string) => !hasControl(n), 'control characters'),
  ),
  features: v.pipe(v.array(v.pipe(v.string(), v.regex(/^[a-z0-9-]{1,32}$/))), v.maxLength(MAX_FEATURES)),
  room: Hex64,
  at: v.pipe(v.number(), v.integer(), v.minValue(0)),
  sig: v.pipe(v.string(), v.regex(/^[0-9a-f]{128}$/)),
});
export type Announcement = v.InferOutput<typeof AnnouncementSchema>;

export const DiscoveryMessageSchema = v.variant('t', [
  v.strictObject({ t: v.literal('announce'), ann: AnnouncementSchema }),
  v.strictObject({ t: v.literal('peers'), room: Hex64, anns: v.pipe(v.array(AnnouncementSchema), v.maxLength(MAX_ANNOUNCEMENTS)) }),
]);
export type DiscoveryMessage = v.InferOutput<typeof DiscoveryMessageSchema>;

/** What a beacon answers. */
export const BeaconAnswerSchema = v.strictObject({ anns: v.pipe(v.array(AnnouncementSchema), v.maxLength(MAX_ANNOUNCEMENTS)) });

const encoder = new TextEncoder();

/** A room name: 1–64 characters after trimming, no control characters; a `TypeError` says what is wrong. */
export function checkRoomName(name: string): string {
  const n = typeof name === 'string' ? name.trim() : '';
  if (!n || n.length > MAX_NAME || hasControl(n)) throw new TypeError('A room name is 1 to 64 characters, without line breaks.');
  return n;
}

/** The room token of a room name (names are trimmed; case matters). */
export async function roomToken(name: string): Promise<string> {
  name = checkRoomName(name);
  const digest = await crypto.subtle.digest('SHA-256', domainMessage('darkswap/room/v1', name.trim()) as Uint8Array<ArrayBuffer>);
  return bytesToHex(new Uint8Array(digest));
}

/** The beacon peer ids of a room token. */
export async function beaconIds(token: string, count = BEACONS_PER_ROOM): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const digest = await crypto.subtle.digest('SHA-256', encoder.encode(`darkswap/beacon/v1|${token}|${i}`));
    ids.push(`rb-${bytesToHex(new Uint8Array(digest)).slice(0, 32)}`);
  }
  return ids;
}

const signedPart = (a: Omit<Announcement, 'sig'>) => domainMessage('darkswap/announce/v1', a.peer, a.key, a.name, a.features.join(','), a.room, String(a.at));

/** My announcement for a room, signed with my identity. */
export async function signAnnouncement(identity: Identity, a: Omit<Announcement, 'sig' | 'key'>): Promise<Announcement> {
  const body = { ...a, key: identity.publicKey };
  const sig = await identity.sign(signedPart(body));
  return { ...body, sig: bytesToHex(sig) };
}

export const ANNOUNCE_REJECTS = ['invalid', 'forged', 'stale', 'replay', 'name-claim', 'not-the-link', 'blocked'] as const;
export type AnnounceReject = (typeof ANNOUNCE_REJECTS)[number];

/** Why an announcement is not taken (undefined: it is good): schema, freshness, signature. */
export async function checkAnnouncement(value: unknown, now: number): Promise<{ ann?: Announcement; reject?: AnnounceReject }> {
  const parsed = v.safeParse(AnnouncementSchema, value);
  if (!parsed.success) return { reject: 'invalid' };
  const ann = parsed.output;
  if (ann.at < now - ANNOUNCE_TTL_MS || ann.at > now + ANNOUNCE_SKEW_MS) return { reject: 'stale' };
  const sig = Uint8Array.from(ann.sig.match(/../g)!.map((h) => parseInt(h, 16)));
  if (!(await verifySignature(ann.key, signedPart(ann), sig))) return { reject: 'forged' };
  return { ann };
}
