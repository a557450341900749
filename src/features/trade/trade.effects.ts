/**
 * The work the trade state machine asks for (`TradeEffect`), done against the Bitcoin layer: build and verify
 * the swap PSBT, verify the seller's signed PSBT, sign through `verifyThenSign` (the only path to the wallet),
 * finalize and broadcast, check the final transaction. Each effect resolves to the input that reports its result
 * back to the state machine; the engine applies it.
 */
import { basisOf, digest, type TradeEffect, type TradeInput, type TradeRecord } from './trade.protocol.js';
import { fromBase64, loadBitcoin, toBase64, type TradeHost } from './trade.bitcoin.js';
import { buildReview, cancelContext, parseTrade, verifyContext } from './trade.bridge.js';

export { prepareContribution } from './trade.bridge.js';

/** Does one effect of a trade; resolves to the input that reports its result (throws only on an unexpected error). */
export async function runEffect(r: TradeRecord, host: TradeHost, effect: TradeEffect): Promise<TradeInput> {
  const { btc, signer } = await loadBitcoin();
  const parsed = parseTrade(btc, r);
  if (!parsed.ok) {
    if (effect.kind === 'sign') return { kind: 'sign-failed', code: 'TERMS_INVALID', message: parsed.message, stage: 'verify-own' };
    return { kind: 'verify-failed', code: 'TERMS_INVALID', message: parsed.message, stage: 'verify-own', terms: true };
  }
  const trade = parsed.trade;
  switch (effect.kind) {
    case 'verify': {
      const ctx = await verifyContext(btc, host, trade, r.role);
      const built = btc.buildSwapPsbt(trade.terms, trade.seller, trade.buyer);
      if (!built.ok) {
        return {
          kind: 'verify-failed',
          code: built.code,
          message: built.message,
          stage: 'verify-own',
          terms: built.code === 'TERMS_INVALID',
        };
      }
      const res = btc.verifySwapPsbt(built.psbt, ctx);
      if (!res.ok) return { kind: 'verify-failed', code: res.code, message: res.message, stage: 'verify-own' };
      return { kind: 'verified', txid: res.summary.txid, review: buildReview(btc, trade, r.role, res.summary, res.built, host.reviewText), basis: basisOf(r) };
    }
    case 'verify-peer-psbt': {
      const ctx = await verifyContext(btc, host, trade, r.role);
      const res = btc.verifySwapPsbt(fromBase64(r.peerPsbt!), ctx);
      if (!res.ok) return { kind: 'verify-failed', code: res.code, message: res.message, stage: 'verify-peer' };
      if (res.summary.txid !== r.myTxid) {
        return {
          kind: 'verify-failed',
          code: 'TXID_MISMATCH',
          message: `signed ${res.summary.txid}, agreed ${r.myTxid}`,
          stage: 'verify-peer',
        };
      }
      return { kind: 'peer-psbt-verified', review: buildReview(btc, trade, r.role, res.summary, res.built, host.reviewText), psbt: digest(r.peerPsbt!) };
    }
    case 'sign': {
      const ctx = await verifyContext(btc, host, trade, r.role);
      const res = await btc.verifyThenSign({
        terms: trade.terms,
        role: r.role,
        seller: trade.seller,
        buyer: trade.buyer,
        wallet: host.wallet,
        indexer: host.indexer,
        policy: ctx.policy,
        ...(r.role === 'buyer' && r.peerPsbt ? { peerPsbt: fromBase64(r.peerPsbt) } : {}),
      });
      if (!res.ok) return { kind: 'sign-failed', code: res.code, message: res.message, stage: res.stage };
      if (res.txid !== r.myTxid) return { kind: 'sign-failed', code: 'TXID_MISMATCH', message: `signed ${res.txid}, agreed ${r.myTxid}`, stage: 'verify-own' };
      return { kind: 'signed', psbt: toBase64(res.psbt) };
    }
    case 'finalize': {
      const prevouts = btc.prevoutsFrom([...trade.seller.inputs, ...trade.buyer.inputs]);
      const final = btc.finalizeSwap(fromBase64(effect.psbt), prevouts, r.myTxid);
      if (!final.ok) return { kind: 'broadcast-failed', message: `${final.code}: ${final.message}` };
      return { kind: 'finalized', txid: final.txid, tx: final.txHex };
    }
    case 'publish': {
      const watched = !!host.chain;
      if (!r.finalTx || !r.txid) return { kind: 'publish-failed', message: 'no final transaction to publish', watched };
      let published: string;
      try {
        published = await host.broadcast(r.finalTx);
      } catch (e) {
        return { kind: 'publish-failed', message: e instanceof Error ? e.message : String(e), watched };
      }
      if (published.toLowerCase() !== r.txid) return { kind: 'publish-failed', message: `the broadcaster reported txid ${published}, not ${r.txid}`, watched };
      return { kind: 'published', watched };
    }
    case 'check-final': {
      const raw = btc.fromHex(effect.tx);
      let txid: string;
      try {
        txid = signer.Transaction.fromRaw(raw, btc.PARSE_TX_OPTS).id;
      } catch (e) {
        return { kind: 'final-checked', ok: false, code: 'TX_INVALID', message: `not a transaction: ${(e as Error).message}` };
      }
      if (txid !== effect.txid || r.txid !== effect.txid)
        return { kind: 'final-checked', ok: false, code: 'TXID_MISMATCH', message: `transaction ${txid}, agreed ${effect.txid}` };
      const sigs = btc.verifyTransactionSignatures(raw, btc.prevoutsFrom([...trade.seller.inputs, ...trade.buyer.inputs]));
      if (!sigs.ok) return { kind: 'final-checked', ok: false, code: sigs.code, message: sigs.message, tx: digest(effect.tx) };
      return { kind: 'final-checked', ok: true, tx: digest(effect.tx) };
    }
  }
}

/**
 * My cancel on chain for a trade whose signature is out: built, verified, signed (`cancelThenSign`, the only
 * path to the wallet) and broadcast. Throws with the reason when any of it fails.
 */
export async function signCancel(r: TradeRecord, host: TradeHost): Promise<{ txid: string; txHex: string; fee: bigint }> {
  const { btc } = await loadBitcoin();
  const parsed = parseTrade(btc, r);
  if (!parsed.ok) throw new Error(`The trade's terms do not parse: ${parsed.message}`);
  const signed = await btc.cancelThenSign(host.wallet, await cancelContext(btc, host, parsed.trade, r.role));
  if (!signed.ok) throw new Error(`the cancel was not signed (${signed.code}): ${signed.message}`);
  const published = await host.broadcast(signed.txHex);
  if (published.toLowerCase() !== signed.txid) throw new Error(`the broadcaster reported txid ${published}, not ${signed.txid}`);
  return signed;
}
