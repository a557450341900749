/** The channel the orderbook gossips on. */
export const ORDERBOOK_CHANNEL = 'orderbook';

/** Order format version carried in every order (`v`). */
export const ORDER_VERSION = 1;

/** Longest an order may live: `expires - created` (Bisq uses 9 minutes; makers refresh before expiry). */
export const MAX_TTL_MS = 10 * 60_000;
/** How far a peer's clock may run ahead of ours before its `created` / `at` is "in the future". */
export const MAX_CLOCK_SKEW_MS = 30_000;
/** Largest encoded order (its wire JSON, signature included): leaves room for a sync envelope in 16 KiB. */
export const MAX_ORDER_BYTES = 16_000;
/** Largest sync message (UTF-8 bytes of its JSON text) — the orderbook channel's size limit. */
export const MAX_MESSAGE_BYTES = 16_384;
/** Hex digits of an id sent in sync digests (96 bits: collisions are negligible and costly to forge). */
export const SHORT_ID_HEX = 24;
/** Ids per digest or get message: 600 × 24 hex fits one 16 KiB message with room to spare. */
export const MAX_IDS_PER_MESSAGE = 600;
/** Default cap of live orders in one book, all makers together. */
export const DEFAULT_MAX_ORDERS = 100_000;
/** Default cap of live orders per maker key on one peer. */
export const DEFAULT_MAX_LIVE_PER_MAKER = 100;

/** Largest rune/alkane amount (runes are u128). */
export const MAX_ASSET_UNITS = (1n << 128n) - 1n;
/** Largest BTC amount in sats (21 million BTC). */
export const MAX_SATS = 2_100_000_000_000_000n;
/** Largest price numerator and lot size. */
export const MAX_PRICE_UNITS = (1n << 128n) - 1n;
/** Largest block / tx number in an asset id. */
export const MAX_ASSET_ID_PART = 4_294_967_295;

/**
 * Which way the maker trades the **base** asset: `buy` orders are bids, `sell` orders are asks.
 * A taker's side is the same word from the taker's point of view.
 */
export const SIDES = ['buy', 'sell'] as const;
export type Side = (typeof SIDES)[number];

export const ASSET_KINDS = ['btc', 'rune', 'alkane'] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];

/** Why an order is refused (by `validateOrder`, `parseOrder` or the book). */
export const ORDER_REJECT_REASONS = [
  /** Not the wire shape: wrong types, unknown fields, bad hex or decimal syntax. */
  'malformed',
  /** Its wire JSON is larger than MAX_ORDER_BYTES. */
  'too-big',
  /** An asset is not `BTC`, `RUNE:<block>:<tx>` or `ALKANE:<block>:<tx>` with ids in range. */
  'bad-asset',
  /** Base and quote are the same asset. */
  'same-asset',
  /** Price or lot is 0 or too large. */
  'price-out-of-range',
  /** Price and lot share a factor: one price has exactly one spelling. */
  'price-not-reduced',
  /** Amount is 0 or larger than the base asset allows. */
  'amount-out-of-range',
  /** Amount is not a whole number of lots. */
  'amount-not-lot-multiple',
  /** The quote total (amount / lot × price) is larger than the quote asset allows. */
  'total-out-of-range',
  /** Minimum fill is 0, above the amount, or not a whole number of lots. */
  'min-fill-invalid',
  /**
   * The smallest fill would move less than the dust limit of BTC (546 sats): such a trade could never be
   * settled (its payment output would be refused). Against BTC only.
   */
  'dust',
  /** An outpoint is not `<64 hex txid>:<vout>`, or there is none. */
  'bad-outpoint',
  /** The same outpoint is listed twice. */
  'duplicate-outpoint',
  /** `expires` is not after `created`. */
  'bad-expiry',
  /** `expires - created` is longer than MAX_TTL_MS. */
  'ttl-too-long',
  /** `expires` has passed. */
  'expired',
  /** `created` is more than MAX_CLOCK_SKEW_MS ahead of our clock. */
  'created-in-future',
  /** The maker already has the maximum number of live orders here. */
  'too-many-live-orders',
  /** The book holds its maximum number of orders (a bound against many-key floods). */
  'book-full',
  /**
   * The host's asset indexer says the outpoints are spent, unknown, or do not hold what the order
   * offers (a sell offers `amount` of the base asset, a buy the quote total). Store-level: only with an indexer.
   */
  'asset-not-held',
  /** The signature does not verify with the maker's key. */
  'bad-signature',
  /** The maker cancelled this order. */
  'cancelled',
  /** The book already holds this order. */
  'duplicate',
] as const;
export type OrderRejectReason = (typeof ORDER_REJECT_REASONS)[number];

/** The smallest BTC output a trade can pay (sats): Bitcoin Core's dust limit for the largest common output type. */
export const BTC_DUST_SATS = 546n;

/** Why a cancel (tombstone) is refused. */
export const CANCEL_REJECT_REASONS = [
  'malformed',
  /** The signature does not verify with the key named as maker. */
  'bad-signature',
  /** The order was made by someone else: only its maker may cancel it. */
  'not-maker',
  /** `at` is more than MAX_CLOCK_SKEW_MS ahead of our clock. */
  'created-in-future',
  /** Too old to cancel any order that can still be live. */
  'expired',
  /** We already hold a cancel for this order. */
  'duplicate',
] as const;
export type CancelRejectReason = (typeof CANCEL_REJECT_REASONS)[number];

/** Sync message types (the `t` field). */
export const SYNC_MESSAGE_TYPES = [
  /** A page of the sender's short ids: live orders and cancels. */
  'digest',
  /** A request for the orders and cancels with these short ids. */
  'get',
  /** Orders: an answer to `get`, or gossip of new ones. */
  'orders',
  /** Cancels: an answer to `get`, or gossip of new ones. */
  'cancels',
] as const;
export type SyncMessageType = (typeof SYNC_MESSAGE_TYPES)[number];

/** Why a whole sync message is refused (item rejects carry the order or cancel reason instead). */
export const SYNC_REJECT_REASONS = ['malformed', 'too-big', 'unknown-peer'] as const;
export type SyncRejectReason = (typeof SYNC_REJECT_REASONS)[number];

/**
 * How to reach an order's maker: carried beside the order on the wire (the `reach` of an `orders` message,
 * sync.model.ts), never signed, so only a hint. `peer` is the maker's peer id. A taker without a link to the
 * maker dials it and proceeds only when the peer there proves the order's maker key.
 */
export interface Reach {
  readonly peer: string;
}

/** Why an order left the book. */
export const REMOVAL_CAUSES = ['cancelled', 'expired', 'removed'] as const;
export type RemovalCause = (typeof REMOVAL_CAUSES)[number];

// ---- network wiring and widget ---------------------------------------------------------------------------------

/** Default lifetime of my orders (Bisq: 9 minutes); at most MAX_TTL_MS. */
export const DEFAULT_TTL_MS = 9 * 60_000;
/** My live orders are re-signed (new order, old one cancelled) when they have this long left (Bisq: at 6 of 9 min). */
export const DEFAULT_REFRESH_BEFORE_MS = 3 * 60_000;
/** How often every peer drops expired orders and stale tombstones. */
export const DEFAULT_PRUNE_EVERY_MS = 5_000;
/** How often live orders are re-checked with the host's asset indexer (0 = only on arrival). */
export const DEFAULT_INDEXER_RECHECK_MS = 60_000;
/** The widget re-renders the book at most this often (10 per second). */
export const UPDATE_INTERVAL_MS = 100;
