/**
 * Small byte helpers shared by the bitcoin layer: hex, equality, outpoints. Pure, no DOM.
 */
export { bytesToHex as toHex, hexToBytes as fromHex } from '../core/bytes.js';

/** True when both byte arrays hold the same bytes. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `txid:vout` with the txid in the usual (display, big-endian) hex. */
export const outpointKey = (txid: string, vout: number): string => `${txid.toLowerCase()}:${vout}`;

/** Concatenates byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
