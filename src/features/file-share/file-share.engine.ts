/**
 * Drives file transfers over a transport (a control channel and a bulk channel): hashing, the
 * sender's send loop, the receiver's request window, verification, storage and resume. No DOM
 * rendering and no Lit: `<darkswap-file-share>` wires a ConnectionController into it, and the
 * benchmark wires a bare ConnectionService. The rules themselves live in `file-share.protocol.ts`.
 */
import { isConnectionError } from '../../core/errors.js';
import { hashBlob, sha256Hex, StreamHasher } from './file-share.hash.js';
import {
  ChunkBitmap,
  ChunkMap,
  checkOffer,
  chooseChunkSize,
  DEFAULT_LIMITS,
  displayStatus,
  fileShareTestHooks,
  fromRanges,
  initialState,
  isFinal,
  isFlowing,
  newTransferId,
  planRequests,
  step,
  toRanges,
  type ChunkHeader,
  type ChunkRange,
  type ControlMessage,
  type FileInfo,
  type FileShareLimits,
  type OfferMessage,
  type Refusal,
  type TransferEvent,
  type TransferState,
} from './file-share.protocol.js';
import type { FileShareStorage, PersistedTransfer, TransferStore } from './file-share.storage.js';
import {
  DEFAULT_WINDOW_CHUNKS,
  MAX_CHUNK_RETRIES,
  MAX_FILES_PER_OFFER,
  MAX_RANGES_PER_MESSAGE,
  type DisplayStatus,
  type FileStatus,
  type ReasonCode,
  type Role,
} from './file-share.types.js';

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

interface FileRecord {
  info: FileInfo;
  status: FileStatus;
  bytes: number;
  verified: string | undefined;
  file: File | undefined;
  url: string | undefined;
  problem: string | undefined;
}

interface Record_ extends TransferInfo {
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

export interface FileShareEngineOptions {
  transport: FileShareTransport;
  storage: FileShareStorage | Promise<FileShareStorage>;
  limits?: () => FileShareLimits;
  /** Outstanding chunks per receiving transfer (default 24). */
  window?: number;
  listener?: FileShareListener;
}

const CHECKPOINT_CHUNKS = 16;
const CHECKPOINT_MS = 1000;
const SPEED_SAMPLE_MS = 500;
/** Offers from one peer waiting for an answer; more are refused as `busy` without being kept. */
export const MAX_PENDING_OFFERS_PER_PEER = 10;
/** Offers refused automatically (limits, or vetoed by the page) that stay listed; older ones are forgotten. */
export const MAX_REFUSED_KEPT = 20;
/** Largest sender queue per transfer (chunks), whatever a receiver asks. */
const MAX_QUEUE = 4096;

interface HashJob {
  readonly promise: Promise<string>;
  readonly abort: AbortController;
  readonly listeners: Set<(bytes: number) => void>;
  bytes: number;
  sha256?: string;
}

export class FileShareEngine {
  private readonly records = new Map<string, Record_>();
  /** Ids of offers refused automatically, oldest first (see keepRefused). */
  private readonly refused: string[] = [];
  /** Incoming offers being accepted (opening storage), so a second accept is ignored. */
  private readonly accepting = new Set<string>();
  /** Whole-file hashing of local files: started when a file is chosen or offered, shared by every offer of it. */
  private readonly hashes = new WeakMap<File, HashJob>();
  /** Hash jobs still running (aborted on dispose). */
  private readonly hashing = new Set<HashJob>();
  private readonly transport: FileShareTransport;
  private readonly storage: Promise<FileShareStorage>;
  private readonly limits: () => FileShareLimits;
  private readonly window: number;
  private listener: FileShareListener;
  private disposed = false;
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

  get transfers(): readonly TransferInfo[] {
    return [...this.records.values()];
  }

  transfer(id: string): TransferInfo | undefined {
    return this.records.get(id);
  }

  async storageKind(): Promise<FileShareStorage['kind']> {
    return (await this.storage).kind;
  }

  // ---- sender --------------------------------------------------------------------------------

