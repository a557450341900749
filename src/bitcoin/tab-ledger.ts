/**
 * `TabLedger`: one in-memory regtest ledger shared by every tab of an origin, so a demo (or a test) can run
 * two "users" in two tabs that spend what the other broadcast. Play money only — never a real chain.
 *
 * Each tab keeps its own `MemoryIndexer` replica and the shared truth is an append-only log of operations
 * in IndexedDB (`darkswap-ledger-<name>`): `fund` (a labelled funding output; funds commute) and `tx` (a raw
 * transaction). Every read first replays the log entries this replica has not applied, in log order. A
 * broadcast runs under a Web Lock named after the ledger: replay, validate against the replayed state
 * (signatures, unspent inputs, value, runes/alkanes rules — `MemoryIndexer.broadcast`), then append; so two
 * tabs never accept conflicting spends and all replicas apply transactions in the same order. `mine()` (and
 * `autoMine`, a block after every accepted transaction) is logged the same way. The log
 * survives reloads (until `clear()` or the site's storage is cleared). `patch` is not replicated.
 */
import { createStore, del, get, update, type UseStore } from 'idb-keyval';
import { Transaction } from '@scure/btc-signer';
import { fromHex } from './bytes.js';
import { MemoryIndexer, type FundOptions } from './memory-wallet.js';
import { PARSE_TX_OPTS } from './psbt-build.js';
import type { BitcoinNetwork } from './network.js';
import type { AssetBalance, OutputInfo, SpendInfo, TxStatus } from './wallet.js';

interface FundOp {
  readonly op: 'fund';
  readonly id: string;
  readonly address: string;
  readonly value: string;
  readonly runes: readonly { id: string; amount: string }[];
  readonly alkanes: readonly { id: string; amount: string }[];
  readonly confirmations?: number;
}

interface TxOp {
  readonly op: 'tx';
  readonly id: string;
  readonly hex: string;
}

interface MineOp {
  readonly op: 'mine';
  readonly id: string;
  readonly blocks: number;
}

type LedgerOp = FundOp | TxOp | MineOp;

export interface TabLedgerOptions {
  readonly network?: BitcoinNetwork;
  /** Mine a block after every accepted transaction, so its outputs are spendable at once (demos). */
  readonly autoMine?: boolean;
}

const LOG_KEY = 'ops';
const wire = (list: readonly AssetBalance[] | undefined) => (list ?? []).map((b) => ({ id: b.id, amount: b.amount.toString() }));
const unwire = (list: readonly { id: string; amount: string }[]) => list.map((b) => ({ id: b.id, amount: BigInt(b.amount) }));

export class TabLedger extends MemoryIndexer {
  /** The ledger's name: tabs using the same name share it. */
  readonly name: string;
  readonly #db: UseStore;
  readonly #applied = new Set<string>();
  /** Log entries already looked at (applied, or mine and applied before they were written). */
  #cursor = 0;
  /** Writes and replays, one at a time in call order. */
  #queue: Promise<unknown> = Promise.resolve();

  readonly autoMine: boolean;

  constructor(name: string, options: TabLedgerOptions = {}) {
    super(options.network ?? 'regtest');
    this.autoMine = options.autoMine ?? false;
    if (!/^[\w-]{1,64}$/.test(name)) throw new Error('A ledger name is 1–64 letters, digits, - or _.');
    this.name = name;
    this.#db = createStore(`darkswap-ledger-${name}`, 'log');
  }

  #serial<T>(job: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(job, job);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Creates a confirmed output on every replica. It exists here at once; `synced()` resolves once it is in
   * the shared log (reads and broadcasts from this tab wait for it anyway).
   */
  override fund(address: string, value: bigint, options: FundOptions = {}): OutputInfo {
    const id = options.label ?? crypto.randomUUID();
    const info = super.fund(address, value, { ...options, label: id });
    this.#applied.add(`fund:${id}`);
    const op: FundOp = {
      op: 'fund',
      id,
      address,
      value: value.toString(),
      runes: wire(options.runes),
      alkanes: wire(options.alkanes),
      ...(options.confirmations !== undefined ? { confirmations: options.confirmations } : {}),
    };
    void this.#serial(() => update<LedgerOp[]>(LOG_KEY, (old) => [...(old ?? []), op], this.#db));
    return info;
  }

