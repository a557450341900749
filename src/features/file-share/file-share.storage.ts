/**
 * Where received chunks go. In the Origin Private File System (OPFS) when the browser has it:
 * chunks are written at their offsets through `FileSystemSyncAccessHandle`s held by a small
 * dedicated worker (in-place writes that survive a reload once flushed — `createWritable` would
 * commit only on close and copy the whole file to reopen), and a `meta.json` per transfer (bitmap
 * of written chunks, whole-file hash state) is replaced atomically from the page. Elsewhere the
 * chunks stay in memory, and the widget warns about large files.
 *
 * Layout: `<OPFS root>/darkswap-file-share/<storage key>/<transfer id>/{meta.json, 0.part, 1.part…}`.
 */
import { forgetKitWorkerUrl, kitWorkerUrl } from '../../core/trusted-types.js';
import type { FileInfo } from './file-share.protocol.js';
import type { FileStatus, StorageKind, TransferPhase } from './file-share.types.js';

export const STORAGE_ROOT = 'darkswap-file-share';

/** What a receiver keeps on disk to resume a transfer after a reload. */
export interface PersistedTransfer {
  v: 1;
  id: string;
  /** The sender's peer id and identity key when the transfer started. */
  peer: string;
  peerKey?: string | undefined;
  files: FileInfo[];
  /** Base64 bitmap of written chunks (global index). */
  bitmap: string;
  /** Per file: chunks fed to the whole-file hash and the hasher's saved state. */
  hash: Array<{ frontier: number; state: string } | null>;
  fileStatus: FileStatus[];
  phase: TransferPhase;
  pausedLocal: boolean;
  reason?: string | undefined;
  createdAt: number;
}

export interface TransferStore {
  readonly kind: StorageKind;
  /** Write `data` at `at` in `file`. Resolves with the same bytes (the buffer travels to the writer and back). */
  write(file: number, at: number, data: Uint8Array): Promise<Uint8Array>;
  read(file: number, at: number, length: number): Promise<Uint8Array>;
  /** Make every write so far durable, then replace the metadata. */
  checkpoint(meta: PersistedTransfer): Promise<void>;
  /** A file is complete: release its handle and give back its bytes as a File. */
  finish(file: number, info: FileInfo): Promise<File>;
  /** Forget one file's bytes (integrity failure). */
  drop(file: number): Promise<void>;
  /** Delete the whole transfer. */
  discard(): Promise<void>;
  /** Release handles, keep the data. */
  release(): Promise<void>;
}

export interface FileShareStorage {
  readonly kind: StorageKind;
  open(id: string, files: readonly FileInfo[]): Promise<TransferStore>;
  /** Transfers persisted under this storage key (OPFS only). */
  list(): Promise<PersistedTransfer[]>;
  /** A completed file kept from an earlier session. */
  storedFile(id: string, file: number, info: FileInfo): Promise<File | undefined>;
  remove(id: string): Promise<void>;
  close(): void;
}

// ---- memory --------------------------------------------------------------------------------------

class MemoryTransferStore implements TransferStore {
  readonly kind = 'memory' as const;
  private readonly chunks: Array<Map<number, Uint8Array>>;
  constructor(count: number) {
    this.chunks = Array.from({ length: count }, () => new Map());
  }
  async write(file: number, at: number, data: Uint8Array): Promise<Uint8Array> {
    this.chunks[file].set(at, data);
    return data;
  }
  async read(file: number, at: number, length: number): Promise<Uint8Array> {
    const data = this.chunks[file].get(at);
    if (!data || data.length !== length) throw new Error(`chunk at ${at} of file ${file} is not stored`);
    return data;
  }
  async checkpoint(): Promise<void> {}
  async finish(file: number, info: FileInfo): Promise<File> {
    const parts = [...this.chunks[file]].sort((a, b) => a[0] - b[0]).map(([, d]) => d as Uint8Array<ArrayBuffer>);
    this.chunks[file].clear();
    return new File(parts, info.name, { type: info.type });
  }
  async drop(file: number): Promise<void> {
    this.chunks[file].clear();
  }
  async discard(): Promise<void> {
    for (const m of this.chunks) m.clear();
  }
  async release(): Promise<void> {}
}

