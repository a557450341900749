import { expect } from '@open-wc/testing';
import { createIdentity, type Identity } from '../../core/identity.js';
import { createCancel, createOrder, encodeCancel, encodeOrder, signOrder, type OrderTerms } from './order.model.js';
import * as v from 'valibot';
import { OrderbookSync, OrdersMessageSchema, ReachSchema, SyncMessageSchema, type BookChange, type SyncMessage, type SyncReject } from './sync.model.js';
import { outpoint, T0 } from './orderbook.fixtures.js';
import { MAX_IDS_PER_MESSAGE, MAX_MESSAGE_BYTES, MAX_ORDER_BYTES, MAX_TTL_MS, SHORT_ID_HEX } from './orderbook.types.js';

interface Sent {
  from: string;
  to: string;
  msg: SyncMessage;
  bytes: number;
}

/**
 * In-memory transport between sync models: messages go through JSON text (as on a data channel),
 * are delivered in order per link, and only over links that exist.
 */
class Net {
  clock = T0;
  readonly nodes = new Map<string, OrderbookSync>();
  readonly changes = new Map<string, BookChange[]>();
  readonly rejects = new Map<string, { peer: string | undefined; reject: SyncReject }[]>();
  readonly sent: Sent[] = [];
  private readonly queue: Sent[] = [];
  private readonly links = new Set<string>();
  private pending: Promise<unknown>[] = [];

  /** Identity key of each node that has one (the link's authenticated key, as the connection service gives it). */
  readonly keys = new Map<string, string>();

  /** A node; with `key`, it knows its links' keys and says where it is with its own orders (`myReach`). */
  add(name: string, maxLivePerMaker = 100, key?: string): OrderbookSync {
    if (key) this.keys.set(name, key);
    const changes: BookChange[] = [];
    const rejects: { peer: string | undefined; reject: SyncReject }[] = [];
    const node = new OrderbookSync({
      send: (peer, msg) => {
        const text = JSON.stringify(msg);
        const item = { from: name, to: peer, msg: JSON.parse(text) as SyncMessage, bytes: new TextEncoder().encode(text).length };
        this.sent.push(item);
        this.queue.push(item);
      },
      now: () => this.clock,
      book: { maxLivePerMaker },
      onChange: (c) => changes.push(c),
      onReject: (peer, reject) => rejects.push({ peer, reject }),
      ...(key
        ? {
            peerKey: (peer: string) => (this.links.has(`${name}|${peer}`) ? this.keys.get(peer) : undefined),
            myReach: (maker: string) => (maker === key ? { peer: name } : undefined),
          }
        : {}),
    });
    this.nodes.set(name, node);
    this.changes.set(name, changes);
    this.rejects.set(name, rejects);
    return node;
  }

  node(name: string): OrderbookSync {
    const node = this.nodes.get(name);
    if (!node) throw new Error(`no node ${name}`);
    return node;
  }

  link(a: string, b: string): void {
    this.links.add(`${a}|${b}`).add(`${b}|${a}`);
    this.node(a).peerJoined(b);
    this.node(b).peerJoined(a);
  }

  unlink(a: string, b: string, gone = false): void {
    this.links.delete(`${a}|${b}`);
    this.links.delete(`${b}|${a}`);
    this.node(a).peerLeft(b, gone);
    this.node(b).peerLeft(a, gone);
  }

  /** Send a raw message as `from` (a misbehaving peer bypassing its own model). */
  inject(from: string, to: string, msg: unknown): void {
    const text = JSON.stringify(msg);
    this.queue.push({ from, to, msg: JSON.parse(text) as SyncMessage, bytes: text.length });
  }

  /** Deliver everything, including what deliveries cause, until the network is quiet. */
  async settle(): Promise<void> {
    for (let rounds = 0; rounds < 10_000; rounds++) {
      while (this.queue.length) {
        const item = this.queue.shift()!;
        if (!this.links.has(`${item.from}|${item.to}`)) continue;
        // Like a channel handler: receive is not awaited before the next message.
        this.pending.push(this.node(item.to).receive(item.from, item.msg));
      }
      if (this.pending.length === 0) return;
      const batch = this.pending;
      this.pending = [];
      await Promise.all(batch);
    }
    throw new Error('network did not settle');
  }

