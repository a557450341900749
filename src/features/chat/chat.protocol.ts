/**
 * The group-chat wire protocol, whole (pure: no DOM, no network, no clock). One reliable channel, `chat`
 * (normal priority, ≤ CHAT_MAX_BYTES per message).
 *
 * ## Items: signed operations and messages
 * Everything a chat holds is an **item**, signed by its author's identity key (Ed25519, core/identity):
 * ```
 * op create  {"v":1,"k":"op","op":"create","g":G,"a":A,"t":T,"c":C,"nonce":N,"name":NAME[,"n":NAME],"s":SIG}
 * op invite  {"v":1,"k":"op","op":"invite","g":G,"a":A,"t":T,"c":C,"who":KEY[,"n":NAME],"s":SIG}
 * op join    {"v":1,"k":"op","op":"join","g":G,"a":A,"t":T,"c":C[,"n":NAME],"s":SIG}       (also leave)
 * message    {"v":1,"k":"msg","g":G,"a":A,"t":T,"c":C,"text":TEXT[,"n":NAME],"s":SIG}
 * direct msg {"v":1,"k":"dm","to":KEY,"a":A,"t":T,"c":C,"text":TEXT[,"n":NAME],"s":SIG}
 * ```
 * - `a` is the author's raw public key (64 hex); `t`/`c` its hybrid logical clock (hlc.ts) when it made the
 *   item; `s` its signature (128 hex). Lower-case hex everywhere.
 * - **Canonical encoding** = the JSON text of the item without `s`, keys in the order
 *   `v k op g to a t c who nonce name text n` (absent ones left out), no whitespace. **id** = lower-case hex
 *   SHA-256 of its UTF-8 bytes; **s** = the author's signature over `domainMessage('darkswap/chat/v1',
 *   canonical)`. The id is never sent: every receiver computes it, so a relay cannot alter an item without
 *   breaking its signature, and a replay has the same id (ignored).
 * - **Group ids** (32 hex) are bound to their creator: `G = sha256('darkswap/chat/group/v1\nA\nN')[0..32]` of
 *   the create op's author and nonce, so no one else can write a create op for an existing group. A direct
 *   conversation is the two-member group `sha256('darkswap/chat/dm/v1\n' + the two keys sorted, newline
 *   joined)[0..32]`; its members are fixed and it needs no ops.
 * - `name` (a group's name) and `n` (the author's display name) are what the author claims: metadata, never
 *   identity. Texts are 1..MAX_TEXT UTF-16 units without control characters other than tab and newline;
 *   names 1..MAX_NAME without any control character.
 *
 * ## Membership (chat.model.ts)
 * Ops are applied in (t, c, id) order. `create` makes its author a member; a member may `invite` a key; an
 * invited key — or one that left — becomes a member with its own `join`; a member or an invited key `leave`s.
 * An op that does not fit the state at its place in that order has no effect. So every peer with the same ops
 * computes the same membership, a leave beats every older join (a sync that brings back an old join changes
 * nothing), and coming back needs a newer join. A message counts only if its author was a member at the
 * message's time.
 *
 * ## Messages on the channel (`t` discriminates)
 * - `hello {re}` — sent when a link opens (and answered once, `re: true`): only peers that said hello get chat
 *   traffic, so a page without a chat widget is never sent any. `bye` when the engine stops.
 * - `items {hop, re, items}` — new items (gossip) or answers to `get` (`re: true`). A receiver checks every
 *   item (shape, sizes, clock skew, rate, signature, membership) before it stores, shows or forwards it;
 *   new gossip items go on to every other chat peer with `hop + 1` while `hop < MAX_HOPS` (the stored ids and a
 *   bounded seen-set stop repeats). Answers are not forwarded: the periodic `sum` spreads them. A direct message
 *   goes to the other party when it is linked (else the same gossip) and stops there. Items are signed, not
 *   encrypted: the peers they cross can read them. My invitation goes to the invitee with the group's ops
 *   (`items {re: true}`), not by gossip.
 * - `sum {groups:[{g, o, r?, n?}]}` — per group shared with that peer (its key is in the group): the hash of
 *   the group's op ids (`o`) and, when I hold its messages, their root hash (`r`) and count. Sent after hello
 *   and, every SUM_INTERVAL_MS, for groups whose hashes changed since the last sum to that peer.
 * - `buckets {g, lo, hi, b:[[bucket, count, hash]…]}` — sent when a `sum` root differs: message ids grouped by
 *   `floor(t / BUCKET_MS)`, each bucket's count and the hash of its sorted ids (chat.sync.ts), in pages that
 *   each cover the bucket range `lo..hi`.
 * - `have {g, b, ids}` — my short ids (first SHORT_ID_HEX hex of the id) in a bucket whose hash differs.
 * - `get {g, ops, ids}` — ask for a group's ops and/or the messages of those short ids; answered with
 *   `items {re: true}` only to peers whose key is in the group.
 */
