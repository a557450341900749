/**
 * Runestones: encode, and decipher with ord's rules (crates/ordinals runestone.rs, message.rs), including every
 * cenotaph flaw. Pure, no DOM. Integers are bigint (u128); output indexes are numbers (u32).
 *
 * - A runestone is the first output whose script is `OP_RETURN OP_13 …`; its payload is the concatenation of
 *   the data pushes that follow (a non-push opcode makes a cenotaph).
 * - The payload is LEB128 integers: tag/value pairs, then tag 0 (Body) and edicts in groups of four
 *   (block delta, tx or tx delta, amount, output).
 * - Unknown even tags, unknown flags, an edict output above the output count, a pointer at or above it,
 *   a truncated field, trailing integers, a bad varint and a bad edict id all make a cenotaph.
 */
import { decodeVarints, encodeVarint, U128_MAX, U32_MAX, U64_MAX } from './leb128.js';

export const OP_RETURN = 0x6a;
/** `OP_13`, the runestone magic number. */
export const RUNESTONE_MAGIC = 0x5d;
/** Largest push rust-bitcoin's builder makes per chunk. */
const MAX_PUSH = 520;

/** Runestone tags (ord `tag.rs`); 16383 is the protorunes Protocol field (odd, so ord ignores it). */
export const Tag = {
  Body: 0n,
  Divisibility: 1n,
  Flags: 2n,
  Spacers: 3n,
  Rune: 4n,
  Symbol: 5n,
  Premine: 6n,
  Cap: 8n,
  Amount: 10n,
  HeightStart: 12n,
  HeightEnd: 14n,
  OffsetStart: 16n,
  OffsetEnd: 18n,
  Mint: 20n,
  Pointer: 22n,
  Cenotaph: 126n,
  Nop: 127n,
  Protocol: 16383n,
} as const;

/** Bits of the Flags field. */
export const Flag = { Etching: 0n, Terms: 1n, Turbo: 2n } as const;

const MAX_DIVISIBILITY = 38n;
const MAX_SPACERS = 0b0000_0111_1111_1111_1111_1111_1111_1111n;

/** Why ord reads a runestone as a cenotaph (ord `flaw.rs`; the first one found, as in ord). */
export const RUNESTONE_FLAWS = [
  'edict_output',
  'edict_rune_id',
  'invalid_script',
  'opcode',
  'supply_overflow',
  'trailing_integers',
  'truncated_field',
  'unrecognized_even_tag',
  'unrecognized_flag',
  'varint',
] as const;
export type RunestoneFlaw = (typeof RUNESTONE_FLAWS)[number];

/** `block:tx`; block is a u64 height, tx a u32 index. */
export interface RuneId {
  readonly block: bigint;
  readonly tx: bigint;
}

/** Move `amount` of rune `id` to output `output` (amount 0 = all that is left; output = count = split). */
export interface Edict {
  readonly id: RuneId;
  readonly amount: bigint;
  readonly output: number;
}

export interface EtchingTerms {
  readonly amount?: bigint;
  readonly cap?: bigint;
  readonly heightStart?: bigint;
  readonly heightEnd?: bigint;
  readonly offsetStart?: bigint;
  readonly offsetEnd?: bigint;
}

export interface Etching {
  readonly divisibility?: number;
  readonly premine?: bigint;
  readonly rune?: bigint;
  readonly spacers?: number;
  readonly symbol?: string;
  readonly terms?: EtchingTerms;
  readonly turbo: boolean;
}

/** A deciphered, valid runestone. */
export interface Runestone {
  readonly edicts: readonly Edict[];
  readonly etching?: Etching;
  readonly mint?: RuneId;
  readonly pointer?: number;
  /**
   * Odd fields ord ignores, kept in payload order per tag: the protorunes Protocol field (16383) lives here,
   * and so would an unknown odd tag (e.g. 25) or etching fields written without the Etching flag.
   */
  readonly otherFields: ReadonlyMap<bigint, readonly bigint[]>;
}

