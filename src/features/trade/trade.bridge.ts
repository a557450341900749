/**
 * The trade path's bridge to the Bitcoin layer, loaded lazily with it (trade.bitcoin.ts `loadBitcoin()`: the
 * widget's own chunk holds no Bitcoin code, and none of this): my contribution from the host's wallet and indexer (coin selection), the verification context, and the
 * plain-words "what you sign" review built from the verifier's summary. No Bitcoin rule is re-implemented
 * here: building, verifying, signing and finalizing are the Bitcoin layer's (`verifyThenSign` is the only
 * path to a wallet's `signPsbt`).
 */
import type { BuiltSwap } from '../../bitcoin/psbt-build.js';
import type { SwapSummary, VerifyContext, VerifyPolicy } from '../../bitcoin/psbt-verify.js';
import type { CancelContext } from '../../bitcoin/cancel.js';
import type { BuyerContribution, SellerContribution, SwapInput, SwapRole, SwapTerms } from '../../bitcoin/terms.js';
import type { OutputInfo, WalletAccount } from '../../bitcoin/wallet.js';
import type { BuyerContributionWire, ContributionWire, SellerContributionWire, TradeRecord } from './trade.protocol.js';
import type { TradeReview } from './trade.types.js';
import { ENGLISH_REVIEW_TEXT, type ReviewText } from './trade.review-text.js';
import { fmt, sats, type BitcoinModule, type TradeHost } from './trade.bitcoin.js';
const short = (txid: string): string => `${txid.slice(0, 8)}…${txid.slice(-4)}`;

// ---- my contribution -----------------------------------------------------------------------------------------

interface Owned {
  readonly info: OutputInfo;
  readonly account: WalletAccount;
}

async function ownedOutputs(btc: BitcoinModule, host: TradeHost, network: SwapTerms['network']): Promise<{ accounts: WalletAccount[]; owned: Owned[] }> {
  const accounts = (await host.wallet.getAccounts()).filter(
    (a) => (a.addressType === 'p2wpkh' || a.addressType === 'p2tr') && btc.addressToScript(a.address, network),
  );
  const scriptOf = new Map(accounts.map((a) => [btc.toHex(btc.addressToScript(a.address, network)!), a] as const));
  const listed = host.wallet.listUtxos ? await host.wallet.listUtxos() : (await Promise.all(accounts.map((a) => host.indexer.listSpendable(a.address)))).flat();
  // The indexer is the authority on value, spent state and assets: re-read every candidate from it.
  const infos = await host.indexer.getOutputs(listed.map((o) => o.outpoint));
  const owned: Owned[] = [];
  for (const info of infos) {
    const account = scriptOf.get(info.scriptPubKey.toLowerCase());
    if (account && !info.spent && info.confirmations >= 1 && info.inscriptions.length === 0) owned.push({ info, account });
  }
  return { accounts, owned };
}

function swapInput(o: Owned): SwapInput {
  const [txid, vout] = o.info.outpoint.split(':') as [string, string];
  return {
    txid,
    vout: Number(vout),
    value: o.info.value,
    scriptPubKey: o.info.scriptPubKey.toLowerCase(),
    addressType: o.account.addressType as 'p2wpkh' | 'p2tr',
    // Taproot inputs name their x-only internal key (the account's compressed key without its prefix byte).
    publicKey:
      o.account.addressType === 'p2tr' && o.account.publicKey.length === 66 ? o.account.publicKey.slice(2).toLowerCase() : o.account.publicKey.toLowerCase(),
  };
}

const pick = (accounts: WalletAccount[], purpose: WalletAccount['purpose'], type: WalletAccount['addressType']): WalletAccount | undefined =>
  accounts.find((a) => a.purpose === purpose && a.addressType === type) ?? accounts.find((a) => a.addressType === type) ?? accounts[0];

/**
 * My side of a swap from my wallet: the seller's UTXOs holding the asset (and nothing else of value to
 * runes/alkanes rules), or the buyer's BTC-only UTXOs covering price, asset output and fee. UTXOs in
 * `reserved` (in flight in other trades) are never used.
 */