  rejectsAt(name: string): SyncReject[] {
    return (this.rejects.get(name) ?? []).map((r) => r.reject);
  }
}

const TERMS: OrderTerms = {
  base: 'RUNE:840000:3',
  quote: 'BTC',
  side: 'sell',
  price: 1n,
  lot: 100n,
  amount: 10_000n,
  outpoints: [outpoint(1)],
};

describe('orderbook sync', () => {
  let alice: Identity;
  let bob: Identity;
  let carol: Identity;
  before(async () => {
    [alice, bob, carol] = await Promise.all([createIdentity(), createIdentity(), createIdentity()]);
  });

  /** A–B–C: A and C are not linked. */
  async function chain(): Promise<Net> {
    const net = new Net();
    net.add('A');
    net.add('B');
    net.add('C');
    net.link('A', 'B');
    net.link('B', 'C');
    await net.settle();
    return net;
  }

  it("C sees A's order through B, attributed to A's key, not to B", async () => {
    const net = await chain();
    const order = await createOrder(alice, TERMS, net.clock);
    expect(await net.node('A').publish(order)).to.deep.equal({ ok: true });
    await net.settle();
    for (const name of ['A', 'B', 'C']) expect(net.node(name).book.has(order.id), name).to.equal(true);
    const atC = net.node('C').book.get(order.id)!;
    expect(atC.maker).to.equal(alice.publicKey);
    expect(atC.amount).to.equal(10_000n);
    const added = net.changes.get('C')!.filter((c) => c.type === 'added');
    expect(added).to.have.length(1);
    expect(added[0].type === 'added' && added[0].from).to.equal('B');
    expect(
      net.sent.filter((s) => s.from === 'A' && s.to === 'C'),
      'A and C never talk',
    ).to.deep.equal([]);
    for (const name of ['A', 'B', 'C']) expect(net.rejectsAt(name), name).to.deep.equal([]);
  });

  it("A's cancel reaches C and the order leaves every book", async () => {
    const net = await chain();
    const order = await createOrder(alice, TERMS, net.clock);
    await net.node('A').publish(order);
    await net.settle();
    net.clock += 1000;
    const c = await createCancel(alice, order.id, net.clock);
    expect(await net.node('A').cancel(c)).to.deep.equal({ ok: true });
    await net.settle();
    for (const name of ['A', 'B', 'C']) {
      expect(net.node(name).book.has(order.id), name).to.equal(false);
      expect(net.node(name).book.cancelOf(order.id)?.maker, name).to.equal(alice.publicKey);
    }
    const removed = net.changes.get('C')!.filter((ch) => ch.type === 'removed');
    expect(removed.map((r) => r.type === 'removed' && r.cause)).to.deep.equal(['cancelled']);
    // The cancelled order cannot be re-injected.
    net.inject('B', 'C', { t: 'orders', orders: [encodeOrder(order)] });
    await net.settle();
    expect(net.node('C').book.has(order.id)).to.equal(false);
  });

  it('rejects a forged order everywhere and never forwards it', async () => {
    const net = await chain();
    const genuine = await createOrder(alice, TERMS, net.clock);
    // B forges: Alice's key as maker, signed by Bob.
    const byBob = await signOrder(bob, { ...genuine, maker: bob.publicKey, amount: 999_900n });
    const forged = { ...encodeOrder(byBob), maker: alice.publicKey };
    net.inject('B', 'A', { t: 'orders', orders: [forged] });
    net.inject('B', 'C', { t: 'orders', orders: [forged] });
    await net.settle();
    for (const name of ['A', 'C']) {
      expect(
        net.rejectsAt(name).map((r) => r.reason),
        name,
      ).to.deep.equal(['bad-signature']);
      expect(net.node(name).book.size, name).to.equal(0);
    }
    expect(
      net.sent.filter((s) => s.msg.t === 'orders'),
      'nobody forwarded it',
    ).to.deep.equal([]);
    // A second copy is refused again without re-verifying (and still not forwarded).
    net.inject('B', 'C', { t: 'orders', orders: [forged] });
    await net.settle();
    expect(net.rejectsAt('C').map((r) => r.reason)).to.deep.equal(['bad-signature', 'bad-signature']);
    expect(net.node('C').book.size).to.equal(0);
  });

  it("rejects B's attempt to cancel A's order on every peer", async () => {
    const net = await chain();
    const order = await createOrder(alice, TERMS, net.clock);
    await net.node('A').publish(order);
    await net.settle();
    // Through its own model B is refused locally and sends nothing.
    const own = await createCancel(bob, order.id, net.clock);
    const local = await net.node('B').cancel(own);
    expect(local.ok === false && local.reason).to.equal('not-maker');
    await net.settle();
    expect(net.sent.filter((s) => s.msg.t === 'cancels')).to.deep.equal([]);
    // Raw: a cancel signed by Bob, and one claiming Alice as maker but signed by Bob.
    const claimed = { ...encodeCancel(own), maker: alice.publicKey };
    for (const to of ['A', 'C']) net.inject('B', to, { t: 'cancels', cancels: [encodeCancel(own), claimed] });
    await net.settle();
    for (const name of ['A', 'C']) {
      expect(
        net
          .rejectsAt(name)
          .map((r) => r.reason)
          .sort(),
        name,
      ).to.deep.equal(['bad-signature', 'not-maker']);
    }
    for (const name of ['A', 'B', 'C']) {
      expect(net.node(name).book.has(order.id), name).to.equal(true);
      expect(net.node(name).book.cancelOf(order.id), name).to.equal(undefined);
    }
    expect(
      net.sent.filter((s) => s.msg.t === 'cancels'),
      'nothing forwarded',
    ).to.deep.equal([]);
  });

  it('a late joiner receives 1,000 existing orders in pages, fetching only what it lacks', async () => {
    const net = new Net();
    const a = net.add('A');
    net.add('B');
    // 10 makers × 100 orders (the per-maker cap).
    const makers = await Promise.all(Array.from({ length: 10 }, () => createIdentity()));
    const orders = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        createOrder(
          makers[i % 10],
          { ...TERMS, side: i % 2 ? 'buy' : 'sell', price: BigInt(1 + (i % 7)), lot: 1n, outpoints: [outpoint(i + 1, i % 3)] },
          net.clock,
        ),
      ),
    );
    for (const o of orders) expect((await a.publish(o)).ok).to.equal(true);
    expect(a.book.size).to.equal(1000);
    // B already holds 100 of them.
    for (const o of orders.slice(0, 100)) await net.node('B').publish(o);
    net.link('A', 'B');
    await net.settle();
    expect(net.node('B').book.size).to.equal(1000);
    const gets = net.sent.filter((s) => s.from === 'B' && s.msg.t === 'get');
    const asked = gets.reduce((n, s) => n + (s.msg.t === 'get' ? s.msg.orders.length / SHORT_ID_HEX : 0), 0);
    expect(asked, 'B asks only for the 900 it lacks').to.equal(900);
    const digests = net.sent.filter((s) => s.from === 'A' && s.msg.t === 'digest');
    expect(digests.length).to.equal(Math.ceil(1000 / MAX_IDS_PER_MESSAGE));
    const pages = net.sent.filter((s) => s.from === 'A' && s.to === 'B' && s.msg.t === 'orders');
    expect(pages.length, 'several pages').to.be.greaterThan(5);
    const delivered = pages.reduce((n, s) => n + (s.msg.t === 'orders' ? s.msg.orders.length : 0), 0);
    expect(delivered).to.equal(900);
    const biggest = Math.max(...net.sent.map((s) => s.bytes));
    expect(biggest).to.be.at.most(MAX_MESSAGE_BYTES);
    expect(biggest, 'pages are filled, not one order each').to.be.greaterThan(MAX_MESSAGE_BYTES / 2);
    // A late C joining B gets them all through B.
    net.add('C');
    net.link('B', 'C');
    await net.settle();
    expect(net.node('C').book.size).to.equal(1000);
    for (const name of ['A', 'B', 'C']) expect(net.rejectsAt(name), name).to.deep.equal([]);
  });

  it('floods each order once per link direction in a triangle (seen-set de-duplication)', async () => {
    const net = new Net();
    for (const n of ['A', 'B', 'C']) net.add(n);
    net.link('A', 'B');
    net.link('B', 'C');
    net.link('A', 'C');
    await net.settle();
    const order = await createOrder(alice, TERMS, net.clock);
    await net.node('A').publish(order);
    await net.settle();
    const carriers = net.sent.filter((s) => s.msg.t === 'orders');
    // A → B, A → C, then B and C each forward once to the other (never back to the sender).
    expect(carriers.length).to.be.at.most(4);
    expect(carriers.filter((s) => s.to === 'A')).to.deep.equal([]);
    for (const name of ['B', 'C'])
      expect(
        net.changes.get(name)!.filter((c) => c.type === 'added'),
        name,
      ).to.have.length(1);
  });

  it('applies a cancel that overtakes its order', async () => {
    const net = await chain();
    const order = await createOrder(carol, TERMS, net.clock);
    const c = await createCancel(carol, order.id, net.clock + 10);
    net.inject('B', 'C', { t: 'cancels', cancels: [encodeCancel(c)] });
    await net.settle();
    expect(net.node('C').book.pendingCancelCount).to.equal(1);
    expect(
      net.sent.filter((s) => s.msg.t === 'cancels'),
      'unseen-order cancels are not forwarded',
    ).to.deep.equal([]);
    net.inject('B', 'C', { t: 'orders', orders: [encodeOrder(order)] });
    await net.settle();
    expect(net.node('C').book.has(order.id)).to.equal(false);
    expect(net.node('C').book.cancelOf(order.id)).to.not.equal(undefined);
    expect(net.changes.get('C')!.filter((ch) => ch.type === 'added')).to.deep.equal([]);
    // Now honoured, C tells its neighbours.
    expect(net.sent.filter((s) => s.from === 'C' && s.msg.t === 'cancels').map((s) => s.to)).to.deep.equal(['B']);
    await net.settle();
    // B never saw the order, so for B the cancel waits (unforwarded) rather than being honoured.
    expect(net.node('B').book.cancelOf(order.id)).to.equal(undefined);
    expect(net.node('B').book.pendingCancelCount).to.equal(1);
    expect(net.sent.filter((s) => s.from === 'B' && s.msg.t === 'cancels')).to.deep.equal([]);
  });

  it('prunes expired orders on every peer with the injected clock', async () => {
    const net = await chain();
    const order = await createOrder(alice, TERMS, net.clock, 60_000);
    await net.node('A').publish(order);
    await net.settle();
    net.clock += 59_999;
    for (const name of ['A', 'B', 'C']) expect(net.node(name).prune(), name).to.deep.equal([]);
    net.clock += 1;
    for (const name of ['A', 'B', 'C']) {
      expect(
        net
          .node(name)
          .prune()
          .map((o) => o.id),
        name,
      ).to.deep.equal([order.id]);
      expect(net.node(name).book.size).to.equal(0);
      expect(net.changes.get(name)!.at(-1)).to.deep.include({ type: 'removed', cause: 'expired' });
    }
    // An expired order gossiped late is refused with a reason.
    net.inject('B', 'C', { t: 'orders', orders: [encodeOrder(order)] });
    await net.settle();
    expect(net.rejectsAt('C').map((r) => r.reason)).to.deep.equal(['expired']);
  });

  it('gives reasons for bad messages', async () => {
    const net = await chain();
    const c = net.node('C');
    const reasons = async (peer: string, msg: unknown) => (await c.receive(peer, msg)).map((r) => r.reason);
    expect(await reasons('Z', { t: 'digest', orders: '', cancels: '' })).to.deep.equal(['unknown-peer']);
    expect(await reasons('B', { t: 'nope' })).to.deep.equal(['malformed']);
    expect(await reasons('B', { t: 'digest', orders: 'xyz', cancels: '' })).to.deep.equal(['malformed']);
    expect(await reasons('B', { t: 'digest', orders: 'a'.repeat(SHORT_ID_HEX * (MAX_IDS_PER_MESSAGE + 1)), cancels: '' })).to.deep.equal(['malformed']);
    expect(await reasons('B', { t: 'digest', orders: 'a'.repeat(MAX_MESSAGE_BYTES), cancels: '' })).to.deep.equal(['too-big']);
    expect(await reasons('B', { t: 'orders', orders: [] })).to.deep.equal(['malformed']);
    const order = await createOrder(alice, TERMS, net.clock);
    const tooMany = await createOrder(alice, { ...TERMS, lot: 1n, minFill: 3n, amount: 2n }, net.clock);
    expect(await reasons('B', { t: 'orders', orders: [encodeOrder(order), encodeOrder(tooMany)] })).to.deep.equal(['min-fill-invalid']);
    expect(c.book.has(order.id), 'the good one in the page still counts').to.equal(true);
    const late = await createOrder(alice, TERMS, net.clock - MAX_TTL_MS - 1, MAX_TTL_MS);
    expect(await reasons('B', { t: 'orders', orders: [encodeOrder(late)] })).to.deep.equal(['expired']);
    expect(await reasons('B', { t: 'digest', orders: '', cancels: '' })).to.deep.equal([]);
  });

  it('re-syncs after a link drops: what was missed arrives on reconnection', async () => {
    const net = await chain();
    net.unlink('B', 'C');
    const order = await createOrder(alice, TERMS, net.clock);
    await net.node('A').publish(order);
    await net.settle();
    expect(net.node('C').book.has(order.id)).to.equal(false);
    net.link('B', 'C');
    await net.settle();
    expect(net.node('C').book.has(order.id)).to.equal(true);
  });
});