/** What ord makes of a transaction's runestone output. */
export type RunestoneArtifact =
  | { readonly kind: 'runestone'; readonly runestone: Runestone; readonly vout: number }
  | { readonly kind: 'cenotaph'; readonly flaw: RunestoneFlaw; readonly mint?: RuneId; readonly vout: number };

/** What `encodeRunestone` can write: transfers, a mint, a pointer and protorune Protocol values. */
export interface RunestoneSpec {
  readonly edicts?: readonly Edict[];
  readonly mint?: RuneId;
  readonly pointer?: number;
  /** Values of the Protocol field (tag 16383), one u128 each, in order. */
  readonly protocol?: readonly bigint[];
}

// ---- rune ids -------------------------------------------------------------------------------------------------

/** Parses `block:tx` (decimal, no leading zeros); undefined when malformed or out of range. */
export function parseRuneId(text: string): RuneId | undefined {
  const m = /^(0|[1-9][0-9]{0,19}):(0|[1-9][0-9]{0,9})$/.exec(text);
  if (!m) return undefined;
  const block = BigInt(m[1]!);
  const tx = BigInt(m[2]!);
  if (block > U64_MAX || tx > U32_MAX) return undefined;
  if (block === 0n && tx > 0n) return undefined;
  return { block, tx };
}

export const formatRuneId = (id: RuneId): string => `${id.block}:${id.tx}`;

export const sameRuneId = (a: RuneId, b: RuneId): boolean => a.block === b.block && a.tx === b.tx;

const compareRuneId = (a: RuneId, b: RuneId): number => (a.block < b.block ? -1 : a.block > b.block ? 1 : a.tx < b.tx ? -1 : a.tx > b.tx ? 1 : 0);

/** ord `RuneId::next`: apply one delta-encoded id; undefined on overflow or an invalid id. */
function nextRuneId(previous: RuneId, blockDelta: bigint, txValue: bigint): RuneId | undefined {
  if (blockDelta > U64_MAX) return undefined;
  const block = previous.block + blockDelta;
  if (block > U64_MAX) return undefined;
  let tx: bigint;
  if (blockDelta === 0n) {
    if (txValue > U32_MAX) return undefined;
    tx = previous.tx + txValue;
    if (tx > U32_MAX) return undefined;
  } else {
    if (txValue > U32_MAX) return undefined;
    tx = txValue;
  }
  if (block === 0n && tx > 0n) return undefined;
  return { block, tx };
}

// ---- encoding -------------------------------------------------------------------------------------------------

/** The runestone's integers, in ord's field order (mint, pointer, protocol, then body with sorted edicts). */
export function runestoneIntegers(spec: RunestoneSpec): bigint[] {
  const out: bigint[] = [];
  if (spec.mint) out.push(Tag.Mint, spec.mint.block, Tag.Mint, spec.mint.tx);
  if (spec.pointer !== undefined) out.push(Tag.Pointer, BigInt(spec.pointer));
  for (const value of spec.protocol ?? []) out.push(Tag.Protocol, value);
  const edicts = [...(spec.edicts ?? [])].sort((a, b) => compareRuneId(a.id, b.id));
  if (edicts.length > 0) {
    out.push(Tag.Body);
    let previous: RuneId = { block: 0n, tx: 0n };
    for (const edict of edicts) {
      const blockDelta = edict.id.block - previous.block;
      const tx = blockDelta === 0n ? edict.id.tx - previous.tx : edict.id.tx;
      out.push(blockDelta, tx, edict.amount, BigInt(edict.output));
      previous = edict.id;
    }
  }
  return out;
}

/** Pushes `data` the way rust-bitcoin's `push_slice` does (no small-integer opcodes). */
function pushData(data: Uint8Array, out: number[]): void {
  const n = data.length;
  if (n < 0x4c) out.push(n);
  else if (n <= 0xff) out.push(0x4c, n);
  else out.push(0x4d, n & 0xff, n >> 8);
  for (const b of data) out.push(b);
}

