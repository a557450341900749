/**
 * The trade protocol: the state machine over the persisted trade record, with the messages on the `trade`
 * channel (valibot schemas, `trade.messages.ts`) and the record, its inputs and steps (`trade.record.ts`)
 * re-exported from here. Pure: no DOM, no network, no wallet, no clock (`now` is always passed in).
 *
 * ## Flow (roles: the asset `seller` and the `buyer` who pays BTC; either may propose)
 * ```
 * proposer                      counterparty
 *   propose {terms, role} ─►                       (incoming: the user accepts or rejects)
 *   ◄─ accept {its contribution}  |  reject {reason}
 *   contribute {my contribution} ─►               (only now: no coins are shown before the terms are agreed)
 * both: build the swap PSBT from terms + both contributions, verify it (my point of view)
 *   ready {txid} ─►   ◄─ ready {txid}      (both verified the same transaction)
 * seller: "what you sign" review → confirm → verify again → wallet signs own inputs
 *   signed {txid, psbt} ─► buyer
 * buyer: verify the seller's PSBT → review → confirm → verify again → wallet signs → combine → finalize
 *        → the host broadcasts → complete {txid, tx} ─► seller, which checks every signature and the txid
 * ```
 * - Either side may `abort` before its own signature (cancel, deadline, a failed check). After the seller has
 *   signed, its own abort is only a notice: the buyer holds a signed PSBT (`exposed`).
 * - Every step has a deadline; a `tick` past it fails the trade: `peer-left` when the peer is offline, else
 *   `deadline`.
 * - Each side numbers its messages (`seq` 0, 1, 2…) and keeps them in its record (`outbox`): the receiver takes
 *   exactly the next one, ignores repeats and asks for what it missed with `resume {next}` (after a reload,
 *   or when a message arrived while no widget listened). That is also how a reloaded page resumes.
 * - Messages are accepted only from the identity key that proposed or received the proposal (the link
 *   authenticates peers with that key); the peer id may change across a reload.
 *
 * The state machine never touches Bitcoin: it asks the caller for work through `effects` (`verify`,
 * `verify-peer-psbt`, `sign`, `finalize`, `check-final`) and gets the results back as inputs.
 */
import type { SwapRole, SwapTermsWire } from '../../bitcoin/wire.js';
import { TRADE_PROTOCOL_VERSION, type DeadlineStep, type FailureCode, type TradeDeadlines } from './trade.types.js';
import { contributionOf, type ContributionWire, type ProposeMessage, type SequencedMessage } from './trade.messages.js';
import {
  basisOf,
  canCancel,
  digest,
  isTerminal,
  myInputs,
  otherRole,
  type TradeEffect,
  type TradeInput,
  type TradeRecord,
  type TradeStep,
} from './trade.record.js';
import { Builder, noStep } from './trade.step.js';
import { cancelledOnChain, chainStep, lateCompletion } from './trade.settlement.js';

// The messages (`trade.messages.ts`) and the record (`trade.record.ts`) are part of this module's API.
export {
  AbortMessageSchema,
  AcceptMessageSchema,
  CompleteMessageSchema,
  ProposeMessageSchema,
  ReadyMessageSchema,
  RejectMessageSchema,
  ResumeMessageSchema,
  SignedMessageSchema,
  TradeMessageSchema,
  canonicalJson,
  messageDigest,
  newTradeId,
  signTradeMessage,
  verifyTradeMessage,
  type BuyerContributionWire,
  type ContributionWire,
  type ProposeMessage,
  type ResumeMessage,
  type SellerContributionWire,
  type SequencedMessage,
  type TradeMessage,
} from './trade.messages.js';
export {
  basisOf,
  canCancel,
  digest,
  holdsInputs,
  isTerminal,
  missesMessages,
  myInputs,
  needsWatch,
  otherRole,
  swapInputs,
  resendFrom,
  resumeRequest,
  type ChainView,
  type TradeEffect,
  type TradeInput,
  type TradeNotice,
  type TradeRecord,
  type TradeStep,
} from './trade.record.js';