import * as v from 'valibot';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { bytesToHex, hexToBytes } from '../../core/bytes.js';
import { domainMessage, verifySignature } from '../../core/identity.js';
import { MAX_COUNTER, sortKey } from './hlc.js';

export const CHAT_CHANNEL = 'chat';
export const CHAT_TAG = 'darkswap/chat/v1';
export const GROUP_ID_TAG = 'darkswap/chat/group/v1';
export const DM_ID_TAG = 'darkswap/chat/dm/v1';
export const CHAT_VERSION = 1;

/** One channel message (JSON bytes). */
export const CHAT_MAX_BYTES = 65_536;
/** Items packed into one `items` message stay under this (room for the envelope). */
export const ITEMS_PAGE_BYTES = 60_000;
/** Longest message text, in UTF-16 units. */
export const MAX_TEXT = 2_000;
/** Longest group or display name. */
export const MAX_NAME = 64;
export const MAX_ITEMS_PER_MESSAGE = 500;
/** Gossip stops after this many hops. */
export const MAX_HOPS = 8;
/** Items stamped further than this ahead of my clock are refused. */
export const MAX_SKEW_MS = 60_000;
/** Sync buckets: message ids grouped by 2^22 ms (about 70 minutes) of their clock. */
export const BUCKET_MS = 4_194_304;
export const SHORT_ID_HEX = 24;
export const MAX_IDS_PER_MESSAGE = 2_000;
export const MAX_BUCKETS_PER_MESSAGE = 1_000;
/** Messages kept per group (oldest dropped). */
export const MAX_MESSAGES_PER_GROUP = 5_000;
export const MAX_OPS_PER_GROUP = 1_000;
/** Members plus invited keys of one group. */
export const MAX_MEMBERS = 256;
export const MAX_GROUPS = 200;
/** How often changed group hashes are offered to chat peers again. */
export const SUM_INTERVAL_MS = 3_000;

/** Rates on top of the service's own per-peer limits. */
export const RATES = Object.freeze({
  /** Items a peer may push (gossip, not answers to my `get`): steady per second, and burst. */
  peerItemsPerSecond: 200,
  peerItemBurst: 2_000,
  /** New messages one author may add per second, and burst (by its key, wherever they come from). */
  authorPerSecond: 30,
  authorBurst: 600,
  /** Items I send in answer to one peer's `get`s: per second, and burst. */
  servePerSecond: 2_000,
  serveBurst: 12_000,
});

/** Why an item or a channel message was not taken in (counted by reason, per peer and in total). */
export const CHAT_REJECT_REASONS = [
  /** Not an item of this protocol (shape, fields, characters). */
  'malformed',
  /** A text over MAX_TEXT. */
  'too-long',
  /** The signature does not verify with the author key (forged, or altered on the way). */
  'bad-signature',
  /** The same item again (a replay, or the same gossip by a second path). */
  'duplicate',
  /** The author is not a member of the group at the item's time (or not a party to the direct conversation). */
  'not-member',
  /** Stamped too far in the future. */
  'future',
  /** Over the per-peer or per-author rate. */
  'rate-limited',
  /** A create op whose group id is not its own, or an item for a group with no valid create. */
  'bad-group',
  /** The group is at its op or member cap, or I hold too many groups. */
  'full',
  /** A request for a group the asking peer is not in. */
  'not-allowed',
  /** A display name that matches a contact's name on another key (the message is kept, the name is not shown). */
  'name-claim',
] as const;
export type ChatRejectReason = (typeof CHAT_REJECT_REASONS)[number];

// ---- item schemas ----------------------------------------------------------------------------------------------

