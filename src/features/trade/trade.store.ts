/**
 * Persistence of trades: every trade record in IndexedDB (so a reload resumes it), the history of finished
 * trades with their txids, and a signed, hash-chained audit log that can be exported as JSON and verified
 * by anyone with the exported public key.
 *
 * One IndexedDB database per store name (default `darkswap-trade`), one object store `trades`, keys
 * `trade:<id>` (a `TradeRecord`) and `audit` (the array of entries). One writer per store name at a time
 * (one widget per page); appends are serialised inside a store instance.
 *
 * Audit entry = `{seq, at, tradeId, event, detail, key, prev, sig}` (appends under a Web Lock per store name):
 * - `prev` = sha256 hex of the previous entry's canonical text plus its signature (64 zeros for the first);
 * - canonical = `JSON.stringify([seq, at, tradeId, event, detail, key, prev])`;
 * - `sig` = Ed25519 signature by `key` (the connection service's identity) over
 *   `domainMessage('darkswap/trade-audit/v1', canonical)`, 128 hex.
 * An export ends with a head `{count, last, at, key, sig}` signed over
 * `domainMessage('darkswap/trade-audit-head/v1', JSON.stringify([count, last, at, key]))`; verifying requires it.
 * Messages received from the peer are logged with their digest and the peer's signature over it.
 */
import { createStore, del, entries, get, update, type UseStore } from 'idb-keyval';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { bytesToHex, hexToBytes } from '../../core/bytes.js';
import * as v from 'valibot';
import { domainMessage, verifySignature, type Identity } from '../../core/identity.js';
import { isTerminal, type TradeRecord } from './trade.protocol.js';

export const DEFAULT_TRADE_STORE = 'darkswap-trade';
export const AUDIT_TAG = 'darkswap/trade-audit/v1';
export const AUDIT_EXPORT_FORMAT = 'darkswap-trade-audit/v2';
export const AUDIT_HEAD_TAG = 'darkswap/trade-audit-head/v1';
const ZERO_HASH = '0'.repeat(64);
const TRADE_PREFIX = 'trade:';

export interface AuditEntry {
  readonly seq: number;
  readonly at: number;
  readonly tradeId: string;
  /** What happened: `proposed`, `sent:ready`, `received:signed`, `state:review`, `failed`, … */
  readonly event: string;
  /** Plain details (txid, reason, sha256 of a message). */
  readonly detail: string;
  /** Signer's identity key (64 hex). */
  readonly key: string;
  readonly prev: string;
  readonly sig: string;
}

/** The signed end of an export: `count` entries, the last one hashing to `last`, exported `at`, by `key`. */
export interface AuditHead {
  readonly count: number;
  readonly last: string;
  readonly at: number;
  readonly key: string;
  readonly sig: string;
}

export interface AuditExport {
  readonly format: typeof AUDIT_EXPORT_FORMAT;
  readonly exportedAt: number;
  readonly entries: readonly AuditEntry[];
  readonly head: AuditHead;
}

const AuditEntrySchema = v.strictObject({
  seq: v.pipe(v.number(), v.integer(), v.minValue(0)),
  at: v.pipe(v.number(), v.integer()),
  tradeId: v.string(),
  event: v.string(),
  detail: v.string(),
  key: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
  prev: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
  sig: v.pipe(v.string(), v.regex(/^[0-9a-f]{128}$/)),
});
const Hex64 = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/));
const AuditExportSchema = v.strictObject({
  format: v.literal(AUDIT_EXPORT_FORMAT),
  exportedAt: v.number(),
  entries: v.array(AuditEntrySchema),
  head: v.strictObject({
    count: v.pipe(v.number(), v.integer(), v.minValue(0)),
    last: Hex64,
    at: v.pipe(v.number(), v.integer()),
    key: Hex64,
    sig: v.pipe(v.string(), v.regex(/^[0-9a-f]{128}$/)),
  }),
});