// ---- creation ------------------------------------------------------------------------------------------------

export interface NewTrade {
  readonly id: string;
  readonly peer: string;
  readonly peerKey: string;
  readonly role: SwapRole;
  readonly terms: SwapTermsWire;
  readonly contribution: ContributionWire;
  readonly orderId?: string | undefined;
  readonly deadlines: TradeDeadlines;
  readonly peerOnline?: boolean;
}

function blank(t: Omit<NewTrade, 'contribution'>, direction: 'in' | 'out', now: number): TradeRecord {
  return {
    v: TRADE_PROTOCOL_VERSION,
    id: t.id,
    peer: t.peer,
    peerKey: t.peerKey,
    direction,
    role: t.role,
    terms: t.terms,
    ...(t.orderId ? { orderId: t.orderId } : {}),
    state: 'proposed',
    step: undefined,
    deadline: undefined,
    deadlines: t.deadlines,
    createdAt: now,
    updatedAt: now,
    mySignatureOut: false,
    peerOnline: t.peerOnline ?? true,
    outbox: [],
    recvNext: 0,
  };
}

/** A trade I propose: the record (state `proposed`) and the `propose` message to send. */
export function proposeTrade(t: NewTrade, now: number): TradeStep {
  const b = new Builder(blank(t, 'out', now), now);
  // My contribution is chosen (and reserved) now, but sent only once the counterparty accepted the terms.
  b.set(t.contribution).to('proposed');
  b.message('propose', { terms: t.terms, role: t.role, ...(t.orderId ? { orderId: t.orderId } : {}) });
  return b.notice('proposed').done();
}

/**
 * A trade the peer proposes: a record in state `incoming`, or why the message cannot start a trade.
 * (Terms are checked against the Bitcoin rules by the caller, which rejects invalid ones.)
 */
export function receiveProposal(
  message: ProposeMessage,
  from: { peer: string; peerKey: string },
  deadlines: TradeDeadlines,
  now: number,
): { ok: true; step: TradeStep } | { ok: false; reason: string } {
  if (message.seq !== 0) return { ok: false, reason: 'a proposal must be the first message (seq 0)' };
  const base = blank(
    {
      id: message.id,
      peer: from.peer,
      peerKey: from.peerKey,
      role: otherRole(message.body.role),
      terms: message.body.terms,
      orderId: message.body.orderId,
      deadlines,
    },
    'in',
    now,
  );
  const b = new Builder({ ...base, recvNext: 1 }, now);
  b.to('incoming').notice('proposed');
  return { ok: true, step: b.done() };
}

// ---- the state machine ---------------------------------------------------------------------------------------

