/**
 * Drives file transfers over a transport (a control channel and a bulk channel): hashing, the
 * sender's send loop, the receiver's request window, verification, storage and resume. No DOM
 * rendering and no Lit: `<darkswap-file-share>` wires a ConnectionController into it, and the
 * benchmark wires a bare ConnectionService. The rules themselves live in `file-share.protocol.ts`.
 *
 * `FileShareEngine` is the public face and routes to the parts: `file-share.send.ts` (offer, send
 * loop), `file-share.receive.ts` (offers received, request window, chunks, resume),
 * `file-share.hash-job.ts` (hashing local files before the offer), on the shared state of
 * `file-share.core.ts` and the records of `file-share.record.ts`.
 */
import { FileShareCore, type FileShareEngineOptions } from './file-share.core.js';
import { HashJobs } from './file-share.hash-job.js';
import { isFinal, type ChunkHeader, type ControlMessage } from './file-share.protocol.js';
import { FileReceiver } from './file-share.receive.js';
import { enqueueCheckpoint, type TransferInfo } from './file-share.record.js';
import { FileSender } from './file-share.send.js';
import { storageProblem, type FileShareStorage } from './file-share.storage.js';

export type { FileShareEngineOptions, FileShareListener, FileShareTransport } from './file-share.core.js';
export { MAX_PENDING_OFFERS_PER_PEER, MAX_REFUSED_KEPT } from './file-share.receive.js';
export type { FileProgress, TransferInfo } from './file-share.record.js';

export class FileShareEngine {
  private readonly core: FileShareCore;
  private readonly hashes: HashJobs;
  private readonly sender: FileSender;
  private readonly receiver: FileReceiver;

  constructor(options: FileShareEngineOptions) {
    this.core = new FileShareCore(options);
    this.hashes = new HashJobs(() => this.core.changed());
    this.sender = new FileSender(this.core, this.hashes);
    this.receiver = new FileReceiver(this.core);
  }

  /** Chunks refused: unknown transfer, wrong peer, not requested. */
  get refusedChunks(): number {
    return this.core.refusedChunks;
  }
  set refusedChunks(value: number) {
    this.core.refusedChunks = value;
  }

  /** Chunks that failed their SHA-256 on arrival (all transfers). */
  get corruptChunks(): number {
    return this.core.corruptChunks;
  }
  set corruptChunks(value: number) {
    this.core.corruptChunks = value;
  }

  get transfers(): readonly TransferInfo[] {
    return [...this.core.records.values()];
  }

  transfer(id: string): TransferInfo | undefined {
    return this.core.records.get(id);
  }

  async storageKind(): Promise<FileShareStorage['kind']> {
    return (await this.core.storage).kind;
  }

  /** Why received files are held in memory, in plain words (undefined with OPFS). */
  async storageProblem(): Promise<string | undefined> {
    return (await this.core.storage).kind === 'memory' ? (storageProblem() ?? 'this browser has no private file system') : undefined;
  }

  // ---- sender --------------------------------------------------------------------------------

  /**
   * Start hashing a local file now (e.g. as soon as it is chosen), so that offering it later does not
   * wait for it. Every offer of the same File object shares the one result.
   */
  prehash(file: File): Promise<string> {
    return this.hashes.prehash(file);
  }

  /** How far hashing a local file has got: bytes hashed and, once done, its SHA-256. */
  hashProgress(file: File): { bytes: number; sha256?: string } | undefined {
    return this.hashes.hashProgress(file);
  }

  /** Stop hashing a file no offer is waiting for (it left the selection); a finished hash is kept. */
  forgetHash(file: File): void {
    this.hashes.forgetHash(file);
  }

  /** Hash the files, then offer them to `peer`. Resolves with the transfer id once the offer is sent. */
  offer(peer: string, files: readonly File[]): Promise<string> {
    return this.sender.offer(peer, files);
  }

  // ---- user actions --------------------------------------------------------------------------

  /** Accept an incoming offer: storage is opened and chunks start flowing. */
  accept(id: string): Promise<void> {
    return this.receiver.accept(id);
  }

  reject(id: string): void {
    this.receiver.reject(id);
  }

  pause(id: string): void {
    const t = this.core.records.get(id);
    if (!t || !this.core.apply(t, { type: 'pause', by: 'local' })) return;
    this.core.send(t, { t: 'pause', id });
    if (t.role === 'receive') void enqueueCheckpoint(t);
  }

