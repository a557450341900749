// The simulator's trade (bench/sim-page.js): a rune sale between the two simulator pages over their impaired link,
// with the same in-memory pieces the two-tab trade tests use — one `TabLedger` shared by both pages (IndexedDB +
// Web Locks, same origin), a `MemoryWallet` each, and the real trade engine on each page's connection service
// (`TradeFeature`, the `trade` channel). Each side accepts and confirms by itself; the buyer proposes.
import { MemoryWallet, TabLedger } from '../src/bitcoin/index.js';
import type { ConnectionApi } from '../src/core/connection-api.js';
import { TradeFeature } from '../src/features/trade/trade.feature.js';
import type { TradeState } from '../src/features/trade/trade.types.js';

const RUNE = '840000:3';

interface Side {
  role: 'seller' | 'buyer';
  ledger: TabLedger;
  wallet: MemoryWallet;
  feature: TradeFeature;
  leave: () => void;
  auto: ReturnType<typeof setInterval>;
}

let side: Side | undefined;

/** Joins the trade on `service` as `role`, funded on ledger `ledgerName` (the seller with 1,500 units of a rune, the buyer with 100,000 sats). */
export async function tradeSetup(service: ConnectionApi, role: 'seller' | 'buyer', ledgerName: string): Promise<string[]> {
  tradeClose();
  const ledger = new TabLedger(ledgerName, { autoMine: true });
  const wallet = new MemoryWallet(`${role}-${ledgerName}`, { indexer: ledger });
  if (role === 'seller') ledger.fund(wallet.address('p2tr'), 10_000n, { runes: [{ id: RUNE, amount: 1500n }] });
  else ledger.fund(wallet.address('p2wpkh'), 100_000n);
  await ledger.synced();
  const feature = new TradeFeature(service, `darkswap-sim-trade-${role}-${ledgerName}`);
  const leave = feature.join({
    host: () => ({ wallet, indexer: ledger, broadcast: (hex) => ledger.broadcast(hex), feeRateBand: { min: 1n, max: 50n }, chain: ledger }),
  });
  await feature.engine.ready;
  // A user who accepts every proposal and confirms every review (what the two-tab tests click).
  const acted = new Set<string>();
  const auto = setInterval(() => {
    for (const t of feature.engine.trades) {
      const key = `${t.id}:${t.state}`;
      if (acted.has(key)) continue;
      if (t.state === 'incoming' && role === 'seller') {
        acted.add(key);
        void feature.engine.accept(t.id).catch(() => acted.delete(key));
      } else if (t.state === 'review') {
        acted.add(key);
        void feature.engine.confirm(t.id).catch(() => acted.delete(key));
      }
    }
  }, 50);
  side = { role, ledger, wallet, feature, leave, auto };
  return [wallet.address('p2tr'), wallet.address('p2wpkh')];
}

/** Buyer: proposes to buy 1,000 units for 50,000 sats at 2 sat/vB from `seller`; resolves to the trade id. */
export function tradePropose(seller: string): Promise<string> {
  if (side?.role !== 'buyer') throw new Error('tradePropose: this page is not the buyer');
  return side.feature.engine.propose(seller, {
    role: 'buyer',
    terms: { version: 1, network: 'regtest', asset: { kind: 'rune', id: RUNE }, amount: '1000', priceSats: '50000', feeRate: '2', assetOutputValue: '546' },
  });
}

/**
 * Waits up to `ms` for trade `id` to end; `{ state, txid, failure, runeAtBuyer }` where runeAtBuyer is what the
 * shared ledger holds at output 0 of the txid (the rune moved to the buyer, checked on the ledger itself).
 */
export async function tradeResult(
  id: string,
  ms: number,
): Promise<{ state: TradeState | 'missing'; txid: string | null; failure: string | null; runes: string[]; address: string | null }> {
  if (!side) throw new Error('tradeResult: no trade set up');
  const until = performance.now() + ms;
  let t = side.feature.engine.get(id);
  while (!(t && (t.state === 'done' || t.state === 'failed')) && performance.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    t = side.feature.engine.get(id);
  }
  if (!t) return { state: 'missing', txid: null, failure: null, runes: [], address: null };
  const txid = t.myTxid ?? null;
  let runes: string[] = [];
  let address: string | null = null;
  if (t.state === 'done' && txid) {
    await side.ledger.synced();
    const [out] = await side.ledger.getOutputs([`${txid}:0`]);
    runes = (out?.runes ?? []).map((r) => `${r.id}=${r.amount}`);
    address = out?.address ?? null;
  }
  return { state: t.state, txid, failure: t.failure?.message ?? null, runes, address };
}

export function tradeClose(): void {
  if (!side) return;
  clearInterval(side.auto);
  side.leave();
  side.feature.dispose();
  side = undefined;
}
