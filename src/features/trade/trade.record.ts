/**
 * The persisted trade record and what the state machine (`trade.protocol.ts`) takes and gives: its inputs,
 * steps, effects and notices; plus the plain queries on a record (terminal? cancellable? what to resend).
 * Plain data only (structured-clone friendly), no behaviour beyond pure functions.
 */
import type { SwapRole, SwapTermsWire } from '../../bitcoin/wire.js';
import {
  digest,
  type BuyerContributionWire,
  type ContributionWire,
  type ResumeMessage,
  type SellerContributionWire,
  type SequencedMessage,
} from './trade.messages.js';
import {
  TERMINAL_STATES,
  TRADE_PROTOCOL_VERSION,
  type AbortCode,
  type DeadlineStep,
  type TradeDeadlines,
  type TradeFailure,
  type TradeReview,
  type TradeState,
} from './trade.types.js';

/** Everything about one trade, as persisted (structured-clone friendly: plain data only). */
export interface TradeRecord {
  readonly v: typeof TRADE_PROTOCOL_VERSION;
  readonly id: string;
  /** The peer id last seen for the counterparty. */
  readonly peer: string;
  /** The counterparty's identity key (messages are accepted only from it). */
  readonly peerKey: string;
  /** `out`: I proposed. */
  readonly direction: 'in' | 'out';
  /** My role. */
  readonly role: SwapRole;
  readonly terms: SwapTermsWire;
  readonly orderId?: string | undefined;
  readonly seller?: SellerContributionWire | undefined;
  readonly buyer?: BuyerContributionWire | undefined;
  readonly state: TradeState;
  /** The step the deadline belongs to, and when it passes (epoch ms). */
  readonly step: DeadlineStep | undefined;
  readonly deadline: number | undefined;
  readonly deadlines: TradeDeadlines;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Txid my verification produced, and the one the peer reported. */
  readonly myTxid?: string | undefined;
  readonly peerTxid?: string | undefined;
  /** The "what you sign" review (built after my verification; for the buyer, after the seller's PSBT checked out). */
  readonly review?: TradeReview | undefined;
  /** Buyer: the seller's signed PSBT (base64) and whether it verified. */
  readonly peerPsbt?: string | undefined;
  readonly peerPsbtChecked?: boolean;
  /** Whether my signature left this browser (seller: sent; buyer: broadcast). */
  readonly mySignatureOut: boolean;
  /** The final transaction (hex) and its txid, once known. */
  readonly finalTx?: string | undefined;
  readonly txid?: string | undefined;
  readonly failure?: TradeFailure | undefined;
  /** Is the peer's link open (as last seen)? */
  readonly peerOnline: boolean;
  /** My numbered messages, for resending after a reload or a loss. */
  readonly outbox: readonly SequencedMessage[];
  /** The next `seq` I expect from the peer. */
  readonly recvNext: number;
  /** sha256 of each message taken from the peer, by `seq` (a repeat with other content is a protocol error). */
  readonly recvDigests?: readonly string[];
  /** Save version: each save must be newer than the stored one (compare-and-set across tabs). */
  readonly rev?: number;
  /** Outpoints (`txid:vout`) of my inputs whose signature left: reserved until the chain shows them spent. */
  readonly exposed?: readonly string[];
  /** Every exposed input is spent in a block (by the swap or otherwise): nothing is at stake any more. */
  readonly exposureCleared?: boolean;
  /** What the chain source last said about the swap: seen in the mempool, confirmed, or (no chain source) unverified. */
  readonly settlement?: 'mempool' | 'confirmed' | 'unverified';
  /** My cancel on chain, once broadcast. */
  readonly cancelTx?: { readonly txid: string; readonly tx: string; readonly fee: string };
  /** Buyer: the seller's own deadline for completion (from its `signed` message); mine never runs past it. */
  readonly peerUntil?: number;
}

/** Work the caller does, then reports back with an input. */
export type TradeEffect =
  /** Build the PSBT from terms + contributions, verify it from my side; report `verified` or `verify-failed`. */
  | { readonly kind: 'verify' }
  /** Buyer: verify the seller's signed PSBT (`record.peerPsbt`); report `peer-psbt-verified` or `verify-failed`. */
  | { readonly kind: 'verify-peer-psbt' }
  /** verifyThenSign (the only path to the wallet); report `signed` or `sign-failed`. */
  | { readonly kind: 'sign' }
  /** Buyer: finalize the combined PSBT; report `finalized` (saved before anything is published) or `broadcast-failed`. */
  | { readonly kind: 'finalize'; readonly psbt: string }
  /** Publish the final transaction (`record.finalTx`; idempotent); report `published` or `publish-failed`. */
  | { readonly kind: 'publish' }
  /** Seller: check the buyer's transaction (txid, every signature); report `final-checked`. */
  | { readonly kind: 'check-final'; readonly tx: string; readonly txid: string };

/** Something the host should hear about. */
export type TradeNotice =
  | { readonly kind: 'proposed' }
  | { readonly kind: 'accepted' }
  | { readonly kind: 'signed' }
  | { readonly kind: 'completed' }
  | { readonly kind: 'failed' }
  /** A `done` trade turned out replaced (a conflicting spend), or a failed one completed after all. */
  | { readonly kind: 'settlement-changed' };

/** What the chain source says about a trade: the swap's status and who spends each of my inputs. */
export interface ChainView {
  readonly swap: { readonly state: 'unknown' | 'mempool' | 'confirmed'; readonly confirmations: number };
  /** By input of the swap (`swapInputs(record)`: the seller's, then the buyer's): the spending transaction, if any. */
  readonly spends: readonly ({ readonly txid: string; readonly confirmations: number } | undefined)[];
}