const hex = (length: number) => v.pipe(v.string(), v.regex(new RegExp(`^[0-9a-f]{${length}}$`)));
export const KeySchema = hex(64);
export const GroupIdSchema = hex(32);
const Sig = hex(128);
const Time = v.pipe(v.number(), v.safeInteger(), v.minValue(0), v.maxValue(999_999_999_999_999));
const Counter = v.pipe(v.number(), v.safeInteger(), v.minValue(0), v.maxValue(MAX_COUNTER));
// eslint-disable-next-line no-control-regex
const TEXT_CHARS = /^[^\u0000-\u0008\u000b-\u001f\u007f]*$/;
// eslint-disable-next-line no-control-regex
const NAME_CHARS = /^[^\u0000-\u001f\u007f\u2028\u2029]*$/;

/** A message text: 1..MAX_TEXT, not only white space, no control characters but tab and newline. */
export const TextSchema = v.pipe(
  v.string(),
  v.minLength(1),
  v.maxLength(MAX_TEXT),
  v.regex(TEXT_CHARS, 'control characters'),
  v.check((s) => s.trim().length > 0, 'empty'),
);
/** A group or display name: 1..MAX_NAME, no control characters, no leading or trailing space. */
export const NameSchema = v.pipe(
  v.string(),
  v.minLength(1),
  v.maxLength(MAX_NAME),
  v.regex(NAME_CHARS, 'control characters'),
  v.check((s) => s.trim() === s, 'surrounding space'),
);

const common = { v: v.literal(CHAT_VERSION), a: KeySchema, t: Time, c: Counter, s: Sig };
export const ItemSchema = v.union([
  v.strictObject({ ...common, k: v.literal('op'), op: v.literal('create'), g: GroupIdSchema, nonce: hex(32), name: NameSchema, n: v.optional(NameSchema) }),
  v.strictObject({ ...common, k: v.literal('op'), op: v.literal('invite'), g: GroupIdSchema, who: KeySchema, n: v.optional(NameSchema) }),
  v.strictObject({ ...common, k: v.literal('op'), op: v.picklist(['join', 'leave']), g: GroupIdSchema, n: v.optional(NameSchema) }),
  v.strictObject({ ...common, k: v.literal('msg'), g: GroupIdSchema, text: TextSchema, n: v.optional(NameSchema) }),
  v.strictObject({ ...common, k: v.literal('dm'), to: KeySchema, text: TextSchema, n: v.optional(NameSchema) }),
]);
export type ItemWire = v.InferOutput<typeof ItemSchema>;
/** An item's fields before signing. */
export type UnsignedItem = ItemWire extends infer T ? (T extends unknown ? Omit<T, 's'> : never) : never;

export const OP_KINDS = ['create', 'invite', 'join', 'leave'] as const;
export type OpKind = (typeof OP_KINDS)[number];

interface ItemBase {
  /** sha256 hex of the canonical encoding. */
  readonly id: string;
  /** The group it belongs to (a direct conversation's derived id for `dm`). */
  readonly g: string;
  /** The author's key. */
  readonly a: string;
  readonly t: number;
  readonly c: number;
  /** (t, c, id) as one sortable string. */
  readonly sk: string;
  /** The signed wire object (what is stored and sent on). */
  readonly wire: ItemWire;
}

/** A membership operation. */
export interface ChatOp extends ItemBase {
  readonly kind: 'op';
  readonly op: OpKind;
  /** invite: the invited key. */
  readonly who?: string;
  /** create: the group's name. */
  readonly name?: string;
  /** The display name the author claims (metadata, never identity). */
  readonly n?: string;
}

/** A message of a group or a direct conversation. */
export interface ChatMessage extends ItemBase {
  readonly kind: 'msg';
  readonly text: string;
  /** The display name the author claims (metadata, never identity). */
  readonly n?: string;
  /** Direct conversations: the other party. */
  readonly to?: string;
}

export type ChatItem = ChatOp | ChatMessage;

// ---- canonical encoding, ids, signatures -----------------------------------------------------------------------

const CANONICAL_KEYS = ['v', 'k', 'op', 'g', 'to', 'a', 't', 'c', 'who', 'nonce', 'name', 'text', 'n'] as const;

/** The canonical encoding of an item (see the module comment): what the id hashes and the signature covers. */
export function canonicalItem(wire: UnsignedItem | ItemWire): string {
  const source = wire as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of CANONICAL_KEYS) if (source[key] !== undefined) out[key] = source[key];
  return JSON.stringify(out);
}