  /**
   * Start hashing a local file now (e.g. as soon as it is chosen), so that offering it later does not
   * wait for it. Every offer of the same File object shares the one result.
   */
  prehash(file: File): Promise<string> {
    return this.hashJob(file).promise;
  }

  /** How far hashing a local file has got: bytes hashed and, once done, its SHA-256. */
  hashProgress(file: File): { bytes: number; sha256?: string } | undefined {
    const job = this.hashes.get(file);
    return job && { bytes: job.bytes, ...(job.sha256 ? { sha256: job.sha256 } : {}) };
  }

  /** Stop hashing a file no offer is waiting for (it left the selection); a finished hash is kept. */
  forgetHash(file: File): void {
    const job = this.hashes.get(file);
    // Each offer waiting for the hash follows its progress: while any does, the job stays.
    if (!job || job.listeners.size > 0 || job.sha256) return;
    this.hashes.delete(file);
    this.hashing.delete(job);
    job.abort.abort();
  }

  private hashJob(file: File): HashJob {
    let job = this.hashes.get(file);
    if (job) return job;
    const abort = new AbortController();
    const created: HashJob = {
      bytes: 0,
      abort,
      listeners: new Set(),
      promise: hashBlob(
        file,
        (bytes) => {
          created.bytes = bytes;
          for (const listener of created.listeners) listener(bytes);
          this.changed();
        },
        abort.signal,
      ),
    };
    job = created;
    this.hashes.set(file, job);
    this.hashing.add(job);
    job.promise.then(
      (sha256) => {
        this.hashing.delete(created);
        created.sha256 = sha256;
        this.changed();
      },
      () => {
        this.hashing.delete(created);
        if (this.hashes.get(file) === created) this.hashes.delete(file);
      },
    );
    return job;
  }

  /** Hash the files, then offer them to `peer`. Resolves with the transfer id once the offer is sent. */
  async offer(peer: string, files: readonly File[]): Promise<string> {
    if (files.length === 0) throw new Error('Choose at least one file.');
    if (files.length > MAX_FILES_PER_OFFER) throw new Error(`At most ${MAX_FILES_PER_OFFER} files per offer.`);
    const chunkSize = chooseChunkSize(this.transport.maxChunkBytes(peer));
    const infos: FileInfo[] = files.map((f) => ({
      name: (f.name || 'file').slice(0, 255),
      size: f.size,
      type: f.type.slice(0, 127),
      sha256: '0'.repeat(64),
      chunkSize,
      chunkCount: Math.ceil(f.size / chunkSize),
    }));
    const t = this.create('send', newTransferId(), peer, infos);
    t.sources = [...files];
    t.sentOnce = new ChunkBitmap(t.map.total);
    this.changed();
    try {
      let before = 0;
      for (let i = 0; i < files.length; i++) {
        const job = this.hashJob(files[i]);
        const at = before;
        const follow = (bytes: number) => (t.hashedBytes = at + bytes);
        follow(job.bytes);
        job.listeners.add(follow);
        try {
          infos[i].sha256 = await job.promise;
        } finally {
          job.listeners.delete(follow);
        }
        t.hashedBytes = before + files[i].size;
        before += files[i].size;
        if (isFinal(t.state.phase)) return t.id;
      }
      const offer: OfferMessage = { t: 'offer', id: t.id, files: infos.map((f) => ({ ...f })) };
      fileShareTestHooks.beforeOfferSend?.(offer);
      this.transport.send(peer, offer);
    } catch (error) {
      this.fail(t, 'bad-request', `Could not offer: ${errorText(error)}`, false);
      throw error;
    }
    t.peerKey = this.transport.peerKey(peer);
    this.apply(t, { type: 'hashed' });
    this.listener.offerSent?.(t);
    return t.id;
  }

  // ---- user actions --------------------------------------------------------------------------

