/**
 * The receiver's side of a transfer: take or refuse offers, open storage on accept, ask for chunks
 * in a window (`want`, and `reoffer` after a drop or reload), verify and store each chunk, hash
 * every file as its chunks arrive in order, and resume transfers persisted by an earlier page.
 */
import { errorText, type FileShareCore } from './file-share.core.js';
import { HashStateError, sha256Hex, StreamHasher } from './file-share.hash.js';
import {
  ChunkBitmap,
  checkOffer,
  displayStatus,
  isFinal,
  isFlowing,
  planRequests,
  toRanges,
  type ChunkHeader,
  type OfferMessage,
} from './file-share.protocol.js';
import { checkpoint, enqueueCheckpoint, type TransferRecord } from './file-share.record.js';
import { MAX_CHUNK_RETRIES, MAX_RANGES_PER_MESSAGE } from './file-share.types.js';

const CHECKPOINT_CHUNKS = 16;
const CHECKPOINT_MS = 1000;
/** Offers from one peer waiting for an answer; more are refused as `busy` without being kept. */
export const MAX_PENDING_OFFERS_PER_PEER = 10;
/** Offers refused automatically (limits, or vetoed by the page) that stay listed; older ones are forgotten. */
export const MAX_REFUSED_KEPT = 20;

export class FileReceiver {
  /** Ids of offers refused automatically, oldest first (see keepRefused). */
  private readonly refused: string[] = [];
  /** Incoming offers being accepted (opening storage), so a second accept is ignored. */
  private readonly accepting = new Set<string>();

  constructor(private readonly core: FileShareCore) {}

  // ---- offers and user actions ---------------------------------------------------------------

  onOffer(m: OfferMessage, from: string): void {
    if (this.core.records.has(m.id)) {
      try {
        this.core.transport.send(from, { t: 'reject', id: m.id, reason: 'duplicate', message: 'A transfer with this id already exists.' });
      } catch {
        /* gone */
      }
      return;
    }
    let waiting = 0;
    for (const r of this.core.records.values()) if (r.role === 'receive' && r.peer === from && r.state.phase === 'incoming') waiting++;
    if (waiting >= MAX_PENDING_OFFERS_PER_PEER) {
      try {
        this.core.transport.send(from, { t: 'reject', id: m.id, reason: 'busy', message: `${waiting} of your offers are still waiting for an answer.` });
      } catch {
        /* gone */
      }
      return;
    }
    const t = this.core.create('receive', m.id, from, m.files);
    t.peerKey = this.core.transport.peerKey(from);
    const refusal = checkOffer(m.files, this.core.limits());
    if (refusal) {
      t.reason = { reason: refusal.reason, message: `Refused automatically: ${refusal.message}` };
      this.core.send(t, { t: 'reject', id: m.id, reason: refusal.reason, message: refusal.message });
      this.core.apply(t, { type: 'reject' });
      this.keepRefused(t);
      this.core.listener.failed?.(t, undefined, refusal.reason, refusal.message);
      return;
    }
    if (this.core.listener.offered?.(t) === false) {
      this.core.send(t, { t: 'reject', id: m.id, reason: 'declined', message: 'The receiver declined the offer.' });
      t.reason = { reason: 'declined', message: 'Declined by the page.' };
      this.core.apply(t, { type: 'reject' });
      this.keepRefused(t);
      return;
    }
    this.core.changed();
  }

  /** List an automatically refused offer, forgetting the oldest beyond MAX_REFUSED_KEPT (a peer can send many). */
  private keepRefused(t: TransferRecord): void {
    this.refused.push(t.id);
    while (this.refused.length > MAX_REFUSED_KEPT) this.core.records.delete(this.refused.shift()!);
    this.core.changed();
  }

