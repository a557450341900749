// Test page for "a reloaded maker republishes its live orders" (orderbook.store.test.ts): a maker with a
// persistent identity and a persistent order store, both named in the URL so they survive tab-reload.
import { ConnectionService } from '../../core/connection-service.js';
import { OrderbookStore } from './orderbook.store.js';
import { outpoint } from './orderbook.fixtures.js';

const q = new URLSearchParams(location.search);
const service = new ConnectionService({
  host: q.get('host') ?? '127.0.0.1',
  port: Number(q.get('port')),
  path: q.get('path') ?? '/',
  key: q.get('key') ?? 'peerjs',
  iceServers: [],
  identity: q.get('identity') ?? 'orderbook-reload',
});
const store = new OrderbookStore({ service, persist: { database: q.get('db') ?? 'orderbook-reload', store: 'my-orders' } });
const ready = service.open().then(() => store.ready);

(window as unknown as { orderbookPage: unknown }).orderbookPage = { service, store, ready, outpoint };
