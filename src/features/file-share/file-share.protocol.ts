/**
 * The whole file-share wire protocol, pure (no DOM, no network): message schemas, limits, chunk
 * arithmetic, the received-chunk bitmap, request planning and the transfer state machine.
 *
 * Roles: the **sender** offers files; the **receiver** accepts and then *pulls*: it requests chunk
 * ranges (`want`), at most a window of chunks outstanding. The sender serves requests in order on
 * the bulk channel, each chunk with a header naming transfer, file, chunk and the chunk's SHA-256.
 * A chunk that fails its hash is requested again; a written chunk is marked in the bitmap. After a
 * link drop or a page reload the receiver sends `reoffer` with the first window of missing chunks;
 * the sender drops whatever it still had queued and serves those, so at most one window is re-sent.
 * When a file's chunks are all written and its incrementally computed SHA-256 matches the offer,
 * the receiver reports `done` (ok or integrity failure).
 */
import * as v from 'valibot';
import { fromBase64, toBase64, toBase64Url } from '../../core/bytes.js';
import {
  CHUNK_ALIGN,
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_FILES,
  FINAL_PHASES,
  MAX_CHUNK_BYTES,
  MAX_FILE_BYTES_WIRE,
  MAX_FILES_PER_OFFER,
  MAX_NAME_LENGTH,
  MAX_RANGES_PER_MESSAGE,
  MAX_TYPE_LENGTH,
  MIN_CHUNK_BYTES,
  REASON_CODES,
  type DisplayStatus,
  type ReasonCode,
  type Role,
  type TransferPhase,
} from './file-share.types.js';

// ---- schemas ------------------------------------------------------------------------------------

/** 128 random bits, base64url without padding. */
export const TransferIdSchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{22}$/));
export const Sha256HexSchema = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/));
const Index = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(2 ** 32));

export const FileInfoSchema = v.strictObject({
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_NAME_LENGTH)),
  size: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_FILE_BYTES_WIRE)),
  type: v.pipe(v.string(), v.maxLength(MAX_TYPE_LENGTH)),
  sha256: Sha256HexSchema,
  chunkSize: v.pipe(v.number(), v.integer(), v.minValue(MIN_CHUNK_BYTES), v.maxValue(MAX_CHUNK_BYTES)),
  chunkCount: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(2 ** 32)),
});
export type FileInfo = v.InferOutput<typeof FileInfoSchema>;

/** `[file, first chunk, end chunk (exclusive)]`. */
export const RangeSchema = v.pipe(
  v.tuple([Index, Index, Index]),
  v.check(([, a, b]) => b > a, 'empty range'),
);
export type ChunkRange = [file: number, start: number, end: number];
const Ranges = v.pipe(v.array(RangeSchema), v.maxLength(MAX_RANGES_PER_MESSAGE));

const ReasonSchema = v.picklist(REASON_CODES);
const Message = v.pipe(v.string(), v.maxLength(300));

export const ControlMessageSchema = v.variant('t', [
  /** Sender → receiver: the files on offer. */
  v.strictObject({ t: v.literal('offer'), id: TransferIdSchema, files: v.pipe(v.array(FileInfoSchema), v.minLength(1), v.maxLength(MAX_FILES_PER_OFFER)) }),
  /** Receiver → sender. */
  v.strictObject({ t: v.literal('accept'), id: TransferIdSchema }),
  v.strictObject({ t: v.literal('reject'), id: TransferIdSchema, reason: ReasonSchema, message: Message }),
  /** Receiver → sender: serve these chunks (appended to the queue). `done`: bytes written so far (progress). */
  v.strictObject({ t: v.literal('want'), id: TransferIdSchema, ranges: Ranges, done: v.pipe(v.number(), v.integer(), v.minValue(0)) }),
  /** Receiver → sender after a drop or reload: forget the queue, serve these instead. */
  v.strictObject({
    t: v.literal('reoffer'),
    id: TransferIdSchema,
    ranges: Ranges,
    done: v.pipe(v.number(), v.integer(), v.minValue(0)),
    missing: v.pipe(v.number(), v.integer(), v.minValue(0)),
    /** The receiver has the transfer paused. */
    paused: v.boolean(),
  }),
  /** Either side. */
  v.strictObject({ t: v.literal('pause'), id: TransferIdSchema }),
  v.strictObject({ t: v.literal('resume'), id: TransferIdSchema }),
  v.strictObject({ t: v.literal('cancel'), id: TransferIdSchema }),
  /** Receiver → sender: one file is complete and its whole-file hash verified (`ok`) or not. */
  v.strictObject({ t: v.literal('done'), id: TransferIdSchema, file: Index, ok: v.boolean(), sha256: Sha256HexSchema }),
  /** Either side: something about a transfer went wrong. */
  v.strictObject({ t: v.literal('error'), id: TransferIdSchema, reason: ReasonSchema, message: Message }),
]);
export type ControlMessage = v.InferOutput<typeof ControlMessageSchema>;
export type OfferMessage = Extract<ControlMessage, { t: 'offer' }>;