const sha256Hex = (bytes: Uint8Array) => bytesToHex(sha256(bytes));

export function itemId(wire: UnsignedItem | ItemWire): string {
  return sha256Hex(utf8ToBytes(canonicalItem(wire)));
}

/** The group id a create op by `creator` with `nonce` must carry. */
export function groupIdFor(creator: string, nonce: string): string {
  return sha256Hex(domainMessage(GROUP_ID_TAG, creator, nonce)).slice(0, 32);
}

/** The id of the direct conversation between two keys (the same from either side). */
export function dmIdFor(a: string, b: string): string {
  return sha256Hex(domainMessage(DM_ID_TAG, ...[a, b].sort())).slice(0, 32);
}

export const shortId = (id: string): string => id.slice(0, SHORT_ID_HEX);

/** The in-memory item of a schema-valid wire object (computes id and group; checks no signature). */
export function decodeItem(wire: ItemWire): ChatItem {
  const id = itemId(wire);
  const sk = sortKey(wire, id);
  const base = { id, a: wire.a, t: wire.t, c: wire.c, sk, wire };
  if (wire.k === 'op') {
    return Object.freeze({
      ...base,
      kind: 'op' as const,
      g: wire.g,
      op: wire.op,
      ...(wire.op === 'invite' ? { who: wire.who } : {}),
      ...(wire.op === 'create' ? { name: wire.name } : {}),
      ...(wire.n ? { n: wire.n } : {}),
    });
  }
  if (wire.k === 'dm') {
    return Object.freeze({ ...base, kind: 'msg' as const, g: dmIdFor(wire.a, wire.to), to: wire.to, text: wire.text, ...(wire.n ? { n: wire.n } : {}) });
  }
  return Object.freeze({ ...base, kind: 'msg' as const, g: wire.g, text: wire.text, ...(wire.n ? { n: wire.n } : {}) });
}

export type ParsedItem = { ok: true; item: ChatItem } | { ok: false; reason: ChatRejectReason; message: string };

/**
 * Untrusted input → an item, or why not: shape and characters (`malformed`), text length (`too-long`), a create
 * op's group id (`bad-group`), a direct message to oneself or an invite of oneself (`malformed`). No signature.
 */
export function parseItem(raw: unknown): ParsedItem {
  const text = (raw as { text?: unknown } | null)?.text;
  if (typeof text === 'string' && text.length > MAX_TEXT) {
    return { ok: false, reason: 'too-long', message: `A message of ${text.length} characters (at most ${MAX_TEXT}).` };
  }
  const result = v.safeParse(ItemSchema, raw);
  if (!result.success) {
    const issue = result.issues[0];
    const path = issue?.path?.map((p) => String(p.key)).join('.') ?? '';
    return { ok: false, reason: 'malformed', message: `Malformed item${path ? ` (${path})` : ''}: ${issue?.message ?? 'invalid'}` };
  }
  const wire = result.output;
  if (wire.k === 'op' && wire.op === 'create' && groupIdFor(wire.a, wire.nonce) !== wire.g) {
    return { ok: false, reason: 'bad-group', message: 'The group id is not the one its creator and nonce give.' };
  }
  if ((wire.k === 'dm' && wire.to === wire.a) || (wire.k === 'op' && wire.op === 'invite' && wire.who === wire.a)) {
    return { ok: false, reason: 'malformed', message: 'An item addressed to its own author.' };
  }
  return { ok: true, item: decodeItem(wire) };
}

