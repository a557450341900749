// Trade bench: `trade_swap_build_verify_ms` — build one BTC↔rune swap PSBT and verify it from both sides
// (what each peer does before any wallet is asked to sign), median of `rounds` after a warm-up.
import { buildSwapPsbt, createSwapScenario, verifySwapPsbt } from '../src/bitcoin/index.js';

export async function tradeBench(rounds = 50): Promise<Record<string, number>> {
  const times: number[] = [];
  for (let i = 0; i < rounds + 5; i++) {
    const s = createSwapScenario({ kind: i % 2 ? 'alkane' : 'rune' });
    const prevouts = [s.sellerAssetUtxo, ...s.buyerUtxos];
    const t0 = performance.now();
    const built = buildSwapPsbt(s.terms, s.seller, s.buyer);
    if (!built.ok) throw new Error(`build failed: ${built.code}`);
    for (const role of ['seller', 'buyer'] as const) {
      const verdict = verifySwapPsbt(built.psbt, { terms: s.terms, role, seller: s.seller, buyer: s.buyer, prevouts, policy: s.policy(role) });
      if (!verdict.ok) throw new Error(`${role} verification failed: ${verdict.code} ${verdict.message}`);
    }
    if (i >= 5) times.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 0));
  }
  times.sort((a, b) => a - b);
  return { trade_swap_build_verify_ms: times[Math.floor(times.length / 2)] };
}
