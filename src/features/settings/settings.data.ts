/**
 * The data the kit keeps in this browser, for the settings' Data section: every store by name with what it
 * holds (IndexedDB databases named `darkswap…`, the file share's OPFS folder), the origin's usage from
 * `navigator.storage.estimate()` (by kind where the browser says), clearing one store, and asking for persistent
 * storage. Framework-free.
 */
import { promisifyRequest } from 'idb-keyval';
export interface KitStore {
  /** The database or folder name. */
  readonly name: string;
  readonly kind: 'indexeddb' | 'opfs';
  /** What it holds, in plain words. */
  readonly label: string;
  /** Clearing it has consequences beyond losing data (a new identity). */
  readonly warning?: string;
  /** Records it holds (IndexedDB), when counted. */
  readonly records?: number;
}

export interface StorageUse {
  readonly usage: number;
  readonly quota: number;
  /** By kind (`indexedDB`, `fileSystem`, …) when the browser reports it. */
  readonly byKind: Readonly<Record<string, number>>;
  readonly persisted: boolean;
}

const FILE_SHARE_FOLDER = 'darkswap-file-share';

function describe(name: string): Pick<KitStore, 'label' | 'warning'> {
  if (name === 'darkswap-settings') return { label: 'Settings' };
  if (name === 'darkswap-identity') {
    return { label: 'Identity key and pinned peers', warning: 'Clearing it gives this browser a new identity: peers who pinned you will refuse it.' };
  }
  if (name === 'darkswap-orderbook') return { label: 'My orders' };
  if (name.startsWith('darkswap-trade')) return { label: 'Trades and their audit log', warning: 'Unfinished trades are lost.' };
  if (name.startsWith('darkswap-ledger')) return { label: 'Test ledger (demo wallet)' };
  return { label: 'Other kit data' };
}

/** Every store the kit uses in this origin, IndexedDB databases first, sorted by name. */
export async function kitStores(): Promise<KitStore[]> {
  const out: KitStore[] = [];
  if (typeof indexedDB !== 'undefined' && typeof indexedDB.databases === 'function') {
    for (const db of await indexedDB.databases()) {
      if (!db.name || !/^darkswap/.test(db.name)) continue;
      const records = await withDatabase(db.name, 'readonly', (stores) => Promise.all(stores.map((s) => promisifyRequest(s.count())))).then(
        (counts) => counts.reduce((a, b) => a + b, 0),
        () => undefined,
      );
      out.push({ name: db.name, kind: 'indexeddb', ...describe(db.name), ...(records !== undefined ? { records } : {}) });
    }
  }
  out.sort((a, b) => a.name.localeCompare(b.name));
  if (typeof navigator !== 'undefined' && typeof navigator.storage?.getDirectory === 'function') {
    try {
      const root = await navigator.storage.getDirectory();
      await root.getDirectoryHandle(FILE_SHARE_FOLDER);
      out.push({ name: FILE_SHARE_FOLDER, kind: 'opfs', label: 'Shared and received files' });
    } catch {
      // No such folder (or no OPFS): nothing to list.
    }
  }
  return out;
}

/** Opens an existing database, runs `job` over all its object stores in one transaction, closes it. */
async function withDatabase<T>(name: string, mode: IDBTransactionMode, job: (stores: IDBObjectStore[]) => Promise<T>): Promise<T> {
  const db = await promisifyRequest(indexedDB.open(name));
  try {
    const names = [...db.objectStoreNames];
    if (!names.length) return await job([]);
    const tx = db.transaction(names, mode);
    const done = promisifyRequest(tx);
    const result = await job(names.map((n) => tx.objectStore(n)));
    await done;
    return result;
  } finally {
    db.close();
  }
}

/**
 * Empties one store: every object store of the database in one transaction (widgets that hold it open keep
 * working and see it empty — deleting the database would wait for them), or the OPFS folder. Rejects with a
 * plain reason when the browser refuses.
 */
export async function clearStore(store: Pick<KitStore, 'name' | 'kind'>): Promise<void> {
  if (!/^darkswap/.test(store.name)) throw new Error(`"${store.name}" is not a DarkSwap store.`);
  try {
    if (store.kind === 'opfs') {
      const root = await navigator.storage.getDirectory();
      await root.removeEntry(store.name, { recursive: true });
      return;
    }
    await withDatabase(store.name, 'readwrite', (stores) => Promise.all(stores.map((s) => promisifyRequest(s.clear()))));
  } catch (e) {
    throw new Error(`The browser refused to clear ${store.name}: ${(e as Error).message}`);
  }
}

/** The origin's storage use and quota (bytes), by kind where the browser says, and whether it is persistent. */
export async function storageUse(): Promise<StorageUse | undefined> {
  const storage = typeof navigator !== 'undefined' ? navigator.storage : undefined;
  if (!storage?.estimate) return undefined;
  const estimate = (await storage.estimate()) as StorageEstimate & { usageDetails?: Record<string, number> };
  const persisted = typeof storage.persisted === 'function' ? await storage.persisted() : false;
  return { usage: estimate.usage ?? 0, quota: estimate.quota ?? 0, byKind: { ...(estimate.usageDetails ?? {}) }, persisted };
}

/** Asks the browser to keep this origin's data under storage pressure; resolves to whether it will. */
export async function requestPersistence(): Promise<boolean> {
  const storage = typeof navigator !== 'undefined' ? navigator.storage : undefined;
  return typeof storage?.persist === 'function' ? storage.persist() : false;
}