  /** Resolves once this replica has written its own operations and applied everyone else's. */
  synced(): Promise<void> {
    return this.#serial(() => this.#replay());
  }

  async #replay(): Promise<void> {
    const log = (await get<LedgerOp[]>(LOG_KEY, this.#db)) ?? [];
    for (; this.#cursor < log.length; this.#cursor++) {
      const op = log[this.#cursor]!;
      const key = `${op.op}:${op.id}`;
      if (this.#applied.has(key)) continue;
      this.#applied.add(key);
      if (op.op === 'mine') {
        super.mine(op.blocks);
      } else if (op.op === 'fund') {
        super.fund(op.address, BigInt(op.value), {
          label: op.id,
          runes: unwire(op.runes),
          alkanes: unwire(op.alkanes),
          ...(op.confirmations !== undefined ? { confirmations: op.confirmations } : {}),
        });
      } else {
        // Accepted once by a replica holding the same earlier log, so it applies here too.
        await super.broadcast(op.hex).catch((e: unknown) => console.error(`[darkswap] ledger ${this.name}: logged tx ${op.id} did not apply:`, e));
      }
    }
  }

  override async getOutputs(outpoints: readonly string[]): Promise<readonly OutputInfo[]> {
    await this.synced();
    return super.getOutputs(outpoints);
  }

  override async listSpendable(address: string): Promise<readonly OutputInfo[]> {
    await this.synced();
    return super.listSpendable(address);
  }

  override async txStatus(txid: string): Promise<TxStatus> {
    await this.synced();
    return super.txStatus(txid);
  }

  override async spentBy(outpoint: string): Promise<SpendInfo | undefined> {
    await this.synced();
    return super.spentBy(outpoint);
  }

  /** Validates against the shared ledger and appends; resolves to the txid, rejects with the reason. */
  override broadcast(txHex: string): Promise<string> {
    return this.#serial(async () => await navigator.locks.request(`darkswap-ledger-${this.name}`, () => this.#append(txHex)));
  }

  /** Under the ledger's lock: catch up, validate, then log (and mine, with `autoMine`). */
  async #append(txHex: string): Promise<string> {
    await this.#replay();
    const known = await super.txStatus(Transaction.fromRaw(fromHex(txHex), PARSE_TX_OPTS).id);
    const txid = await super.broadcast(txHex);
    // A transaction the ledger already has (a second broadcast of it) is not logged again.
    if (known.state !== 'unknown' || this.#applied.has(`tx:${txid}`)) return txid;
    this.#applied.add(`tx:${txid}`);
    const ops: LedgerOp[] = [{ op: 'tx', id: txid, hex: txHex }];
    if (this.autoMine) ops.push(this.#mineLocally(1));
    await update<LedgerOp[]>(LOG_KEY, (old) => [...(old ?? []), ...ops], this.#db);
    return txid;
  }

  #mineLocally(blocks: number): MineOp {
    super.mine(blocks);
    const op: MineOp = { op: 'mine', id: crypto.randomUUID(), blocks };
    this.#applied.add(`mine:${op.id}`);
    return op;
  }

  /** Mines `blocks` blocks on every replica (every output gains that many confirmations). */
  override mine(blocks = 1): Promise<void> {
    if (!Number.isSafeInteger(blocks) || blocks < 1) return Promise.reject(new Error('blocks must be a positive integer'));
    return this.#serial(
      async () =>
        await navigator.locks.request(`darkswap-ledger-${this.name}`, async () => {
          await this.#replay();
          const op = this.#mineLocally(blocks);
          await update<LedgerOp[]>(LOG_KEY, (old) => [...(old ?? []), op], this.#db);
        }),
    );
  }

  /** Empties the shared log (every tab's next replica starts from nothing; live replicas keep their state). */
  async clear(): Promise<void> {
    await this.#serial(() => del(LOG_KEY, this.#db));
  }
}