/** Header of every chunk on the bulk channel: transfer, file, chunk, and the chunk's SHA-256. */
export const ChunkHeaderSchema = v.strictObject({ i: TransferIdSchema, f: Index, c: Index, h: Sha256HexSchema });
export type ChunkHeader = v.InferOutput<typeof ChunkHeaderSchema>;

// ---- limits and offers --------------------------------------------------------------------------

/** What a receiver accepts per offer. */
export interface FileShareLimits {
  maxFiles: number;
  /** All files of one offer together, in bytes. */
  maxBytes: number;
}
export const DEFAULT_LIMITS: Readonly<FileShareLimits> = Object.freeze({ maxFiles: DEFAULT_MAX_FILES, maxBytes: DEFAULT_MAX_BYTES });

export interface Refusal {
  reason: ReasonCode;
  message: string;
}

/** Why an offer cannot be accepted under `limits`, or `undefined` when it can. */
export function checkOffer(files: readonly FileInfo[], limits: FileShareLimits): Refusal | undefined {
  if (files.length > limits.maxFiles) {
    return { reason: 'too-many-files', message: `The offer has ${files.length} files; this receiver accepts at most ${limits.maxFiles} per offer.` };
  }
  const total = files.reduce((sum, f) => sum + f.size, 0);
  if (total > limits.maxBytes) {
    return { reason: 'too-large', message: `The offer is ${formatBytes(total)}; this receiver accepts at most ${formatBytes(limits.maxBytes)} per offer.` };
  }
  for (const f of files) {
    if (f.chunkCount !== Math.ceil(f.size / f.chunkSize) || f.chunkSize % CHUNK_ALIGN !== 0) {
      return { reason: 'bad-offer', message: `"${f.name}": its chunk plan does not match its size.` };
    }
  }
  return undefined;
}

/**
 * Chunk size for a link whose bulk channel carries at most `maxChunkBytes` per send: the largest
 * multiple of 4 KiB up to 256 KiB (≥ 64 KiB on any link that allows it; never below 16 KiB).
 */
export function chooseChunkSize(maxChunkBytes: number): number {
  const aligned = Math.floor(Math.min(MAX_CHUNK_BYTES, maxChunkBytes) / CHUNK_ALIGN) * CHUNK_ALIGN;
  if (aligned < MIN_CHUNK_BYTES) throw new RangeError(`The link carries only ${maxChunkBytes} bytes per chunk; at least ${MIN_CHUNK_BYTES} are needed.`);
  return aligned;
}

export function newTransferId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return toBase64Url(bytes);
}

// ---- chunk arithmetic ---------------------------------------------------------------------------

/** Numbers every chunk of a transfer globally (file after file) and back. */
export class ChunkMap {
  /** Global index of each file's first chunk; one extra entry: the total. */
  private readonly starts: number[];
  constructor(readonly files: readonly Pick<FileInfo, 'size' | 'chunkSize' | 'chunkCount'>[]) {
    this.starts = [0];
    for (const f of files) this.starts.push(this.starts[this.starts.length - 1] + f.chunkCount);
  }
  get total(): number {
    return this.starts[this.starts.length - 1];
  }
  start(file: number): number {
    return this.starts[file];
  }
  global(file: number, chunk: number): number {
    return this.starts[file] + chunk;
  }
  /** `[file, chunk]` of a global index. */
  locate(g: number): [number, number] {
    let lo = 0;
    let hi = this.files.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= g) lo = mid;
      else hi = mid - 1;
    }
    // Skip empty files sharing the same start.
    while (lo < this.files.length - 1 && this.starts[lo + 1] <= g) lo++;
    return [lo, g - this.starts[lo]];
  }
  /** Whether `(file, chunk)` names a chunk of this transfer. */
  valid(file: number, chunk: number): boolean {
    return Number.isInteger(file) && file >= 0 && file < this.files.length && Number.isInteger(chunk) && chunk >= 0 && chunk < this.files[file].chunkCount;
  }
  offset(file: number, chunk: number): number {
    return chunk * this.files[file].chunkSize;
  }
  length(file: number, chunk: number): number {
    const f = this.files[file];
    return Math.min(f.chunkSize, f.size - chunk * f.chunkSize);
  }
  /** Bytes of the chunk with global index `g`. */
  lengthOf(g: number): number {
    const [f, c] = this.locate(g);
    return this.length(f, c);
  }
}

