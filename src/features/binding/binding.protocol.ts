/**
 * The `binding` channel (issue 19 item 4): a peer that chose to prove a wallet sends its identity binding (a
 * BIP-322 signature by a wallet address over a statement naming its identity key, bip322.ts) to every linked
 * peer; `unbind` withdraws it (the wallet was disconnected). Shapes and caps only: the engine verifies the
 * signature against the link's authenticated key. Pure; no DOM.
 */
import * as v from 'valibot';
import type { BindingRejectCode } from '../../bitcoin/wallets/bip322.js';

export const BINDING_CHANNEL = 'binding';

/** Largest binding message (JSON bytes): a binding is ~600 bytes; the cap leaves room and no more. */
export const BINDING_MAX_BYTES = 2_048;

/** A binding older than this is refused (the sender proves the wallet again in a new session). */
export const BINDING_MAX_AGE_MS = 30 * 24 * 3_600_000;

/** Binding messages a peer may send in a burst, and the steady rate after it (one every 10 s). */
export const BINDING_BURST = 4;
export const BINDING_PER_SECOND = 0.1;

const Hex64 = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/i));

export const IdentityBindingSchema = v.strictObject({
  v: v.literal(1),
  identity: Hex64,
  /** Bech32/bech32m addresses are at most 90 characters. */
  address: v.pipe(v.string(), v.minLength(14), v.maxLength(90), v.regex(/^[a-zA-Z0-9]+$/)),
  network: v.picklist(['mainnet', 'testnet4', 'signet', 'regtest']),
  issued: v.pipe(v.string(), v.maxLength(32), v.isoTimestamp()),
  /** A serialized single-key witness, base64: P2WPKH ~144 characters, P2TR ~90. */
  signature: v.pipe(v.string(), v.minLength(4), v.maxLength(400), v.regex(/^[A-Za-z0-9+/]+={0,2}$/)),
});

export const BindingMessageSchema = v.variant('t', [
  v.strictObject({ t: v.literal('bind'), binding: IdentityBindingSchema }),
  v.strictObject({ t: v.literal('unbind') }),
]);

export type BindingMessage = v.InferOutput<typeof BindingMessageSchema>;

/** Why a received binding was refused: the check's codes, and `rate` (the peer sent too many). */
export type BindingReject = BindingRejectCode | 'rate';

export interface BindingRejects {
  total: number;
  byReason: Partial<Record<BindingReject, number>>;
}

/** A peer's verified binding, as views show it. */
export interface PeerBinding {
  /** The wallet address the peer proved it controls. */
  readonly address: string;
  readonly network: string;
  /** The identity key it binds (the link's authenticated key when it arrived). */
  readonly identity: string;
  readonly issued: string;
}