export async function prepareContribution(
  btc: BitcoinModule,
  host: TradeHost,
  terms: SwapTerms,
  role: SwapRole,
  reserved: ReadonlySet<string>,
): Promise<{ ok: true; contribution: ContributionWire } | { ok: false; message: string }> {
  if (host.wallet.network !== terms.network) return { ok: false, message: `your wallet is on ${host.wallet.network}, the trade on ${terms.network}` };
  const { accounts, owned } = await ownedOutputs(btc, host, terms.network);
  if (accounts.length === 0) return { ok: false, message: 'your wallet has no P2WPKH or P2TR account' };
  const free = owned.filter((o) => !reserved.has(o.info.outpoint));
  const payment = pick(accounts, 'payment', 'p2wpkh')!;
  const ordinals = pick(accounts, 'ordinals', 'p2tr')!;
  const kind = terms.asset.kind;
  if (role === 'seller') {
    const holding = free
      .filter((o) => (kind === 'rune' ? o.info.alkanes.length === 0 : o.info.runes.length === 0))
      .filter((o) => (kind === 'rune' ? o.info.runes : o.info.alkanes).every((b) => b.id === terms.asset.id))
      .map((o) => ({ o, held: (kind === 'rune' ? o.info.runes : o.info.alkanes).find((b) => b.id === terms.asset.id)?.amount ?? 0n }))
      .filter((x) => x.held > 0n)
      .sort((a, b) => (b.held > a.held ? 1 : b.held < a.held ? -1 : 0));
    // Privacy and fee fairness: the smallest single output that holds the amount, else the fewest (largest first).
    const single = [...holding].reverse().find((x) => x.held >= terms.amount);
    const chosen: Owned[] = single ? [single.o] : [];
    let held = single ? single.held : 0n;
    for (const x of single ? [] : holding) {
      if (held >= terms.amount) break;
      chosen.push(x.o);
      held += x.held;
    }
    if (held < terms.amount)
      return { ok: false, message: `your wallet holds ${fmt(held)} of ${kind} ${terms.asset.id} in free outputs; the trade needs ${fmt(terms.amount)}` };
    const seller: SellerContribution = { inputs: chosen.map(swapInput), paymentAddress: payment.address, assetChangeAddress: ordinals.address };
    return { ok: true, contribution: { seller: btc.sellerToWire(seller) } };
  }
  const plain = free
    .filter((o) => o.info.runes.length === 0 && o.info.alkanes.length === 0)
    .sort((a, b) => (b.info.value > a.info.value ? 1 : b.info.value < a.info.value ? -1 : 0));
  // Price + the asset output + a generous fee estimate (about 70 vB per input plus 250 vB of the rest).
  const need = (n: number): bigint => terms.priceSats + terms.assetOutputValue + terms.feeRate * BigInt(250 + 70 * n);
  // Privacy: the smallest single coin that covers it (my largest coin is not shown to a stranger), else the fewest.
  const single = [...plain].reverse().find((o) => o.info.value >= need(1));
  const chosen: Owned[] = single ? [single] : [];
  let total = single ? single.info.value : 0n;
  for (const o of single ? [] : plain) {
    if (total >= need(chosen.length)) break;
    chosen.push(o);
    total += o.info.value;
  }
  if (total < need(chosen.length))
    return { ok: false, message: `your wallet has ${sats(total)} in free BTC-only outputs; the trade needs about ${sats(need(chosen.length))}` };
  const buyer: BuyerContribution = { inputs: chosen.map(swapInput), assetAddress: ordinals.address, changeAddress: payment.address };
  return { ok: true, contribution: { buyer: btc.buyerToWire(buyer) } };
}

// ---- verification context ------------------------------------------------------------------------------------

export interface ParsedTrade {
  readonly terms: SwapTerms;
  readonly seller: SellerContribution;
  readonly buyer: BuyerContribution;
}