/** One bit per chunk of a transfer: received and written. Persisted as base64. */
export class ChunkBitmap {
  readonly bits: Uint8Array;
  private _count = 0;
  constructor(
    readonly size: number,
    from?: Uint8Array,
  ) {
    this.bits = new Uint8Array(Math.ceil(size / 8));
    if (from) {
      this.bits.set(from.subarray(0, this.bits.length));
      for (let i = 0; i < size; i++) if (this.has(i)) this._count++;
    }
  }
  has(i: number): boolean {
    return (this.bits[i >> 3] & (1 << (i & 7))) !== 0;
  }
  set(i: number): boolean {
    if (i < 0 || i >= this.size || this.has(i)) return false;
    this.bits[i >> 3] |= 1 << (i & 7);
    this._count++;
    return true;
  }
  get count(): number {
    return this._count;
  }
  get complete(): boolean {
    return this._count === this.size;
  }
  /** First index ≥ `from` that is not set, or `size`. */
  firstMissing(from = 0): number {
    let i = from;
    while (i < this.size) {
      if (this.bits[i >> 3] === 0xff && (i & 7) === 0) {
        i += 8;
        continue;
      }
      if (!this.has(i)) return i;
      i++;
    }
    return this.size;
  }
  toBase64(): string {
    return toBase64(this.bits);
  }
  static fromBase64(size: number, text: string): ChunkBitmap {
    return new ChunkBitmap(size, fromBase64(text));
  }
}

/**
 * The next chunks to request: missing, not outstanding, lowest first, so that `outstanding` grows
 * to at most `window`. Returns global indices.
 */
export function planRequests(bitmap: ChunkBitmap, outstanding: ReadonlySet<number>, window: number, from = 0): number[] {
  const out: number[] = [];
  let room = window - outstanding.size;
  for (let g = bitmap.firstMissing(from); room > 0 && g < bitmap.size; g = bitmap.firstMissing(g + 1)) {
    if (outstanding.has(g)) continue;
    out.push(g);
    room--;
  }
  return out;
}

/** Global indices → `[file, start, end)` ranges, split at file boundaries, ascending. */
export function toRanges(map: ChunkMap, indices: readonly number[]): ChunkRange[] {
  const sorted = [...indices].sort((a, b) => a - b);
  const ranges: ChunkRange[] = [];
  for (const g of sorted) {
    const [f, c] = map.locate(g);
    const last = ranges[ranges.length - 1];
    if (last && last[0] === f && last[2] === c) last[2] = c + 1;
    else ranges.push([f, c, c + 1]);
  }
  return ranges;
}

/** Ranges → global indices; `undefined` if any range falls outside the transfer. */
export function fromRanges(map: ChunkMap, ranges: readonly ChunkRange[], limit = Infinity): number[] | undefined {
  const out: number[] = [];
  for (const [f, a, b] of ranges) {
    if (!map.valid(f, a) || !map.valid(f, b - 1) || b <= a) return undefined;
    if (out.length + (b - a) > limit) return undefined;
    for (let c = a; c < b; c++) out.push(map.global(f, c));
  }
  return out;
}

// ---- state machine --------------------------------------------------------------------------------

export interface TransferState {
  phase: TransferPhase;
  pausedLocal: boolean;
  pausedRemote: boolean;
  /** The link to the peer is open. */
  linkUp: boolean;
}

