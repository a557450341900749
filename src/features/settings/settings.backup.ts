/**
 * Export and import of everything the kit keeps in IndexedDB (settings, my orders, trades and their audit log, the
 * test ledger): one JSON file, each database with its object stores (key path, auto-increment) and records.
 * Values are structured clones; the file carries them as JSON with tagged bytes, dates and big integers.
 *
 * Not in the file, and listed under `skipped` with the reason: the identity database (its key is a
 * non-extractable CryptoKey: no script can read it out, by design) and the file share's OPFS folder (files can be
 * gigabytes; send them again instead). A database holding something else JSON cannot carry is skipped the same way.
 *
 * Import is checked whole before anything is written (a file that is not ours, from a newer format, malformed
 * anywhere, with an invalid key, a key path that does not fit the store here, or naming the identity database
 * changes nothing); then each database is replaced in one transaction — all of it or none of it.
 */
import { promisifyRequest } from 'idb-keyval';
import * as v from 'valibot';
import { fromBase64, toBase64 } from '../../core/bytes.js';

export const BACKUP_FORMAT = 1;
const IDENTITY_DB = 'darkswap-identity';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A value JSON cannot carry as it is. */
class Unencodable extends Error {}

/** A structured-clone value as JSON: bytes as `{$bytes: base64}`, dates `{$date}`, bigints `{$bigint}`, `undefined` `{$undefined: 1}`. */
export function encodeValue(value: unknown): Json {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : { $number: String(value) };
  if (typeof value === 'undefined') return { $undefined: 1 };
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (value instanceof Uint8Array) return { $bytes: toBase64(value) };
  if (value instanceof ArrayBuffer) return { $buffer: toBase64(new Uint8Array(value)) };
  if (value instanceof Date) return { $date: value.toISOString() };
  if (Array.isArray(value)) return value.map(encodeValue);
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: { [key: string]: Json } = {};
    for (const [k, v2] of Object.entries(value)) out[k.startsWith('$') ? `$${k}` : k] = encodeValue(v2);
    return out;
  }
  throw new Unencodable(Object.prototype.toString.call(value));
}

/** The inverse of `encodeValue`. */
export function decodeValue(json: unknown): unknown {
  if (json === null || typeof json !== 'object') return json;
  if (Array.isArray(json)) return json.map(decodeValue);
  const o = json as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1) {
    const [k] = keys;
    const x = o[k!];
    if (k === '$bytes' && typeof x === 'string') return fromBase64(x);
    if (k === '$buffer' && typeof x === 'string') return fromBase64(x).buffer;
    if (k === '$date' && typeof x === 'string') return new Date(x);
    if (k === '$bigint' && typeof x === 'string') return BigInt(x);
    if (k === '$number' && typeof x === 'string') return Number(x);
    if (k === '$undefined') return undefined;
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) out[k.startsWith('$$') ? k.slice(1) : k] = decodeValue(x);
  return out;
}

const StoreSchema = v.strictObject({
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  keyPath: v.nullable(v.union([v.string(), v.array(v.string())])),
  autoIncrement: v.boolean(),
  records: v.array(v.strictObject({ key: v.unknown(), value: v.unknown() })),
});

export const BackupSchema = v.strictObject({
  kind: v.literal('darkswap-backup'),
  format: v.number(),
  exportedAt: v.string(),
  databases: v.array(
    v.strictObject({
      name: v.pipe(v.string(), v.regex(/^darkswap[\w-]{0,120}$/, 'is not a DarkSwap database')),
      stores: v.array(StoreSchema),
    }),
  ),
  skipped: v.array(v.strictObject({ name: v.string(), reason: v.string() })),
});
export type BackupFile = v.InferOutput<typeof BackupSchema>;

async function dump(name: string): Promise<BackupFile['databases'][number]> {
  const db = await promisifyRequest(indexedDB.open(name));
  try {
    const names = [...db.objectStoreNames];
    if (!names.length) return { name, stores: [] };
    const tx = db.transaction(names, 'readonly');
    const stores = await Promise.all(
      names.map(async (storeName) => {
        const store = tx.objectStore(storeName);
        const [keys, values] = await Promise.all([promisifyRequest(store.getAllKeys()), promisifyRequest(store.getAll())]);
        return {
          name: storeName,
          keyPath: store.keyPath as string | string[] | null,
          autoIncrement: store.autoIncrement,
          records: keys.map((key, i) => ({ key: encodeValue(key), value: encodeValue(values[i]) })),
        };
      }),
    );
    await promisifyRequest(tx);
    return { name, stores };
  } finally {
    db.close();
  }
}