const canonical = (e: Omit<AuditEntry, 'sig'>): string => JSON.stringify([e.seq, e.at, e.tradeId, e.event, e.detail, e.key, e.prev]);
const headCanonical = (h: Omit<AuditHead, 'sig'>): string => JSON.stringify([h.count, h.last, h.at, h.key]);
const entryHash = (e: AuditEntry): string => bytesToHex(sha256(utf8ToBytes(`${canonical(e)}\n${e.sig}`)));
/** sha256 hex of a text (message digests in the audit log). */
export { digest } from './trade.record.js';

/** A save that would overwrite a newer (or further advanced) stored state of the trade; nothing was stored. */
export class StaleTradeError extends Error {
  override readonly name = 'StaleTradeError';
  constructor(
    readonly tradeId: string,
    why: string,
  ) {
    super(`Trade ${tradeId} was not saved: ${why}.`);
  }
}

export class TradeStore {
  readonly name: string;
  readonly #db: UseStore;
  #chain: Promise<unknown> = Promise.resolve();

  constructor(name: string = DEFAULT_TRADE_STORE) {
    this.name = name;
    this.#db = createStore(name, 'trades');
  }

  /**
   * Saves a record if it is newer than the stored one (compare-and-set on `rev`, in one IndexedDB
   * transaction) and never moves backwards: a terminal trade stays terminal, "my signature is out" stays
   * set. Otherwise rejects with a `StaleTradeError` and stores nothing.
   */
  async save(record: TradeRecord): Promise<void> {
    await update<TradeRecord>(
      TRADE_PREFIX + record.id,
      (old) => {
        if (old) {
          const stale = (old.rev ?? 0) >= (record.rev ?? 0) && record.rev !== undefined;
          if (stale) throw new StaleTradeError(record.id, `revision ${record.rev} is not newer than the stored ${old.rev}`);
          if (old.mySignatureOut && !record.mySignatureOut) throw new StaleTradeError(record.id, 'my signature is out in the stored state');
          if (isTerminal(old.state) && !isTerminal(record.state)) throw new StaleTradeError(record.id, `the stored trade is already ${old.state}`);
        }
        return record;
      },
      this.#db,
    );
  }