export type TransferEvent =
  | { type: 'hashed' }
  | { type: 'accept' }
  | { type: 'reject' }
  | { type: 'pause'; by: 'local' | 'remote' }
  | { type: 'resume'; by: 'local' | 'remote' }
  | { type: 'link-down' }
  | { type: 'link-up' }
  | { type: 'finished'; ok: boolean }
  | { type: 'cancel' }
  | { type: 'fail' }
  | { type: 'unavailable' }
  /** The receiver re-offered (sender) or the sender answered again (receiver): running again. */
  | { type: 'revive' };

export function initialState(role: Role): TransferState {
  return { phase: role === 'send' ? 'hashing' : 'incoming', pausedLocal: false, pausedRemote: false, linkUp: true };
}

export function isFinal(phase: TransferPhase): boolean {
  return FINAL_PHASES.includes(phase);
}

/**
 * One pure transition. Events that make no sense in the current state return the same object
 * (callers may compare by identity to see whether anything changed).
 */
export function step(role: Role, s: TransferState, e: TransferEvent): TransferState {
  if (isFinal(s.phase)) return s;
  switch (e.type) {
    case 'hashed':
      return role === 'send' && s.phase === 'hashing' ? { ...s, phase: 'offered' } : s;
    case 'accept':
      return s.phase === (role === 'send' ? 'offered' : 'incoming') ? { ...s, phase: 'running' } : s;
    case 'reject':
      return s.phase === 'offered' || s.phase === 'incoming' || s.phase === 'hashing' ? { ...s, phase: 'rejected' } : s;
    case 'pause':
    case 'resume': {
      if (s.phase !== 'running' && s.phase !== 'unavailable') return s;
      const key = e.by === 'local' ? 'pausedLocal' : 'pausedRemote';
      const value = e.type === 'pause';
      return s[key] === value ? s : { ...s, [key]: value };
    }
    case 'link-down':
      return s.linkUp ? { ...s, linkUp: false } : s;
    case 'link-up':
      return s.linkUp ? s : { ...s, linkUp: true };
    case 'finished':
      return s.phase === 'running' ? { ...s, phase: e.ok ? 'complete' : 'failed' } : s;
    case 'cancel':
      return { ...s, phase: 'cancelled' };
    case 'fail':
      return { ...s, phase: 'failed' };
    case 'unavailable':
      return role === 'receive' && s.phase === 'running' ? { ...s, phase: 'unavailable' } : s;
    case 'revive':
      return s.phase === 'unavailable' || s.phase === 'running' ? { ...s, phase: 'running', linkUp: true } : s;
  }
}

/** Whether chunks may flow now. */
export function isFlowing(s: TransferState): boolean {
  return s.phase === 'running' && s.linkUp && !s.pausedLocal && !s.pausedRemote;
}

export function displayStatus(role: Role, s: TransferState): DisplayStatus {
  if (s.phase !== 'running') return s.phase;
  if (!s.linkUp) return 'waiting';
  if (s.pausedLocal || s.pausedRemote) return 'paused';
  return role === 'send' ? 'sending' : 'receiving';
}

// ---- test hooks -----------------------------------------------------------------------------------

/**
 * Fault injection for tests (never set in production): called on the sender just before a chunk
 * leaves (after its hash was computed) and just before an offer leaves.
 */
export const fileShareTestHooks: {
  beforeChunkSend?: ((header: ChunkHeader, data: Uint8Array) => void) | undefined;
  beforeOfferSend?: ((offer: OfferMessage) => void) | undefined;
} = {};

// ---- formatting -----------------------------------------------------------------------------------

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  let i = 0;
  let x = n;
  while (x >= 1024 && i < UNITS.length - 1) {
    x /= 1024;
    i++;
  }
  return `${x >= 100 ? x.toFixed(0) : x.toFixed(1)} ${UNITS[i]}`;
}

export function formatSpeed(bytesPerSecond: number): string {
  return `${formatBytes(Math.round(bytesPerSecond))}/s`;
}

/** "12 s", "3 min 5 s", "1 h 2 min"; "—" when unknown. */
export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.ceil(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** A file name safe for `<a download>`: no path separators or control characters. */
export function safeFileName(name: string): string {
  const cleaned = name
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
    .replace(/[\u0000-\u001f\u007f/\\:*?"<>|]+/g, '_')
    .replace(/^\.+/, '_')
    .trim();
  return cleaned || 'download';
}