  /** Accept an incoming offer: storage is opened and chunks start flowing. */
  async accept(id: string): Promise<void> {
    const t = this.records.get(id);
    if (!t || t.role !== 'receive' || t.state.phase !== 'incoming' || this.accepting.has(id)) return;
    this.accepting.add(id);
    try {
      const storage = await this.storage;
      t.store = await storage.open(
        t.id,
        t.files.map((f) => f.info),
      );
    } catch (error) {
      this.send(t, { t: 'reject', id, reason: 'storage-failed', message: 'The receiver cannot store files.' });
      this.fail(t, 'storage-failed', `Cannot store the files: ${errorText(error)}`, false);
      return;
    } finally {
      this.accepting.delete(id);
    }
    if (t.state.phase !== 'incoming') {
      // Cancelled by the sender (or removed) while storage was opening.
      await t.store.discard().catch(() => undefined);
      t.store = undefined;
      return;
    }
    t.bitmap = new ChunkBitmap(t.map.total);
    this.apply(t, { type: 'accept' });
    this.send(t, { t: 'accept', id });
    for (let f = 0; f < t.files.length; f++) if (t.files[f].info.chunkCount === 0) t.work = t.work.then(() => this.advanceHash(t, f));
    await this.checkpoint(t);
    this.requestMore(t);
  }

  reject(id: string): void {
    const t = this.records.get(id);
    if (!t || t.role !== 'receive' || t.state.phase !== 'incoming') return;
    this.send(t, { t: 'reject', id, reason: 'declined', message: 'The receiver declined the offer.' });
    t.reason = { reason: 'declined', message: 'You declined this offer.' };
    this.apply(t, { type: 'reject' });
  }

  pause(id: string): void {
    const t = this.records.get(id);
    if (!t || !this.apply(t, { type: 'pause', by: 'local' })) return;
    this.send(t, { t: 'pause', id });
    if (t.role === 'receive') void this.enqueueCheckpoint(t);
  }

  resume(id: string): void {
    const t = this.records.get(id);
    if (!t || !this.apply(t, { type: 'resume', by: 'local' })) return;
    this.send(t, { t: 'resume', id });
    if (t.role === 'receive') {
      void this.enqueueCheckpoint(t);
      this.requestMore(t);
    } else void this.pump(t);
  }

  /** Stop a transfer for both sides; a receiver's partial data is deleted. */
  async cancel(id: string): Promise<void> {
    const t = this.records.get(id);
    if (!t || isFinal(t.state.phase)) return;
    if (t.state.phase !== 'unavailable') this.send(t, { t: 'cancel', id });
    t.reason = { reason: 'cancelled', message: 'You cancelled this transfer.' };
    this.apply(t, { type: 'cancel' });
    await this.dropData(t);
  }

  /** Forget a finished (or unavailable) transfer and delete its stored data. */
  async remove(id: string): Promise<void> {
    const t = this.records.get(id);
    if (!t) return;
    if (!isFinal(t.state.phase) && t.state.phase !== 'unavailable') await this.cancel(id);
    this.records.delete(id);
    await this.dropData(t);
    this.changed();
  }

  /** Receiver: dial the sender again and re-offer the partial transfer. */
  async retry(id: string): Promise<void> {
    const t = this.records.get(id);
    if (!t || t.role !== 'receive' || isFinal(t.state.phase)) return;
    if (this.transport.isOpen(t.peer)) {
      this.queueReoffer(t);
      return;
    }
    await this.transport.connect?.(t.peer);
    // peer-connected → peerUp() re-offers.
  }

  // ---- transport events ----------------------------------------------------------------------

  peerUp(peer: string): void {
    const key = this.transport.peerKey(peer);
    for (const t of this.records.values()) {
      if (t.peer !== peer || isFinal(t.state.phase)) continue;
      if (t.peerKey === undefined) t.peerKey = key;
      this.apply(t, { type: 'link-up' });
      if (t.role === 'receive' && t.state.phase === 'running' && t.store) this.queueReoffer(t);
    }
  }

  peerDown(peer: string): void {
    for (const t of this.records.values()) {
      if (t.peer !== peer || isFinal(t.state.phase)) continue;
      this.apply(t, { type: 'link-down' });
      if (t.role === 'receive') void this.enqueueCheckpoint(t);
    }
  }