describe('orderbook sync: how to reach the maker (reach hints)', () => {
  let alice: Identity;
  let bob: Identity;
  let carol: Identity;
  let dave: Identity;
  before(async () => {
    [alice, bob, carol, dave] = await Promise.all([createIdentity(), createIdentity(), createIdentity(), createIdentity()]);
  });

  /** A–B–C with identities (Alice at A, Bob at B, Carol at C): A and C are not linked. */
  async function reachChain(): Promise<Net> {
    const net = new Net();
    net.add('A', 100, alice.publicKey);
    net.add('B', 100, bob.publicKey);
    net.add('C', 100, carol.publicKey);
    net.link('A', 'B');
    net.link('B', 'C');
    await net.settle();
    return net;
  }

  const ordersMessage = (wire: unknown, extra: Record<string, unknown> = {}) => ({ t: 'orders', orders: [wire], ...extra });

  it("the maker's peer id rides beside its order and crosses A–B–C unchanged; the order itself is byte for byte the signed one", async () => {
    const net = await reachChain();
    const order = await createOrder(alice, TERMS, net.clock);
    await net.node('A').publish(order);
    await net.settle();
    const carriers = net.sent.filter((s) => s.msg.t === 'orders');
    expect(carriers.map((s) => `${s.from}→${s.to}`)).to.deep.equal(['A→B', 'B→C']);
    for (const s of carriers) expect(s.msg).to.deep.equal({ t: 'orders', orders: [encodeOrder(order)], reach: [{ peer: 'A' }] });
    for (const name of ['B', 'C']) expect(net.node(name).book.reachOf(order.id), name).to.deep.equal({ peer: 'A' });
    const atC = net.node('C').book.get(order.id)!;
    expect([atC.id, atC.sig]).to.deep.equal([order.id, order.sig]);
    // A relay forwards a hint it did not write, unchanged: Dave's order (no node of his here) arrives at B from C.
    const daves = await createOrder(dave, TERMS, net.clock);
    net.inject('C', 'B', ordersMessage(encodeOrder(daves), { reach: [{ peer: 'dave-at-home' }] }));
    await net.settle();
    expect(net.node('B').book.reachOf(daves.id)).to.deep.equal({ peer: 'dave-at-home' });
    const relayed = net.sent.filter((s) => s.from === 'B' && s.to === 'A' && s.msg.t === 'orders');
    expect(relayed.map((s) => s.msg)).to.deep.equal([{ t: 'orders', orders: [encodeOrder(daves)], reach: [{ peer: 'dave-at-home' }] }]);
    expect(net.node('A').book.reachOf(daves.id)).to.deep.equal({ peer: 'dave-at-home' });
    // Answers to `get` carry the hints too: a late joiner D learns both.
    net.add('D', 100);
    net.link('D', 'B');
    await net.settle();
    expect(net.node('D').book.reachOf(order.id)).to.deep.equal({ peer: 'A' });
    expect(net.node('D').book.reachOf(daves.id)).to.deep.equal({ peer: 'dave-at-home' });
    for (const name of ['A', 'B', 'C', 'D']) expect(net.rejectsAt(name), name).to.deep.equal([]);
  });

  it('schema: a hint is { peer } with a valid peer id of at most 64 characters and nothing else, one entry (or null) per order', async () => {
    const wire = encodeOrder(await createOrder(alice, TERMS, T0));
    const ok = (m: unknown) => v.is(SyncMessageSchema, m);
    expect(ok(ordersMessage(wire)), 'no reach: as before').to.equal(true);
    expect(ok(ordersMessage(wire, { reach: [{ peer: 'maker-1' }] }))).to.equal(true);
    expect(ok(ordersMessage(wire, { reach: [null] })), 'null: no hint for that order').to.equal(true);
    expect(ok(ordersMessage(wire, { reach: [{ peer: 'x'.repeat(64) }] }))).to.equal(true);
    expect(ok(ordersMessage(wire, { reach: [{ peer: 'x'.repeat(65) }] })), 'oversized').to.equal(false);
    for (const bad of ['', 'a/b', '-a', 'a--b', ' a', 'a ', 'maker\u00e9', 42, null, undefined]) {
      expect(v.is(ReachSchema, { peer: bad }), JSON.stringify(bad)).to.equal(false);
      expect(ok(ordersMessage(wire, { reach: [{ peer: bad }] })), JSON.stringify(bad)).to.equal(false);
    }
    expect(ok(ordersMessage(wire, { reach: [{ peer: 'a', room: 'lobby' }] })), 'unknown key').to.equal(false);
    expect(ok(ordersMessage(wire, { reach: [{}] }))).to.equal(false);
    expect(ok(ordersMessage(wire, { reach: [] })), 'fewer entries than orders').to.equal(false);
    expect(ok(ordersMessage(wire, { reach: [{ peer: 'a' }, { peer: 'b' }] })), 'more entries than orders').to.equal(false);
    expect(ok(ordersMessage(wire, { reach: { peer: 'a' } }))).to.equal(false);
    expect(ok(ordersMessage(wire, { hints: [{ peer: 'a' }] })), 'unknown field').to.equal(false);
    expect(ok(ordersMessage({ ...wire, reach: { peer: 'a' } })), 'never inside the signed order').to.equal(false);
    expect(ok({ t: 'digest', orders: '', cancels: '', reach: [] }), 'only orders carry hints').to.equal(false);
    expect(v.is(OrdersMessageSchema, ordersMessage(wire, { reach: Array.from({ length: 501 }, () => null) }))).to.equal(false);
    // Through the model: the whole message is refused with a reason and nothing enters the book.
    const net = await reachChain();
    const c = net.node('C');
    const refused = await c.receive('B', ordersMessage(wire, { reach: [{ peer: 'x'.repeat(65) }] }));
    expect(refused.map((r) => r.reason)).to.deep.equal(['malformed']);
    expect(refused[0].message).to.contain('reach');
    expect((await c.receive('B', ordersMessage(wire, { reach: [] }))).map((r) => r.message)).to.deep.equal(['Malformed: reach must have one entry per order']);
    expect(c.book.size).to.equal(0);
  });

  it("a relay's hint is kept only as a hint: the maker's own link wins, a held hint is not replaced by another relay, a missing one is filled in", async () => {
    const net = new Net();
    net.add('A', 100, alice.publicKey);
    net.add('B', 100, bob.publicKey);
    net.add('C', 100, carol.publicKey);
    net.link('B', 'C');
    await net.settle();
    const c = net.node('C').book;
    // Bob relays Alice's order saying it is at B: a lie, but C cannot tell yet (it costs a taker a dial, no more).
    const order = await createOrder(alice, TERMS, net.clock);
    net.inject('B', 'C', ordersMessage(encodeOrder(order), { reach: [{ peer: 'B' }] }));
    await net.settle();
    expect(c.reachOf(order.id)).to.deep.equal({ peer: 'B' });
    // Another relay's word does not replace it.
    net.inject('B', 'C', ordersMessage(encodeOrder(order), { reach: [{ peer: 'elsewhere' }] }));
    await net.settle();
    expect(c.reachOf(order.id)).to.deep.equal({ peer: 'B' });
    // A link to Alice herself (authenticated key) makes her orders reachable there.
    net.link('A', 'C');
    await net.settle();
    expect(c.reachOf(order.id)).to.deep.equal({ peer: 'A' });
    // An order straight from its maker is reachable at that link, whatever the message says.
    const second = await createOrder(alice, { ...TERMS, outpoints: [outpoint(2)] }, net.clock);
    net.inject('A', 'C', ordersMessage(encodeOrder(second), { reach: [{ peer: 'somewhere-else' }] }));
    await net.settle();
    expect(c.reachOf(second.id)).to.deep.equal({ peer: 'A' });
    // An order without a hint gets one when a later copy brings it.
    const daves = await createOrder(dave, TERMS, net.clock);
    net.inject('B', 'C', ordersMessage(encodeOrder(daves)));
    await net.settle();
    expect(c.reachOf(daves.id)).to.equal(undefined);
    net.inject('B', 'C', ordersMessage(encodeOrder(daves), { reach: [{ peer: 'dave-1' }] }));
    await net.settle();
    expect(c.reachOf(daves.id)).to.deep.equal({ peer: 'dave-1' });
    // The hint goes with the order: cancelled, it is gone.
    net.clock += 1000;
    await net.node('C').receive('B', { t: 'cancels', cancels: [encodeCancel(await createCancel(dave, daves.id, net.clock))] });
    expect(c.has(daves.id)).to.equal(false);
    expect(c.reachOf(daves.id)).to.equal(undefined);
    expect(net.rejectsAt('C')).to.deep.equal([]);
  });

  it('hints pointing at a peer that went away are forgotten; a link that merely dropped keeps them; a new link to the maker restores them', async () => {
    const net = await reachChain();
    const order = await createOrder(alice, TERMS, net.clock);
    await net.node('A').publish(order);
    await net.settle();
    const b = net.node('B').book;
    net.unlink('A', 'B');
    expect(b.reachOf(order.id), 'a drop: still there').to.deep.equal({ peer: 'A' });
    net.link('A', 'B');
    await net.settle();
    net.unlink('A', 'B', true);
    expect(b.reachOf(order.id), 'gone').to.equal(undefined);
    expect(net.node('C').book.reachOf(order.id), 'C never saw A go').to.deep.equal({ peer: 'A' });
    net.link('A', 'B');
    await net.settle();
    expect(b.reachOf(order.id), 'back').to.deep.equal({ peer: 'A' });
  });

  it('pages stay within the message limit with a 64-character hint beside orders of the maximum size', async () => {
    const net = new Net();
    const maker = 'm'.repeat(64);
    net.add(maker, 100, alice.publicKey);
    net.add('R', 100, bob.publicKey);
    const one = await createOrder(alice, TERMS, net.clock);
    const perOutpoint = JSON.stringify(outpoint(2)).length + 1;
    const count = 1 + Math.floor((MAX_ORDER_BYTES - serializeOrderLength(one)) / perOutpoint);
    const big = (n: number) => createOrder(alice, { ...TERMS, outpoints: Array.from({ length: count }, (_, i) => outpoint(n * 10_000 + i + 1)) }, net.clock);
    const orders = [await big(1), await big(2), await big(3)];
    for (const o of orders) {
      expect(serializeOrderLength(o)).to.be.within(MAX_ORDER_BYTES - perOutpoint, MAX_ORDER_BYTES);
      expect(await net.node(maker).publish(o)).to.deep.equal({ ok: true });
    }
    net.link(maker, 'R');
    await net.settle();
    const pages = net.sent.filter((s) => s.msg.t === 'orders');
    expect(pages.length).to.equal(3);
    for (const p of pages) {
      expect(p.bytes).to.be.at.most(MAX_MESSAGE_BYTES);
      expect(p.msg.t === 'orders' && p.msg.reach).to.deep.equal([{ peer: maker }]);
    }
    for (const o of orders) expect(net.node('R').book.reachOf(o.id)).to.deep.equal({ peer: maker });
    expect(net.rejectsAt('R')).to.deep.equal([]);
  });
});

function serializeOrderLength(o: Parameters<typeof encodeOrder>[0]): number {
  return JSON.stringify(encodeOrder(o)).length;
}
