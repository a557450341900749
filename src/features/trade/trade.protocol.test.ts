// Pure tests of the trade state machine, its message schemas and the orderbook mapping: no network, no
// wallet, an explicit clock.
import { expect } from '@open-wc/testing';
import * as v from 'valibot';
import {
  basisOf,
  canCancel,
  digest,
  proposeTrade,
  receiveProposal,
  resumeRecord,
  resumeRequest,
  stepTrade,
  TradeMessageSchema,
  type ContributionWire,
  type ProposeMessage,
  type SequencedMessage,
  type TradeRecord,
  type TradeStep,
} from './trade.protocol.js';
import { checkAgainstOrder, proposalToTerms } from './trade.proposal.js';
import { DEFAULT_DEADLINES, type TradeReview } from './trade.types.js';

const T0 = 1_700_000_000_000;
const TXID = 'ab'.repeat(32);
const OTHER_TXID = 'cd'.repeat(32);
const KEY = '11'.repeat(32);
const terms = {
  version: 1,
  network: 'regtest',
  asset: { kind: 'rune', id: '840000:3' },
  amount: '1000',
  priceSats: '50000',
  feeRate: '2',
  assetOutputValue: '546',
} as const;
const input = {
  txid: 'ee'.repeat(32),
  vout: 0,
  value: '100000',
  scriptPubKey: '0014' + '22'.repeat(20),
  addressType: 'p2wpkh',
  publicKey: '02' + '33'.repeat(32),
} as const;
const buyerC: ContributionWire = { buyer: { inputs: [input], assetAddress: 'bcrt1q' + 'x'.repeat(30), changeAddress: 'bcrt1q' + 'y'.repeat(30) } };
const sellerC: ContributionWire = {
  seller: { inputs: [{ ...input, txid: 'ff'.repeat(32) }], paymentAddress: 'bcrt1q' + 'z'.repeat(30), assetChangeAddress: 'bcrt1p' + 'w'.repeat(30) },
};
const review = (role: 'seller' | 'buyer'): TradeReview => ({
  txid: TXID,
  role,
  send: [],
  receive: [],
  fee: '',
  runestone: [],
  protostone: [],
  outputs: [],
  myInputs: [],
});

/** Feeds inputs in order, each at its own time; returns every step. */
function run(start: TradeStep, ...inputs: [Parameters<typeof stepTrade>[1], number?][]): TradeStep[] {
  const steps = [start];
  for (const [inp, at] of inputs) steps.push(stepTrade(steps[steps.length - 1]!.record, inp, at ?? T0));
  return steps;
}
const last = (steps: TradeStep[]) => steps[steps.length - 1]!;
const msg = (seq: number, t: SequencedMessage['t'], body: unknown) => ({
  kind: 'message' as const,
  message: { v: 1, id: 'a'.repeat(32), seq, t, body } as SequencedMessage,
});

/** The seller's inputs from its accept to its wallet prompt (state `signing`). */
const toSigning: [Parameters<typeof stepTrade>[1], number?][] = [
  [{ kind: 'accept', contribution: sellerC }],
  [msg(1, 'contribute', buyerC)],
  [{ kind: 'verified', txid: TXID, review: review('seller') }],
  [msg(2, 'ready', { txid: TXID })],
  [{ kind: 'confirm' }],
];

/** The buyer proposes to the seller: both records. */
function pair(): { buyer: TradeStep; seller: TradeStep; propose: ProposeMessage } {
  const buyer = proposeTrade(
    { id: 'a'.repeat(32), peer: 'seller-peer', peerKey: KEY, role: 'buyer', terms, contribution: buyerC, deadlines: DEFAULT_DEADLINES },
    T0,
  );
  const propose = buyer.send[0] as ProposeMessage;
  const r = receiveProposal(propose, { peer: 'buyer-peer', peerKey: '22'.repeat(32) }, DEFAULT_DEADLINES, T0);
  if (!r.ok) throw new Error(r.reason);
  return { buyer, seller: r.step, propose };
}