/** Inputs of the state machine: the user's commands, the peer's messages, work results, time and liveness. */
export type TradeInput =
  /** `digest`: sha256 of the message (so a repeat with other content is caught). */
  | { readonly kind: 'message'; readonly message: SequencedMessage; readonly digest?: string }
  | { readonly kind: 'accept'; readonly contribution: ContributionWire }
  | { readonly kind: 'reject'; readonly reason: string }
  | { readonly kind: 'cancel' }
  | { readonly kind: 'confirm' }
  /** A local failure before my signature (no wallet, my contribution could not be made, …). */
  | { readonly kind: 'fail'; readonly code: AbortCode; readonly message: string; readonly verifyCode?: string; readonly stage?: string }
  /** Each check result names what it checked (`basis`: `basisOf(record)`; `psbt`/`tx`: `digest` of it); a stale one is ignored. */
  | { readonly kind: 'verified'; readonly txid: string; readonly review: TradeReview; readonly basis?: string }
  | { readonly kind: 'peer-psbt-verified'; readonly review: TradeReview; readonly psbt?: string }
  | { readonly kind: 'verify-failed'; readonly code: string; readonly message: string; readonly stage: string; readonly terms?: boolean }
  | { readonly kind: 'signed'; readonly psbt: string }
  | { readonly kind: 'sign-failed'; readonly code: string; readonly message: string; readonly stage: string }
  | { readonly kind: 'finalized'; readonly txid: string; readonly tx: string }
  | { readonly kind: 'broadcast-failed'; readonly message: string }
  /** `watched`: a chain source will tell when the swap is seen (else `done` at once, unverified). */
  | { readonly kind: 'published'; readonly watched: boolean }
  | { readonly kind: 'publish-failed'; readonly message: string; readonly watched: boolean }
  | { readonly kind: 'final-checked'; readonly ok: boolean; readonly message?: string; readonly code?: string; readonly tx?: string }
  | { readonly kind: 'chain'; readonly view: ChainView }
  /** My cancel on chain was built, verified, signed and broadcast. */
  | { readonly kind: 'cancelled-on-chain'; readonly txid: string; readonly tx: string; readonly fee: string }
  | { readonly kind: 'tick' }
  | { readonly kind: 'peer-online'; readonly online: boolean; readonly peer?: string };

export interface TradeStep {
  readonly record: TradeRecord;
  /** Messages to send to the peer, in order (already appended to the outbox). */
  readonly send: readonly SequencedMessage[];
  readonly effects: readonly TradeEffect[];
  readonly notices: readonly TradeNotice[];
  /** Why an input changed nothing (a repeat, a late result, a command not allowed now). */
  readonly ignored?: string;
  /** When a message arrived out of order: ask the peer to resend from here. */
  readonly resume?: number;
}

// ---- queries -------------------------------------------------------------------------------------------------

export const isTerminal = (state: TradeState): boolean => TERMINAL_STATES.includes(state);

/**
 * May the user cancel now? Only before my own signature has left and while no wallet prompt is open
 * (a late wallet answer is dropped anyway).
 */
export const canCancel = (r: Pick<TradeRecord, 'state' | 'mySignatureOut'>): boolean =>
  !isTerminal(r.state) && !r.mySignatureOut && r.state !== 'signing' && r.state !== 'broadcasting';

/** The peer's role. */
export const otherRole = (role: SwapRole): SwapRole => (role === 'seller' ? 'buyer' : 'seller');

/** Messages to resend to a peer that asks for them from `next` on. */
export const resendFrom = (record: TradeRecord, next: number): readonly SequencedMessage[] => record.outbox.slice(next);

/** The resume request for a record: what I expect next and how many I have sent. */
export const resumeRequest = (record: TradeRecord): ResumeMessage => ({
  v: TRADE_PROTOCOL_VERSION,
  id: record.id,
  t: 'resume',
  next: record.recvNext,
  sent: record.outbox.length,
});

/** Whether a peer's resume request shows messages of its that I have not taken yet. */
export const missesMessages = (record: TradeRecord, request: ResumeMessage): boolean => record.recvNext < request.sent;

export { digest };

/** What a verification of the swap rests on: the terms and both contributions. */
export const basisOf = (r: Pick<TradeRecord, 'terms' | 'seller' | 'buyer'>): string => digest(JSON.stringify([r.terms, r.seller ?? null, r.buyer ?? null]));

/** My inputs (`txid:vout`), in contribution order. */
export const myInputs = (r: Pick<TradeRecord, 'role' | 'seller' | 'buyer'>): string[] =>
  ((r.role === 'seller' ? r.seller : r.buyer)?.inputs ?? []).map((i) => `${i.txid}:${i.vout}`);

/** Every input of the swap (`txid:vout`): the seller's, then the buyer's. */
export const swapInputs = (r: Pick<TradeRecord, 'seller' | 'buyer'>): string[] =>
  [...(r.seller?.inputs ?? []), ...(r.buyer?.inputs ?? [])].map((i) => `${i.txid}:${i.vout}`);

/** Whether the chain must still be watched for this trade: my signature is out and not everything has settled. */
export const needsWatch = (r: TradeRecord): boolean => !r.exposureCleared && (r.mySignatureOut || r.state === 'settling') && !!r.myTxid;

/** Whether my inputs in this trade are held back from other trades (in flight, or exposed and not yet spent). */
export const holdsInputs = (r: TradeRecord): boolean => !isTerminal(r.state) || (r.mySignatureOut && !r.exposureCleared);