/** Parses the record's terms and both contributions with the Bitcoin layer's rules. */
export function parseTrade(
  btc: BitcoinModule,
  r: Pick<TradeRecord, 'terms' | 'seller' | 'buyer'>,
): { ok: true; trade: ParsedTrade } | { ok: false; message: string } {
  const t = btc.parseTerms(r.terms);
  if (!t.ok) return { ok: false, message: t.message };
  if (!r.seller || !r.buyer) return { ok: false, message: 'a contribution is missing' };
  const s = btc.parseSellerContribution(r.seller as SellerContributionWire, t.terms.network);
  if (!s.ok) return { ok: false, message: s.message };
  const b = btc.parseBuyerContribution(r.buyer as BuyerContributionWire, t.terms.network);
  if (!b.ok) return { ok: false, message: b.message };
  const bad = btc.checkSwap(t.terms, s.seller, b.buyer);
  if (bad) return { ok: false, message: bad.message };
  return { ok: true, trade: { terms: t.terms, seller: s.seller, buyer: b.buyer } };
}

export async function verifyPolicy(btc: BitcoinModule, host: TradeHost, network: SwapTerms['network']): Promise<VerifyPolicy> {
  const accounts = await host.wallet.getAccounts();
  const myScripts = accounts.flatMap((a) => {
    const s = btc.addressToScript(a.address, network);
    return s ? [btc.toHex(s)] : [];
  });
  return { feeRateBand: host.feeRateBand, myScripts };
}

export async function verifyContext(btc: BitcoinModule, host: TradeHost, trade: ParsedTrade, role: SwapRole): Promise<VerifyContext> {
  const all = [...trade.seller.inputs, ...trade.buyer.inputs];
  const prevouts = await host.indexer.getOutputs(all.map((i) => btc.outpointKey(i.txid, i.vout)));
  return { terms: trade.terms, role, seller: trade.seller, buyer: trade.buyer, prevouts, policy: await verifyPolicy(btc, host, trade.terms.network) };
}

/**
 * What `cancelThenSign` needs to spend my inputs of a trade back to me: the plan (my inputs in the swap's
 * order, my own address — the asset change address for the seller, whose inputs carry the asset — twice the
 * swap's fee rate, at least my band's minimum, and above the swap's fee), the indexer's view of the inputs,
 * those already spent in a block, and my wallet's scripts.
 */
export async function cancelContext(btc: BitcoinModule, host: TradeHost, trade: ParsedTrade, role: SwapRole): Promise<CancelContext> {
  const { terms, seller, buyer } = trade;
  const inputs = role === 'seller' ? seller.inputs : buyer.inputs;
  const prevouts = await host.indexer.getOutputs(inputs.map((i) => btc.outpointKey(i.txid, i.vout)));
  const confirmedSpends = new Set<string>();
  for (const p of prevouts) {
    const by = await host.chain?.spentBy(p.outpoint);
    if (by && by.confirmations > 0) confirmedSpends.add(p.outpoint);
  }
  const swap = btc.buildSwapPsbt(terms, seller, buyer);
  const rates = [terms.feeRate * 2n, terms.feeRate + 1n, host.feeRateBand.min];
  const feeRate = rates.reduce((a, b) => (b > a ? b : a));
  return {
    plan: {
      network: terms.network,
      inputs,
      destination: role === 'seller' ? seller.assetChangeAddress : buyer.changeAddress,
      feeRate,
      replaceFee: swap.ok ? swap.fee : 0n,
      carries: { runes: prevouts.some((p) => p.runes.length > 0), alkanes: prevouts.some((p) => p.alkanes.length > 0) },
    },
    prevouts,
    confirmedSpends,
    myScripts: (await verifyPolicy(btc, host, terms.network)).myScripts ?? [],
  };
}

// ---- the review ----------------------------------------------------------------------------------------------