export class MemoryStorage implements FileShareStorage {
  readonly kind = 'memory' as const;
  async open(_id: string, files: readonly FileInfo[]): Promise<TransferStore> {
    return new MemoryTransferStore(files.length);
  }
  async list(): Promise<PersistedTransfer[]> {
    return [];
  }
  async storedFile(): Promise<File | undefined> {
    return undefined;
  }
  async remove(): Promise<void> {}
  close(): void {}
}

// ---- OPFS ----------------------------------------------------------------------------------------

/**
 * The worker's whole program. It runs from a Blob URL, so it must not use anything from this
 * module's scope. Requests are handled strictly in order.
 */
function opfsWorkerMain(): void {
  type Handle = {
    write(b: Uint8Array, o: { at: number }): number;
    read(b: Uint8Array, o: { at: number }): number;
    flush(): void;
    close(): void;
    getSize(): number;
  };
  const scope = self as unknown as {
    onmessage: ((e: MessageEvent) => void) | null;
    postMessage(m: unknown, t?: Transferable[]): void;
  };
  const handles = new Map<string, Handle>();
  let queue: Promise<void> = Promise.resolve();
  const dirFor = async (path: string[]) => {
    let d = await navigator.storage.getDirectory();
    for (const p of path) d = await d.getDirectoryHandle(p, { create: true });
    return d;
  };
  const handle = async (m: {
    op: string;
    key: string;
    keys?: string[];
    dir: string[];
    name: string;
    at: number;
    len: number;
    off: number;
    buf: ArrayBuffer;
  }) => {
    switch (m.op) {
      case 'probe': {
        const d = await dirFor(m.dir);
        const fh = await d.getFileHandle('.probe', { create: true });
        const h = (await (fh as unknown as { createSyncAccessHandle(): Promise<Handle> }).createSyncAccessHandle()) as Handle;
        h.close();
        await d.removeEntry('.probe');
        return { value: true };
      }
      case 'open': {
        let h = handles.get(m.key);
        if (!h) {
          const d = await dirFor(m.dir);
          const fh = await d.getFileHandle(m.name, { create: true });
          // A page that was just reloaded may still hold the lock for a moment: retry for ~2 s.
          for (let attempt = 0; ; attempt++) {
            try {
              h = (await (fh as unknown as { createSyncAccessHandle(): Promise<Handle> }).createSyncAccessHandle()) as Handle;
              break;
            } catch (error) {
              if ((error as Error)?.name !== 'NoModificationAllowedError' || attempt >= 20) throw error;
              await new Promise((r) => setTimeout(r, 100));
            }
          }
          handles.set(m.key, h);
        }
        return { value: h.getSize() };
      }
      case 'write': {
        const h = handles.get(m.key);
        if (!h) throw new Error(`not open: ${m.key}`);
        const view = new Uint8Array(m.buf, m.off, m.len);
        let done = 0;
        while (done < m.len) {
          const n = h.write(view.subarray(done), { at: m.at + done });
          if (n <= 0) throw new Error('write made no progress (disk full?)');
          done += n;
        }
        return { value: m.buf, transfer: [m.buf] };
      }
      case 'read': {
        const h = handles.get(m.key);
        if (!h) throw new Error(`not open: ${m.key}`);
        const out = new Uint8Array(m.len);
        const n = h.read(out, { at: m.at });
        if (n !== m.len) throw new Error(`short read: ${n} of ${m.len} bytes`);
        return { value: out.buffer, transfer: [out.buffer] };
      }
      case 'flush': {
        for (const k of m.keys ?? []) handles.get(k)?.flush();
        return { value: true };
      }
      case 'close': {
        for (const k of m.keys ?? []) {
          const h = handles.get(k);
          if (!h) continue;
          h.flush();
          h.close();
          handles.delete(k);
        }
        return { value: true };
      }
    }
    throw new Error(`unknown op ${m.op}`);
  };
  scope.onmessage = (e: MessageEvent) => {
    const m = e.data;
    queue = queue.then(async () => {
      try {
        const r = (await handle(m)) as { value: unknown; transfer?: Transferable[] };
        scope.postMessage({ id: m.id, ok: true, value: r.value }, r.transfer ?? []);
      } catch (error) {
        const err = error as Error;
        const back = m.buf instanceof ArrayBuffer && m.buf.byteLength ? [m.buf] : [];
        scope.postMessage({ id: m.id, ok: false, error: `${err?.name ?? 'Error'}: ${err?.message ?? String(error)}`, value: m.buf }, back);
      }
    });
  };
}