/** Everything the kit keeps in IndexedDB, as one file (see the module's notes for what is skipped). */
export async function exportAll(): Promise<BackupFile> {
  const databases: BackupFile['databases'] = [];
  const skipped: BackupFile['skipped'] = [];
  const names = (await indexedDB.databases()).map((d) => d.name ?? '').filter((n) => /^darkswap/.test(n));
  for (const name of names.sort()) {
    if (name === IDENTITY_DB) {
      skipped.push({ name, reason: 'the identity key cannot be read out (non-extractable, by design)' });
      continue;
    }
    try {
      databases.push(await dump(name));
    } catch (e) {
      skipped.push({ name, reason: e instanceof Unencodable ? `it holds a ${e.message}, which a file cannot carry` : (e as Error).message });
    }
  }
  skipped.push({ name: 'darkswap-file-share', reason: 'shared and received files are not exported (send them again)' });
  return { kind: 'darkswap-backup', format: BACKUP_FORMAT, exportedAt: new Date().toISOString(), databases, skipped };
}

/** Refuses a file whose stores exist here with another key path or auto-increment (nothing written yet). */
async function checkKeyPaths(name: string, stores: readonly v.InferOutput<typeof StoreSchema>[]): Promise<void> {
  if (!(await indexedDB.databases()).some((d) => d.name === name)) return;
  const db = await promisifyRequest(indexedDB.open(name));
  try {
    for (const s of stores) {
      if (!db.objectStoreNames.contains(s.name)) continue;
      const store = db.transaction(s.name).objectStore(s.name);
      if (JSON.stringify(store.keyPath) !== JSON.stringify(s.keyPath) || store.autoIncrement !== s.autoIncrement) {
        throw new Error(`The backup's ${name}/${s.name} does not fit the store here (another key path): refused.`);
      }
    }
  } finally {
    db.close();
  }
}

/** Opens `name` with every store of `stores` present (creating the database or the missing stores). */
async function openWith(name: string, stores: readonly v.InferOutput<typeof StoreSchema>[]): Promise<IDBDatabase> {
  let db = await promisifyRequest(indexedDB.open(name));
  const missing = stores.filter((s) => !db.objectStoreNames.contains(s.name));
  if (!missing.length) return db;
  const version = db.version + 1;
  db.close();
  const open = indexedDB.open(name, version);
  open.onupgradeneeded = () => {
    for (const s of missing) open.result.createObjectStore(s.name, { keyPath: s.keyPath, autoIncrement: s.autoIncrement });
  };
  db = await promisifyRequest(open);
  return db;
}

/**
 * Restores a backup file: checked whole first (nothing written when anything is wrong), then each database's
 * stores are cleared and refilled in one transaction. Resolves to the databases restored.
 */
export async function importAll(file: unknown): Promise<string[]> {
  const f = file as { kind?: unknown; format?: unknown } | null;
  if (typeof f !== 'object' || f === null || f.kind !== 'darkswap-backup') throw new Error('This file is not a DarkSwap backup.');
  if (typeof f.format === 'number' && f.format > BACKUP_FORMAT) {
    throw new Error(`This backup comes from a newer version of the kit (format ${f.format}; this one reads ${BACKUP_FORMAT}).`);
  }
  const parsed = v.safeParse(BackupSchema, file);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    throw new Error(`The backup is damaged at ${(issue.path ?? []).map((p) => String(p.key)).join('.') || 'its top'}: ${issue.message}.`);
  }
  // Never the identity: export skips it, so a file that names it was made by hand (it would wipe the key and pins).
  const identity = parsed.output.databases.find((db) => db.name === IDENTITY_DB);
  if (identity) throw new Error(`The backup names ${IDENTITY_DB}, which is never exported: refused.`);
  // Decode and check everything before writing anything: keys must be valid IndexedDB keys (out-of-line stores)
  // and key paths must match the stores that exist.
  const plan = parsed.output.databases.map((db) => ({
    name: db.name,
    stores: db.stores.map((s) => ({ ...s, records: s.records.map((r) => ({ key: decodeValue(r.key) as IDBValidKey, value: decodeValue(r.value) })) })),
  }));
  for (const db of plan) {
    for (const s of db.stores) {
      for (const r of s.records) {
        try {
          indexedDB.cmp(r.key, r.key);
        } catch {
          throw new Error(`The backup is damaged at ${db.name}/${s.name}: a record has an invalid key.`);
        }
      }
    }
    await checkKeyPaths(db.name, db.stores);
  }
  const restored: string[] = [];
  for (const db of plan) {
    const handle = await openWith(db.name, db.stores);
    try {
      const names = db.stores.map((s) => s.name);
      if (!names.length) continue;
      const tx = handle.transaction(names, 'readwrite');
      const committed = promisifyRequest(tx);
      try {
        for (const s of db.stores) {
          const store = tx.objectStore(s.name);
          store.clear();
          for (const r of s.records) {
            if (store.keyPath === null) store.put(r.value, r.key);
            else store.put(r.value);
          }
        }
      } catch (e) {
        // A put that throws (a value without its key, say) does not end the transaction by itself: abort it, so
        // the clear and the puts before it are not kept.
        tx.abort();
        await committed.catch(() => undefined);
        throw new Error(`${db.name} was left as it was: ${(e as Error).message}`);
      }
      await committed;
      restored.push(db.name);
    } finally {
      handle.close();
    }
  }
  return restored;
}
