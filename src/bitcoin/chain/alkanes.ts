/**
 * An alkanes indexer's JSON-RPC (metashrew with the alkanes view, as served by sandshrew-style endpoints):
 * alkane balances per outpoint. There is no published schema for it; this is the format implemented here,
 * the one the Oyl SDK speaks:
 *
 *   → {"jsonrpc":"2.0","id":1,"method":"alkanes_protorunesbyoutpoint",
 *      "params":[{"txid":"<txid in internal byte order, i.e. the display hex reversed>","vout":0,"protocolTag":"1"},"latest"]}
 *   ← {"jsonrpc":"2.0","id":1,"result":[{"token":{"id":{"block":"0x2","tx":"0x1"},"name":"…","symbol":"…"},"value":"0x5dc"}]}
 *
 * Numbers in `block`, `tx` and `value` are `0x` hex or decimal strings (or JSON integers). An empty list means
 * no alkanes. The network is checked with `btc_getblockhash [0]` (the hash of block 0). A JSON-RPC `error`
 * member becomes an `http` ChainError with the server's message.
 */
import * as v from 'valibot';
import type { BitcoinNetwork } from '../wire.js';
import type { AssetBalance } from '../wallet.js';
import { ChainError } from './chain-error.js';
import { ChainHttp, parseJson, preview, validate, type HttpOptions } from './http.js';
import { GENESIS_HASHES, networkOfGenesis } from './networks.js';
import { parseOutpoint } from './outpoint.js';

const SOURCE = 'alkanes';
/** ALKANES_PROTOCOL_TAG, as the RPC wants it. */
const PROTOCOL_TAG = '1';

const Num = v.pipe(
  v.union([v.pipe(v.number(), v.safeInteger()), v.pipe(v.string(), v.regex(/^(0x[0-9a-fA-F]{1,32}|-?[0-9]{1,39})$/))]),
  v.transform((n) => BigInt(n)),
  v.check((n) => n >= 0n, 'a negative number'),
);
const ReplySchema = v.object({
  jsonrpc: v.literal('2.0'),
  id: v.union([v.number(), v.string(), v.null()]),
  result: v.optional(v.unknown()),
  error: v.optional(v.object({ code: v.number(), message: v.string() })),
});
const BalancesSchema = v.pipe(
  v.array(v.object({ token: v.object({ id: v.object({ block: Num, tx: Num }), name: v.nullish(v.string()), symbol: v.nullish(v.string()) }), value: Num })),
  v.maxLength(1_000),
);

export interface AlkanesOptions extends HttpOptions {
  readonly network: BitcoinNetwork;
  readonly genesisHash?: string;
}

/** Display hex ↔ internal byte order. */
export const reverseHex = (hex: string): string => hex.match(/../g)!.reverse().join('');

export class AlkanesClient {
  readonly network: BitcoinNetwork;
  readonly http: ChainHttp;
  readonly #genesis: string;
  #networkChecked: Promise<void> | undefined;

  constructor(url: string, options: AlkanesOptions) {
    this.network = options.network;
    this.http = new ChainHttp(SOURCE, url, options);
    this.#genesis = (options.genesisHash ?? GENESIS_HASHES[options.network]).toLowerCase();
  }

  /** One read-only JSON-RPC call (retried and cached like a GET): its `result`. */
  call(method: string, params: readonly unknown[], signal?: AbortSignal, ttlMs?: number): Promise<unknown> {
    const id = 1;
    const body = JSON.stringify({ jsonrpc: '2.0', id, method, params });
    return this.http.get(
      '',
      (r) => {
        // JSON-RPC servers answer errors with 200 or with 4xx and an `error` member; anything else is a failure.
        const reply = r.text.trim().startsWith('{') ? validate(SOURCE, ReplySchema, parseJson(SOURCE, r.text, method), method) : undefined;
        if (!reply)
          throw new ChainError(SOURCE, r.status >= 300 ? 'http' : 'malformed', `${method}: HTTP ${r.status} ${preview(r.text)}`, { status: r.status });
        if (reply.id !== id) throw new ChainError(SOURCE, 'inconsistent', `${method}: the answer is for request ${String(reply.id)}, not ${id}`);
        if (reply.error)
          throw new ChainError(SOURCE, 'http', `${method}: ${preview(reply.error.message, 200)} (code ${reply.error.code})`, { status: r.status });
        if (!('result' in reply)) throw new ChainError(SOURCE, 'malformed', `${method}: neither result nor error`);
        return reply.result;
      },
      { signal, body, ...(ttlMs !== undefined ? { ttlMs } : {}) },
    );
  }

  checkNetwork(signal?: AbortSignal): Promise<void> {
    this.#networkChecked ??= this.call('btc_getblockhash', [0], signal, 0)
      .then((result) => {
        const hash = validate(SOURCE, v.pipe(v.string(), v.regex(/^[0-9a-fA-F]{64}$/), v.toLowerCase()), result, 'btc_getblockhash');
        if (hash !== this.#genesis) {
          throw new ChainError(SOURCE, 'wrong-network', `${this.http.base} serves ${networkOfGenesis(hash) ?? 'another network'}, not ${this.network}`);
        }
      })
      .catch((e: unknown) => {
        this.#networkChecked = undefined;
        throw e;
      });
    return this.#networkChecked;
  }

  /** The alkanes an outpoint holds (protocol tag 1), summed per id. */
  async protorunes(outpoint: string, signal?: AbortSignal): Promise<AssetBalance[]> {
    const o = parseOutpoint(SOURCE, outpoint);
    await this.checkNetwork(signal);
    const method = 'alkanes_protorunesbyoutpoint';
    const result = await this.call(method, [{ txid: reverseHex(o.txid), vout: o.vout, protocolTag: PROTOCOL_TAG }, 'latest'], signal);
    const list = validate(SOURCE, BalancesSchema, result, method);
    const sums = new Map<string, bigint>();
    for (const b of list) {
      const id = `${b.token.id.block}:${b.token.id.tx}`;
      sums.set(id, (sums.get(id) ?? 0n) + b.value);
    }
    return [...sums].filter(([, amount]) => amount > 0n).map(([id, amount]) => ({ id, amount }));
  }
}