/** What signs items: the identity module's `Identity` fits. */
export interface ChatSigner {
  readonly publicKey: string;
  sign(message: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

/** Same shape as the identity module's `verifySignature`. */
export type ChatVerifier = (publicKey: string, message: Uint8Array, signature: Uint8Array) => boolean | Promise<boolean>;

/** Sign unsigned item fields with the author's identity (its key must be `fields.a`). */
export async function signItem(identity: ChatSigner, fields: UnsignedItem): Promise<ChatItem> {
  if (identity.publicKey !== fields.a) throw new Error('signItem: the identity is not the author.');
  const canonical = canonicalItem(fields);
  const s = bytesToHex(await identity.sign(domainMessage(CHAT_TAG, canonical)));
  return decodeItem({ ...fields, s } as ItemWire);
}

/** Whether the item's signature verifies with its author key (never throws). */
export async function verifyItem(item: ChatItem, verify: ChatVerifier = verifySignature): Promise<boolean> {
  try {
    return (await verify(item.a, domainMessage(CHAT_TAG, canonicalItem(item.wire)), hexToBytes(item.wire.s))) === true;
  } catch {
    return false;
  }
}

/** UTF-8 size of an item's wire JSON. */
export function itemBytes(wire: ItemWire): number {
  return utf8ToBytes(JSON.stringify(wire)).length;
}

/** 128 random bits, hex: a create op's nonce. */
export function newNonce(): string {
  return bytesToHex(crypto.getRandomValues(new Uint8Array(16)));
}

// ---- channel messages ------------------------------------------------------------------------------------------

const ShortIds = v.pipe(v.string(), v.maxLength(MAX_IDS_PER_MESSAGE * SHORT_ID_HEX), v.regex(new RegExp(`^(?:[0-9a-f]{${SHORT_ID_HEX}})*$`)));
const Count = v.pipe(v.number(), v.safeInteger(), v.minValue(0), v.maxValue(1_000_000));
/** The largest bucket number. */
export const MAX_BUCKET = Math.floor(999_999_999_999_999 / BUCKET_MS);
const Bucket = v.pipe(v.number(), v.safeInteger(), v.minValue(0), v.maxValue(MAX_BUCKET));

export const ChatMessageSchema = v.variant('t', [
  v.strictObject({ t: v.literal('hello'), re: v.boolean() }),
  v.strictObject({ t: v.literal('bye') }),
  v.strictObject({
    t: v.literal('items'),
    hop: v.pipe(v.number(), v.safeInteger(), v.minValue(0), v.maxValue(MAX_HOPS)),
    re: v.boolean(),
    // Each item is checked on its own (chat.protocol parseItem), so one bad item does not drop its page.
    items: v.pipe(v.array(v.looseObject({ k: v.string() })), v.minLength(1), v.maxLength(MAX_ITEMS_PER_MESSAGE)),
  }),
  v.strictObject({
    t: v.literal('sum'),
    groups: v.pipe(v.array(v.strictObject({ g: GroupIdSchema, o: hex(32), r: v.optional(hex(32)), n: v.optional(Count) })), v.maxLength(MAX_GROUPS)),
  }),
  v.strictObject({
    t: v.literal('buckets'),
    g: GroupIdSchema,
    /** The bucket range this page covers (inclusive): a receiver compares only its own buckets in it. */
    lo: Bucket,
    hi: Bucket,
    b: v.pipe(v.array(v.tuple([Bucket, Count, hex(16)])), v.maxLength(MAX_BUCKETS_PER_MESSAGE)),
  }),
  v.strictObject({ t: v.literal('have'), g: GroupIdSchema, b: Bucket, ids: ShortIds }),
  v.strictObject({ t: v.literal('get'), g: GroupIdSchema, ops: v.boolean(), ids: ShortIds }),
]);
export type ChatWireMessage = v.InferOutput<typeof ChatMessageSchema>;

/** Split a concatenation of short ids. */
export function splitShortIds(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + SHORT_ID_HEX <= text.length; i += SHORT_ID_HEX) out.push(text.slice(i, i + SHORT_ID_HEX));
  return out;
}

/** Pages of concatenated short ids, at most MAX_IDS_PER_MESSAGE each. */
export function shortIdPages(ids: readonly string[]): string[] {
  const pages: string[] = [];
  for (let i = 0; i < ids.length; i += MAX_IDS_PER_MESSAGE) pages.push(ids.slice(i, i + MAX_IDS_PER_MESSAGE).join(''));
  return pages;
}

/** Items packed into pages whose JSON stays under ITEMS_PAGE_BYTES and MAX_ITEMS_PER_MESSAGE items. */
export function itemPages(wires: readonly ItemWire[]): ItemWire[][] {
  const pages: ItemWire[][] = [];
  let page: ItemWire[] = [];
  let bytes = 0;
  for (const w of wires) {
    const n = itemBytes(w) + 1;
    if (page.length && (bytes + n > ITEMS_PAGE_BYTES || page.length >= MAX_ITEMS_PER_MESSAGE)) {
      pages.push(page);
      page = [];
      bytes = 0;
    }
    page.push(w);
    bytes += n;
  }
  if (page.length) pages.push(page);
  return pages;
}
