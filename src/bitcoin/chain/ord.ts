/**
 * The ord server's JSON API (`ord server --index-runes`, every request with `Accept: application/json`):
 * runes and inscriptions per output (`GET /output/<txid:vout>`), rune names to ids (`GET /rune/<name>`) and the
 * chain it indexes (`GET /status`). `/output` answers with rune amounts as bare u128 JSON numbers, keyed by
 * spaced rune name: `{"outpoint", "transaction", "value", "script_pubkey", "address", "spent", "indexed",
 * "inscriptions": [...], "runes": {"NAME•X": {"amount", "divisibility", "symbol"}}}` (older servers send
 * `runes` as a list of `[name, {amount, …}]` pairs: both are read). Each answer is checked against the
 * question: the outpoint and transaction it names, non-negative amounts, and a rune entry named as asked.
 */
import * as v from 'valibot';
import type { BitcoinNetwork } from '../wire.js';
import type { AssetBalance, AssetInfo } from '../wallet.js';
import { ChainError } from './chain-error.js';
import { ChainHttp, HexSchema, parseJson, preview, UIntSchema, validate, type HttpOptions, type Reply } from './http.js';
import { ORD_CHAIN_NAMES } from './networks.js';
import { parseOutpoint } from './outpoint.js';

const SOURCE = 'ord';
const JSON_ACCEPT = 'application/json';
const RuneIdText = v.pipe(v.string(), v.regex(/^[0-9]{1,20}:[0-9]{1,10}$/));
const Pile = v.object({
  amount: UIntSchema,
  divisibility: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(38)),
  symbol: v.nullish(v.string()),
});
const OutputSchema = v.object({
  outpoint: v.optional(v.string()),
  transaction: v.optional(v.string()),
  value: UIntSchema,
  script_pubkey: HexSchema,
  address: v.nullish(v.string()),
  spent: v.optional(v.boolean()),
  indexed: v.optional(v.boolean()),
  inscriptions: v.nullish(v.pipe(v.array(v.pipe(v.string(), v.regex(/^[0-9a-f]{64}i[0-9]{1,10}$/))), v.maxLength(10_000))),
  runes: v.nullish(v.union([v.record(v.string(), Pile), v.array(v.tuple([v.string(), Pile]))])),
});
const RuneSchema = v.object({
  id: RuneIdText,
  entry: v.object({
    spaced_rune: v.string(),
    divisibility: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(38)),
    symbol: v.nullish(v.string()),
  }),
});
const StatusSchema = v.object({ chain: v.string(), height: v.nullish(v.pipe(v.number(), v.safeInteger(), v.minValue(0))) });

/** What ord says about one output. */
export interface OrdOutput {
  readonly outpoint: string;
  readonly value: bigint;
  readonly scriptPubKey: string;
  readonly spent: boolean | undefined;
  readonly runes: readonly AssetBalance[];
  readonly inscriptions: readonly string[];
}

export interface OrdOptions extends HttpOptions {
  readonly network: BitcoinNetwork;
}

/** Rune names are immutable once etched: a name's id is kept for the page's life (bounded). */
const NAME_TTL_MS = 3_600_000;

export class OrdClient {
  readonly network: BitcoinNetwork;
  readonly http: ChainHttp;
  #networkChecked: Promise<void> | undefined;

  constructor(baseUrl: string, options: OrdOptions) {
    this.network = options.network;
    this.http = new ChainHttp(SOURCE, baseUrl, options);
  }

