/**
 * Protostones (protorunes / alkanes): the transfers that ride in a runestone's Protocol field (tag 16383).
 * Pure, no DOM. Encoding (alkanes-rs `protorune-support/src/protostone.rs`):
 *
 * 1. each protostone is the integer list `[protocol_tag, length, ...fields]`, where `length` counts the
 *    integers after it and the fields are tag/value pairs (Burn 83, Message 81, Pointer 91, Refund 93,
 *    From 95) then Body 0 and edicts in groups of four, delta-encoded like runes edicts;
 * 2. all lists are LEB128-encoded into one byte string;
 * 3. the bytes are cut into 15-byte chunks, each read as a little-endian u128: one Protocol value per chunk.
 *    Zero bytes that pad the last chunk read as a protocol tag 0, which ends the list.
 */
import { decodeVarints, encodeVarint, U32_MAX } from './leb128.js';
import type { Edict, RuneId } from './runestone.js';

/** The alkanes protocol tag. */
export const ALKANES_PROTOCOL_TAG = 1n;

/** Protostone field tags. */
export const ProtoTag = { Body: 0n, Message: 81n, Burn: 83n, Pointer: 91n, Refund: 93n, From: 95n } as const;

const CHUNK = 15;

export interface Protostone {
  readonly protocolTag: bigint;
  readonly edicts: readonly Edict[];
  /** Where the balance left after the edicts goes (absent: the first non-OP_RETURN output). */
  readonly pointer?: number;
  /** Where the balance goes back to if a contract call fails. */
  readonly refund?: number;
  /** Every other field (Message, Burn, From, unknown), values in order per tag. */
  readonly otherFields: ReadonlyMap<bigint, readonly bigint[]>;
}

/** What `encodeProtostones` writes: a plain transfer (no message, no burn). */
export interface ProtostoneSpec {
  readonly protocolTag: bigint;
  readonly edicts?: readonly Edict[];
  readonly pointer?: number;
  readonly refund?: number;
}

export type ProtostoneError =
  | 'chunk_overflow'
  | 'varint'
  | 'truncated_protostone'
  | 'truncated_field'
  | 'trailing_integers'
  | 'edict_rune_id'
  | 'edict_output'
  | 'pointer_range'
  | 'trailing_data';

const compareId = (a: RuneId, b: RuneId): number => (a.block < b.block ? -1 : a.block > b.block ? 1 : a.tx < b.tx ? -1 : a.tx > b.tx ? 1 : 0);

/** One protostone as its integer list `[tag, length, ...fields]`. */
export function protostoneIntegers(spec: ProtostoneSpec): bigint[] {
  const fields: bigint[] = [];
  if (spec.pointer !== undefined) fields.push(ProtoTag.Pointer, BigInt(spec.pointer));
  if (spec.refund !== undefined) fields.push(ProtoTag.Refund, BigInt(spec.refund));
  const edicts = [...(spec.edicts ?? [])].sort((a, b) => compareId(a.id, b.id));
  if (edicts.length > 0) {
    fields.push(ProtoTag.Body);
    let previous: RuneId = { block: 0n, tx: 0n };
    for (const e of edicts) {
      const blockDelta = e.id.block - previous.block;
      fields.push(blockDelta, blockDelta === 0n ? e.id.tx - previous.tx : e.id.tx, e.amount, BigInt(e.output));
      previous = e.id;
    }
  }
  return [spec.protocolTag, BigInt(fields.length), ...fields];
}

/** The Protocol field values (one u128 per 15 bytes) that carry these protostones. */
export function encodeProtostones(specs: readonly ProtostoneSpec[]): bigint[] {
  return protocolValues(specs.flatMap(protostoneIntegers));
}

