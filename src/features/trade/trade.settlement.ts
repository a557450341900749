/**
 * After my signature left: a late but valid `complete`, what the chain source says (the swap seen → `done`;
 * an input spent by another transaction → `replaced` or `cancelled-on-chain`), and my cancel on chain. Part of
 * the state machine (`stepTrade` calls these); pure.
 */
import { Builder, noStep } from './trade.step.js';
import { isTerminal, myInputs, swapInputs, type ChainView, type TradeInput, type TradeRecord, type TradeStep } from './trade.record.js';

/**
 * A failed seller whose signature is out still takes the buyer's `complete` (a valid late one turns the failure
 * into `done`), its check and the publish result — unless it already cancelled on chain.
 */
export function lateCompletion(r: TradeRecord, input: TradeInput): boolean {
  if (r.state !== 'failed' || r.role !== 'seller' || !r.mySignatureOut || r.cancelTx) return false;
  if (input.kind === 'message') return input.message.t === 'complete';
  return input.kind === 'final-checked' || input.kind === 'published' || input.kind === 'publish-failed';
}

/** What the chain source says, applied: the swap seen → `done`; an input spent by another transaction → `failed`. */
export function chainStep(r: TradeRecord, view: ChainView, now: number): TradeStep {
  if (!r.myTxid) return noStep(r, 'no swap to watch');
  const inputs = swapInputs(r);
  const mine = new Set(myInputs(r));
  const mySpends = view.spends.filter((_, i) => mine.has(inputs[i]!));
  const allConfirmed = mySpends.length > 0 && mySpends.every((s) => !!s && s.confirmations > 0);
  if (view.swap.state !== 'unknown') {
    const settlement = view.swap.state;
    const cleared = settlement === 'confirmed' && allConfirmed;
    if (r.state === 'done' && r.settlement === settlement && !!r.exposureCleared === cleared) return noStep(r, 'nothing new on chain');
    const b = new Builder(r, now).set({ settlement, exposureCleared: cleared, txid: r.myTxid });
    if (r.state !== 'done') b.set({ failure: undefined }).to('done').notice('completed');
    return b.done();
  }
  const i = view.spends.findIndex((s) => !!s && s.txid !== r.myTxid);
  // Not seen and no input spent otherwise (a swap seen before and gone from the mempool waits here too).
  if (i < 0) return noStep(r, 'nothing new on chain');
  const other = view.spends[i]!;
  const cancelled = r.cancelTx?.txid === other.txid;
  const code = cancelled ? 'cancelled-on-chain' : 'replaced';
  if (r.state === 'failed' && r.failure?.code === code && !!r.exposureCleared === allConfirmed) return noStep(r, 'nothing new on chain');
  const b = new Builder(r, now).set({ exposureCleared: allConfirmed, settlement: undefined });
  if (r.state === 'failed' && r.failure?.code === code) return b.done();
  const where = other.confirmations > 0 ? 'in a block' : 'in the mempool';
  const message = cancelled
    ? `Your cancel ${other.txid} took your inputs back (${where}): the swap can no longer confirm.`
    : `${mine.has(inputs[i]!) ? 'Your input' : "The counterparty's input"} ${inputs[i]} was spent by transaction ${other.txid} (${where}), not by the swap ${r.myTxid}: the swap can no longer confirm.`;
  const failure = { code, by: cancelled ? 'me' : 'peer', message } as const;
  if (!isTerminal(r.state)) b.message('abort', { code: 'cancelled', message: cancelled ? 'cancelled on chain' : `input spent by ${other.txid}` });
  b.to('failed')
    .set({ failure })
    .notice(r.state === 'done' ? 'settlement-changed' : 'failed');
  return b.done();
}

/** My cancel on chain is out: the trade ends (the peer is told) and the watcher follows the cancel. */
export function cancelledOnChain(r: TradeRecord, input: Extract<TradeInput, { kind: 'cancelled-on-chain' }>, now: number): TradeStep {
  if (!r.mySignatureOut || r.exposureCleared) return noStep(r, 'nothing to cancel on chain');
  const b = new Builder(r, now).set({ cancelTx: { txid: input.txid, tx: input.tx, fee: input.fee } });
  if (isTerminal(r.state)) return b.done();
  return b
    .fail(
      { code: 'cancelled-on-chain', by: 'me', message: `You spent your inputs back to yourself (transaction ${input.txid}): the swap can no longer confirm.` },
      { code: 'cancelled', message: 'cancelled on chain' },
    )
    .done();
}
