// Export and import of every IndexedDB store the kit keeps, on real IndexedDB: bytes, dates, big integers and
// `$`-keys survive the round trip through JSON; the identity key is skipped with its reason; a damaged, foreign
// or newer file changes nothing.
import { expect } from '@open-wc/testing';
import { decodeValue, encodeValue, exportAll, importAll, type BackupFile } from './settings.backup.js';
import { clearStore } from './settings.data.js';
import { loadIdentity } from '../../core/identity-store.js';
import { uniqueId } from '../../../test/harness.js';

function req<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

async function makeDb(name: string): Promise<void> {
  const open = indexedDB.open(name, 1);
  open.onupgradeneeded = () => {
    open.result.createObjectStore('orders', { keyPath: 'id' });
    open.result.createObjectStore('log', { autoIncrement: true });
  };
  const db = await req(open);
  const tx = db.transaction(['orders', 'log'], 'readwrite');
  tx.objectStore('orders').put({
    id: 'o1',
    psbt: new Uint8Array([1, 2, 255]),
    at: new Date('2026-12-05T08:00:00Z'),
    sats: 2n ** 70n,
    $weird: { $bytes: 'not bytes' },
  });
  tx.objectStore('orders').put({ id: 'o2', note: undefined, list: [1, 'x', null] });
  tx.objectStore('log').put('first');
  tx.objectStore('log').put({ n: 2 });
  await new Promise((r) => (tx.oncomplete = r));
  db.close();
}

async function readDb(name: string): Promise<{ orders: unknown[]; log: unknown[]; logKeys: IDBValidKey[] }> {
  const db = await req(indexedDB.open(name));
  const tx = db.transaction(['orders', 'log']);
  const out = {
    orders: await req(tx.objectStore('orders').getAll()),
    log: await req(tx.objectStore('log').getAll()),
    logKeys: await req(tx.objectStore('log').getAllKeys()),
  };
  db.close();
  return out;
}

describe('backup of every kit store (real IndexedDB)', function () {
  this.timeout(30_000);
  const name = `darkswap-test-${uniqueId('backup').replace(/[^\w-]/g, '-')}`.slice(0, 100);
  after(() => indexedDB.deleteDatabase(name));

  it('encodes structured values as JSON and back', () => {
    const value = { a: new Uint8Array([0, 9]), d: new Date(0), b: 5n, u: undefined, inf: Infinity, $k: { $bytes: 'x' }, nested: [{ x: new Uint8Array(0) }] };
    const back = decodeValue(JSON.parse(JSON.stringify(encodeValue(value)))) as typeof value;
    expect(back).to.deep.equal(value);
    expect(() => encodeValue(new Map())).to.throw();
  });

  it('export → clear → import restores every record; the identity is skipped with its reason', async () => {
    await loadIdentity(`backup-${Math.random().toString(36).slice(2)}`);
    await makeDb(name);
    const before = await readDb(name);
    const file: BackupFile = JSON.parse(JSON.stringify(await exportAll()));
    expect(file.databases.map((d) => d.name)).to.include(name);
    expect(file.skipped.map((s) => s.name)).to.include.members(['darkswap-identity', 'darkswap-file-share']);
    await clearStore({ name, kind: 'indexeddb' });
    expect((await readDb(name)).orders).to.deep.equal([]);
    const restored = await importAll(file);
    expect(restored).to.include(name);
    expect(await readDb(name)).to.deep.equal(before);
  });

  it('a damaged, foreign or newer file is refused before anything is written', async () => {
    const file: BackupFile = JSON.parse(JSON.stringify(await exportAll()));
    const before = await readDb(name);
    const damaged = structuredClone(file);
    const mine = damaged.databases.find((d) => d.name === name)!;
    mine.stores[0]!.records = 'gone' as never;
    // Put another database first, so a half-done import would have written it already.
    damaged.databases.unshift({ name: `${name}-other`, stores: [{ name: 's', keyPath: null, autoIncrement: false, records: [{ key: 'k', value: 1 }] }] });
    let error = '';
    await importAll(damaged).catch((e: Error) => (error = e.message));
    expect(error).to.match(/^The backup is damaged at databases\.\d+\.stores\.0\.records/);
    expect(
      (await indexedDB.databases()).some((d) => d.name === `${name}-other`),
      'nothing written',
    ).to.equal(false);
    expect(await readDb(name)).to.deep.equal(before);
    expect(await importAll({ kind: 'something' }).catch((e: Error) => e.message)).to.equal('This file is not a DarkSwap backup.');
    expect(await importAll({ ...file, format: 99 }).catch((e: Error) => e.message)).to.match(/newer version of the kit/);
    const foreign = { ...file, databases: [{ name: 'someone-else', stores: [] }] };
    expect(await importAll(foreign).catch((e: Error) => e.message)).to.contain('is not a DarkSwap database');
  });

  it('a record that cannot be put, a key path that does not fit, or the identity database: refused, nothing lost', async () => {
    const file: BackupFile = JSON.parse(JSON.stringify(await exportAll()));
    const before = await readDb(name);
    // A value without its inline key: the put throws inside the transaction, which is aborted (the clear too).
    const noKey = structuredClone(file);
    const orders = noKey.databases.find((d) => d.name === name)!.stores.find((st) => st.name === 'orders')!;
    orders.records = [...orders.records, { key: 'o3', value: { note: 'no id' } }];
    const e1 = await importAll(noKey).catch((e: Error) => e.message);
    expect(e1).to.be.a('string');
    expect(await readDb(name), 'the clear was not kept').to.deep.equal(before);
    // Another key path than the store here: refused before anything is written.
    const otherPath = structuredClone(file);
    otherPath.databases.find((d) => d.name === name)!.stores.find((st) => st.name === 'orders')!.keyPath = 'ref';
    expect(await importAll(otherPath).catch((e: Error) => e.message)).to.contain('does not fit the store here');
    // An invalid key in an out-of-line store.
    const badKey = structuredClone(file);
    badKey.databases.find((d) => d.name === name)!.stores.find((st) => st.name === 'log')!.records[0]!.key = true;
    expect(await importAll(badKey).catch((e: Error) => e.message)).to.contain('invalid key');
    // The identity database is never restored from a file (export never writes it).
    const identity = { ...file, databases: [{ name: 'darkswap-identity', stores: [{ name: 'keys', keyPath: null, autoIncrement: false, records: [] }] }] };
    expect(await importAll(identity).catch((e: Error) => e.message)).to.contain('never exported');
    expect(await readDb(name)).to.deep.equal(before);
  });
});
