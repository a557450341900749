// One regtest ledger for a Chromium tab and a Firefox tab. The demo page's TabLedger is shared through the
// origin's IndexedDB, which two browsers do not share: a bridge copies each side's log entries it has not seen to the
// other (as a chain would carry both browsers' transactions), under the ledger's Web Lock, as TabLedger appends.
import { tabEval } from './tabs.js';

interface LedgerOp {
  op: string;
  id: string;
}

/**
 * Runs in a tab: appends the entries of `ops` this browser's log of ledger `name` lacks (same IndexedDB database
 * and store as TabLedger's idb-keyval store), and resolves to the whole log.
 */
export async function ledgerMerge(name: string, ops: LedgerOp[]): Promise<LedgerOp[]> {
  return await navigator.locks.request(
    `darkswap-ledger-${name}`,
    () =>
      new Promise<LedgerOp[]>((resolve, reject) => {
        const open = indexedDB.open(`darkswap-ledger-${name}`);
        open.onupgradeneeded = () => open.result.createObjectStore('log');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction('log', 'readwrite');
          const store = tx.objectStore('log');
          let all: LedgerOp[] = [];
          const get = store.get('ops');
          get.onsuccess = () => {
            const log = (get.result as LedgerOp[] | undefined) ?? [];
            const have = new Set(log.map((o) => `${o.op}:${o.id}`));
            const add = ops.filter((o) => !have.has(`${o.op}:${o.id}`));
            all = [...log, ...add];
            if (add.length > 0) store.put(all, 'ops');
          };
          tx.oncomplete = () => {
            db.close();
            resolve(all);
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
}

/** Keeps ledger `name` of tabs `a` and `b` in step until the returned function is called (it rethrows a failure). */
export function bridgeLedger(a: number, b: number, name: string): () => Promise<void> {
  let stopped = false;
  const run = (async () => {
    let fromA: LedgerOp[] = [];
    while (!stopped) {
      const logB = await tabEval<LedgerOp[]>(b, ledgerMerge, name, fromA);
      fromA = await tabEval<LedgerOp[]>(a, ledgerMerge, name, logB);
      await new Promise((r) => setTimeout(r, 150));
    }
  })();
  void run.catch(() => undefined); // reported when stopped
  return async () => {
    stopped = true;
    await run;
  };
}