describe('trade protocol (pure)', () => {
  it('validates every message with its schema: the proposal passes, extra fields and bad values do not', () => {
    const { propose } = pair();
    expect(v.is(TradeMessageSchema, propose)).to.equal(true);
    expect(v.is(TradeMessageSchema, { ...propose, extra: 1 })).to.equal(false);
    expect(v.is(TradeMessageSchema, { ...propose, body: { ...propose.body, terms: { ...terms, amount: '01' } } })).to.equal(false);
    expect(v.is(TradeMessageSchema, { v: 1, id: 'a'.repeat(32), seq: 3, t: 'ready', body: { txid: 'XY' } })).to.equal(false);
    expect(v.is(TradeMessageSchema, { v: 1, id: 'a'.repeat(32), seq: 3, t: 'abort', body: { code: 'whatever', message: '' } })).to.equal(false);
    expect(v.is(TradeMessageSchema, { v: 1, id: 'a'.repeat(32), t: 'resume', next: 1, sent: 2 })).to.equal(true);
    expect(v.is(TradeMessageSchema, { v: 1, id: 'a'.repeat(32), seq: 2, t: 'signed', body: { txid: TXID, psbt: 'not base64!' } })).to.equal(false);
  });

  it('walks the happy path on both sides, with the seller signing first and the buyer broadcasting', () => {
    const { buyer, seller } = pair();
    expect(buyer.record.state).to.equal('proposed');
    expect(seller.record).to.include({ state: 'incoming', role: 'seller', direction: 'in', recvNext: 1, deadline: T0 + DEFAULT_DEADLINES.accept });

    const s = run(
      seller,
      [{ kind: 'accept', contribution: sellerC }],
      [msg(1, 'contribute', buyerC)],
      [{ kind: 'verified', txid: TXID, review: review('seller') }],
    );
    expect(s[1]!.send.map((m) => m.t)).to.deep.equal(['accept']);
    expect(s[1]!.effects, 'no verification before the proposer’s coins are in').to.deep.equal([]);
    expect(s[2]!.effects).to.deep.equal([{ kind: 'verify' }]);
    expect(last(s).record.state).to.equal('awaiting-ready');
    expect(last(s).send.map((m) => [m.t, m.seq])).to.deep.equal([['ready', 1]]);

    const b = run(buyer, [msg(0, 'accept', sellerC)], [msg(1, 'ready', { txid: TXID })], [{ kind: 'verified', txid: TXID, review: review('buyer') }]);
    expect(b[1]!.effects).to.deep.equal([{ kind: 'verify' }]);
    expect(
      b[1]!.send.map((m) => [m.t, m.seq]),
      'my coins only after the accept',
    ).to.deep.equal([['contribute', 1]]);
    expect(b[2]!.record.state, 'the peer was faster: still verifying').to.equal('verifying');
    expect(last(b).record.state).to.equal('awaiting-signature');

    const s2 = run(last(s), [msg(2, 'ready', { txid: TXID })], [{ kind: 'confirm' }], [{ kind: 'signed', psbt: 'cHNidP8=' }]);
    expect(s2[1]!.record.state).to.equal('review');
    expect(s2[2]!.effects).to.deep.equal([{ kind: 'sign' }]);
    expect(last(s2).record).to.include({ state: 'awaiting-completion', mySignatureOut: true });
    expect(last(s2).send[0]).to.deep.include({ t: 'signed', body: { txid: TXID, psbt: 'cHNidP8=', until: last(s2).record.deadline } });
    expect(last(s2).notices).to.deep.equal([{ kind: 'signed' }]);
    expect(canCancel(last(s2).record)).to.equal(false);

    const b2 = run(
      last(b),
      [msg(2, 'signed', { txid: TXID, psbt: 'cHNidP8=' })],
      [{ kind: 'peer-psbt-verified', review: review('buyer') }, T0 + 5_000],
      [{ kind: 'confirm' }],
      [{ kind: 'signed', psbt: 'cHNidP8=' }],
      [{ kind: 'finalized', txid: TXID, tx: '0200' }],
      [{ kind: 'published', watched: true }],
    );
    expect(b2[1]!.effects).to.deep.equal([{ kind: 'verify-peer-psbt' }]);
    expect(b2[2]!.record).to.include({ state: 'review', deadline: T0 + 5_000 + DEFAULT_DEADLINES.sign });
    expect(b2[4]!.effects).to.deep.equal([{ kind: 'finalize', psbt: 'cHNidP8=' }]);
    // The final transaction is saved (and my signature counts as out) before anything is published.
    expect(b2[5]!.record).to.include({ state: 'broadcasting', finalTx: '0200', txid: TXID, mySignatureOut: true });
    expect(b2[5]!.effects).to.deep.equal([{ kind: 'publish' }]);
    expect(b2[5]!.send).to.deep.equal([]);
    expect(last(b2).record).to.include({ state: 'settling', txid: TXID });
    expect(last(b2).send[0]).to.deep.include({ t: 'complete', seq: 3 });
    // Done only when the chain source sees it.
    const seen = stepTrade(
      last(b2).record,
      {
        kind: 'chain',
        view: {
          swap: { state: 'mempool', confirmations: 0 },
          spends: [
            { txid: TXID, confirmations: 0 },
            { txid: TXID, confirmations: 0 },
          ],
        },
      },
      T0,
    );
    expect(seen.record).to.include({ state: 'done', settlement: 'mempool', exposureCleared: false });
    expect(seen.notices).to.deep.equal([{ kind: 'completed' }]);

    const s3 = run(
      last(s2),
      [msg(3, 'complete', { txid: TXID, tx: '0200' })],
      [{ kind: 'final-checked', ok: true, tx: digest('0200') }],
      [{ kind: 'published', watched: true }],
      [
        {
          kind: 'chain',
          view: {
            swap: { state: 'confirmed', confirmations: 1 },
            spends: [
              { txid: TXID, confirmations: 1 },
              { txid: TXID, confirmations: 1 },
            ],
          },
        },
      ],
    );
    expect(s3[1]!.effects).to.deep.equal([{ kind: 'check-final', tx: '0200', txid: TXID }]);
    expect(s3[2]!.effects, 'the seller publishes the final transaction too').to.deep.equal([{ kind: 'publish' }]);
    expect(s3[3]!.record.state).to.equal('settling');
    expect(last(s3).record).to.include({ state: 'done', settlement: 'confirmed', exposureCleared: true });
    expect(last(s3).notices).to.deep.equal([{ kind: 'completed' }]);
  });

  it('without a chain source, a published transaction is done at once but marked unverified', () => {
    const r = { ...pair().seller.record, state: 'awaiting-completion' as const, mySignatureOut: true, finalTx: '0200', txid: TXID, myTxid: TXID };
    const step = stepTrade(r, { kind: 'published', watched: false }, T0);
    expect(step.record).to.include({ state: 'done', settlement: 'unverified' });
  });

  it('exposure is sticky: after my signature left, an abort fails the trade but the chain still decides', () => {
    const { seller } = pair();
    const signed = last(run(seller, ...toSigning, [{ kind: 'signed', psbt: 'AA==' }]));
    expect(signed.record.exposed).to.deep.equal([`${'ff'.repeat(32)}:0`]);
    expect(signed.send[0]!.t).to.equal('signed');
    expect((signed.send[0]!.body as { until?: number }).until).to.equal(signed.record.deadline);
    // My completion deadline passes (the buyer's complete is on its way).
    const aborted = stepTrade(signed.record, { kind: 'tick' }, signed.record.deadline!).record;
    expect(aborted).to.include({ state: 'failed', mySignatureOut: true });
    expect(aborted.failure).to.include({ code: 'deadline' });
    expect(canCancel(aborted)).to.equal(false);
    // The buyer publishes anyway: seen on chain, the failure turns into done.
    const late = stepTrade(
      aborted,
      {
        kind: 'chain',
        view: {
          swap: { state: 'mempool', confirmations: 0 },
          spends: [
            { txid: TXID, confirmations: 0 },
            { txid: TXID, confirmations: 0 },
          ],
        },
      },
      T0,
    );
    expect(late.record).to.include({ state: 'done', failure: undefined });
    expect(late.notices).to.deep.equal([{ kind: 'completed' }]);
    // Or my input is spent by something else: replaced.
    const other = 'ee'.repeat(32);
    const replaced = stepTrade(
      aborted,
      { kind: 'chain', view: { swap: { state: 'unknown', confirmations: 0 }, spends: [{ txid: other, confirmations: 1 }, undefined] } },
      T0,
    );
    expect(replaced.record.failure).to.include({ code: 'replaced' });
    expect(replaced.record.exposureCleared).to.equal(true);
    // My cancel on chain, then seen: cancelled-on-chain.
    const cancelled = stepTrade(aborted, { kind: 'cancelled-on-chain', txid: other, tx: '02', fee: '900' }, T0).record;
    expect(cancelled.cancelTx).to.deep.equal({ txid: other, tx: '02', fee: '900' });
    const seen = stepTrade(
      cancelled,
      { kind: 'chain', view: { swap: { state: 'unknown', confirmations: 0 }, spends: [{ txid: other, confirmations: 0 }, undefined] } },
      T0,
    );
    expect(seen.record.failure).to.include({ code: 'cancelled-on-chain' });
    expect(seen.record.exposureCleared).to.equal(false);
    // A late but valid complete also turns a deadline failure into done (after the check and the publish).
    const complete = stepTrade(aborted, msg(3, 'complete', { txid: TXID, tx: '0200' }), T0);
    expect(complete.effects).to.deep.equal([{ kind: 'check-final', tx: '0200', txid: TXID }]);
    const checked = stepTrade(complete.record, { kind: 'final-checked', ok: true, tx: digest('0200') }, T0);
    expect(checked.effects).to.deep.equal([{ kind: 'publish' }]);
    expect(stepTrade(checked.record, { kind: 'published', watched: true }, T0).record.state).to.equal('settling');
  });

  it('a repeat with other content is a protocol error; a check result about something else is ignored', () => {
    const { buyer } = pair();
    const body = sellerC;
    const a = stepTrade(buyer.record, { ...msg(0, 'accept', body), digest: 'aa' }, T0);
    expect(stepTrade(a.record, { ...msg(0, 'accept', body), digest: 'aa' }, T0).ignored).to.equal('repeat of message 0');
    const forked = stepTrade(a.record, { ...msg(0, 'accept', body), digest: 'bb' }, T0);
    expect(forked.record.failure).to.include({ code: 'protocol-error' });
    expect(forked.record.failure!.message).to.contain('a second message 0 (accept) with other content');
    const stale = stepTrade(a.record, { kind: 'verified', txid: TXID, review: review('buyer'), basis: 'not-this-one' }, T0);
    expect(stale.ignored).to.equal('a verification of other terms or contributions');
    expect(stepTrade(a.record, { kind: 'verified', txid: TXID, review: review('buyer'), basis: basisOf(a.record) }, T0).record.state).to.equal(
      'awaiting-ready',
    );
  });

  it("caps the buyer's signing deadline at the seller's, and resumes a published trade into publishing, not review", () => {
    const { buyer } = pair();
    const waiting = last(
      run(buyer, [msg(0, 'accept', sellerC)], [msg(1, 'ready', { txid: TXID })], [{ kind: 'verified', txid: TXID, review: review('buyer') }]),
    );
    const until = T0 + 30_000;
    const got = stepTrade(waiting.record, msg(2, 'signed', { txid: TXID, psbt: 'AA==', until }), T0);
    expect(got.record.peerUntil).to.equal(until);
    const reviewing = stepTrade(got.record, { kind: 'peer-psbt-verified', review: review('buyer'), psbt: digest('AA==') }, T0 + 1_000);
    expect(reviewing.record).to.include({ state: 'review', deadline: until });
    const finalized = last(run(reviewing, [{ kind: 'confirm' }], [{ kind: 'signed', psbt: 'AA==' }], [{ kind: 'finalized', txid: TXID, tx: '0200' }])).record;
    expect(resumeRecord(finalized)).to.deep.equal({ record: finalized, effects: [{ kind: 'publish' }] });
    const unfinalized = last(run(reviewing, [{ kind: 'confirm' }], [{ kind: 'signed', psbt: 'AA==' }])).record;
    expect(resumeRecord(unfinalized).record.state, 'nothing left this browser: sign again').to.equal('review');
  });

  it('fails when the two sides built different transactions', () => {
    const { buyer } = pair();
    const b = run(buyer, [msg(0, 'accept', sellerC)], [msg(1, 'ready', { txid: OTHER_TXID })], [{ kind: 'verified', txid: TXID, review: review('buyer') }]);
    expect(last(b).record.failure).to.include({ code: 'verification-failed', verifyCode: 'TXID_MISMATCH' });
    expect(last(b).send[last(b).send.length - 1]).to.deep.include({ t: 'abort' });
  });

  it('reports the verifier code and sends an abort; a wallet refusal is told apart from a failed check', () => {
    const { seller } = pair();
    const v1 = run(
      seller,
      [{ kind: 'accept', contribution: sellerC }],
      [{ kind: 'verify-failed', code: 'ASSET_INSUFFICIENT', message: 'holds 10', stage: 'verify-own' }],
    );
    expect(last(v1).record.failure).to.deep.equal({
      code: 'verification-failed',
      by: 'me',
      verifyCode: 'ASSET_INSUFFICIENT',
      stage: 'verify-own',
      message: 'The transaction failed verification (ASSET_INSUFFICIENT): holds 10',
    });
    expect(last(v1).send[0]).to.deep.include({ t: 'abort', body: { code: 'verification-failed', message: 'ASSET_INSUFFICIENT: holds 10' } });
    const w = run(seller, ...toSigning, [{ kind: 'sign-failed', code: 'WALLET_REJECTED', message: 'the user rejected', stage: 'wallet' }]);
    expect(last(w).record.failure).to.include({ code: 'wallet-refused', verifyCode: 'WALLET_REJECTED' });
    expect(last(w).record.mySignatureOut).to.equal(false);
  });

  it('cancels before my signature from any waiting state, never after; a late result is ignored', () => {
    const { buyer, seller } = pair();
    const c = stepTrade(buyer.record, { kind: 'cancel' }, T0);
    expect(c.record.failure).to.include({ code: 'cancelled', by: 'me' });
    expect(c.send[0]).to.deep.include({ t: 'abort', body: { code: 'cancelled', message: 'cancelled by the user' } });
    const rejected = stepTrade(seller.record, { kind: 'cancel' }, T0);
    expect(rejected.send[0]!.t, 'cancelling an incoming proposal rejects it').to.equal('reject');
    const late = stepTrade(c.record, { kind: 'verified', txid: TXID, review: review('buyer') }, T0);
    expect(late.ignored).to.equal('the trade is failed');
    const signing = run(seller, ...toSigning);
    expect(stepTrade(last(signing).record, { kind: 'cancel' }, T0).ignored).to.equal('cannot cancel while signing');
    const signed = stepTrade(last(signing).record, { kind: 'signed', psbt: 'AA==' }, T0);
    expect(stepTrade(signed.record, { kind: 'cancel' }, T0).ignored).to.contain('my signature already left');
    // The peer's abort after my signature warns that my signature is out.
    const aborted = stepTrade(signed.record, msg(3, 'abort', { code: 'cancelled', message: 'x' }), T0);
    expect(aborted.record.failure!.message).to.contain('spend your inputs');
  });

  it('fails at the step deadline: "deadline" when the peer is there, "peer-left" when it is not', () => {
    const { buyer, seller } = pair();
    expect(stepTrade(buyer.record, { kind: 'tick' }, T0 + DEFAULT_DEADLINES.accept - 1).ignored).to.equal('deadline not reached');
    const late = stepTrade(buyer.record, { kind: 'tick' }, T0 + DEFAULT_DEADLINES.accept);
    expect(late.record.failure).to.include({ code: 'deadline', by: 'peer' });
    expect(late.record.failure!.message).to.equal('The counterparty did not finish within 60 s: deadline for answering the proposal passed.');
    expect(late.send[0]).to.deep.include({ t: 'abort', body: { code: 'deadline', message: 'deadline for accept passed' } });
    const offline = stepTrade(buyer.record, { kind: 'peer-online', online: false }, T0);
    expect(stepTrade(offline.record, { kind: 'tick' }, T0 + 60_000).record.failure!.code).to.equal('peer-left');
    const mine = stepTrade(seller.record, { kind: 'tick' }, T0 + 60_000);
    expect(mine.record.failure).to.include({ code: 'deadline', by: 'me' });
    expect(mine.record.failure!.message).to.match(/^You did not answer within 60 s/);
    // A new step starts a new deadline; the same step keeps its own.
    const acc = stepTrade(seller.record, { kind: 'accept', contribution: sellerC }, T0 + 10_000);
    expect(acc.record).to.include({ step: 'verify', deadline: T0 + 10_000 + DEFAULT_DEADLINES.verify });
    const ver = stepTrade(acc.record, { kind: 'verified', txid: TXID, review: review('seller') }, T0 + 20_000);
    expect(ver.record).to.include({ state: 'awaiting-ready', deadline: T0 + 10_000 + DEFAULT_DEADLINES.verify });
  });

  it('takes each peer message exactly once and in order; asks to resume after a gap', () => {
    const { buyer } = pair();
    const a = stepTrade(buyer.record, msg(0, 'accept', sellerC), T0);
    expect(stepTrade(a.record, msg(0, 'accept', sellerC), T0).ignored).to.equal('repeat of message 0');
    const gap = stepTrade(a.record, msg(2, 'signed', { txid: TXID, psbt: 'AA==' }), T0);
    expect(gap.resume).to.equal(1);
    expect(gap.record).to.equal(a.record);
    expect(resumeRequest(a.record)).to.deep.equal({ v: 1, id: 'a'.repeat(32), t: 'resume', next: 1, sent: 2 });
  });

  it('refuses protocol violations: wrong contribution, a signed PSBT to the seller, a second proposal', () => {
    const { buyer, seller, propose } = pair();
    const wrong = stepTrade(buyer.record, msg(0, 'accept', buyerC), T0);
    expect(wrong.record.failure).to.include({ code: 'protocol-error', by: 'peer' });
    const toSeller = run(seller, [{ kind: 'accept', contribution: sellerC }], [msg(1, 'signed', { txid: TXID, psbt: 'AA==' })]);
    expect(last(toSeller).record.failure!.message).to.contain('a signed PSBT sent to the seller');
    expect(stepTrade(seller.record, { kind: 'message', message: { ...propose, seq: 1 } }, T0).record.failure!.code).to.equal('protocol-error');
    // A proposal shows no coins: one that carries a contribution is not a valid message.
    expect(v.is(TradeMessageSchema, { ...propose, body: { ...propose.body, buyer: buyerC.buyer } })).to.equal(false);
    // A contribution from the acceptor's side, or a second one, is a protocol error.
    const accepted = stepTrade(seller.record, { kind: 'accept', contribution: sellerC }, T0).record;
    expect(stepTrade(accepted, msg(1, 'contribute', sellerC), T0).record.failure!.message).to.contain("exactly the buyer's");
    const twice = stepTrade(stepTrade(accepted, msg(1, 'contribute', buyerC), T0).record, msg(2, 'contribute', buyerC), T0);
    expect(twice.record.failure!.code).to.equal('protocol-error');
  });

  it('resumes a reloaded record: a wallet prompt becomes the review again, a running check runs again', () => {
    const { seller } = pair();
    const signing = last(run(seller, ...toSigning)).record;
    expect(resumeRecord(signing).record.state).to.equal('review');
    const accepted: TradeRecord = stepTrade(seller.record, { kind: 'accept', contribution: sellerC }, T0).record;
    expect(resumeRecord(accepted).effects, 'waiting for the proposer’s coins: nothing to verify yet').to.deep.equal([]);
    const verifying = stepTrade(accepted, msg(1, 'contribute', buyerC), T0).record;
    expect(resumeRecord(verifying).effects).to.deep.equal([{ kind: 'verify' }]);
  });

  it('maps an orderbook take to terms and my role', () => {
    const order = { id: 'd'.repeat(64), maker: KEY, base: 'RUNE:840000:3', quote: 'BTC', side: 'sell' as const, price: 50n, lot: 1n };
    const ask = proposalToTerms({ order, take: { amount: 1000n, quoteAmount: 50_000n } }, { network: 'regtest', feeRate: 3n });
    expect(ask).to.deep.equal({ ok: true, role: 'buyer', orderId: order.id, terms: { ...terms, feeRate: '3' } });
    const bid = proposalToTerms({ order: { ...order, side: 'buy' }, take: { amount: 1000n } }, { network: 'regtest', feeRate: 2n });
    expect(bid).to.deep.include({ ok: true, role: 'seller' });
    const btcBase = proposalToTerms(
      { order: { ...order, base: 'BTC', quote: 'ALKANE:2:1', side: 'sell' }, take: { amount: 50_000n, quoteAmount: 1000n } },
      { network: 'regtest', feeRate: 2n },
    );
    expect(btcBase).to.deep.include({ ok: true, role: 'seller' });
    expect(btcBase.ok && btcBase.terms).to.deep.include({ asset: { kind: 'alkane', id: '2:1' }, amount: '1000', priceSats: '50000' });
    expect(proposalToTerms({ order: { ...order, quote: 'RUNE:1:1' }, take: { amount: 1n } }, { network: 'regtest', feeRate: 2n })).to.deep.equal({
      ok: false,
      message: 'only BTC against one rune or alkane can be traded',
    });
  });

  it('checks a proposal against the live order it names: asset, side, price, remaining amount, minimum fill, expiry', () => {
    // My order: sell 2,000 units of the rune at 50 sats each, minimum fill 100.
    const order = {
      id: 'd'.repeat(64),
      maker: KEY,
      base: 'RUNE:840000:3',
      quote: 'BTC',
      side: 'sell' as const,
      price: 50n,
      lot: 1n,
      amount: 2_000n,
      minFill: 100n,
      expires: T0 + 60_000,
    };
    // The taker buys 1,000 for 50,000 sats: I (the maker) sell.
    const p = { terms, role: 'seller' as const };
    expect(checkAgainstOrder(p, order, T0)).to.equal(undefined);
    expect(checkAgainstOrder(p, undefined, T0)).to.equal('no live order of mine has that id');
    expect(checkAgainstOrder(p, order, T0 + 60_000)).to.equal('that order has expired');
    expect(checkAgainstOrder({ ...p, role: 'buyer' }, order, T0)).to.equal('the sides are not the order’s');
    expect(checkAgainstOrder({ ...p, terms: { ...terms, priceSats: '49999' } }, order, T0)).to.equal('the price is not the order’s');
    expect(checkAgainstOrder({ ...p, terms: { ...terms, amount: '3000', priceSats: '150000' } }, order, T0)).to.contain('2000 remain');
    expect(checkAgainstOrder({ ...p, terms: { ...terms, amount: '50', priceSats: '2500' } }, order, T0)).to.contain('below the minimum fill');
    expect(checkAgainstOrder({ ...p, terms: { ...terms, asset: { kind: 'rune', id: '840000:4' } } }, order, T0)).to.equal('the asset is not the order’s');
  });
});