interface WorkerReply {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

class OpfsWorker {
  private readonly worker: Worker;
  private readonly url: string;
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor() {
    this.url = URL.createObjectURL(new Blob([`(${opfsWorkerMain.toString()})()`], { type: 'text/javascript' }));
    // Under Trusted Types the URL goes through the kit's own policy (it accepts only this kit-made blob: URL).
    this.worker = new Worker(kitWorkerUrl(this.url));
    this.worker.onmessage = (e: MessageEvent<WorkerReply>) => {
      const p = this.pending.get(e.data.id);
      if (!p) return;
      this.pending.delete(e.data.id);
      if (e.data.ok) p.resolve(e.data.value);
      else p.reject(new Error(e.data.error));
    };
    this.worker.onerror = (e) => {
      for (const p of this.pending.values()) p.reject(new Error(`file storage worker failed: ${e.message}`));
      this.pending.clear();
    };
  }

  call<T>(message: Record<string, unknown>, transfer: Transferable[] = []): Promise<T> {
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...message, id }, transfer);
    });
  }

  terminate(): void {
    this.worker.terminate();
    URL.revokeObjectURL(this.url);
    forgetKitWorkerUrl(this.url);
    for (const p of this.pending.values()) p.reject(new Error('file storage closed'));
    this.pending.clear();
  }
}

async function directory(path: string[], create: boolean): Promise<FileSystemDirectoryHandle | undefined> {
  try {
    let d = await navigator.storage.getDirectory();
    for (const p of path) d = await d.getDirectoryHandle(p, { create });
    return d;
  } catch {
    return undefined;
  }
}

const partName = (file: number) => `${file}.part`;

class OpfsTransferStore implements TransferStore {
  readonly kind = 'opfs' as const;
  private readonly opened = new Map<number, Promise<unknown>>();
  constructor(
    private readonly worker: OpfsWorker,
    private readonly dir: string[],
    private readonly id: string,
  ) {}

  private key(file: number): string {
    return `${this.dir.join('/')}/${file}`;
  }

  private ensure(file: number): Promise<unknown> {
    let p = this.opened.get(file);
    if (!p) {
      p = this.worker.call({ op: 'open', key: this.key(file), dir: this.dir, name: partName(file) });
      this.opened.set(file, p);
      p.catch(() => this.opened.delete(file));
    }
    return p;
  }

  async write(file: number, at: number, data: Uint8Array): Promise<Uint8Array> {
    await this.ensure(file);
    const { buffer, byteOffset, byteLength } = data;
    const back = await this.worker.call<ArrayBuffer>({ op: 'write', key: this.key(file), at, buf: buffer, off: byteOffset, len: byteLength }, [
      buffer as ArrayBuffer,
    ]);
    return new Uint8Array(back, byteOffset, byteLength);
  }

  async read(file: number, at: number, length: number): Promise<Uint8Array> {
    await this.ensure(file);
    return new Uint8Array(await this.worker.call<ArrayBuffer>({ op: 'read', key: this.key(file), at, len: length }));
  }

  async checkpoint(meta: PersistedTransfer): Promise<void> {
    await this.worker.call({ op: 'flush', keys: [...this.opened.keys()].map((f) => this.key(f)) });
    const d = await directory(this.dir, true);
    if (!d) throw new Error('OPFS directory is gone');
    const fh = await d.getFileHandle('meta.json', { create: true });
    const w = await fh.createWritable();
    await w.write(JSON.stringify(meta));
    await w.close();
  }