/** Applies one input to a trade. Pure: the same record, input and time give the same step. */
export function stepTrade(record: TradeRecord, input: TradeInput, now: number): TradeStep {
  if (input.kind === 'peer-online') {
    const change: Partial<TradeRecord> = { peerOnline: input.online, ...(input.peer ? { peer: input.peer } : {}) };
    return { record: { ...record, ...change }, send: [], effects: [], notices: [] };
  }
  if (input.kind === 'chain') return chainStep(record, input.view, now);
  if (input.kind === 'cancelled-on-chain') return cancelledOnChain(record, input, now);
  if (isTerminal(record.state) && !lateCompletion(record, input)) return noStep(record, `the trade is ${record.state}`);
  const b = new Builder(record, now);
  const r = record;
  switch (input.kind) {
    case 'tick': {
      if (r.deadline === undefined || now < r.deadline) return noStep(r, 'deadline not reached');
      // Past the point of no return: both signatures are in and the host is publishing the transaction.
      if (r.state === 'broadcasting') return noStep(r, 'broadcasting: the host decides');
      const waitingForPeer =
        ['proposed', 'awaiting-ready', 'awaiting-signature', 'awaiting-completion'].includes(r.state) && !(r.state === 'awaiting-signature' && r.peerPsbt);
      const stepWords: Record<DeadlineStep, string> = {
        accept: 'answering the proposal',
        verify: 'verifying the transaction',
        sign: 'signing',
        complete: 'signing and broadcasting the final transaction',
      };
      const seconds = Math.round(r.deadlines[r.step!] / 1000);
      if (waitingForPeer && !r.peerOnline) {
        return b
          .fail(
            { code: 'peer-left', by: 'peer', message: `The counterparty left and did not come back within ${seconds} s (${stepWords[r.step!]}).` },
            { code: 'deadline', message: 'deadline passed' },
          )
          .done();
      }
      const who = waitingForPeer
        ? 'The counterparty did not finish'
        : r.state === 'signing'
          ? 'Your wallet did not answer'
          : r.state === 'incoming' || r.state === 'review'
            ? 'You did not answer'
            : 'This step did not finish';
      return b
        .fail(
          { code: 'deadline', by: waitingForPeer ? 'peer' : 'me', message: `${who} within ${seconds} s: deadline for ${stepWords[r.step!]} passed.` },
          { code: 'deadline', message: `deadline for ${r.step} passed` },
        )
        .done();
    }
    case 'cancel':
      if (!canCancel(r)) return noStep(r, r.mySignatureOut ? 'my signature already left: cancel on-chain instead' : `cannot cancel while ${r.state}`);
      if (r.state === 'incoming')
        return b.fail({ code: 'rejected', by: 'me', message: 'You declined the proposal.' }).message('reject', { reason: 'declined' }).done();
      return b
        .fail({ code: 'cancelled', by: 'me', message: 'You cancelled the trade before signing.' }, { code: 'cancelled', message: 'cancelled by the user' })
        .done();
    case 'reject':
      if (r.state !== 'incoming') return noStep(r, 'only an incoming proposal can be rejected');
      b.message('reject', { reason: input.reason.slice(0, 300) });
      return b
        .fail({ code: 'rejected', by: 'me', message: `You declined the proposal${input.reason && input.reason !== 'declined' ? `: ${input.reason}` : '.'}` })
        .done();
    case 'accept': {
      if (r.state !== 'incoming') return noStep(r, 'only an incoming proposal can be accepted');
      if (!contributionOf(input.contribution as never, r.role)) return noStep(r, `my contribution must be the ${r.role}'s`);
      // The proposer's contribution comes next (`contribute`); verification starts when both are in.
      b.set(input.contribution).message('accept', input.contribution).to('verifying').notice('accepted');
      return b.done();
    }
    case 'fail':
      return b
        .fail(
          {
            code: input.code === 'cancelled' ? 'cancelled' : input.code,
            by: 'me',
            message: input.message,
            ...(input.verifyCode ? { verifyCode: input.verifyCode } : {}),
            ...(input.stage ? { stage: input.stage } : {}),
          },
          { code: input.code, message: input.message.slice(0, 300) },
        )
        .done();
    case 'verified': {
      if (r.state !== 'verifying') return noStep(r, 'late verification result');
      if (input.basis !== undefined && input.basis !== basisOf(r)) return noStep(r, 'a verification of other terms or contributions');
      b.set({ myTxid: input.txid, review: input.review }).message('ready', { txid: input.txid });
      return afterReady(b).done();
    }
    case 'peer-psbt-verified':
      if (r.state !== 'awaiting-signature' || !r.peerPsbt) return noStep(r, 'late verification result');
      if (input.psbt !== undefined && input.psbt !== digest(r.peerPsbt)) return noStep(r, 'a verification of another PSBT');
      // The buyer's own review gets a fresh signing deadline.
      return b.set({ review: input.review, peerPsbtChecked: true }).to('review', true).done();
    case 'verify-failed': {
      if (r.state !== 'verifying' && r.state !== 'awaiting-signature') return noStep(r, 'late verification result');
      const code: FailureCode = input.terms ? 'invalid-terms' : 'verification-failed';
      const who = input.stage === 'verify-peer' ? "The counterparty's signed transaction" : 'The transaction';
      return b
        .fail(
          { code, by: 'me', verifyCode: input.code, stage: input.stage, message: `${who} failed verification (${input.code}): ${input.message}` },
          { code: input.terms ? 'invalid-terms' : 'verification-failed', message: `${input.code}: ${input.message}`.slice(0, 300) },
        )
        .done();
    }
    case 'confirm':
      if (r.state !== 'review') return noStep(r, 'nothing to confirm');
      return b.to('signing').effect({ kind: 'sign' }).done();
    case 'signed':
      if (r.state !== 'signing') return noStep(r, 'late signature');
      b.notice('signed');
      if (r.role === 'seller') {
        // Exposed from here on: the buyer holds my signature. My deadline for completion travels with it.
        b.set({ mySignatureOut: true, exposed: myInputs(r) }).to('awaiting-completion');
        b.message('signed', { txid: r.myTxid!, psbt: input.psbt, ...(b.record.deadline !== undefined ? { until: b.record.deadline } : {}) });
        return b.done();
      }
      return b.to('broadcasting').effect({ kind: 'finalize', psbt: input.psbt }).done();
    case 'sign-failed': {
      if (r.state !== 'signing') return noStep(r, 'late signature result');
      const wallet = input.stage === 'wallet' || input.stage === 'wallet-result';
      const code: FailureCode = wallet ? 'wallet-refused' : 'verification-failed';
      const text = wallet
        ? input.stage === 'wallet'
          ? `Your wallet refused to sign: ${input.message}`
          : `Your wallet returned something other than what was asked (${input.code}): ${input.message}`
        : `The transaction failed verification before signing (${input.code}): ${input.message}`;
      return b
        .fail(
          { code, by: 'me', verifyCode: input.code, stage: input.stage, message: text },
          { code: wallet ? 'wallet-refused' : 'verification-failed', message: `${input.code}`.slice(0, 300) },
        )
        .done();
    }
    case 'finalized':
      if (r.state !== 'broadcasting') return noStep(r, 'late finalize result');
      // Saved before it is published: from here my signature may be out, and a reload publishes it again.
      return b
        .set({ mySignatureOut: true, exposed: myInputs(r), finalTx: input.tx, txid: input.txid })
        .effect({ kind: 'publish' })
        .done();
    case 'broadcast-failed':
      if (r.state !== 'broadcasting') return noStep(r, 'late broadcast result');
      // The final transaction was not made: my signature never left this browser.
      return b
        .fail(
          { code: 'broadcast-failed', by: 'me', message: `The final transaction could not be finalized: ${input.message}` },
          { code: 'broadcast-failed', message: input.message.slice(0, 300) },
        )
        .done();
    case 'published':
    case 'publish-failed': {
      if (r.role === 'buyer') {
        if (r.state !== 'broadcasting' || !r.finalTx || !r.txid) return noStep(r, 'late publish result');
        if (input.kind === 'publish-failed') {
          return b
            .fail(
              {
                code: 'broadcast-failed',
                by: 'me',
                message: `The final transaction could not be broadcast: ${input.message}. It may still reach the chain: this trade watches for it.`,
              },
              { code: 'broadcast-failed', message: input.message.slice(0, 300) },
            )
            .done();
        }
        b.message('complete', { txid: r.txid, tx: r.finalTx });
      } else if (!r.finalTx || (r.state !== 'awaiting-completion' && r.state !== 'failed')) {
        return noStep(r, 'late publish result');
      }
      // The seller publishes the buyer's transaction too; a failure there changes nothing (the buyer published it).
      if (input.watched) return b.set({ failure: undefined }).to('settling').done();
      return b.set({ failure: undefined, settlement: 'unverified' }).to('done').notice('completed').done();
    }
    case 'final-checked':
      if ((r.state !== 'awaiting-completion' && r.state !== 'failed') || !r.finalTx) return noStep(r, 'late check');
      if (input.tx !== undefined && input.tx !== digest(r.finalTx)) return noStep(r, 'a check of another transaction');
      if (input.ok) return b.effect({ kind: 'publish' }).done();
      if (r.state === 'failed') return noStep(r, 'a late complete that did not check out');
      return b
        .fail({
          code: 'final-invalid',
          by: 'peer',
          verifyCode: input.code ?? 'FINAL_INVALID',
          message: `The counterparty's final transaction is not the agreed, fully signed one: ${input.message ?? ''}`,
        })
        .done();
    case 'message': {
      const m = input.message;
      if (m.seq < r.recvNext) {
        const seen = r.recvDigests?.[m.seq];
        if (input.digest && seen && seen !== input.digest && !isTerminal(r.state)) {
          const why = `a second message ${m.seq} (${m.t}) with other content`;
          return b
            .fail({ code: 'protocol-error', by: 'peer', message: `The counterparty broke the protocol: ${why}.` }, { code: 'protocol-error', message: why })
            .done();
        }
        return noStep(r, `repeat of message ${m.seq}`);
      }
      if (m.seq > r.recvNext) return { ...noStep(r, `message ${m.seq} before ${r.recvNext}`), resume: r.recvNext };
      if (input.digest) {
        const digests = [...(r.recvDigests ?? [])];
        digests[m.seq] = input.digest;
        b.set({ recvDigests: digests });
      }
      return receive(b, m);
    }
    default:
      return noStep(r, 'unknown input');
  }
}

