/**
 * LEB128 varints over u128, with ord's decoding rules (crates/ordinals varint.rs): at most 19 bytes,
 * the 19th byte may carry only its two low bits, and the last byte must end the number.
 */

export const U128_MAX = (1n << 128n) - 1n;
export const U64_MAX = (1n << 64n) - 1n;
export const U32_MAX = 0xffff_ffffn;

/** Why a varint could not be read. */
export type VarintError = 'overlong' | 'overflow' | 'unterminated';

/** Appends the LEB128 encoding of `value` (0 ≤ value ≤ u128::MAX) to `out`. */
export function encodeVarint(value: bigint, out: number[] = []): number[] {
  if (value < 0n || value > U128_MAX) throw new RangeError(`varint out of u128 range: ${value}`);
  let n = value;
  while (n >> 7n > 0n) {
    out.push(Number(n & 0x7fn) | 0x80);
    n >>= 7n;
  }
  out.push(Number(n));
  return out;
}

/** Reads one varint at `offset`: the value and the number of bytes it took, or the ord error. */
export function decodeVarint(bytes: Uint8Array, offset = 0): { ok: true; value: bigint; length: number } | { ok: false; error: VarintError } {
  let n = 0n;
  for (let i = 0; offset + i < bytes.length; i++) {
    if (i > 18) return { ok: false, error: 'overlong' };
    const byte = bytes[offset + i]!;
    const value = BigInt(byte & 0x7f);
    if (i === 18 && (value & 0x7cn) !== 0n) return { ok: false, error: 'overflow' };
    n |= value << BigInt(7 * i);
    if ((byte & 0x80) === 0) return { ok: true, value: n, length: i + 1 };
  }
  return { ok: false, error: 'unterminated' };
}

/** Reads a whole byte string as consecutive varints. */
export function decodeVarints(bytes: Uint8Array): { ok: true; values: bigint[] } | { ok: false; error: VarintError } {
  const values: bigint[] = [];
  let at = 0;
  while (at < bytes.length) {
    const r = decodeVarint(bytes, at);
    if (!r.ok) return r;
    values.push(r.value);
    at += r.length;
  }
  return { ok: true, values };
}