/** The full output script `OP_RETURN OP_13 <payload pushes>` of a runestone. */
export function encodeRunestone(spec: RunestoneSpec): Uint8Array {
  const payload: number[] = [];
  for (const value of runestoneIntegers(spec)) encodeVarint(value, payload);
  const script: number[] = [OP_RETURN, RUNESTONE_MAGIC];
  for (let i = 0; i < payload.length; i += MAX_PUSH) pushData(Uint8Array.from(payload.slice(i, i + MAX_PUSH)), script);
  return Uint8Array.from(script);
}

// ---- deciphering ----------------------------------------------------------------------------------------------

/** True for an output script that starts with OP_RETURN. */
export const isOpReturn = (script: Uint8Array): boolean => script.length > 0 && script[0] === OP_RETURN;

type Payload = { ok: true; bytes: Uint8Array } | { ok: false; flaw: RunestoneFlaw };

/** ord `Runestone::payload` for one script: undefined when it is not a runestone output. */
function scriptPayload(script: Uint8Array): Payload | undefined {
  if (script.length < 2 || script[0] !== OP_RETURN || script[1] !== RUNESTONE_MAGIC) return undefined;
  const parts: number[] = [];
  let at = 2;
  while (at < script.length) {
    const op = script[at++]!;
    let length: number;
    if (op <= 0x4b) length = op;
    else if (op === 0x4c || op === 0x4d || op === 0x4e) {
      const size = op === 0x4c ? 1 : op === 0x4d ? 2 : 4;
      if (at + size > script.length) return { ok: false, flaw: 'invalid_script' };
      length = 0;
      for (let i = size - 1; i >= 0; i--) length = length * 256 + script[at + i]!;
      at += size;
    } else return { ok: false, flaw: 'opcode' };
    if (at + length > script.length) return { ok: false, flaw: 'invalid_script' };
    for (let i = 0; i < length; i++) parts.push(script[at + i]!);
    at += length;
  }
  return { ok: true, bytes: Uint8Array.from(parts) };
}

/** ord `Tag::take`: removes N values of `tag` if present and accepted by `accept`. */
function take<T>(fields: Map<bigint, bigint[]>, tag: bigint, n: number, accept: (values: bigint[]) => T | undefined): T | undefined {
  const values = fields.get(tag);
  if (!values || values.length < n) return undefined;
  const value = accept(values.slice(0, n));
  if (value === undefined) return undefined;
  values.splice(0, n);
  if (values.length === 0) fields.delete(tag);
  return value;
}

const any = ([v]: bigint[]): bigint | undefined => v;
const u64 = ([v]: bigint[]): bigint | undefined => (v! <= U64_MAX ? v : undefined);

/**
 * ord `Runestone::decipher` over a transaction's output scripts: undefined when no output is a runestone,
 * otherwise a runestone or a cenotaph with its first flaw.
 */