/**
 * The "what you sign" review in plain words, from the verifier's summary of the transaction I will sign, worded by
 * `t` (English by default; the widget passes its localized words, so the lines are in the page's language when the
 * review is built, right before it is shown).
 */
export function buildReview(
  btc: BitcoinModule,
  trade: ParsedTrade,
  role: SwapRole,
  summary: SwapSummary,
  built: BuiltSwap,
  t: ReviewText = ENGLISH_REVIEW_TEXT,
): TradeReview {
  const { terms } = trade;
  const asset = `${terms.asset.kind} ${terms.asset.id}`;
  const units = t.units(fmt(terms.amount), asset);
  const mine = role === 'seller' ? trade.seller.inputs : trade.buyer.inputs;
  const addressOf = (script: Uint8Array): string => btc.scriptToAddress(script, terms.network) ?? `script ${btc.toHex(script)}`;
  const myOutputRoles = role === 'seller' ? ['seller-payment', 'seller-asset-change'] : ['buyer-asset', 'buyer-change'];
  const outputs = built.outputs.map((o, i) =>
    o.role === 'op-return' ? `#${i}: ${t.role(o.role)}` : t.output(i, sats(o.amount), addressOf(o.script), t.role(o.role), myOutputRoles.includes(o.role)),
  );
  const myInputs = mine.map((i, n) => `#${summary.myInputs[n]}: ${short(i.txid)}:${i.vout}, ${sats(i.value)} (${i.addressType})`);
  const inputTotal = sats(mine.reduce((a, i) => a + i.value, 0n));
  const price = sats(terms.priceSats);
  const carrier = sats(terms.assetOutputValue);
  const send: string[] = [];
  const receive: string[] = [];
  if (role === 'seller') {
    send.push(t.sellerSends(units), t.sellerInputs(mine.length, inputTotal));
    receive.push(t.sellerReceives(price, sats(built.outputs[1]!.amount), addressOf(built.outputs[1]!.script)), t.sellerKeeps(asset, carrier));
  } else {
    send.push(t.buyerSends(price, sats(built.fee)), t.buyerInputs(mine.length, inputTotal));
    receive.push(
      t.buyerReceives(units, addressOf(built.outputs[0]!.script), carrier),
      t.buyerChange(built.hasBuyerChange ? sats(built.outputs[3]!.amount) : undefined),
    );
  }
  const net = summary.btcDelta >= 0n ? `+${sats(summary.btcDelta)}` : `−${sats(-summary.btcDelta)}`;
  const assetNet = `${summary.assetDelta >= 0n ? '+' : '−'}${fmt(summary.assetDelta < 0n ? -summary.assetDelta : summary.assetDelta)}`;
  receive.push(t.netEffect(net, assetNet, asset));
  const fee = t.fee(sats(built.fee), built.vsize, String(terms.feeRate), role === 'buyer');
  const rs = summary.runestone;
  const edict = (e: { amount: bigint; id: Parameters<BitcoinModule['formatRuneId']>[0]; output: number }, alkane: boolean): string =>
    t.edict(fmt(e.amount), btc.formatRuneId(e.id), e.output, alkane);
  const runestone = [
    ...rs.edicts.map((e) => edict(e, false)),
    t.pointer(rs.pointer),
    t.etching(!!rs.etching),
    ...(rs.otherFields.size ? [t.protocolField(rs.otherFields.get(16383n)?.length ?? 0)] : []),
  ];
  const ps = summary.protostone;
  const protostone = ps
    ? [
        `${t.protocolTag(String(ps.protocolTag))}${ps.protocolTag === 1n ? ' (alkanes)' : ''}`,
        ...ps.edicts.map((e) => edict(e, true)),
        t.protostonePointers(ps.pointer === undefined ? undefined : String(ps.pointer), ps.refund === undefined ? undefined : String(ps.refund)),
        t.otherFields(ps.otherFields.size > 0),
      ]
    : [];
  return { txid: summary.txid, role, send, receive, fee, runestone, protostone, outputs, myInputs };
}
