import { expect } from '@open-wc/testing';
import { createIdentity, type Identity } from '../../core/identity.js';
import { createCancel, createOrder, encodeCancel, encodeOrder, signOrder, type OrderTerms } from './order.model.js';
import { OrderbookSync, type BookChange, type SyncMessage, type SyncReject } from './sync.model.js';
import { outpoint, T0 } from './orderbook.fixtures.js';
import { MAX_IDS_PER_MESSAGE, MAX_MESSAGE_BYTES, MAX_TTL_MS, SHORT_ID_HEX } from './orderbook.types.js';

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

  add(name: string, maxLivePerMaker = 100): OrderbookSync {
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

  unlink(a: string, b: string): void {
    this.links.delete(`${a}|${b}`);
    this.links.delete(`${b}|${a}`);
    this.node(a).peerLeft(b);
    this.node(b).peerLeft(a);
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
