// Indexer bench: `indexer_outpoint_lookup_ms_p50` — one outpoint looked up through the kit's chain adapters
// (ChainIndexer: Esplora tx + outspend + tip, ord output + rune name, alkanes JSON-RPC) against the local chain
// server (scripts/chain-server.mjs on 127.0.0.1), caches off, after a warm-up; median of `rounds`.
import { AlkanesClient } from '../src/bitcoin/chain/alkanes.js';
import { ChainIndexer } from '../src/bitcoin/chain/chain-indexer.js';
import { EsploraClient } from '../src/bitcoin/chain/esplora.js';
import { OrdClient } from '../src/bitcoin/chain/ord.js';

export async function indexerBench(base: string, outpoints: string[], rounds = 100): Promise<Record<string, number>> {
  const http = { network: 'regtest' as const, cacheTtlMs: 0, retries: 0 };
  const indexer = new ChainIndexer({
    esplora: new EsploraClient(`${base}/esplora`, http),
    ord: new OrdClient(`${base}/ord`, http),
    alkanes: new AlkanesClient(`${base}/alkanes`, http),
  });
  await indexer.checkNetwork();
  const times: number[] = [];
  for (let i = 0; i < rounds + 10; i++) {
    const outpoint = outpoints[i % outpoints.length]!;
    const t0 = performance.now();
    const [out] = await indexer.getOutputs([outpoint]);
    const ms = performance.now() - t0;
    if (!out || out.runes.length !== 1) throw new Error(`lookup of ${outpoint} failed`);
    if (i >= 10) times.push(ms);
  }
  times.sort((a, b) => a - b);
  return { indexer_outpoint_lookup_ms_p50: times[Math.floor(times.length / 2)]! };
}
