/**
 * Invite links and their QR codes. A link carries my peer id, my identity key and (optionally) my name:
 * `<page>#darkswap-invite=<base64url of {"v":1,"p":…,"k":…,"n":…}>`. Whoever opens it pins that key to that peer
 * id before dialing, so the link only opens if the peer proves that key: the six-digit code is verified by the
 * link itself. The QR code (the `qr` library) is a matrix of modules, drawn by the widget as one SVG path.
 */
import encodeQR from 'qr';
import * as v from 'valibot';
import { fromBase64, toBase64Url } from '../../core/bytes.js';
import { isValidPeerId } from '../../core/config.js';
import { isPublicKey } from '../../core/identity.js';

export const INVITE_PARAM = 'darkswap-invite';

export const InviteSchema = v.strictObject({
  v: v.literal(1),
  p: v.pipe(v.string(), v.maxLength(64), v.check(isValidPeerId, 'not a peer id')),
  k: v.pipe(
    v.string(),
    v.check((s: string) => isPublicKey(s), 'not an identity key'),
  ),
  n: v.optional(v.pipe(v.string(), v.maxLength(64))),
});
export type Invite = v.InferOutput<typeof InviteSchema>;

const toB64Url = (s: string) => toBase64Url(new TextEncoder().encode(s));
const fromB64Url = (s: string) => {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/');
  return new TextDecoder().decode(fromBase64(b64 + '='.repeat((4 - (b64.length % 4)) % 4)));
};

/** The invite link for `invite` on the page `base` (its own fragment replaced). */
export function inviteLink(base: string, invite: Omit<Invite, 'v'>): string {
  const url = new URL(base);
  url.hash = `${INVITE_PARAM}=${toB64Url(JSON.stringify({ v: 1, ...invite }))}`;
  return url.href;
}

/** The invite in a link (or just its fragment); undefined when there is none; a `TypeError` when it is damaged. */
export function parseInvite(link: string): Invite | undefined {
  const at = link.indexOf(`${INVITE_PARAM}=`);
  if (at < 0) return undefined;
  const raw = link.slice(at + INVITE_PARAM.length + 1).split(/[&#\s]/)[0] ?? '';
  let value: unknown;
  try {
    value = JSON.parse(fromB64Url(raw));
  } catch {
    throw new TypeError('This invite link is damaged (it could not be read).');
  }
  const parsed = v.safeParse(InviteSchema, value);
  if (!parsed.success) throw new TypeError(`This invite link is not valid: ${parsed.issues[0].message}.`);
  return parsed.output;
}

/** The QR code of `text` as an SVG path (`d`) over a `size`×`size` grid, quiet zone included. */
export function qrPath(text: string): { d: string; size: number } {
  const matrix = encodeQR(text, 'raw', { ecc: 'medium', border: 2 });
  let d = '';
  matrix.forEach((row, y) => row.forEach((dark, x) => dark && (d += `M${x} ${y}h1v1h-1z`)));
  return { d, size: matrix.length };
}
