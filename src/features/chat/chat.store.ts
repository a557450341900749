/**
 * Chat persistence in IndexedDB (database `darkswap-chat`, one object store through idb-keyval), per identity
 * (the owner is my public key). One record per item under the key `[owner, group, kind, sortKey]` — so a
 * message is one small write, never a rewrite of its group — and one per group for what I have read
 * (`[owner, group, 'meta', '']`). The engine keeps each group at its cap (MAX_MESSAGES_PER_GROUP) and removes
 * what it drops here too.
 *
 * Items are stored as the signed wire objects the engine verified; on load they are checked against the
 * schema again and their ids recomputed (a damaged record is skipped, never breaks the chat), but signatures
 * are not re-verified.
 *
 * Writes are queued and flushed together (`ChatStoreWriter`): every FLUSH_MS, and at once on `flush()`.
 */
import { createStore, promisifyRequest, type UseStore } from 'idb-keyval';
import type { ChatItem, ItemWire } from './chat.protocol.js';

export interface GroupMeta {
  /** Sort key of the newest message read. */
  lastRead?: string;
}

export interface ChatSnapshot {
  /** Stored wire objects, unchecked. */
  readonly items: unknown[];
  readonly meta: ReadonlyMap<string, GroupMeta>;
}

export interface ChatChanges {
  readonly put: readonly ChatItem[];
  readonly remove: readonly ChatItem[];
  readonly meta: ReadonlyMap<string, GroupMeta>;
}

/** Where an engine keeps its items (IndexedDB by default; memory for tests and benchmarks). */
export interface ChatPersistence {
  load(owner: string): Promise<ChatSnapshot>;
  write(owner: string, changes: ChatChanges): Promise<void>;
  clear(owner: string): Promise<void>;
}

const kindOf = (item: ChatItem) => (item.kind === 'op' ? 'o' : 'm');
const itemKey = (owner: string, item: ChatItem): IDBValidKey => [owner, item.g, kindOf(item), item.sk];
const metaKey = (owner: string, g: string): IDBValidKey => [owner, g, 'meta', ''];
const ownerRange = (owner: string) => IDBKeyRange.bound([owner], [owner, []]);

interface ItemRecord {
  w: ItemWire;
}
interface MetaRecord {
  g: string;
  lastRead?: string;
}

let db: UseStore | undefined;
const database = () => (db ??= createStore('darkswap-chat', 'items'));

/** The IndexedDB store. */
export const idbChatStore: ChatPersistence = {
  async load(owner) {
    const records = await database()('readonly', (store) => promisifyRequest(store.getAll(ownerRange(owner))));
    const items: unknown[] = [];
    const meta = new Map<string, GroupMeta>();
    for (const r of records as unknown[]) {
      if (!r || typeof r !== 'object') continue;
      if ('w' in r) items.push((r as ItemRecord).w);
      else if (typeof (r as MetaRecord).g === 'string') {
        const m = r as MetaRecord;
        meta.set(m.g, typeof m.lastRead === 'string' ? { lastRead: m.lastRead } : {});
      }
    }
    return { items, meta };
  },
  async write(owner, changes) {
    await database()('readwrite', (store) => {
      for (const item of changes.remove) store.delete(itemKey(owner, item));
      for (const item of changes.put) store.put({ w: item.wire } satisfies ItemRecord, itemKey(owner, item));
      for (const [g, m] of changes.meta) store.put({ g, ...m } satisfies MetaRecord, metaKey(owner, g));
      return promisifyRequest(store.transaction);
    });
  },
  async clear(owner) {
    await database()('readwrite', (store) => {
      store.delete(ownerRange(owner));
      return promisifyRequest(store.transaction);
    });
  },
};

/** A store in memory (nothing survives the page): tests, benchmarks, guests. */
export class MemoryChatStore implements ChatPersistence {
  private readonly owners = new Map<string, { items: Map<string, ItemWire>; meta: Map<string, GroupMeta> }>();

  private of(owner: string) {
    let o = this.owners.get(owner);
    if (!o) this.owners.set(owner, (o = { items: new Map(), meta: new Map() }));
    return o;
  }

  async load(owner: string): Promise<ChatSnapshot> {
    const o = this.of(owner);
    return { items: [...o.items.values()], meta: new Map(o.meta) };
  }

  async write(owner: string, changes: ChatChanges): Promise<void> {
    const o = this.of(owner);
    for (const item of changes.remove) o.items.delete(item.id);
    for (const item of changes.put) o.items.set(item.id, item.wire);
    for (const [g, m] of changes.meta) o.meta.set(g, { ...m });
  }

  async clear(owner: string): Promise<void> {
    this.owners.delete(owner);
  }
}

export const FLUSH_MS = 200;

/** Queues an owner's changes and writes them in one transaction every FLUSH_MS (or on `flush()`). */
export class ChatStoreWriter {
  private put = new Map<string, ChatItem>();
  private remove = new Map<string, ChatItem>();
  private meta = new Map<string, GroupMeta>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> = Promise.resolve();
  /** The last write error (writes go on; the engine reports it). */
  error: unknown;

  constructor(
    private readonly store: ChatPersistence,
    private readonly owner: string,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  add(item: ChatItem): void {
    this.remove.delete(item.id);
    this.put.set(item.id, item);
    this.schedule();
  }

  drop(item: ChatItem): void {
    if (this.put.delete(item.id)) return;
    this.remove.set(item.id, item);
    this.schedule();
  }

  setMeta(g: string, meta: GroupMeta): void {
    this.meta.set(g, meta);
    this.schedule();
  }

  get pending(): number {
    return this.put.size + this.remove.size + this.meta.size;
  }

  /** Write everything queued now; resolves when it is on disk. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending) return this.writing;
    const changes: ChatChanges = { put: [...this.put.values()], remove: [...this.remove.values()], meta: this.meta };
    this.put = new Map();
    this.remove = new Map();
    this.meta = new Map();
    this.writing = this.writing
      .then(() => this.store.write(this.owner, changes))
      .catch((error: unknown) => {
        this.error = error;
        this.onError(error);
      });
    return this.writing;
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }
}