/** Packs raw protostone integers (`[tag, length, ...fields]…`) into Protocol field values. */
export function protocolValues(integers: readonly bigint[]): bigint[] {
  const bytes: number[] = [];
  for (const n of integers) encodeVarint(n, bytes);
  const values: bigint[] = [];
  for (let i = 0; i < bytes.length; i += CHUNK) {
    let v = 0n;
    const chunk = bytes.slice(i, i + CHUNK);
    for (let j = chunk.length - 1; j >= 0; j--) v = (v << 8n) | BigInt(chunk[j]!);
    values.push(v);
  }
  return values;
}

/** Decodes the Protocol field values back into protostones; a precise error when malformed. */
export function decodeProtostones(values: readonly bigint[]): { ok: true; protostones: Protostone[] } | { ok: false; error: ProtostoneError } {
  const bytes: number[] = [];
  for (const value of values) {
    if (value >> BigInt(8 * CHUNK) !== 0n) return { ok: false, error: 'chunk_overflow' };
    let v = value;
    for (let j = 0; j < CHUNK; j++) {
      bytes.push(Number(v & 0xffn));
      v >>= 8n;
    }
  }
  const decoded = decodeVarints(Uint8Array.from(bytes));
  if (!decoded.ok) return { ok: false, error: 'varint' };
  const ints = decoded.values;
  const protostones: Protostone[] = [];
  let i = 0;
  while (i < ints.length) {
    const protocolTag = ints[i]!;
    if (protocolTag === 0n) {
      // Padding: everything left must be zero.
      if (ints.slice(i).some((n) => n !== 0n)) return { ok: false, error: 'trailing_data' };
      break;
    }
    if (i + 1 >= ints.length) return { ok: false, error: 'truncated_protostone' };
    const length = ints[i + 1]!;
    if (length > BigInt(ints.length - i - 2)) return { ok: false, error: 'truncated_protostone' };
    const body = ints.slice(i + 2, i + 2 + Number(length));
    i += 2 + Number(length);
    const parsed = parseProtostoneFields(protocolTag, body);
    if (!parsed.ok) return parsed;
    protostones.push(parsed.protostone);
  }
  return { ok: true, protostones };
}

function parseProtostoneFields(protocolTag: bigint, ints: readonly bigint[]): { ok: true; protostone: Protostone } | { ok: false; error: ProtostoneError } {
  const fields = new Map<bigint, bigint[]>();
  const edicts: Edict[] = [];
  for (let i = 0; i < ints.length;) {
    const tag = ints[i]!;
    if (tag === ProtoTag.Body) {
      let id: RuneId = { block: 0n, tx: 0n };
      for (let j = i + 1; j < ints.length; j += 4) {
        if (j + 4 > ints.length) return { ok: false, error: 'trailing_integers' };
        const [blockDelta, txValue, amount, output] = [ints[j]!, ints[j + 1]!, ints[j + 2]!, ints[j + 3]!];
        const block = id.block + blockDelta;
        const tx = blockDelta === 0n ? id.tx + txValue : txValue;
        if (tx > U32_MAX || (block === 0n && tx > 0n)) return { ok: false, error: 'edict_rune_id' };
        if (output > U32_MAX) return { ok: false, error: 'edict_output' };
        id = { block, tx };
        edicts.push({ id, amount, output: Number(output) });
      }
      break;
    }
    if (i + 1 >= ints.length) return { ok: false, error: 'truncated_field' };
    const list = fields.get(tag) ?? [];
    list.push(ints[i + 1]!);
    fields.set(tag, list);
    i += 2;
  }
  const single = (tag: bigint): number | undefined | 'bad' => {
    const list = fields.get(tag);
    if (!list) return undefined;
    if (list.length !== 1 || list[0]! > U32_MAX) return 'bad';
    fields.delete(tag);
    return Number(list[0]);
  };
  const pointer = single(ProtoTag.Pointer);
  const refund = single(ProtoTag.Refund);
  if (pointer === 'bad' || refund === 'bad') return { ok: false, error: 'pointer_range' };
  return {
    ok: true,
    protostone: {
      protocolTag,
      edicts,
      otherFields: fields,
      ...(pointer !== undefined ? { pointer } : {}),
      ...(refund !== undefined ? { refund } : {}),
    },
  };
}
