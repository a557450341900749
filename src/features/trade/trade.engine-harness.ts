// Two real TradeEngines joined by an in-memory pipe (no WebRTC: the engines, stores, wallets and ledger are
// real; only the link is a function call), for the engine tests that need control over what arrives when.
import { MemoryIndexer, MemoryWallet, type OutputInfo } from '../../bitcoin/index.js';
import { createIdentity, type Identity } from '../../core/identity.js';
import type { TradeHost } from './trade.bitcoin.js';
import { TradeEngine, type TradeEngineOptions } from './trade.engine.js';
import type { TradeMessage, TradeRecord } from './trade.protocol.js';
import { TradeStore } from './trade.store.js';
import type { TradeDeadlines, TradeState } from './trade.types.js';

export const RUNE = '840000:3';

export interface Side {
  readonly id: string;
  readonly identity: Identity;
  readonly wallet: MemoryWallet;
  storeName: string;
  engine: TradeEngine;
  /** Messages this side sent, in order. */
  readonly sent: TradeMessage[];
  /** Drop what this side sends (the link is down) while true. */
  mute: boolean;
  /** Replace the engine (a reload): a new engine on the same store. */
  reload(extra?: Partial<TradeEngineOptions>): TradeEngine;
  host: TradeHost;
}

export interface Pair {
  readonly indexer: MemoryIndexer;
  readonly seller: Side;
  readonly buyer: Side;
  readonly assetUtxo: OutputInfo;
  close(): void;
}

let counter = 0;

/** A seller holding 1500 units of a rune, a buyer holding 100 000 sats, each with an engine, linked. */
export async function enginePair(
  options: {
    deadlines?: Partial<TradeDeadlines>;
    engine?: Partial<TradeEngineOptions>;
    seller?: Partial<TradeEngineOptions>;
    buyer?: Partial<TradeEngineOptions>;
    sellerStore?: () => TradeStore;
  } = {},
): Promise<Pair> {
  const indexer = new MemoryIndexer('regtest');
  const run = `${Date.now().toString(36)}-${counter++}`;
  const sides: Record<'seller' | 'buyer', Side> = {} as never;
  const deadlines: TradeDeadlines = { accept: 10_000, verify: 10_000, sign: 10_000, complete: 10_000, ...options.deadlines };
  for (const role of ['seller', 'buyer'] as const) {
    const identity = await createIdentity();
    const wallet = new MemoryWallet(`${role}-${run}`, { indexer });
    const host: TradeHost = {
      wallet,
      indexer,
      broadcast: (hex) => indexer.broadcast(hex),
      feeRateBand: { min: 1n, max: 50n },
      chain: indexer,
    };
    const side: Side = {
      id: `${role}-${run}`,
      identity,
      wallet,
      storeName: `trade-engine-${role}-${run}`,
      sent: [],
      mute: false,
      host,
      engine: undefined as never,
      reload(extra = {}) {
        side.engine.close();
        side.engine = make(side, extra);
        return side.engine;
      },
    };
    sides[role] = side;
  }
  const other = (side: Side): Side => (side === sides.seller ? sides.buyer : sides.seller);
  function make(side: Side, extra: Partial<TradeEngineOptions>): TradeEngine {
    const role = side === sides.seller ? 'seller' : 'buyer';
    const engine = new TradeEngine({
      store: role === 'seller' && options.sellerStore ? options.sellerStore() : new TradeStore(side.storeName),
      send: (peer, message) => {
        side.sent.push(structuredClone(message));
        if (side.mute) throw new Error('link down');
        const target = other(side);
        if (peer !== target.id) throw new Error(`no link to ${peer}`);
        const copy = structuredClone(message);
        setTimeout(() => target.engine.onMessage(copy, side.id), 0);
      },
      identity: () => side.identity,
      peerKey: (peer) => (peer === other(side).id ? other(side).identity.publicKey : undefined),
      peers: () => [other(side).id],
      host: () => side.host,
      deadlines: () => deadlines,
      chainPollMs: 100,
      ...options.engine,
      ...(role === 'seller' ? options.seller : options.buyer),
      ...extra,
    });
    return engine;
  }
  for (const side of Object.values(sides)) side.engine = make(side, {});
  const assetUtxo = indexer.fund(sides.seller.wallet.address('p2tr'), 10_000n, { runes: [{ id: RUNE, amount: 1500n }] });
  indexer.fund(sides.buyer.wallet.address('p2wpkh'), 100_000n);
  await Promise.all([sides.seller.engine.ready, sides.buyer.engine.ready]);
  return {
    indexer,
    seller: sides.seller,
    buyer: sides.buyer,
    assetUtxo,
    close: () => {
      for (const s of Object.values(sides)) s.engine.close();
    },
  };
}

/** The buyer proposes 1000 units for 50 000 sats at 2 sat/vB. */
export function proposeBuy(p: Pair): Promise<string> {
  return p.buyer.engine.propose(p.seller.id, {
    role: 'buyer',
    terms: { version: 1, network: 'regtest', asset: { kind: 'rune', id: RUNE }, amount: '1000', priceSats: '50000', feeRate: '2', assetOutputValue: '546' },
  });
}

export async function until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const stateOf = (side: Side, id: string): TradeState | undefined => side.engine.get(id)?.state;

export function waitState(side: Side, id: string, state: TradeState, ms = 10_000): Promise<void> {
  return until(() => stateOf(side, id) === state, `${side.id} ${state} (is ${stateOf(side, id)}: ${side.engine.get(id)?.failure?.message ?? ''})`, ms);
}

/** Runs a trade to where the seller's signature is out and the buyer holds it (awaiting its own review). */
export async function toSellerSigned(p: Pair): Promise<string> {
  const id = await proposeBuy(p);
  await waitState(p.seller, id, 'incoming');
  await p.seller.engine.accept(id);
  await waitState(p.seller, id, 'review');
  await p.seller.engine.confirm(id);
  await waitState(p.seller, id, 'awaiting-completion');
  await waitState(p.buyer, id, 'review');
  return id;
}

export type { TradeRecord };