  /** Accept an incoming offer: storage is opened and chunks start flowing. */
  async accept(id: string): Promise<void> {
    const t = this.core.records.get(id);
    if (!t || t.role !== 'receive' || t.state.phase !== 'incoming' || this.accepting.has(id)) return;
    this.accepting.add(id);
    try {
      const storage = await this.core.storage;
      t.store = await storage.open(
        t.id,
        t.files.map((f) => f.info),
      );
    } catch (error) {
      this.core.send(t, { t: 'reject', id, reason: 'storage-failed', message: 'The receiver cannot store files.' });
      this.core.fail(t, 'storage-failed', `Cannot store the files: ${errorText(error)}`, false);
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
    this.core.apply(t, { type: 'accept' });
    this.core.send(t, { t: 'accept', id });
    for (let f = 0; f < t.files.length; f++) if (t.files[f].info.chunkCount === 0) t.work = t.work.then(() => this.advanceHash(t, f));
    await checkpoint(t);
    this.requestMore(t);
  }

  reject(id: string): void {
    const t = this.core.records.get(id);
    if (!t || t.role !== 'receive' || t.state.phase !== 'incoming') return;
    this.core.send(t, { t: 'reject', id, reason: 'declined', message: 'The receiver declined the offer.' });
    t.reason = { reason: 'declined', message: 'You declined this offer.' };
    this.core.apply(t, { type: 'reject' });
  }

  /** Dial the sender again and re-offer the partial transfer. */
  async retry(id: string): Promise<void> {
    const t = this.core.records.get(id);
    if (!t || t.role !== 'receive' || isFinal(t.state.phase)) return;
    if (this.core.transport.isOpen(t.peer)) {
      this.queueReoffer(t);
      return;
    }
    await this.core.transport.connect?.(t.peer);
    // peer-connected → peerUp() re-offers.
  }

  /** The sender no longer has the files (its page was reloaded or closed): keep the partial data. */
  senderUnavailable(t: TransferRecord): void {
    t.reason = {
      reason: 'unavailable',
      message: 'The sender no longer has these files (their page was reloaded or closed). The partial data is kept until you discard it.',
    };
    t.outstanding.clear();
    this.core.apply(t, { type: 'unavailable' });
    void enqueueCheckpoint(t);
    this.core.listener.failed?.(t, undefined, 'unavailable', t.reason.message);
  }

  // ---- requests ------------------------------------------------------------------------------

  /** Re-offer once the chunks already received are processed (they are then no longer missing). */
  queueReoffer(t: TransferRecord): void {
    t.work = t.work.then(() => this.reoffer(t)).catch(() => undefined);
  }

  /** Re-offer after a drop or reload: the first window of missing chunks, replacing what was outstanding. */
  private reoffer(t: TransferRecord): void {
    if (!t.bitmap) return;
    t.outstanding.clear();
    t.held.clear();
    const list = t.state.pausedLocal ? [] : planRequests(t.bitmap, t.outstanding, this.core.window).slice(0, MAX_RANGES_PER_MESSAGE);
    const ranges = toRanges(t.map, list).slice(0, MAX_RANGES_PER_MESSAGE);
    const kept = new Set(ranges.flatMap(([f, a, b]) => Array.from({ length: b - a }, (_, i) => t.map.global(f, a + i))));
    const sent = this.core.send(t, {
      t: 'reoffer',
      id: t.id,
      ranges,
      done: t.bytesDone,
      missing: t.bitmap.size - t.bitmap.count,
      paused: t.state.pausedLocal,
    });
    if (sent) for (const g of kept) t.outstanding.add(g);
  }

  requestMore(t: TransferRecord): void {
    if (!t.bitmap || !isFlowing(t.state)) return;
    const room = this.core.window - t.outstanding.size;
    const remaining = t.bitmap.size - t.bitmap.count - t.outstanding.size;
    // Ask in batches (fewer messages), but never leave the last few chunks waiting.
    if (room <= 0 || remaining <= 0 || (room < 4 && remaining > room)) return;
    const list = planRequests(t.bitmap, t.outstanding, this.core.window);
    if (!list.length) return;
    const ranges = toRanges(t.map, list).slice(0, MAX_RANGES_PER_MESSAGE);
    if (!this.core.send(t, { t: 'want', id: t.id, ranges, done: t.bytesDone })) return;
    for (const [f, a, b] of ranges) for (let c = a; c < b; c++) t.outstanding.add(t.map.global(f, c));
  }

  // ---- chunks --------------------------------------------------------------------------------

  /** A chunk arrived on the bulk channel. Anything not requested by a transfer of mine is refused. */
  handleChunk(h: ChunkHeader, data: Uint8Array, from: string): void {
    const t = this.core.records.get(h.i);
    if (!t || t.role !== 'receive' || t.peer !== from || !t.bitmap || !t.store || !t.map.valid(h.f, h.c)) {
      this.core.refusedChunks++;
      return;
    }
    const g = t.map.global(h.f, h.c);
    if (!t.outstanding.has(g)) {
      this.core.refusedChunks++;
      return;
    }
    t.work = t.work
      .then(() => this.processChunk(t, g, h, data))
      .catch((error) => this.core.fail(t, 'storage-failed', `Storing a chunk failed: ${errorText(error)}`, true));
  }

  private async processChunk(t: TransferRecord, g: number, h: ChunkHeader, data: Uint8Array): Promise<void> {
    if (t.state.phase !== 'running' || !t.store || !t.bitmap || !t.outstanding.has(g)) return;
    const expected = t.map.length(h.f, h.c);
    const ok = data.length === expected && (await sha256Hex(data)) === h.h;
    if (!t.store || !t.outstanding.has(g)) return;
    if (!ok) {
      t.corruptChunks++;
      this.core.corruptChunks++;
      const tries = (t.retries.get(g) ?? 0) + 1;
      t.retries.set(g, tries);
      t.outstanding.delete(g);
      if (tries > MAX_CHUNK_RETRIES) {
        this.core.fail(t, 'corrupt-chunks', `Chunk ${h.c} of "${t.files[h.f].info.name}" arrived corrupted ${tries} times.`, true);
        return;
      }
      this.core.changed();
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
    if (h.c === t.frontier[h.f] || t.held.size < this.core.window * 2) t.held.set(g, stored);
    this.core.progress(t, expected);
    this.requestMore(t);
    await this.advanceHash(t, h.f);
    t.written++;
    if (t.written % CHECKPOINT_CHUNKS === 0 || performance.now() - t.lastCheckpoint > CHECKPOINT_MS) await checkpoint(t);
  }

  /** Feed the whole-file hash every written chunk in order; finish the file when all are in. */
  private async advanceHash(t: TransferRecord, f: number): Promise<void> {
    const file = t.files[f];
    if (!t.bitmap || !t.store || file.status === 'complete' || file.status === 'failed') return;
    const start = t.map.start(f);
    let hasher = t.hashers[f];
    if (!hasher) {
      try {
        hasher = await StreamHasher.create(t.hashState[f]);
      } catch (e) {
        if (!(e instanceof HashStateError)) throw e;
        // A state this page cannot load (saved where WebAssembly was allowed): hash the file again from its start.
        hasher = await StreamHasher.create();
        t.frontier[f] = 0;
        t.hashState[f] = undefined;
      }
      t.hashers[f] = hasher;
    }
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
    this.core.send(t, { t: 'done', id: t.id, file: f, ok, sha256: digest });
    if (ok) this.core.listener.fileReceived?.(t, f, file.file!);
    else this.core.listener.failed?.(t, f, 'integrity', file.problem!);
    this.core.settleIfDone(t);
    await checkpoint(t);
  }

  // ---- resume after a reload -----------------------------------------------------------------

  /** Load transfers persisted by an earlier page (receiver side) and resume them. */
  async restore(): Promise<void> {
    const storage = await this.core.storage;
    const metas = await storage.list();
    for (const meta of metas) {
      if (this.core.records.has(meta.id)) continue;
      if (meta.phase === 'cancelled' || meta.phase === 'rejected' || meta.phase === 'failed' || meta.phase === 'incoming') {
        await storage.remove(meta.id);
        continue;
      }
      const t = this.core.create('receive', meta.id, meta.peer, meta.files);
      t.restored = true;
      t.peerKey = meta.peerKey;
      t.state = { phase: meta.phase, pausedLocal: meta.pausedLocal, pausedRemote: false, linkUp: this.core.transport.isOpen(meta.peer) };
      // Shown from the restored phase: a completed transfer never changes again, so a status left at the new
      // record's "incoming" would offer a dead Accept for a file already received (issue 18 item 7).
      t.status = displayStatus('receive', t.state);
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
        this.core.changed();
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
      this.core.changed();
      if (t.state.phase !== 'running') continue;
      if (t.state.linkUp) this.queueReoffer(t);
      else this.core.transport.connect?.(t.peer).catch(() => undefined);
    }
  }
}
