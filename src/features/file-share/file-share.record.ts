/**
 * One transfer as the engine keeps it: the read-only view handed to widgets and listeners
 * (`TransferInfo`, `FileProgress`), the mutable record behind it with the sender's and the
 * receiver's working state side by side, and a receiving record's checkpoint (what survives a reload).
 */
import type { StreamHasher } from './file-share.hash.js';
import { ChunkMap, displayStatus, initialState, type ChunkBitmap, type FileInfo, type Refusal, type TransferState } from './file-share.protocol.js';
import type { PersistedTransfer, TransferStore } from './file-share.storage.js';
import type { DisplayStatus, FileStatus, Role } from './file-share.types.js';

export interface FileProgress {
  readonly info: FileInfo;
  readonly status: FileStatus;
  /** Bytes sent (sender) or written (receiver). */
  readonly bytes: number;
  /** The SHA-256 the receiver computed (on both sides once reported). */
  readonly verified: string | undefined;
  /** A verified received file and an object URL to it. */
  readonly file: File | undefined;
  readonly url: string | undefined;
  /** Why this file failed, in words. */
  readonly problem: string | undefined;
}

/** A read-only view of one transfer. */
export interface TransferInfo {
  readonly id: string;
  readonly role: Role;
  readonly peer: string;
  readonly state: Readonly<TransferState>;
  readonly status: DisplayStatus;
  readonly files: readonly FileProgress[];
  readonly totalBytes: number;
  readonly bytesDone: number;
  /** Bytes per second (smoothed); 0 when not flowing. */
  readonly speed: number;
  /** Sender: bytes hashed before the offer. */
  readonly hashedBytes: number;
  /** Sender: bytes handed to the link, and the part of them that was sent before (resume, refetch). */
  readonly bytesSent: number;
  readonly bytesResent: number;
  /** Receiver: chunks that failed their hash and were fetched again. */
  readonly corruptChunks: number;
  readonly reason: Refusal | undefined;
  readonly restored: boolean;
  readonly createdAt: number;
}

export interface FileRecord {
  info: FileInfo;
  status: FileStatus;
  bytes: number;
  verified: string | undefined;
  file: File | undefined;
  url: string | undefined;
  problem: string | undefined;
}

export interface TransferRecord extends TransferInfo {
  state: TransferState;
  status: DisplayStatus;
  peer: string;
  files: FileRecord[];
  bytesDone: number;
  speed: number;
  hashedBytes: number;
  bytesSent: number;
  bytesResent: number;
  corruptChunks: number;
  reason: Refusal | undefined;
  restored: boolean;
  peerKey: string | undefined;
  map: ChunkMap;
  sample: { at: number; bytes: number };
  // sender
  sources?: File[] | undefined;
  queue: number[];
  generation: number;
  pumping: boolean;
  sentOnce?: ChunkBitmap | undefined;
  // receiver
  store?: TransferStore | undefined;
  bitmap?: ChunkBitmap | undefined;
  outstanding: Set<number>;
  retries: Map<number, number>;
  hashers: Array<StreamHasher | undefined>;
  hashState: Array<string | undefined>;
  frontier: number[];
  held: Map<number, Uint8Array>;
  work: Promise<void>;
  written: number;
  lastCheckpoint: number;
}

/** A new record in its role's initial state (not yet listed: see FileShareCore.create). */
export function newRecord(role: Role, id: string, peer: string, infos: FileInfo[]): TransferRecord {
  const state = initialState(role);
  return {
    id,
    role,
    peer,
    state,
    status: displayStatus(role, state),
    files: infos.map((info) => ({ info, status: 'pending', bytes: 0, verified: undefined, file: undefined, url: undefined, problem: undefined })),
    totalBytes: infos.reduce((s, f) => s + f.size, 0),
    bytesDone: 0,
    speed: 0,
    hashedBytes: 0,
    bytesSent: 0,
    bytesResent: 0,
    corruptChunks: 0,
    reason: undefined,
    restored: false,
    createdAt: Date.now(),
    peerKey: undefined,
    map: new ChunkMap(infos),
    sample: { at: performance.now(), bytes: 0 },
    queue: [],
    generation: 0,
    pumping: false,
    outstanding: new Set(),
    retries: new Map(),
    hashers: [],
    hashState: [],
    frontier: infos.map(() => 0),
    held: new Map(),
    work: Promise.resolve(),
    written: 0,
    lastCheckpoint: performance.now(),
  };
}

/** Checkpoint after the work already queued on the transfer (chunks being stored). */
export function enqueueCheckpoint(t: TransferRecord): Promise<void> {
  t.work = t.work.then(() => checkpoint(t)).catch(() => undefined);
  return t.work;
}

/** Persist a receiving transfer's progress (OPFS storage only), so a reloaded page can resume it. */
export async function checkpoint(t: TransferRecord): Promise<void> {
  const store = t.store;
  if (!store || !t.bitmap || store.kind !== 'opfs') return;
  t.lastCheckpoint = performance.now();
  const meta: PersistedTransfer = {
    v: 1,
    id: t.id,
    peer: t.peer,
    peerKey: t.peerKey,
    files: t.files.map((f) => f.info),
    bitmap: t.bitmap.toBase64(),
    hash: t.files.map((_, i) => {
      const h = t.hashers[i];
      if (h && t.frontier[i] > 0) return { frontier: t.frontier[i], state: h.save() };
      const saved = t.hashState[i];
      return saved ? { frontier: t.frontier[i], state: saved } : null;
    }),
    fileStatus: t.files.map((f) => f.status),
    phase: t.state.phase,
    pausedLocal: t.state.pausedLocal,
    reason: t.state.phase === 'unavailable' ? t.reason?.message : undefined,
    createdAt: t.createdAt,
  };
  await store.checkpoint(meta);
}