  async get(id: string): Promise<TradeRecord | undefined> {
    return get<TradeRecord>(TRADE_PREFIX + id, this.#db);
  }

  async remove(id: string): Promise<void> {
    await del(TRADE_PREFIX + id, this.#db);
  }

  /** Every trade, newest first. */
  async list(): Promise<TradeRecord[]> {
    const all = await entries<string, unknown>(this.#db);
    return all
      .filter(([k]) => typeof k === 'string' && k.startsWith(TRADE_PREFIX))
      .map(([, value]) => value as TradeRecord)
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  /** Finished trades (done or failed), newest first; completed ones carry their txid. */
  async history(): Promise<TradeRecord[]> {
    return (await this.list()).filter((r) => isTerminal(r.state));
  }

  /**
   * Appends one entry signed by `identity`; appends are chained in call order, and across the site's tabs
   * under a Web Lock named after the store (two writers never fork the hash chain).
   */
  appendAudit(identity: Identity, entry: { at: number; tradeId: string; event: string; detail?: string }): Promise<AuditEntry> {
    const append = async (): Promise<AuditEntry> => {
      const log = (await get<AuditEntry[]>('audit', this.#db)) ?? [];
      const last = log[log.length - 1];
      const unsigned = {
        seq: last ? last.seq + 1 : 0,
        at: entry.at,
        tradeId: entry.tradeId,
        event: entry.event,
        detail: entry.detail ?? '',
        key: identity.publicKey,
        prev: last ? entryHash(last) : ZERO_HASH,
      };
      const sig = bytesToHex(await identity.sign(domainMessage(AUDIT_TAG, canonical(unsigned))));
      const signed: AuditEntry = { ...unsigned, sig };
      await update<AuditEntry[]>(
        'audit',
        (old) => {
          const tail = old?.[old.length - 1];
          // Compare-and-set: the chain must still end where it did when this entry was chained to it.
          if ((tail ? entryHash(tail) : ZERO_HASH) !== signed.prev) throw new Error('the audit log changed while an entry was being signed');
          return [...(old ?? []), signed];
        },
        this.#db,
      );
      return signed;
    };
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    const run = async (): Promise<AuditEntry> =>
      locks ? ((await locks.request(`darkswap-trade-audit:${this.name}`, append)) as unknown as AuditEntry) : append();
    const next = this.#chain.then(run, run);
    this.#chain = next.catch(() => undefined);
    return next;
  }

  async audit(tradeId?: string): Promise<AuditEntry[]> {
    await this.#chain;
    const log = (await get<AuditEntry[]>('audit', this.#db)) ?? [];
    return tradeId ? log.filter((e) => e.tradeId === tradeId) : log;
  }

  /**
   * The whole audit log as JSON text (the chain only verifies whole, so there is no per-trade export), closed
   * by a head record signed by `identity`: how many entries, the hash of the last, when. An export cut short
   * at the tail no longer matches its head.
   */
  async exportAudit(identity: Identity, now = Date.now()): Promise<string> {
    const entries = await this.audit();
    const last = entries.length ? entryHash(entries[entries.length - 1]!) : ZERO_HASH;
    const unsigned = { count: entries.length, last, at: now, key: identity.publicKey };
    const sig = bytesToHex(await identity.sign(domainMessage(AUDIT_HEAD_TAG, headCanonical(unsigned))));
    const doc: AuditExport = { format: AUDIT_EXPORT_FORMAT, exportedAt: now, entries, head: { ...unsigned, sig } };
    return JSON.stringify(doc, null, 2);
  }
}

export type AuditVerdict = { ok: true; entries: number; keys: string[] } | { ok: false; index: number; reason: string };

/**
 * Verifies an exported audit log: its shape, the sequence numbers, the hash chain and every signature.
 * `trustedKeys`, when given, must contain every signer.
 */
export async function verifyAuditExport(json: string, trustedKeys?: readonly string[]): Promise<AuditVerdict> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return { ok: false, index: -1, reason: 'not JSON' };
  }
  const r = v.safeParse(AuditExportSchema, parsed);
  if (!r.success) return { ok: false, index: -1, reason: `not an audit export: ${r.issues[0].message}` };
  const keys = new Set<string>();
  let prev = ZERO_HASH;
  for (const [i, e] of r.output.entries.entries()) {
    if (e.seq !== i) return { ok: false, index: i, reason: `entry ${i} has seq ${e.seq}` };
    if (e.prev !== prev) return { ok: false, index: i, reason: `entry ${i} does not chain to the previous one` };
    if (trustedKeys && !trustedKeys.includes(e.key)) return { ok: false, index: i, reason: `entry ${i} is signed by an untrusted key` };
    const ok = await verifySignature(e.key, domainMessage(AUDIT_TAG, canonical(e)), hexToBytes(e.sig));
    if (!ok) return { ok: false, index: i, reason: `entry ${i} has a bad signature` };
    keys.add(e.key);
    prev = entryHash(e);
  }
  // The signed head: nothing was cut off at the tail, and the exporter stands behind it.
  const head = r.output.head;
  const n = r.output.entries.length;
  if (head.count !== n || head.last !== prev)
    return { ok: false, index: n, reason: `the head says ${head.count} entries ending in ${head.last.slice(0, 16)}…; the export has ${n}` };
  if (trustedKeys && !trustedKeys.includes(head.key)) return { ok: false, index: n, reason: 'the head is signed by an untrusted key' };
  if (n > 0 && !keys.has(head.key)) return { ok: false, index: n, reason: 'the head is not signed by a key of the log' };
  if (!(await verifySignature(head.key, domainMessage(AUDIT_HEAD_TAG, headCanonical(head)), hexToBytes(head.sig)))) {
    return { ok: false, index: n, reason: 'the head has a bad signature' };
  }
  return { ok: true, entries: n, keys: [...keys] };
}