  handleControl(m: ControlMessage, from: string): void {
    if (this.disposed) return;
    if (m.t === 'offer') return this.onOffer(m, from);
    const t = this.records.get(m.id);
    if (m.t === 'reoffer') return this.onReoffer(t, m, from);
    if (!t || t.peer !== from) return;
    switch (m.t) {
      case 'accept':
        if (t.role === 'send') this.apply(t, { type: 'accept' });
        return;
      case 'reject':
        if (t.role !== 'send') return;
        t.reason = { reason: m.reason, message: m.message };
        if (this.apply(t, { type: 'reject' })) this.listener.failed?.(t, undefined, m.reason, m.message);
        return;
      case 'want': {
        if (t.role !== 'send' || t.state.phase !== 'running') return;
        const wanted = fromRanges(t.map, m.ranges as ChunkRange[], MAX_QUEUE - t.queue.length);
        if (!wanted) return;
        t.queue.push(...wanted);
        this.progressRemote(t, m.done);
        void this.pump(t);
        return;
      }
      case 'pause':
        this.apply(t, { type: 'pause', by: 'remote' });
        return;
      case 'resume':
        if (!this.apply(t, { type: 'resume', by: 'remote' })) return;
        if (t.role === 'receive') this.requestMore(t);
        else void this.pump(t);
        return;
      case 'cancel':
        t.reason = { reason: 'cancelled', message: 'The other side cancelled this transfer.' };
        if (this.apply(t, { type: 'cancel' })) {
          this.listener.failed?.(t, undefined, 'cancelled', t.reason.message);
          void this.dropData(t);
        }
        return;
      case 'done': {
        if (t.role !== 'send' || t.state.phase !== 'running') return;
        const f = t.files[m.file];
        if (!f || f.status === 'complete' || f.status === 'failed') return;
        // "ok" only counts with my own hash: a receiver cannot make me show another hash as verified.
        const ok = m.ok && m.sha256 === f.info.sha256;
        f.status = ok ? 'complete' : 'failed';
        f.verified = ok ? m.sha256 : undefined;
        f.bytes = f.info.size;
        f.problem = ok ? undefined : `The receiver’s SHA-256 (${m.sha256.slice(0, 16)}…) does not match this file’s.`;
        if (ok) this.listener.fileSent?.(t, m.file);
        else this.listener.failed?.(t, m.file, 'integrity', f.problem!);
        this.settleIfDone(t);
        this.changed();
        return;
      }
      case 'error':
        if (t.role === 'receive' && (m.reason === 'unknown-transfer' || m.reason === 'unavailable')) {
          t.reason = {
            reason: 'unavailable',
            message: 'The sender no longer has these files (their page was reloaded or closed). The partial data is kept until you discard it.',
          };
          t.outstanding.clear();
          this.apply(t, { type: 'unavailable' });
          void this.enqueueCheckpoint(t);
          this.listener.failed?.(t, undefined, 'unavailable', t.reason.message);
        } else {
          this.fail(t, m.reason, `The other side reported: ${m.message}`, false);
        }
        return;
    }
  }

  /** A chunk arrived on the bulk channel. Anything not requested by a transfer of mine is refused. */
  handleChunk(h: ChunkHeader, data: Uint8Array, from: string): void {
    const t = this.records.get(h.i);
    if (!t || t.role !== 'receive' || t.peer !== from || !t.bitmap || !t.store || !t.map.valid(h.f, h.c)) {
      this.refusedChunks++;
      return;
    }
    const g = t.map.global(h.f, h.c);
    if (!t.outstanding.has(g)) {
      this.refusedChunks++;
      return;
    }
    t.work = t.work
      .then(() => this.processChunk(t, g, h, data))
      .catch((error) => this.fail(t, 'storage-failed', `Storing a chunk failed: ${errorText(error)}`, true));
  }

