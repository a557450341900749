/**
 * The trade feature on one connection service: owns the `trade` channel, follows the service's peer
 * and status events, and runs one TradeEngine (one store, one writer) that every `<darkswap-trade>`
 * widget on that service shares (see `featureFor`). Widgets join as users: the first user that
 * supplies a wallet and indexer is the engine's host; the first user's clock and deadlines apply.
 */
import type { ConnectionApi } from '../../core/connection-api.js';
import type { PeerEvent } from '../../core/events.js';
import { peekFeature, type Feature } from '../registry.js';
import { ORDERBOOK_FEATURE } from '../orderbook/orderbook.key.js';
import type { OrderbookStore } from '../orderbook/orderbook.store.js';
import { checkAgainstOrder } from './trade.proposal.js';
import type { TradeHost } from './trade.bitcoin.js';
import { TradeEngine } from './trade.engine.js';
import { TradeMessageSchema, type TradeMessage } from './trade.protocol.js';
import { TradeStore } from './trade.store.js';
import { DEFAULT_DEADLINES, TRADE_CHANNEL, TRADE_MAX_BYTES, type TradeDeadlines } from './trade.types.js';

/** Registry key of the trade feature (one engine per connection service). */
export const TRADE_FEATURE = 'trade.v1';

/** One user of the shared engine (a widget). */
export interface TradeUser {
  /** Wallet, indexer, broadcaster and fee band, while this user has them. */
  host(): TradeHost | undefined;
  clock?(): number;
  deadlines?(): Partial<TradeDeadlines> | undefined;
  /** Whether this user wants a failed exposed trade cancelled on chain at once. */
  autoCancelOnChain?(): boolean;
}

export class TradeFeature implements Feature {
  readonly engine: TradeEngine;
  private readonly users: TradeUser[] = [];

  private readonly cleanup: (() => void)[] = [];

  constructor(service: ConnectionApi, storeName: string) {
    const channel = service.channel<TradeMessage>(TRADE_CHANNEL, { schema: TradeMessageSchema, maxBytes: TRADE_MAX_BYTES, reliable: true, priority: 'high' });
    this.engine = new TradeEngine({
      store: new TradeStore(storeName),
      clock: () => (this.users[0]?.clock ?? Date.now)(),
      send: (peer, message) => channel.send(peer, message),
      identity: () => service.identity,
      peerKey: (peer) => service.peerIdentity(peer)?.publicKey,
      peers: () => service.peers,
      connect: async (peer) => service.connect(peer),
      host: () => {
        for (const user of this.users) {
          const host = user.host();
          if (host) return host;
        }
        return undefined;
      },
      deadlines: () => ({ ...DEFAULT_DEADLINES, ...this.users[0]?.deadlines?.() }),
      autoCancelOnChain: () => this.users.some((u) => u.autoCancelOnChain?.()),
      // A proposal naming one of my orders is checked against that order in the orderbook on the same service.
      checkOrder: (record) => {
        const book = peekFeature<OrderbookStore>(service, ORDERBOOK_FEATURE);
        if (!book || !record.orderId) return undefined;
        const order = book.myOrders().find((o) => o.id === record.orderId);
        return checkAgainstOrder(record, order, Date.now());
      },
    });
    channel.on((message, from) => this.engine.onMessage(message, from));
    const up = (e: Event) => this.engine.onPeerConnected((e as PeerEvent).peer);
    const down = (e: Event) => this.engine.onPeerDisconnected((e as PeerEvent).peer);
    // After a reload the service opens after the trades load: dial the counterparties then.
    const status = () => {
      if (service.status === 'open') this.engine.redialAbsent();
    };
    service.addEventListener('peer-connected', up);
    service.addEventListener('peer-disconnected', down);
    service.addEventListener('status', status);
    this.cleanup.push(
      () => channel.close(),
      () => service.removeEventListener('peer-connected', up),
      () => service.removeEventListener('peer-disconnected', down),
      () => service.removeEventListener('status', status),
    );
  }

  /** The store's name (IndexedDB database) this engine writes. */
  get storeName(): string {
    return this.engine.store.name;
  }

  /** Join as a user; returns the function that leaves. */
  join(user: TradeUser): () => void {
    this.users.push(user);
    return () => {
      const i = this.users.indexOf(user);
      if (i >= 0) this.users.splice(i, 1);
    };
  }

  dispose(): void {
    for (const undo of this.cleanup.splice(0)) undo();
    this.users.length = 0;
    this.engine.close();
  }
}
