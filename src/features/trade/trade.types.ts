/**
 * Value lists, constants and plain data types of `<darkswap-trade>` and its protocol. No logic, no imports
 * with side effects: the Bitcoin layer appears here as types only (it is loaded lazily, on the trade path).
 */
import type { SwapRole } from '../../bitcoin/wire.js';

/** The channel trades talk on. */
export const TRADE_CHANNEL = 'trade';
/** Protocol version carried in every message (`v`). */
export const TRADE_PROTOCOL_VERSION = 1;
/** Largest trade message (UTF-8 bytes of its JSON): room for a PSBT or raw transaction of ~100 inputs. */
export const TRADE_MAX_BYTES = 196_608;
/** Longest PSBT (base64) or raw transaction (hex) text in a message. */
export const MAX_TX_TEXT = 180_000;
/** Longest free-text reason or message in a protocol message. */
export const MAX_REASON_LENGTH = 300;
/** How many finished trades the widget lists (the store keeps them all). */
export const HISTORY_LIMIT = 50;

/**
 * Where a trade is, from this side's point of view.
 * - `proposed`: I proposed; the peer has not answered.
 * - `incoming`: the peer proposed; I have not answered.
 * - `verifying`: both contributions are known; I am building and verifying the transaction.
 * - `awaiting-ready`: my transaction verified; waiting for the peer's verification (same txid).
 * - `awaiting-signature`: (asset buyer) waiting for the seller's signed PSBT, or checking it.
 * - `review`: the "what you sign" review is shown; waiting for my explicit confirmation.
 * - `signing`: my wallet was asked to sign (after a final verification).
 * - `awaiting-completion`: (seller) I signed; waiting for the buyer's signature and broadcast.
 * - `broadcasting`: (buyer) both signatures in; finalizing and handing the transaction to the host.
 * - `settling`: the final transaction is published (buyer) or received, checked and published again (seller);
 *   waiting for the chain source to see it.
 * - `done`: the chain source sees the swap (in the mempool or a block); without a chain source, the transaction
 *   was published (buyer) or received and checked (seller). It has a txid. A watcher keeps looking until the
 *   swap confirms: a conflicting spend turns it into `failed` (`replaced`).
 * - `failed`: ended without the swap; `failure` says why. With my signature out, the swap may still appear on
 *   chain (then `done`), until my inputs are spent otherwise (`cancelOnChain`).
 */
export const TRADE_STATES = [
  'proposed',
  'incoming',
  'verifying',
  'awaiting-ready',
  'awaiting-signature',
  'review',
  'signing',
  'awaiting-completion',
  'broadcasting',
  'settling',
  'done',
  'failed',
] as const;
export type TradeState = (typeof TRADE_STATES)[number];

export const TERMINAL_STATES: readonly TradeState[] = ['done', 'failed'];

/** The steps that carry a deadline. */
export const DEADLINE_STEPS = ['accept', 'verify', 'sign', 'complete'] as const;
export type DeadlineStep = (typeof DEADLINE_STEPS)[number];
export type TradeDeadlines = Readonly<Record<DeadlineStep, number>>;

/**
 * Default time per step (ms): a human answers a proposal; both sides build and verify; a wallet pop-up
 * needs a human (each signature); the buyer signs and broadcasts after the seller signed.
 */
export const DEFAULT_DEADLINES: TradeDeadlines = { accept: 60_000, verify: 30_000, sign: 120_000, complete: 120_000 };

/** The deadline step of each non-terminal state (`settling` has none: the chain decides). */
export const STATE_STEP: Readonly<Record<Exclude<TradeState, 'done' | 'failed' | 'settling'>, DeadlineStep>> = {
  proposed: 'accept',
  incoming: 'accept',
  verifying: 'verify',
  'awaiting-ready': 'verify',
  'awaiting-signature': 'sign',
  review: 'sign',
  signing: 'sign',
  'awaiting-completion': 'complete',
  broadcasting: 'complete',
};

/** The progress steps shown to the user, in order. */
export const PROGRESS_STEPS = ['Proposed', 'Accepted', 'Verified', 'Seller signed', 'Buyer signed', 'Broadcast'] as const;