  async finish(file: number, info: FileInfo): Promise<File> {
    await this.ensure(file);
    await this.worker.call({ op: 'close', keys: [this.key(file)] });
    this.opened.delete(file);
    const d = await directory(this.dir, false);
    const f = await (await d!.getFileHandle(partName(file))).getFile();
    // Same bytes, the offered name and type (the OPFS file is named "<n>.part").
    return new File([f], info.name, { type: info.type });
  }

  async drop(file: number): Promise<void> {
    await this.worker.call({ op: 'close', keys: [this.key(file)] });
    this.opened.delete(file);
    const d = await directory(this.dir, false);
    await d?.removeEntry(partName(file)).catch(() => undefined);
  }

  async release(): Promise<void> {
    await this.worker.call({ op: 'close', keys: [...this.opened.keys()].map((f) => this.key(f)) }).catch(() => undefined);
    this.opened.clear();
  }

  async discard(): Promise<void> {
    await this.release();
    const parent = await directory(this.dir.slice(0, -1), false);
    await parent?.removeEntry(this.id, { recursive: true }).catch(() => undefined);
  }
}

export class OpfsStorage implements FileShareStorage {
  readonly kind = 'opfs' as const;
  private constructor(
    private readonly worker: OpfsWorker,
    private readonly base: string[],
  ) {}

  /** Why OPFS could not be used, in plain words (the last failure), for the widget's warning. */
  static unavailable: string | undefined;

  /** OPFS storage under `key`, or `undefined` where the browser lacks OPFS or sync access handles, or the page forbids the worker. */
  static async create(key: string): Promise<OpfsStorage | undefined> {
    if (typeof navigator === 'undefined' || typeof navigator.storage?.getDirectory !== 'function' || typeof Worker === 'undefined') {
      OpfsStorage.unavailable = 'this browser has no private file system';
      return undefined;
    }
    const base = [STORAGE_ROOT, key];
    let worker: OpfsWorker | undefined;
    try {
      worker = new OpfsWorker();
      await worker.call({ op: 'probe', dir: base });
      return new OpfsStorage(worker, base);
    } catch (e) {
      worker?.terminate();
      const message = (e as Error).message ?? String(e);
      OpfsStorage.unavailable = /SecurityError|Content Security Policy|Trusted|worker/i.test(message)
        ? `this page does not let the kit start its file-storage worker (${message.slice(0, 160)}): allow \`worker-src blob:\` and the \`darkswap\` Trusted Types policy`
        : `the private file system failed (${message.slice(0, 160)})`;
      return undefined;
    }
  }

  async open(id: string): Promise<TransferStore> {
    return new OpfsTransferStore(this.worker, [...this.base, id], id);
  }

  async list(): Promise<PersistedTransfer[]> {
    const d = await directory(this.base, true);
    if (!d) return [];
    const out: PersistedTransfer[] = [];
    for await (const [name, entry] of (d as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries()) {
      if (entry.kind !== 'directory') continue;
      try {
        const meta = JSON.parse(await (await (await (entry as FileSystemDirectoryHandle).getFileHandle('meta.json')).getFile()).text()) as PersistedTransfer;
        if (meta?.v === 1 && meta.id === name) out.push(meta);
      } catch {
        // No (or a broken) meta.json: nothing resumable; leave it for remove().
      }
    }
    return out.sort((a, b) => a.createdAt - b.createdAt);
  }

  async storedFile(id: string, file: number, info: FileInfo): Promise<File | undefined> {
    try {
      const d = await directory([...this.base, id], false);
      const f = await (await d!.getFileHandle(partName(file))).getFile();
      return f.size === info.size ? new File([f], info.name, { type: info.type }) : undefined;
    } catch {
      return undefined;
    }
  }

  async remove(id: string): Promise<void> {
    const d = await directory(this.base, false);
    await d?.removeEntry(id, { recursive: true }).catch(() => undefined);
  }

  close(): void {
    this.worker.terminate();
  }
}

/** Why downloads in progress are held in memory (OPFS missing or refused), when they are. */
export function storageProblem(): string | undefined {
  return OpfsStorage.unavailable;
}

/** OPFS where available, memory otherwise. */
export async function createStorage(key: string): Promise<FileShareStorage> {
  return (await OpfsStorage.create(key)) ?? new MemoryStorage();
}