  /** Load transfers persisted by an earlier page (receiver side) and resume them. */
  async restore(): Promise<void> {
    const storage = await this.storage;
    const metas = await storage.list();
    for (const meta of metas) {
      if (this.records.has(meta.id)) continue;
      if (meta.phase === 'cancelled' || meta.phase === 'rejected' || meta.phase === 'failed' || meta.phase === 'incoming') {
        await storage.remove(meta.id);
        continue;
      }
      const t = this.create('receive', meta.id, meta.peer, meta.files);
      t.restored = true;
      t.peerKey = meta.peerKey;
      t.state = { phase: meta.phase, pausedLocal: meta.pausedLocal, pausedRemote: false, linkUp: this.transport.isOpen(meta.peer) };
      t.reason = meta.reason ? { reason: 'unavailable', message: meta.reason } : undefined;
      t.bitmap = ChunkBitmap.fromBase64(t.map.total, meta.bitmap);
      t.files.forEach((f, i) => {
        f.status = meta.fileStatus[i] ?? 'pending';
        const start = t.map.start(i);
        let bytes = 0;
        for (let c = 0; c < f.info.chunkCount; c++) if (t.bitmap!.has(start + c)) bytes += t.map.length(i, c);
        f.bytes = f.status === 'complete' ? f.info.size : bytes;
        t.frontier[i] = meta.hash[i]?.frontier ?? 0;
        t.hashState[i] = meta.hash[i]?.state;
        if (f.status === 'complete') f.verified = f.info.sha256;
      });
      t.bytesDone = t.files.reduce((s, f) => s + f.bytes, 0);
      if (meta.phase === 'complete') {
        for (let i = 0; i < t.files.length; i++) {
          const file = await storage.storedFile(meta.id, i, t.files[i].info);
          if (file) {
            t.files[i].file = file;
            t.files[i].url = URL.createObjectURL(file);
          }
        }
        this.changed();
        continue;
      }
      t.store = await storage.open(meta.id, meta.files);
      // The hash frontier only ever covers written chunks; drop saved states that claim more.
      for (let i = 0; i < t.files.length; i++) {
        const start = t.map.start(i);
        for (let c = 0; c < t.frontier[i]; c++) {
          if (!t.bitmap.has(start + c)) {
            t.frontier[i] = 0;
            t.hashState[i] = undefined;
            break;
          }
        }
      }
      this.changed();
      if (t.state.phase !== 'running') continue;
      if (t.state.linkUp) this.queueReoffer(t);
      else this.transport.connect?.(t.peer).catch(() => undefined);
    }
  }

  dispose(): void {
    this.disposed = true;
    for (const job of this.hashing) job.abort.abort();
    this.hashing.clear();
    for (const t of this.records.values()) {
      for (const f of t.files) if (f.url) URL.revokeObjectURL(f.url);
      void t.store?.release();
    }
    void this.storage.then((s) => s.close());
  }

  // ---- internals: common -----------------------------------------------------------------------