export function decipherRunestone(outputScripts: readonly Uint8Array[]): RunestoneArtifact | undefined {
  let vout = -1;
  let payload: Payload | undefined;
  for (let i = 0; i < outputScripts.length && !payload; i++) {
    payload = scriptPayload(outputScripts[i]!);
    if (payload) vout = i;
  }
  if (!payload) return undefined;
  if (!payload.ok) return { kind: 'cenotaph', flaw: payload.flaw, vout };
  const decoded = decodeVarints(payload.bytes);
  if (!decoded.ok) return { kind: 'cenotaph', flaw: 'varint', vout };
  const integers = decoded.values;
  const outputCount = BigInt(outputScripts.length);

  let flaw: RunestoneFlaw | undefined;
  const fields = new Map<bigint, bigint[]>();
  const edicts: Edict[] = [];
  for (let i = 0; i < integers.length;) {
    const tag = integers[i]!;
    if (tag === Tag.Body) {
      let id: RuneId = { block: 0n, tx: 0n };
      for (let j = i + 1; j < integers.length; j += 4) {
        if (j + 4 > integers.length) {
          flaw ??= 'trailing_integers';
          break;
        }
        const next = nextRuneId(id, integers[j]!, integers[j + 1]!);
        if (!next) {
          flaw ??= 'edict_rune_id';
          break;
        }
        const output = integers[j + 3]!;
        if (output > U32_MAX || output > outputCount) {
          flaw ??= 'edict_output';
          break;
        }
        id = next;
        edicts.push({ id, amount: integers[j + 2]!, output: Number(output) });
      }
      break;
    }
    if (i + 1 >= integers.length) {
      flaw ??= 'truncated_field';
      break;
    }
    const list = fields.get(tag) ?? [];
    list.push(integers[i + 1]!);
    fields.set(tag, list);
    i += 2;
  }

  let flags = take(fields, Tag.Flags, 1, any) ?? 0n;
  const takeFlag = (bit: bigint): boolean => {
    const mask = 1n << bit;
    const set = (flags & mask) !== 0n;
    flags &= ~mask;
    return set;
  };

  let etching: Etching | undefined;
  if (takeFlag(Flag.Etching)) {
    const divisibility = take(fields, Tag.Divisibility, 1, ([d]) => (d! <= MAX_DIVISIBILITY ? Number(d) : undefined));
    const premine = take(fields, Tag.Premine, 1, any);
    const rune = take(fields, Tag.Rune, 1, any);
    const spacers = take(fields, Tag.Spacers, 1, ([s]) => (s! <= MAX_SPACERS ? Number(s) : undefined));
    const symbol = take(fields, Tag.Symbol, 1, ([s]) => (s! <= 0x10ffffn && !(s! >= 0xd800n && s! <= 0xdfffn) ? String.fromCodePoint(Number(s)) : undefined));
    let terms: EtchingTerms | undefined;
    if (takeFlag(Flag.Terms)) {
      terms = {
        cap: take(fields, Tag.Cap, 1, any),
        heightStart: take(fields, Tag.HeightStart, 1, u64),
        heightEnd: take(fields, Tag.HeightEnd, 1, u64),
        amount: take(fields, Tag.Amount, 1, any),
        offsetStart: take(fields, Tag.OffsetStart, 1, u64),
        offsetEnd: take(fields, Tag.OffsetEnd, 1, u64),
      };
    }
    const turbo = takeFlag(Flag.Turbo);
    etching = { divisibility, premine, rune, spacers, symbol, terms, turbo };
  }
  const mint = take(fields, Tag.Mint, 2, ([block, tx]) =>
    block! <= U64_MAX && tx! <= U32_MAX && !(block === 0n && tx! > 0n) ? { block: block!, tx: tx! } : undefined,
  );
  const pointer = take(fields, Tag.Pointer, 1, ([p]) => (p! <= U32_MAX && p! < outputCount ? Number(p) : undefined));

  if (etching) {
    const supply = (etching.premine ?? 0n) + (etching.terms?.cap ?? 0n) * (etching.terms?.amount ?? 0n);
    if (supply > U128_MAX) flaw ??= 'supply_overflow';
  }
  if (flags !== 0n) flaw ??= 'unrecognized_flag';
  for (const tag of fields.keys()) if (tag % 2n === 0n) flaw ??= 'unrecognized_even_tag';
  if (flaw) return mint ? { kind: 'cenotaph', flaw, mint, vout } : { kind: 'cenotaph', flaw, vout };

  const runestone: Runestone = {
    edicts,
    otherFields: fields,
    ...(etching ? { etching } : {}),
    ...(mint ? { mint } : {}),
    ...(pointer !== undefined ? { pointer } : {}),
  };
  return { kind: 'runestone', runestone, vout };
}
