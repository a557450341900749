/**
 * The kit's one hex and base64 module: every layer encodes bytes through it. Pure, no DOM.
 *
 * Written out here (on the platform's btoa/atob) rather than taken from @scure/base, whose coder machinery is
 * more than a kilobyte of every page's runtime; the Bitcoin layer still gets bech32/base58 from @scure/base in
 * its own chunk. Decoding is as strict as @scure/base's (bytes.test.ts compares the two): canonical RFC 4648
 * base64 with padding and zero pad bits, hex of even length.
 */

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const HEX_TEXT = /^(?:[0-9a-f]{2})*$/;
const BASE64_TEXT = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function checkBytes(bytes: Uint8Array): void {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('Uint8Array expected');
}

/** Lower-case hex of bytes. */
export function bytesToHex(bytes: Uint8Array): string {
  checkBytes(bytes);
  let text = '';
  for (let i = 0; i < bytes.length; i++) text += HEX[bytes[i]!];
  return text;
}

/** Bytes of a hex string (either case); throws on odd length or a non-hex character. */
export function hexToBytes(text: string): Uint8Array<ArrayBuffer> {
  if (typeof text !== 'string') throw new TypeError('hex string expected');
  const lower = text.toLowerCase();
  if (!HEX_TEXT.test(lower)) throw new Error(lower.length % 2 ? 'hex: odd length' : 'hex: invalid character');
  const out = new Uint8Array(lower.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(lower.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Standard base64 with padding. */
export function toBase64(bytes: Uint8Array): string {
  checkBytes(bytes);
  let binary = '';
  // In slices: String.fromCharCode takes its arguments on the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Bytes of standard base64; throws on anything else. */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  if (typeof text !== 'string') throw new TypeError('base64 string expected');
  if (!BASE64_TEXT.test(text)) throw new Error('invalid base64');
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  // Non-zero pad bits ("Eqt=" for "Eqs=") decode to the same bytes: only the canonical text is accepted. The last
  // four characters encode the last one to three bytes.
  if (out.length && toBase64(out.subarray(out.length - (out.length % 3 || 3))) !== text.slice(-4)) throw new Error('invalid base64: non-zero padding bits');
  return out;
}

/** URL-safe base64 without padding (ids in URLs and file names). */
export const toBase64Url = (bytes: Uint8Array): string => toBase64(bytes).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
