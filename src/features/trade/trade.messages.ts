/**
 * The messages on the `trade` channel: valibot schemas (the channel validates every message against
 * `TradeMessageSchema` and its byte limit before the engine sees it) and the wire types derived from them.
 * The flow they carry is described in `trade.protocol.ts`.
 */
import * as v from 'valibot';
import { bytesToHex, hexToBytes } from '../../core/bytes.js';
import { domainMessage, verifySignature, type Identity } from '../../core/identity.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { BuyerContributionWireSchema, SellerContributionWireSchema, SwapTermsWireSchema, SWAP_ROLES, type SwapRole } from '../../bitcoin/wire.js';
import { ABORT_CODES, MAX_REASON_LENGTH, MAX_TX_TEXT, TRADE_PROTOCOL_VERSION } from './trade.types.js';

const Hex64 = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/));
/** 128-bit random trade id. */
const TradeId = v.pipe(v.string(), v.regex(/^[0-9a-f]{32}$/));
const Seq = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1_000));
const Text = v.pipe(v.string(), v.maxLength(MAX_REASON_LENGTH));
const Base64 = v.pipe(v.string(), v.maxLength(MAX_TX_TEXT), v.regex(/^[A-Za-z0-9+/]+={0,2}$/));
const TxHex = v.pipe(v.string(), v.maxLength(MAX_TX_TEXT), v.regex(/^([0-9a-f]{2})+$/));

/**
 * Every numbered message is signed by its sender's identity key: `sig` = Ed25519 over
 * `domainMessage(MESSAGE_TAG, messageDigest(message))`, so the audit log proves what the peer said.
 */
const Sig = v.pipe(v.string(), v.regex(/^[0-9a-f]{128}$/));
const head = { v: v.literal(TRADE_PROTOCOL_VERSION), id: TradeId, seq: Seq, sig: v.optional(Sig) } as const;

export const ProposeMessageSchema = v.strictObject({
  ...head,
  t: v.literal('propose'),
  body: v.strictObject({
    terms: SwapTermsWireSchema,
    /** The proposer's role. Its contribution (coins, addresses) follows only once the terms are accepted. */
    role: v.picklist(SWAP_ROLES),
    /** The orderbook order this trade takes, when it comes from one. */
    orderId: v.optional(Hex64),
  }),
});
/** The proposer's contribution, sent only after the counterparty accepted the terms (privacy: no coins shown before). */
export const ContributeMessageSchema = v.strictObject({
  ...head,
  t: v.literal('contribute'),
  body: v.strictObject({ seller: v.optional(SellerContributionWireSchema), buyer: v.optional(BuyerContributionWireSchema) }),
});
export const AcceptMessageSchema = v.strictObject({
  ...head,
  t: v.literal('accept'),
  body: v.strictObject({ seller: v.optional(SellerContributionWireSchema), buyer: v.optional(BuyerContributionWireSchema) }),
});
export const RejectMessageSchema = v.strictObject({ ...head, t: v.literal('reject'), body: v.strictObject({ reason: Text }) });
export const ReadyMessageSchema = v.strictObject({ ...head, t: v.literal('ready'), body: v.strictObject({ txid: Hex64 }) });
/** `until`: the seller's own deadline for completion (epoch ms); the buyer's never runs past it. */
export const SignedMessageSchema = v.strictObject({
  ...head,
  t: v.literal('signed'),
  body: v.strictObject({ txid: Hex64, psbt: Base64, until: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))) }),
});
export const CompleteMessageSchema = v.strictObject({ ...head, t: v.literal('complete'), body: v.strictObject({ txid: Hex64, tx: TxHex }) });
export const AbortMessageSchema = v.strictObject({
  ...head,
  t: v.literal('abort'),
  body: v.strictObject({ code: v.picklist(ABORT_CODES), message: Text }),
});
/**
 * Not numbered: "send me your messages from `next` on; I have sent `sent`". The receiver resends what was
 * asked and, when it has not seen all of the sender's `sent` messages, asks back once.
 */
export const ResumeMessageSchema = v.strictObject({
  v: v.literal(TRADE_PROTOCOL_VERSION),
  id: TradeId,
  t: v.literal('resume'),
  next: Seq,
  sent: Seq,
});

/** Every message on the `trade` channel. */
export const TradeMessageSchema = v.variant('t', [
  ProposeMessageSchema,
  AcceptMessageSchema,
  ContributeMessageSchema,
  RejectMessageSchema,
  ReadyMessageSchema,
  SignedMessageSchema,
  CompleteMessageSchema,
  AbortMessageSchema,
  ResumeMessageSchema,
]);
export type TradeMessage = v.InferOutput<typeof TradeMessageSchema>;
export type ProposeMessage = v.InferOutput<typeof ProposeMessageSchema>;
export type ResumeMessage = v.InferOutput<typeof ResumeMessageSchema>;
export type SequencedMessage = Exclude<TradeMessage, ResumeMessage>;
/** The body of a numbered message of kind `T`. */
export type MessageBody<T extends SequencedMessage['t']> = Extract<SequencedMessage, { t: T }>['body'];
export type SellerContributionWire = NonNullable<MessageBody<'accept'>['seller']>;
export type BuyerContributionWire = NonNullable<MessageBody<'accept'>['buyer']>;
export type ContributionWire = { readonly seller: SellerContributionWire } | { readonly buyer: BuyerContributionWire };

/** The contribution the message carries for `role`, if it carries exactly that one. */
export function contributionOf(
  body: { seller?: SellerContributionWire | undefined; buyer?: BuyerContributionWire | undefined },
  role: SwapRole,
): ContributionWire | undefined {
  if (role === 'seller') return body.seller && !body.buyer ? { seller: body.seller } : undefined;
  return body.buyer && !body.seller ? { buyer: body.buyer } : undefined;
}

/** A fresh 128-bit trade id. */
export function newTradeId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return bytesToHex(bytes);
}

/** sha256 hex of a text (message digests, check bases, audit details). */
export const digest = (text: string): string => bytesToHex(sha256(utf8ToBytes(text)));

/** Domain tag of trade message signatures. */
export const MESSAGE_TAG = 'darkswap/trade-msg/v1';

/** JSON with object keys sorted at every level: the same text for the same message on both sides. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** sha256 hex of a numbered message without its signature (what the sender signs). */
export function messageDigest(message: SequencedMessage): string {
  const { sig: _sig, ...unsigned } = message as SequencedMessage & { sig?: string };
  void _sig;
  return digest(canonicalJson(unsigned));
}

/** The message with its sender's signature (`sig`) over `messageDigest`. */
export async function signTradeMessage<M extends SequencedMessage>(identity: Identity, message: M): Promise<M & { sig: string }> {
  const sig = bytesToHex(await identity.sign(domainMessage(MESSAGE_TAG, messageDigest(message))));
  return { ...message, sig };
}

/** Whether a numbered message carries a valid signature by `key`. */
export async function verifyTradeMessage(key: string, message: SequencedMessage): Promise<boolean> {
  const sig = (message as { sig?: string }).sig;
  if (!sig) return false;
  return verifySignature(key, domainMessage(MESSAGE_TAG, messageDigest(message)), hexToBytes(sig));
}