/** Both sides verified: compare txids and move on. */
function afterReady(b: Builder): Builder {
  const r = b.record;
  if (!r.myTxid || !r.peerTxid) return b.to('awaiting-ready');
  if (r.myTxid !== r.peerTxid) {
    return b.fail(
      {
        code: 'verification-failed',
        by: 'me',
        verifyCode: 'TXID_MISMATCH',
        message: `The counterparty built transaction ${r.peerTxid}, not ${r.myTxid}: the trade is not the same on both sides.`,
      },
      { code: 'verification-failed', message: `TXID_MISMATCH: I built ${r.myTxid}` },
    );
  }
  return r.role === 'seller' ? b.to('review') : b.to('awaiting-signature');
}

function receive(b: Builder, m: SequencedMessage): TradeStep {
  const r = b.record;
  b.set({ recvNext: r.recvNext + 1 });
  const protocolError = (why: string) =>
    b.fail({ code: 'protocol-error', by: 'peer', message: `The counterparty broke the protocol: ${why}.` }, { code: 'protocol-error', message: why }).done();

  switch (m.t) {
    case 'propose':
      return protocolError('a second proposal for the same trade');
    case 'abort': {
      // Too late to stop: both signatures are in and the transaction is (being) published.
      if (r.state === 'broadcasting' || r.state === 'settling') return b.done();
      const exposed = r.mySignatureOut;
      const code: FailureCode =
        m.body.code === 'cancelled'
          ? 'peer-cancelled'
          : m.body.code === 'verification-failed' || m.body.code === 'invalid-terms'
            ? 'peer-verification-failed'
            : m.body.code === 'deadline'
              ? 'deadline'
              : m.body.code === 'protocol-error'
                ? 'protocol-error'
                : 'peer-cancelled';
      const what: Record<string, string> = {
        cancelled: 'The counterparty cancelled the trade',
        deadline: "The counterparty's deadline passed",
        'verification-failed': "The counterparty's verifier refused the transaction",
        'invalid-terms': 'The counterparty found the terms invalid',
        'wallet-refused': "The counterparty's wallet refused to sign",
        'no-wallet': 'The counterparty has no wallet to trade with',
        'protocol-error': 'The counterparty saw a protocol error',
        'broadcast-failed': 'The counterparty could not broadcast the transaction',
      };
      const tail = exposed ? ' Your signature was already sent: spend your inputs to be safe.' : '';
      return b
        .to('failed')
        .set({ failure: { code, by: 'peer', message: `${what[m.body.code]} (${m.body.message}).${tail}` } })
        .notice('failed')
        .done();
    }
    case 'reject':
      if (r.state !== 'proposed') return protocolError(`a reject while ${r.state}`);
      return b
        .to('failed')
        .set({ failure: { code: 'rejected', by: 'peer', message: `The counterparty declined${m.body.reason ? ` (${m.body.reason})` : ''}.` } })
        .notice('failed')
        .done();
    case 'accept': {
      if (r.state !== 'proposed') return protocolError(`an accept while ${r.state}`);
      const theirs = contributionOf(m.body, otherRole(r.role));
      if (!theirs) return protocolError(`the accept must carry exactly the ${otherRole(r.role)}'s contribution`);
      const mine: ContributionWire | undefined = r.role === 'seller' ? (r.seller ? { seller: r.seller } : undefined) : r.buyer ? { buyer: r.buyer } : undefined;
      if (!mine) return protocolError('my own contribution is missing');
      return b.set(theirs).message('contribute', mine).to('verifying').effect({ kind: 'verify' }).notice('accepted').done();
    }
    case 'contribute': {
      const already = otherRole(r.role) === 'seller' ? r.seller : r.buyer;
      if (r.direction !== 'in' || r.state !== 'verifying' || already) return protocolError(`a contribution while ${r.state}`);
      const theirs = contributionOf(m.body, otherRole(r.role));
      if (!theirs) return protocolError(`the contribution must be exactly the ${otherRole(r.role)}'s`);
      return b.set(theirs).effect({ kind: 'verify' }).done();
    }
    case 'ready': {
      if (!['verifying', 'awaiting-ready'].includes(r.state)) return protocolError(`a ready while ${r.state}`);
      b.set({ peerTxid: m.body.txid });
      return (r.state === 'awaiting-ready' ? afterReady(b) : b).done();
    }
    case 'signed':
      if (r.role !== 'buyer') return protocolError('a signed PSBT sent to the seller');
      if (r.state !== 'awaiting-signature') return protocolError(`a signed PSBT while ${r.state}`);
      if (m.body.txid !== r.myTxid) return protocolError(`a signed PSBT for ${m.body.txid}, not the agreed ${r.myTxid}`);
      b.set({ peerPsbt: m.body.psbt, peerPsbtChecked: false, ...(m.body.until !== undefined ? { peerUntil: m.body.until } : {}) });
      return b.effect({ kind: 'verify-peer-psbt' }).done();
    case 'complete':
      if (r.role !== 'seller' || (r.state !== 'awaiting-completion' && !(r.state === 'failed' && r.mySignatureOut)))
        return protocolError(`a complete while ${r.state}`);
      return b.set({ finalTx: m.body.tx, txid: m.body.txid }).effect({ kind: 'check-final', tx: m.body.tx, txid: r.myTxid! }).done();
    default:
      return protocolError('an unknown message');
  }
}

