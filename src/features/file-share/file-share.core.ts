/**
 * What the sender, the receiver and the `FileShareEngine` router share: the transfer records, the
 * transport, storage and listener, and the helpers every side uses (create a record, step its state
 * machine, send a control message, fail, drop data, report progress).
 */
import {
  DEFAULT_LIMITS,
  displayStatus,
  isFinal,
  isFlowing,
  step,
  type ChunkHeader,
  type ControlMessage,
  type FileInfo,
  type FileShareLimits,
  type TransferEvent,
} from './file-share.protocol.js';
import { enqueueCheckpoint, newRecord, type TransferInfo, type TransferRecord } from './file-share.record.js';
import type { FileShareStorage } from './file-share.storage.js';
import { DEFAULT_WINDOW_CHUNKS, type ReasonCode, type Role } from './file-share.types.js';

/** What the engine needs from the connection. */
export interface FileShareTransport {
  /** Send a control message (reliable). Throws when the peer is unknown. */
  send(peer: string, message: ControlMessage): void;
  /** Send one chunk; resolves when the link has room; rejects when the link is gone. */
  sendChunk(peer: string, header: ChunkHeader, data: Uint8Array): Promise<void>;
  maxChunkBytes(peer: string): number;
  /** The peer's identity key on an open link. */
  peerKey(peer: string): string | undefined;
  isOpen(peer: string): boolean;
  /** Dial a peer (used to resume restored transfers). */
  connect?(peer: string): Promise<void>;
}

export interface FileShareListener {
  /** Anything visible changed (progress included: throttle rendering). */
  changed?(): void;
  /** An offer arrived and passed the limits; return false to reject it. */
  offered?(t: TransferInfo): boolean | void;
  /** I sent an offer. */
  offerSent?(t: TransferInfo): void;
  /** A received file was verified and stored. */
  fileReceived?(t: TransferInfo, index: number, file: File): void;
  /** The receiver verified a file I sent. */
  fileSent?(t: TransferInfo, index: number): void;
  /** A file or a whole transfer failed (index undefined: the transfer). */
  failed?(t: TransferInfo, index: number | undefined, reason: ReasonCode, message: string): void;
}

export interface FileShareEngineOptions {
  transport: FileShareTransport;
  storage: FileShareStorage | Promise<FileShareStorage>;
  limits?: () => FileShareLimits;
  /** Outstanding chunks per receiving transfer (default 24). */
  window?: number;
  listener?: FileShareListener;
}

const SPEED_SAMPLE_MS = 500;

/** The engine's shared state and common helpers (internal: the public API is FileShareEngine). */
export class FileShareCore {
  readonly records = new Map<string, TransferRecord>();
  readonly transport: FileShareTransport;
  readonly storage: Promise<FileShareStorage>;
  readonly limits: () => FileShareLimits;
  readonly window: number;
  readonly listener: FileShareListener;
  disposed = false;
  /** Chunks refused: unknown transfer, wrong peer, not requested. */
  refusedChunks = 0;
  /** Chunks that failed their SHA-256 on arrival (all transfers). */
  corruptChunks = 0;

  constructor(options: FileShareEngineOptions) {
    this.transport = options.transport;
    this.storage = Promise.resolve(options.storage);
    this.limits = options.limits ?? (() => DEFAULT_LIMITS);
    this.window = options.window ?? DEFAULT_WINDOW_CHUNKS;
    this.listener = options.listener ?? {};
  }

  create(role: Role, id: string, peer: string, infos: FileInfo[]): TransferRecord {
    const t = newRecord(role, id, peer, infos);
    this.records.set(id, t);
    return t;
  }

  /** Apply a state-machine event; true if the state changed. */
  apply(t: TransferRecord, e: TransferEvent): boolean {
    const next = step(t.role, t.state, e);
    if (next === t.state) return false;
    t.state = next;
    t.status = displayStatus(t.role, next);
    if (!isFlowing(next)) t.speed = 0;
    this.changed();
    return true;
  }

  send(t: TransferRecord, m: ControlMessage): boolean {
    try {
      this.transport.send(t.peer, m);
      return true;
    } catch {
      return false;
    }
  }

  fail(t: TransferRecord, reason: ReasonCode, message: string, tell: boolean): void {
    if (isFinal(t.state.phase)) return;
    if (tell) this.send(t, { t: 'error', id: t.id, reason, message: message.slice(0, 300) });
    t.reason = { reason, message };
    this.apply(t, { type: 'fail' });
    this.listener.failed?.(t, undefined, reason, message);
    if (t.role === 'receive') void enqueueCheckpoint(t);
  }

  async dropData(t: TransferRecord): Promise<void> {
    if (t.role === 'receive') {
      // The stored files are deleted below: their download links would point at nothing.
      for (const f of t.files) {
        if (f.url) URL.revokeObjectURL(f.url);
        f.url = undefined;
        f.file = undefined;
      }
    }
    t.queue = [];
    t.generation++;
    t.outstanding.clear();
    t.held.clear();
    const store = t.store;
    t.store = undefined;
    if (store) await t.work.catch(() => undefined).then(() => store.discard());
    else if (t.role === 'receive') await (await this.storage).remove(t.id);
  }

  changed(): void {
    this.listener.changed?.();
  }

  progress(t: TransferRecord, delta: number): void {
    t.bytesDone += delta;
    const now = performance.now();
    const dt = now - t.sample.at;
    if (dt >= SPEED_SAMPLE_MS) {
      const inst = ((t.bytesDone - t.sample.bytes) * 1000) / dt;
      t.speed = t.speed ? 0.6 * t.speed + 0.4 * inst : inst;
      t.sample = { at: now, bytes: t.bytesDone };
    }
    this.changed();
  }

  settleIfDone(t: TransferRecord): void {
    if (!t.files.every((f) => f.status === 'complete' || f.status === 'failed')) return;
    const ok = t.files.every((f) => f.status === 'complete');
    if (!ok) {
      const failed = t.files.filter((f) => f.status === 'failed').map((f) => `"${f.info.name}"`);
      t.reason = { reason: 'integrity', message: `Integrity failed for ${failed.join(', ')}: not offered for download.` };
    }
    this.apply(t, { type: 'finished', ok });
  }
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