  private create(role: Role, id: string, peer: string, infos: FileInfo[]): Record_ {
    const state = initialState(role);
    const t: Record_ = {
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
    this.records.set(id, t);
    return t;
  }

  /** Apply a state-machine event; true if the state changed. */
  private apply(t: Record_, e: TransferEvent): boolean {
    const next = step(t.role, t.state, e);
    if (next === t.state) return false;
    t.state = next;
    t.status = displayStatus(t.role, next);
    if (!isFlowing(next)) t.speed = 0;
    this.changed();
    return true;
  }

  private send(t: Record_, m: ControlMessage): boolean {
    try {
      this.transport.send(t.peer, m);
      return true;
    } catch {
      return false;
    }
  }

  private fail(t: Record_, reason: ReasonCode, message: string, tell: boolean): void {
    if (isFinal(t.state.phase)) return;
    if (tell) this.send(t, { t: 'error', id: t.id, reason, message: message.slice(0, 300) });
    t.reason = { reason, message };
    this.apply(t, { type: 'fail' });
    this.listener.failed?.(t, undefined, reason, message);
    if (t.role === 'receive') void this.enqueueCheckpoint(t);
  }

  private async dropData(t: Record_): Promise<void> {
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

  private changed(): void {
    this.listener.changed?.();
  }

  private progress(t: Record_, delta: number): void {
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

  private settleIfDone(t: Record_): void {
    if (!t.files.every((f) => f.status === 'complete' || f.status === 'failed')) return;
    const ok = t.files.every((f) => f.status === 'complete');
    if (!ok) {
      const failed = t.files.filter((f) => f.status === 'failed').map((f) => `"${f.info.name}"`);
      t.reason = { reason: 'integrity', message: `Integrity failed for ${failed.join(', ')}: not offered for download.` };
    }
    this.apply(t, { type: 'finished', ok });
  }

  // ---- internals: sender ---------------------------------------------------------------------

  private onReoffer(t: Record_ | undefined, m: Extract<ControlMessage, { t: 'reoffer' }>, from: string): void {
    const key = this.transport.peerKey(from);
    const same = t && (t.peer === from || (t.peerKey !== undefined && t.peerKey === key));
    if (!t || !same || t.role !== 'send') {
      try {
        this.transport.send(from, { t: 'error', id: m.id, reason: 'unknown-transfer', message: 'No such transfer here.' });
      } catch {
        /* the peer left */
      }
      return;
    }
    if (isFinal(t.state.phase)) {
      if (t.state.phase === 'cancelled') this.send(t, { t: 'cancel', id: t.id });
      return;
    }
    if (!t.sources) {
      this.send(t, { t: 'error', id: t.id, reason: 'unavailable', message: 'The files are no longer available.' });
      return;
    }
    const wanted = fromRanges(t.map, m.ranges as ChunkRange[], MAX_QUEUE);
    if (!wanted) return;
    t.peer = from;
    t.queue = wanted;
    t.generation++;
    this.apply(t, { type: 'revive' });
    this.apply(t, { type: m.paused ? 'pause' : 'resume', by: 'remote' });
    this.progressRemote(t, m.done);
    void this.pump(t);
  }

  private progressRemote(t: Record_, done: number): void {
    // The sender's figure is what the receiver has written; per file, what was sent.
    if (done > t.bytesDone && done <= t.totalBytes) this.progress(t, done - t.bytesDone);
  }

  private async prepare(t: Record_, g: number): Promise<{ header: ChunkHeader; data: Uint8Array; g: number }> {
    const [f, c] = t.map.locate(g);
    const offset = t.map.offset(f, c);
    const source = t.sources![f];
    const data = new Uint8Array(await source.slice(offset, offset + t.map.length(f, c)).arrayBuffer());
    if (data.length !== t.map.length(f, c)) throw new Error(`"${source.name}" changed size while being sent`);
    const header: ChunkHeader = { i: t.id, f, c, h: await sha256Hex(data) };
    return { header, data, g };
  }

  /** The send loop: serves the queue while the transfer flows, one chunk read ahead. */
  private async pump(t: Record_): Promise<void> {
    if (t.pumping) return;
    t.pumping = true;
    try {
      let ahead: { g: number; gen: number; p: Promise<{ header: ChunkHeader; data: Uint8Array; g: number }> } | undefined;
      const take = () => {
        const g = t.queue.shift()!;
        const p = this.prepare(t, g);
        p.catch(() => undefined);
        return { g, gen: t.generation, p };
      };
      while (isFlowing(t.state) && !this.disposed) {
        if (ahead && ahead.gen !== t.generation) ahead = undefined;
        if (!ahead && t.queue.length === 0) break;
        const current = ahead ?? take();
        ahead = t.queue.length ? take() : undefined;
        let chunk;
        try {
          chunk = await current.p;
        } catch (error) {
          this.fail(t, 'read-failed', `Reading the file failed: ${errorText(error)}`, true);
          return;
        }
        if (current.gen !== t.generation) continue;
        if (!isFlowing(t.state)) {
          t.queue.unshift(current.g, ...(ahead && ahead.gen === t.generation ? [ahead.g] : []));
          ahead = undefined;
          break;
        }
        fileShareTestHooks.beforeChunkSend?.(chunk.header, chunk.data);
        try {
          await this.transport.sendChunk(t.peer, chunk.header, chunk.data);
        } catch (error) {
          if (isConnectionError(error) && (error.code === 'link-closed' || error.code === 'unknown-peer')) {
            // The receiver re-offers what it misses once the link is back.
            this.apply(t, { type: 'link-down' });
            ahead = undefined;
            break;
          }
          this.fail(t, 'bad-request', `Sending failed: ${errorText(error)}`, true);
          return;
        }
        const len = chunk.data.length;
        t.bytesSent += len;
        const [f] = t.map.locate(chunk.g);
        if (t.sentOnce!.set(chunk.g)) {
          t.files[f].bytes += len;
          if (t.files[f].status === 'pending') t.files[f].status = 'active';
        } else t.bytesResent += len;
        this.changed();
      }
      if (ahead && ahead.gen === t.generation) t.queue.unshift(ahead.g);
    } finally {
      t.pumping = false;
    }
    if (isFlowing(t.state) && t.queue.length) void this.pump(t);
  }

  // ---- internals: receiver -------------------------------------------------------------------

  private onOffer(m: OfferMessage, from: string): void {
    if (this.records.has(m.id)) {
      try {
        this.transport.send(from, { t: 'reject', id: m.id, reason: 'duplicate', message: 'A transfer with this id already exists.' });
      } catch {
        /* gone */
      }
      return;
    }
    let waiting = 0;
    for (const r of this.records.values()) if (r.role === 'receive' && r.peer === from && r.state.phase === 'incoming') waiting++;
    if (waiting >= MAX_PENDING_OFFERS_PER_PEER) {
      try {
        this.transport.send(from, { t: 'reject', id: m.id, reason: 'busy', message: `${waiting} of your offers are still waiting for an answer.` });
      } catch {
        /* gone */
      }
      return;
    }
    const t = this.create('receive', m.id, from, m.files);
    t.peerKey = this.transport.peerKey(from);
    const refusal = checkOffer(m.files, this.limits());
    if (refusal) {
      t.reason = { reason: refusal.reason, message: `Refused automatically: ${refusal.message}` };
      this.send(t, { t: 'reject', id: m.id, reason: refusal.reason, message: refusal.message });
      this.apply(t, { type: 'reject' });
      this.keepRefused(t);
      this.listener.failed?.(t, undefined, refusal.reason, refusal.message);
      return;
    }
    if (this.listener.offered?.(t) === false) {
      this.send(t, { t: 'reject', id: m.id, reason: 'declined', message: 'The receiver declined the offer.' });
      t.reason = { reason: 'declined', message: 'Declined by the page.' };
      this.apply(t, { type: 'reject' });
      this.keepRefused(t);
      return;
    }
    this.changed();
  }

  /** List an automatically refused offer, forgetting the oldest beyond MAX_REFUSED_KEPT (a peer can send many). */
  private keepRefused(t: Record_): void {
    this.refused.push(t.id);
    while (this.refused.length > MAX_REFUSED_KEPT) this.records.delete(this.refused.shift()!);
    this.changed();
  }

  /** Re-offer once the chunks already received are processed (they are then no longer missing). */
  private queueReoffer(t: Record_): void {
    t.work = t.work.then(() => this.reoffer(t)).catch(() => undefined);
  }

  /** Re-offer after a drop or reload: the first window of missing chunks, replacing what was outstanding. */
  private reoffer(t: Record_): void {
    if (!t.bitmap) return;
    t.outstanding.clear();
    t.held.clear();
    const list = t.state.pausedLocal ? [] : planRequests(t.bitmap, t.outstanding, this.window).slice(0, MAX_RANGES_PER_MESSAGE);
    const ranges = toRanges(t.map, list).slice(0, MAX_RANGES_PER_MESSAGE);
    const kept = new Set(ranges.flatMap(([f, a, b]) => Array.from({ length: b - a }, (_, i) => t.map.global(f, a + i))));
    const sent = this.send(t, {
      t: 'reoffer',
      id: t.id,
      ranges,
      done: t.bytesDone,
      missing: t.bitmap.size - t.bitmap.count,
      paused: t.state.pausedLocal,
    });
    if (sent) for (const g of kept) t.outstanding.add(g);
  }

  private requestMore(t: Record_): void {
    if (!t.bitmap || !isFlowing(t.state)) return;
    const room = this.window - t.outstanding.size;
    const remaining = t.bitmap.size - t.bitmap.count - t.outstanding.size;
    // Ask in batches (fewer messages), but never leave the last few chunks waiting.
    if (room <= 0 || remaining <= 0 || (room < 4 && remaining > room)) return;
    const list = planRequests(t.bitmap, t.outstanding, this.window);
    if (!list.length) return;
    const ranges = toRanges(t.map, list).slice(0, MAX_RANGES_PER_MESSAGE);
    if (!this.send(t, { t: 'want', id: t.id, ranges, done: t.bytesDone })) return;
    for (const [f, a, b] of ranges) for (let c = a; c < b; c++) t.outstanding.add(t.map.global(f, c));
  }

  private async processChunk(t: Record_, g: number, h: ChunkHeader, data: Uint8Array): Promise<void> {
    if (t.state.phase !== 'running' || !t.store || !t.bitmap || !t.outstanding.has(g)) return;
    const expected = t.map.length(h.f, h.c);
    const ok = data.length === expected && (await sha256Hex(data)) === h.h;
    if (!t.store || !t.outstanding.has(g)) return;
    if (!ok) {
      t.corruptChunks++;
      this.corruptChunks++;
      const tries = (t.retries.get(g) ?? 0) + 1;
      t.retries.set(g, tries);
      t.outstanding.delete(g);
      if (tries > MAX_CHUNK_RETRIES) {
        this.fail(t, 'corrupt-chunks', `Chunk ${h.c} of "${t.files[h.f].info.name}" arrived corrupted ${tries} times.`, true);
        return;
      }
      this.changed();
      this.requestMore(t);
      return;
    }
    const stored = await t.store.write(h.f, t.map.offset(h.f, h.c), data);
    if (!t.bitmap.set(g)) return;
    t.outstanding.delete(g);
    t.retries.delete(g);
    const file = t.files[h.f];
    file.bytes += expected;
    if (file.status === 'pending') file.status = 'active';
    // Keep the bytes for the whole-file hash: always the next in order, a bounded number of others
    // (the rest are read back from storage when the hash gets to them).
    if (h.c === t.frontier[h.f] || t.held.size < this.window * 2) t.held.set(g, stored);
    this.progress(t, expected);
    this.requestMore(t);
    await this.advanceHash(t, h.f);
    t.written++;
    if (t.written % CHECKPOINT_CHUNKS === 0 || performance.now() - t.lastCheckpoint > CHECKPOINT_MS) await this.checkpoint(t);
  }

  /** Feed the whole-file hash every written chunk in order; finish the file when all are in. */
  private async advanceHash(t: Record_, f: number): Promise<void> {
    const file = t.files[f];
    if (!t.bitmap || !t.store || file.status === 'complete' || file.status === 'failed') return;
    const start = t.map.start(f);
    const hasher = (t.hashers[f] ??= await StreamHasher.create(t.hashState[f]));
    while (t.frontier[f] < file.info.chunkCount && t.bitmap.has(start + t.frontier[f])) {
      const g = start + t.frontier[f];
      let data = t.held.get(g);
      t.held.delete(g);
      data ??= await t.store.read(f, t.map.offset(f, t.frontier[f]), t.map.length(f, t.frontier[f]));
      hasher.update(data);
      t.frontier[f]++;
    }
    if (t.frontier[f] < file.info.chunkCount) return;
    const digest = hasher.digestHex();
    t.hashers[f] = undefined;
    t.hashState[f] = undefined;
    const ok = digest === file.info.sha256;
    if (ok) {
      const result = await t.store.finish(f, file.info);
      file.status = 'complete';
      file.verified = digest;
      file.file = result;
      file.url = URL.createObjectURL(result);
    } else {
      await t.store.drop(f);
      file.status = 'failed';
      file.problem = `Integrity failed: the file hashed to ${digest.slice(0, 16)}…, but the sender promised ${file.info.sha256.slice(0, 16)}…. Not offered for download.`;
    }
    this.send(t, { t: 'done', id: t.id, file: f, ok, sha256: digest });
    if (ok) this.listener.fileReceived?.(t, f, file.file!);
    else this.listener.failed?.(t, f, 'integrity', file.problem!);
    this.settleIfDone(t);
    await this.checkpoint(t);
  }

  private enqueueCheckpoint(t: Record_): Promise<void> {
    t.work = t.work.then(() => this.checkpoint(t)).catch(() => undefined);
    return t.work;
  }

  private async checkpoint(t: Record_): Promise<void> {
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
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