  #json<S extends v.GenericSchema>(path: string, schema: S, r: Reply): v.InferOutput<S> {
    if (r.status < 200 || r.status >= 300) throw new ChainError(SOURCE, 'http', `${path}: HTTP ${r.status} ${preview(r.text)}`, { status: r.status });
    return validate(SOURCE, schema, parseJson(SOURCE, r.text, path), path);
  }

  /** Resolves once ord's `/status` names the configured chain. */
  checkNetwork(signal?: AbortSignal): Promise<void> {
    this.#networkChecked ??= this.http
      .get(
        '/status',
        (r) => {
          const s = this.#json('/status', StatusSchema, r);
          if (s.chain !== ORD_CHAIN_NAMES[this.network])
            throw new ChainError(SOURCE, 'wrong-network', `${this.http.base} indexes ${preview(s.chain, 20)}, not ${this.network}`);
        },
        { signal, accept: JSON_ACCEPT, ttlMs: 0 },
      )
      .catch((e: unknown) => {
        this.#networkChecked = undefined;
        throw e;
      });
    return this.#networkChecked;
  }

  /** The rune with this spaced name (or `block:tx` id), or undefined when ord has none. */
  async rune(nameOrId: string, signal?: AbortSignal): Promise<AssetInfo | undefined> {
    if (!/^([A-Z•.]{1,40}|[0-9]{1,20}:[0-9]{1,10})$/.test(nameOrId))
      throw new ChainError(SOURCE, 'bad-request', `"${nameOrId.slice(0, 60)}" is not a rune name or id`);
    await this.checkNetwork(signal);
    const path = `/rune/${encodeURIComponent(nameOrId)}`;
    const r = await this.http.get(path, (reply) => (reply.status === 404 ? undefined : this.#json(path, RuneSchema, reply)), {
      signal,
      accept: JSON_ACCEPT,
      ttlMs: NAME_TTL_MS,
    });
    if (!r) return undefined;
    const asked = nameOrId.includes(':') ? r.id : r.entry.spaced_rune.replace(/[•.]/g, '');
    if (asked !== nameOrId.replace(/[•.]/g, ''))
      throw new ChainError(SOURCE, 'inconsistent', `${path}: asked for ${nameOrId}, got ${preview(r.entry.spaced_rune, 40)} (${r.id})`);
    return { id: r.id, name: r.entry.spaced_rune, divisibility: r.entry.divisibility, ...(r.entry.symbol ? { symbol: r.entry.symbol } : {}) };
  }

  /** Runes and inscriptions on an output, or undefined when ord does not know it (404). */
  async output(outpoint: string, signal?: AbortSignal): Promise<OrdOutput | undefined> {
    const o = parseOutpoint(SOURCE, outpoint);
    const key = `${o.txid}:${o.vout}`;
    await this.checkNetwork(signal);
    const path = `/output/${key}`;
    const out = await this.http.get(path, (r) => (r.status === 404 ? undefined : this.#json(path, OutputSchema, r)), { signal, accept: JSON_ACCEPT });
    if (!out) return undefined;
    if (out.outpoint !== undefined && out.outpoint.toLowerCase() !== key)
      throw new ChainError(SOURCE, 'inconsistent', `${path}: asked for ${key}, got output ${preview(out.outpoint, 80)}`);
    if (out.transaction !== undefined && out.transaction.toLowerCase() !== o.txid)
      throw new ChainError(SOURCE, 'inconsistent', `${path}: asked for ${key}, got transaction ${preview(out.transaction, 80)}`);
    if (out.indexed === false) throw new ChainError(SOURCE, 'behind', `${path}: ord has not indexed this output yet`);
    if (out.inscriptions?.some((id) => !/^[0-9a-f]{64}i[0-9]+$/.test(id))) throw new ChainError(SOURCE, 'malformed', `${path}: a bad inscription id`);
    const piles = !out.runes ? [] : Array.isArray(out.runes) ? out.runes : Object.entries(out.runes);
    // Settled together (no request left running behind a failure), then the first failure wins.
    const settled = await Promise.allSettled(
      piles.map(async ([name, pile]) => {
        const info = await this.rune(name, signal);
        if (!info) throw new ChainError(SOURCE, 'inconsistent', `${path}: lists rune ${preview(name, 40)}, which /rune does not know`);
        if (info.divisibility !== pile.divisibility)
          throw new ChainError(SOURCE, 'inconsistent', `${path}: ${name} has divisibility ${pile.divisibility} here and ${info.divisibility} in /rune`);
        return { id: info.id, amount: pile.amount };
      }),
    );
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    const runes = settled.map((r) => (r as PromiseFulfilledResult<AssetBalance>).value);
    if (new Set(runes.map((r) => r.id)).size !== runes.length) throw new ChainError(SOURCE, 'inconsistent', `${path}: the same rune listed twice`);
    return {
      outpoint: key,
      value: out.value,
      scriptPubKey: out.script_pubkey,
      spent: out.spent,
      runes: runes.filter((r) => r.amount > 0n),
      inscriptions: out.inscriptions ?? [],
    };
  }
}