  resume(id: string): void {
    const t = this.core.records.get(id);
    if (!t || !this.core.apply(t, { type: 'resume', by: 'local' })) return;
    this.core.send(t, { t: 'resume', id });
    if (t.role === 'receive') {
      void enqueueCheckpoint(t);
      this.receiver.requestMore(t);
    } else void this.sender.pump(t);
  }

  /** Stop a transfer for both sides; a receiver's partial data is deleted. */
  async cancel(id: string): Promise<void> {
    const t = this.core.records.get(id);
    if (!t || isFinal(t.state.phase)) return;
    if (t.state.phase !== 'unavailable') this.core.send(t, { t: 'cancel', id });
    t.reason = { reason: 'cancelled', message: 'You cancelled this transfer.' };
    this.core.apply(t, { type: 'cancel' });
    await this.core.dropData(t);
  }

  /** Forget a finished (or unavailable) transfer and delete its stored data. */
  async remove(id: string): Promise<void> {
    const t = this.core.records.get(id);
    if (!t) return;
    if (!isFinal(t.state.phase) && t.state.phase !== 'unavailable') await this.cancel(id);
    this.core.records.delete(id);
    await this.core.dropData(t);
    this.core.changed();
  }

  /** Receiver: dial the sender again and re-offer the partial transfer. */
  retry(id: string): Promise<void> {
    return this.receiver.retry(id);
  }

  // ---- transport events ----------------------------------------------------------------------

  peerUp(peer: string): void {
    const key = this.core.transport.peerKey(peer);
    for (const t of this.core.records.values()) {
      if (t.peer !== peer || isFinal(t.state.phase)) continue;
      if (t.peerKey === undefined) t.peerKey = key;
      this.core.apply(t, { type: 'link-up' });
      if (t.role === 'receive' && t.state.phase === 'running' && t.store) this.receiver.queueReoffer(t);
    }
  }

  peerDown(peer: string): void {
    for (const t of this.core.records.values()) {
      if (t.peer !== peer || isFinal(t.state.phase)) continue;
      this.core.apply(t, { type: 'link-down' });
      if (t.role === 'receive') void enqueueCheckpoint(t);
    }
  }

  handleControl(m: ControlMessage, from: string): void {
    if (this.core.disposed) return;
    if (m.t === 'offer') return this.receiver.onOffer(m, from);
    const t = this.core.records.get(m.id);
    if (m.t === 'reoffer') return this.sender.onReoffer(t, m, from);
    if (!t || t.peer !== from) return;
    switch (m.t) {
      case 'accept':
        if (t.role === 'send') this.core.apply(t, { type: 'accept' });
        return;
      case 'reject':
        return this.sender.onReject(t, m);
      case 'want':
        return this.sender.onWant(t, m);
      case 'pause':
        this.core.apply(t, { type: 'pause', by: 'remote' });
        return;
      case 'resume':
        if (!this.core.apply(t, { type: 'resume', by: 'remote' })) return;
        if (t.role === 'receive') this.receiver.requestMore(t);
        else void this.sender.pump(t);
        return;
      case 'cancel':
        t.reason = { reason: 'cancelled', message: 'The other side cancelled this transfer.' };
        if (this.core.apply(t, { type: 'cancel' })) {
          this.core.listener.failed?.(t, undefined, 'cancelled', t.reason.message);
          void this.core.dropData(t);
        }
        return;
      case 'done':
        return this.sender.onDone(t, m);
      case 'error':
        if (t.role === 'receive' && (m.reason === 'unknown-transfer' || m.reason === 'unavailable')) this.receiver.senderUnavailable(t);
        else this.core.fail(t, m.reason, `The other side reported: ${m.message}`, false);
        return;
    }
  }

  /** A chunk arrived on the bulk channel. Anything not requested by a transfer of mine is refused. */
  handleChunk(h: ChunkHeader, data: Uint8Array, from: string): void {
    this.receiver.handleChunk(h, data, from);
  }

  /** Load transfers persisted by an earlier page (receiver side) and resume them. */
  restore(): Promise<void> {
    return this.receiver.restore();
  }

  dispose(): void {
    this.core.disposed = true;
    this.hashes.dispose();
    for (const t of this.core.records.values()) {
      for (const f of t.files) if (f.url) URL.revokeObjectURL(f.url);
      void t.store?.release();
    }
    void this.core.storage.then((s) => s.close());
  }
}
