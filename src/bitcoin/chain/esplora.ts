/**
 * Esplora-compatible HTTP (Blockstream's electrs, mempool.space's backend, and their self-hosted copies): what
 * an output holds in BTC, whether it is spent and by what, where a transaction is, the tip height, fee
 * estimates and broadcast. Every answer is checked against the documented shapes and against the question
 * (the transaction asked for, the outpoint a spender spends); the network is checked once, by the hash of
 * block 0. Endpoints (relative to the base URL, e.g. `https://host/api`):
 * `GET /block-height/0`, `/blocks/tip/height`, `/tx/:txid`, `/tx/:txid/hex`, `/tx/:txid/outspend/:vout`,
 * `/address/:address/utxo`, `/fee-estimates`; `POST /tx` (raw hex body → txid).
 */
import * as v from 'valibot';
import type { BitcoinNetwork } from '../wire.js';
import type { SpendInfo, TxStatus } from '../wallet.js';
import { ChainError } from './chain-error.js';
import { ChainHttp, HexSchema, parseJson, preview, TxidSchema, UIntSchema, validate, type HttpOptions, type Reply } from './http.js';
import { GENESIS_HASHES, networkOfGenesis } from './networks.js';
import { parseOutpoint, type Outpoint } from './outpoint.js';

const SOURCE = 'esplora';
const Height = v.pipe(v.number(), v.safeInteger(), v.minValue(0));

const StatusSchema = v.object({
  confirmed: v.boolean(),
  block_height: v.optional(Height),
  block_hash: v.optional(v.string()),
});
const TxSchema = v.object({
  txid: TxidSchema,
  vin: v.array(v.object({ txid: TxidSchema, vout: v.pipe(v.number(), v.safeInteger(), v.minValue(0)) })),
  vout: v.array(
    v.object({
      scriptpubkey: HexSchema,
      scriptpubkey_address: v.optional(v.string()),
      value: UIntSchema,
    }),
  ),
  status: StatusSchema,
});
export type EsploraTx = v.InferOutput<typeof TxSchema>;

const OutspendSchema = v.variant('spent', [
  v.object({ spent: v.literal(false) }),
  v.object({ spent: v.literal(true), txid: TxidSchema, vin: v.pipe(v.number(), v.safeInteger(), v.minValue(0)), status: StatusSchema }),
]);
const UtxosSchema = v.pipe(
  v.array(v.object({ txid: TxidSchema, vout: v.pipe(v.number(), v.safeInteger(), v.minValue(0)), value: UIntSchema, status: StatusSchema })),
  v.maxLength(10_000),
);
const FeeEstimatesSchema = v.record(v.pipe(v.string(), v.regex(/^[1-9][0-9]{0,3}$/)), v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(100_000)));

/** What Esplora says about one output (no assets: those come from ord and the alkanes indexer). */
export interface EsploraOutput {
  readonly outpoint: string;
  readonly value: bigint;
  readonly scriptPubKey: string;
  readonly address?: string;
  readonly spent: boolean;
  readonly confirmations: number;
}

export interface EsploraOptions extends HttpOptions {
  /** The network the server must serve (checked against the hash of its block 0). */
  readonly network: BitcoinNetwork;
  /** Block 0 of a custom signet (default: the network's). */
  readonly genesisHash?: string;
}

/** The node's reason in a rejected broadcast, in plain words (Esplora wraps bitcoind's JSON-RPC error). */
export function rejectionReason(text: string): string {
  const json = /\{.*\}/s.exec(text)?.[0];
  if (json) {
    try {
      const e = JSON.parse(json) as { message?: unknown; code?: unknown };
      if (typeof e.message === 'string') return `${e.message}${typeof e.code === 'number' ? ` (code ${e.code})` : ''}`.slice(0, 300);
    } catch {
      // not JSON after all: the text as it is
    }
  }
  return preview(text, 300);
}

export class EsploraClient {
  readonly network: BitcoinNetwork;
  readonly http: ChainHttp;
  readonly #genesis: string;
  #networkChecked: Promise<void> | undefined;

  constructor(baseUrl: string, options: EsploraOptions) {
    this.network = options.network;
    this.http = new ChainHttp(SOURCE, baseUrl, options);
    this.#genesis = (options.genesisHash ?? GENESIS_HASHES[options.network]).toLowerCase();
  }

