/**
 * The kit's one hex and base64 module (on @scure/base): every layer encodes bytes through it.
 * Pure, no DOM.
 */
import { base64, base64urlnopad, hex } from '@scure/base';

/** Lower-case hex of bytes. */
export const bytesToHex = (bytes: Uint8Array): string => hex.encode(bytes);

/** Bytes of a hex string (either case); throws on odd length or a non-hex character. */
export function hexToBytes(text: string): Uint8Array<ArrayBuffer> {
  const bytes = hex.decode(text.toLowerCase());
  // A copy on a plain ArrayBuffer: what WebCrypto's BufferSource type asks for.
  const out = new Uint8Array(bytes.length);
  out.set(bytes);
  return out;
}

/** Standard base64 with padding. */
export const toBase64 = (bytes: Uint8Array): string => base64.encode(bytes);

/** Bytes of standard base64; throws on anything else. */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const bytes = base64.decode(text);
  const out = new Uint8Array(bytes.length);
  out.set(bytes);
  return out;
}

/** URL-safe base64 without padding (ids in URLs and file names). */
export const toBase64Url = (bytes: Uint8Array): string => base64urlnopad.encode(bytes);