/**
 * Brings a record loaded after a reload to a state it can continue from: a wallet prompt or a check that
 * was running is gone, so it is asked for again (the review is confirmed again; verification re-runs).
 */
export function resumeRecord(record: TradeRecord): { record: TradeRecord; effects: TradeEffect[] } {
  if (isTerminal(record.state)) return { record, effects: [] };
  switch (record.state) {
    case 'verifying':
      // Verification needs both contributions (the proposer's arrives after my accept).
      return { record, effects: record.seller && record.buyer ? [{ kind: 'verify' }] : [] };
    case 'signing':
      return { record: { ...record, state: 'review' }, effects: [] };
    case 'awaiting-signature':
      return { record, effects: record.peerPsbt && !record.peerPsbtChecked ? [{ kind: 'verify-peer-psbt' }] : [] };
    case 'awaiting-completion':
      return { record, effects: record.finalTx && record.txid ? [{ kind: 'check-final', tx: record.finalTx, txid: record.myTxid! }] : [] };
    case 'broadcasting':
      // The final transaction was saved before it was published: publish it again (idempotent), never review it again.
      if (record.finalTx && record.mySignatureOut) return { record, effects: [{ kind: 'publish' }] };
      // Finalizing was lost with the page before anything was saved: my signature never left, so sign again.
      return { record: { ...record, state: 'review' }, effects: [] };
    default:
      return { record, effects: [] };
  }
}