  #ok(path: string, r: Reply): string {
    if (r.status >= 200 && r.status < 300) return r.text;
    throw new ChainError(SOURCE, 'http', `${path}: HTTP ${r.status} ${preview(r.text)}`, { status: r.status });
  }

  #json<S extends v.GenericSchema>(path: string, schema: S, signal?: AbortSignal, ttlMs?: number): Promise<v.InferOutput<S>> {
    return this.http.get(path, (r) => validate(SOURCE, schema, parseJson(SOURCE, this.#ok(path, r), path), path), {
      signal,
      ...(ttlMs !== undefined ? { ttlMs } : {}),
    });
  }

  /** Resolves once the server is known to serve the configured network (asked once; a failure is asked again). */
  checkNetwork(signal?: AbortSignal): Promise<void> {
    this.#networkChecked ??= this.http
      .get(
        '/block-height/0',
        (r) => {
          const hash = this.#ok('/block-height/0', r).trim().toLowerCase();
          if (!/^[0-9a-f]{64}$/.test(hash)) throw new ChainError(SOURCE, 'malformed', `/block-height/0: not a block hash (${preview(hash)})`);
          if (hash !== this.#genesis) {
            const is = networkOfGenesis(hash);
            throw new ChainError(
              SOURCE,
              'wrong-network',
              `${this.http.base} serves ${is ?? 'another network'} (block 0 ${hash.slice(0, 16)}…), not ${this.network}`,
            );
          }
        },
        { signal, ttlMs: 0 },
      )
      .catch((e: unknown) => {
        this.#networkChecked = undefined;
        throw e;
      });
    return this.#networkChecked;
  }

  async tipHeight(signal?: AbortSignal): Promise<number> {
    await this.checkNetwork(signal);
    return this.http.get(
      '/blocks/tip/height',
      (r) => {
        const text = this.#ok('/blocks/tip/height', r).trim();
        if (!/^[0-9]{1,9}$/.test(text)) throw new ChainError(SOURCE, 'malformed', `/blocks/tip/height: not a height (${preview(text)})`);
        return Number(text);
      },
      { signal },
    );
  }

  /** The transaction, or undefined when the server does not know it (404). */
  async tx(txid: string, signal?: AbortSignal): Promise<EsploraTx | undefined> {
    const id = validate(SOURCE, TxidSchema, txid, 'txid');
    await this.checkNetwork(signal);
    const path = `/tx/${id}`;
    const tx = await this.http.get(path, (r) => (r.status === 404 ? undefined : validate(SOURCE, TxSchema, parseJson(SOURCE, this.#ok(path, r), path), path)), {
      signal,
    });
    if (tx && tx.txid !== id) throw new ChainError(SOURCE, 'inconsistent', `${path}: asked for transaction ${id}, got ${tx.txid}`);
    return tx;
  }

  async #confirmations(status: v.InferOutput<typeof StatusSchema>, what: string, signal?: AbortSignal): Promise<number> {
    if (!status.confirmed) return 0;
    if (status.block_height === undefined) throw new ChainError(SOURCE, 'malformed', `${what}: confirmed without a block height`);
    const tip = await this.tipHeight(signal);
    // A tip read a moment before the block arrived: the transaction is at least in one block.
    return Math.max(1, tip - status.block_height + 1);
  }

  async txStatus(txid: string, signal?: AbortSignal): Promise<TxStatus> {
    const tx = await this.tx(txid, signal);
    if (!tx) return { state: 'unknown', confirmations: 0 };
    const confirmations = await this.#confirmations(tx.status, `/tx/${tx.txid}`, signal);
    return { state: confirmations > 0 ? 'confirmed' : 'mempool', confirmations };
  }

  /** Raw hex of a transaction, or undefined. */
  async txHex(txid: string, signal?: AbortSignal): Promise<string | undefined> {
    const id = validate(SOURCE, TxidSchema, txid, 'txid');
    await this.checkNetwork(signal);
    const path = `/tx/${id}/hex`;
    return this.http.get(path, (r) => (r.status === 404 ? undefined : validate(SOURCE, HexSchema, this.#ok(path, r).trim(), path)), { signal, ttlMs: 60_000 });
  }

  /** The transaction spending an outpoint, checked: it exists and its input `vin` really spends the outpoint. */
  async spentBy(outpoint: string, signal?: AbortSignal): Promise<SpendInfo | undefined> {
    const o = parseOutpoint(SOURCE, outpoint);
    await this.checkNetwork(signal);
    const path = `/tx/${o.txid}/outspend/${o.vout}`;
    const s = await this.http.get(
      path,
      (r) => (r.status === 404 ? undefined : validate(SOURCE, OutspendSchema, parseJson(SOURCE, this.#ok(path, r), path), path)),
      {
        signal,
      },
    );
    if (!s?.spent) return undefined;
    const spender = await this.tx(s.txid, signal);
    // Gone between the two reads (replaced in the mempool): not spent as far as anyone can show.
    if (!spender) return undefined;
    const input = spender.vin[s.vin];
    if (!input || input.txid !== o.txid || input.vout !== o.vout) {
      throw new ChainError(SOURCE, 'inconsistent', `${path}: says ${s.txid} input ${s.vin} spends ${o.txid}:${o.vout}, but that input spends something else`);
    }
    return { txid: s.txid, confirmations: await this.#confirmations(spender.status, `/tx/${s.txid}`, signal) };
  }

  /** One output's BTC side, or undefined when the transaction or the output does not exist. */
  async output(outpoint: string | Outpoint, signal?: AbortSignal): Promise<EsploraOutput | undefined> {
    const o = typeof outpoint === 'string' ? parseOutpoint(SOURCE, outpoint) : outpoint;
    const tx = await this.tx(o.txid, signal);
    const out = tx?.vout[o.vout];
    if (!tx || !out) return undefined;
    const [spend, confirmations] = await Promise.all([this.spentBy(`${o.txid}:${o.vout}`, signal), this.#confirmations(tx.status, `/tx/${o.txid}`, signal)]);
    return {
      outpoint: `${o.txid}:${o.vout}`,
      value: out.value,
      scriptPubKey: out.scriptpubkey,
      ...(out.scriptpubkey_address ? { address: out.scriptpubkey_address } : {}),
      spent: !!spend,
      confirmations,
    };
  }

  /** Outpoints the server lists as unspent for an address (the caller has checked the address's network). */
  async utxos(address: string, signal?: AbortSignal): Promise<{ outpoint: string; value: bigint }[]> {
    if (!/^[a-zA-Z0-9]{14,100}$/.test(address)) throw new ChainError(SOURCE, 'bad-request', `"${address.slice(0, 80)}" is not an address`);
    await this.checkNetwork(signal);
    const path = `/address/${address}/utxo`;
    // Coin selection wants a fresh list: kept only briefly.
    const list = await this.#json(path, UtxosSchema, signal, 2_000);
    return list.map((u) => ({ outpoint: `${u.txid}:${u.vout}`, value: u.value }));
  }

  /** Esplora's fee estimates: confirmation target (blocks) → sat/vB. */
  async feeEstimates(signal?: AbortSignal): Promise<Map<number, number>> {
    await this.checkNetwork(signal);
    const record = await this.#json('/fee-estimates', FeeEstimatesSchema, signal, 30_000);
    return new Map(Object.entries(record).map(([k, rate]) => [Number(k), rate] as const));
  }

  /**
   * The fee rate (sat/vB, rounded up) to confirm within `targetBlocks`: the estimate for the smallest target at
   * or above it, else the slowest there is; undefined when the server has no estimates (an empty regtest).
   */
  async feeRate(targetBlocks = 3, signal?: AbortSignal): Promise<bigint | undefined> {
    const estimates = [...(await this.feeEstimates(signal))].sort((a, b) => a[0] - b[0]);
    if (estimates.length === 0) return undefined;
    const pick = estimates.find(([t]) => t >= targetBlocks) ?? estimates[estimates.length - 1]!;
    return BigInt(Math.max(1, Math.ceil(pick[1])));
  }

  /**
   * Publishes a raw transaction once (never retried: it may have reached the node even when no answer came
   * back). Resolves to the txid; a refusal is a `rejected` ChainError carrying the node's reason.
   */
  async broadcast(txHex: string, signal?: AbortSignal): Promise<string> {
    const hex = validate(SOURCE, v.pipe(v.string(), v.regex(/^([0-9a-fA-F]{2})+$/), v.maxLength(800_000)), txHex, 'transaction hex');
    await this.checkNetwork(signal);
    let r: Reply;
    try {
      r = await this.http.post('/tx', hex, { signal });
    } catch (e) {
      if (e instanceof ChainError) {
        throw new ChainError(SOURCE, e.code, `${e.message.replace(/^esplora: /, '')}; the transaction may or may not have reached the node`, { cause: e });
      }
      throw e;
    }
    this.http.clearCache();
    if (r.status < 200 || r.status >= 300) {
      throw new ChainError(SOURCE, 'rejected', `the node refused the transaction: ${rejectionReason(r.text)}`, { status: r.status });
    }
    const txid = r.text.trim().toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(txid))
      throw new ChainError(SOURCE, 'malformed', `POST /tx: the answer is not a txid (${preview(r.text)}); the transaction may have been accepted`);
    return txid;
  }
}