/** Why a trade failed. */
export const FAILURE_CODES = [
  /** The peer declined the proposal (or I did). */
  'rejected',
  /** I cancelled before my signature. */
  'cancelled',
  /** The peer cancelled (before its signature). */
  'peer-cancelled',
  /** The step deadline passed while the peer was offline. */
  'peer-left',
  /** The step deadline passed. */
  'deadline',
  /** My verifier refused the transaction (the verifier's code is in `verifyCode`). */
  'verification-failed',
  /** The peer's verifier refused the transaction. */
  'peer-verification-failed',
  /** The terms or a contribution are not valid (or cannot be met by my wallet). */
  'invalid-terms',
  /** My wallet refused to sign, or returned something other than what was asked. */
  'wallet-refused',
  /** No wallet or indexer to trade with. */
  'no-wallet',
  /** The peer broke the protocol (wrong role, unexpected message). */
  'protocol-error',
  /** The final transaction could not be finalized or broadcast. */
  'broadcast-failed',
  /** The transaction the peer reported as broadcast is not the agreed, fully signed one. */
  'final-invalid',
  /** An input of the swap was spent by another transaction: the swap can no longer confirm. */
  'replaced',
  /** I spent my exposed inputs back to myself (`cancelOnChain`). */
  'cancelled-on-chain',
  /** The trade's state could not be saved, so nothing was sent. */
  'storage',
] as const;
export type FailureCode = (typeof FAILURE_CODES)[number];

/** Codes a side may send in an `abort` message. */
export const ABORT_CODES = [
  'cancelled',
  'deadline',
  'verification-failed',
  'invalid-terms',
  'wallet-refused',
  'no-wallet',
  'protocol-error',
  'broadcast-failed',
] as const;
export type AbortCode = (typeof ABORT_CODES)[number];

export interface TradeFailure {
  readonly code: FailureCode;
  /** Plain words for the user (peer text included only as text). */
  readonly message: string;
  /** Who ended it. */
  readonly by: 'me' | 'peer';
  /** The verifier's (or wallet check's) machine-readable code, when a check failed. */
  readonly verifyCode?: string;
  /** Where it stopped (`verify-own`, `verify-peer`, `wallet`, …). */
  readonly stage?: string;
}

/** One line of the "what you sign" review. */
export interface ReviewLine {
  readonly label: string;
  readonly value: string;
}

/** What the user confirms before the wallet prompt: plain words, built from the verifier's summary. */
export interface TradeReview {
  /** Unsigned (and final: all inputs are segwit) txid. */
  readonly txid: string;
  readonly role: SwapRole;
  /** What leaves my wallet. */
  readonly send: readonly string[];
  /** What arrives in my wallet. */
  readonly receive: readonly string[];
  /** Network fee: amount, rate, size and who pays it. */
  readonly fee: string;
  /** The decoded runestone, field by field. */
  readonly runestone: readonly string[];
  /** The decoded alkanes protostone (alkane trades). */
  readonly protostone: readonly string[];
  /** Every output of the transaction (index, destination, sats, whose). */
  readonly outputs: readonly string[];
  /** My inputs, the ones my wallet will be asked to sign. */
  readonly myInputs: readonly string[];
}

export const PROPOSAL_DIRECTIONS = ['in', 'out'] as const;
export type ProposalDirection = (typeof PROPOSAL_DIRECTIONS)[number];

/** What a host learns when a trade is proposed (either way). */
export interface TradeProposedDetail {
  readonly tradeId: string;
  readonly peer: string;
  /** `out`: I proposed; `in`: the peer did. */
  readonly direction: ProposalDirection;
  /** My role: `seller` gives the asset, `buyer` pays BTC. */
  readonly role: SwapRole;
  /** Asset kind and id, amount, price in sats and fee rate, as decimal strings. */
  readonly terms: {
    readonly kind: string;
    readonly assetId: string;
    readonly amount: string;
    readonly priceSats: string;
    readonly feeRate: string;
    readonly network: string;
  };
  readonly orderId?: string | undefined;
}

export interface TradeAcceptedDetail {
  readonly tradeId: string;
  readonly peer: string;
  readonly role: SwapRole;
}

export interface TradeSignedDetail {
  readonly tradeId: string;
  readonly peer: string;
  readonly role: SwapRole;
  /** The agreed txid my wallet signed. */
  readonly txid: string;
}

export interface TradeCompletedDetail {
  readonly tradeId: string;
  readonly peer: string;
  readonly role: SwapRole;
  readonly txid: string;
  /** The orderbook order this trade filled, when it came from one (`<darkswap-orderbook>` withdraws it). */
  readonly orderId?: string | undefined;
  /** Whether the counterparty proposed it (`in`: I am the maker of `orderId`). */
  readonly direction: 'in' | 'out';
}

export interface TradeFailedDetail {
  readonly tradeId: string;
  readonly peer: string;
  readonly role: SwapRole;
  readonly failure: TradeFailure;
  /** True when my signature had already left: spend my inputs to be safe (the peer holds a signed PSBT). */
  readonly exposed: boolean;
}
