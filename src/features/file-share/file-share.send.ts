/**
 * The sender's side of a transfer: hash and offer local files, answer the receiver's requests
 * (`want`, `reoffer`) from a send queue, the send loop that reads, hashes and sends chunks, and the
 * receiver's per-file verdicts (`done`).
 */
import { isConnectionError } from '../../core/errors.js';
import { errorText, type FileShareCore } from './file-share.core.js';
import { sha256Hex } from './file-share.hash.js';
import type { HashJobs } from './file-share.hash-job.js';
import {
  ChunkBitmap,
  chooseChunkSize,
  fileShareTestHooks,
  fromRanges,
  isFinal,
  isFlowing,
  newTransferId,
  type ChunkHeader,
  type ChunkRange,
  type ControlMessage,
  type FileInfo,
  type OfferMessage,
} from './file-share.protocol.js';
import type { TransferRecord } from './file-share.record.js';
import { MAX_FILES_PER_OFFER } from './file-share.types.js';

/** Largest sender queue per transfer (chunks), whatever a receiver asks. */
const MAX_QUEUE = 4096;

export class FileSender {
  constructor(
    private readonly core: FileShareCore,
    private readonly hashes: HashJobs,
  ) {}

  /** Hash the files, then offer them to `peer`. Resolves with the transfer id once the offer is sent. */
  async offer(peer: string, files: readonly File[]): Promise<string> {
    if (files.length === 0) throw new Error('Choose at least one file.');
    if (files.length > MAX_FILES_PER_OFFER) throw new Error(`At most ${MAX_FILES_PER_OFFER} files per offer.`);
    const chunkSize = chooseChunkSize(this.core.transport.maxChunkBytes(peer));
    const infos: FileInfo[] = files.map((f) => ({
      name: (f.name || 'file').slice(0, 255),
      size: f.size,
      type: f.type.slice(0, 127),
      sha256: '0'.repeat(64),
      chunkSize,
      chunkCount: Math.ceil(f.size / chunkSize),
    }));
    const t = this.core.create('send', newTransferId(), peer, infos);
    t.sources = [...files];
    t.sentOnce = new ChunkBitmap(t.map.total);
    this.core.changed();
    try {
      let before = 0;
      for (let i = 0; i < files.length; i++) {
        const job = this.hashes.hashJob(files[i]);
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
      this.core.transport.send(peer, offer);
    } catch (error) {
      this.core.fail(t, 'bad-request', `Could not offer: ${errorText(error)}`, false);
      throw error;
    }
    t.peerKey = this.core.transport.peerKey(peer);
    this.core.apply(t, { type: 'hashed' });
    this.core.listener.offerSent?.(t);
    return t.id;
  }

  // ---- control messages from the receiver ----------------------------------------------------

  onReject(t: TransferRecord, m: Extract<ControlMessage, { t: 'reject' }>): void {
    if (t.role !== 'send') return;
    t.reason = { reason: m.reason, message: m.message };
    if (this.core.apply(t, { type: 'reject' })) this.core.listener.failed?.(t, undefined, m.reason, m.message);
  }

  onWant(t: TransferRecord, m: Extract<ControlMessage, { t: 'want' }>): void {
    if (t.role !== 'send' || t.state.phase !== 'running') return;
    const wanted = fromRanges(t.map, m.ranges as ChunkRange[], MAX_QUEUE - t.queue.length);
    if (!wanted) return;
    t.queue.push(...wanted);
    this.progressRemote(t, m.done);
    void this.pump(t);
  }

  onDone(t: TransferRecord, m: Extract<ControlMessage, { t: 'done' }>): void {
    if (t.role !== 'send' || t.state.phase !== 'running') return;
    const f = t.files[m.file];
    if (!f || f.status === 'complete' || f.status === 'failed') return;
    // "ok" only counts with my own hash: a receiver cannot make me show another hash as verified.
    const ok = m.ok && m.sha256 === f.info.sha256;
    f.status = ok ? 'complete' : 'failed';
    f.verified = ok ? m.sha256 : undefined;
    f.bytes = f.info.size;
    f.problem = ok ? undefined : `The receiver’s SHA-256 (${m.sha256.slice(0, 16)}…) does not match this file’s.`;
    if (ok) this.core.listener.fileSent?.(t, m.file);
    else this.core.listener.failed?.(t, m.file, 'integrity', f.problem!);
    this.core.settleIfDone(t);
    this.core.changed();
  }

  onReoffer(t: TransferRecord | undefined, m: Extract<ControlMessage, { t: 'reoffer' }>, from: string): void {
    const key = this.core.transport.peerKey(from);
    const same = t && (t.peer === from || (t.peerKey !== undefined && t.peerKey === key));
    if (!t || !same || t.role !== 'send') {
      try {
        this.core.transport.send(from, { t: 'error', id: m.id, reason: 'unknown-transfer', message: 'No such transfer here.' });
      } catch {
        /* the peer left */
      }
      return;
    }
    if (isFinal(t.state.phase)) {
      if (t.state.phase === 'cancelled') this.core.send(t, { t: 'cancel', id: t.id });
      return;
    }
    if (!t.sources) {
      this.core.send(t, { t: 'error', id: t.id, reason: 'unavailable', message: 'The files are no longer available.' });
      return;
    }
    const wanted = fromRanges(t.map, m.ranges as ChunkRange[], MAX_QUEUE);
    if (!wanted) return;
    t.peer = from;
    t.queue = wanted;
    t.generation++;
    this.core.apply(t, { type: 'revive' });
    this.core.apply(t, { type: m.paused ? 'pause' : 'resume', by: 'remote' });
    this.progressRemote(t, m.done);
    void this.pump(t);
  }

  // ---- the send loop -------------------------------------------------------------------------

  private progressRemote(t: TransferRecord, done: number): void {
    // The sender's figure is what the receiver has written; per file, what was sent.
    if (done > t.bytesDone && done <= t.totalBytes) this.core.progress(t, done - t.bytesDone);
  }

  private async prepare(t: TransferRecord, g: number): Promise<{ header: ChunkHeader; data: Uint8Array; g: number }> {
    const [f, c] = t.map.locate(g);
    const offset = t.map.offset(f, c);
    const source = t.sources![f];
    const data = new Uint8Array(await source.slice(offset, offset + t.map.length(f, c)).arrayBuffer());
    if (data.length !== t.map.length(f, c)) throw new Error(`"${source.name}" changed size while being sent`);
    const header: ChunkHeader = { i: t.id, f, c, h: await sha256Hex(data) };
    return { header, data, g };
  }

  /** The send loop: serves the queue while the transfer flows, one chunk read ahead. */
  async pump(t: TransferRecord): Promise<void> {
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
      while (isFlowing(t.state) && !this.core.disposed) {
        if (ahead && ahead.gen !== t.generation) ahead = undefined;
        if (!ahead && t.queue.length === 0) break;
        const current = ahead ?? take();
        ahead = t.queue.length ? take() : undefined;
        let chunk;
        try {
          chunk = await current.p;
        } catch (error) {
          this.core.fail(t, 'read-failed', `Reading the file failed: ${errorText(error)}`, true);
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
          await this.core.transport.sendChunk(t.peer, chunk.header, chunk.data);
        } catch (error) {
          if (isConnectionError(error) && (error.code === 'link-closed' || error.code === 'unknown-peer')) {
            // The receiver re-offers what it misses once the link is back.
            this.core.apply(t, { type: 'link-down' });
            ahead = undefined;
            break;
          }
          this.core.fail(t, 'bad-request', `Sending failed: ${errorText(error)}`, true);
          return;
        }
        const len = chunk.data.length;
        t.bytesSent += len;
        const [f] = t.map.locate(chunk.g);
        if (t.sentOnce!.set(chunk.g)) {
          t.files[f].bytes += len;
          if (t.files[f].status === 'pending') t.files[f].status = 'active';
        } else t.bytesResent += len;
        this.core.changed();
      }
      if (ahead && ahead.gen === t.generation) t.queue.unshift(ahead.g);
    } finally {
      t.pumping = false;
    }
    if (isFlowing(t.state) && t.queue.length) void this.pump(t);
  }
}
