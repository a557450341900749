import { expect } from '@open-wc/testing';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { createIdentity, type Identity } from '../../core/identity.js';
import {
  canonicalCancel,
  canonicalOrder,
  checkOrder,
  computeOrderId,
  createCancel,
  createOrder,
  isOutpoint,
  orderBytes,
  parseAsset,
  parseCancel,
  parseOrder,
  serializeOrder,
  signOrder,
  validateCancel,
  validateOrder,
  type Order,
  type OrderFields,
  type SignatureVerifier,
} from './order.model.js';
import { fakeKey, orderFields, outpoint, T0, unsignedOrder } from './orderbook.fixtures.js';
import {
  CANCEL_REJECT_REASONS,
  MAX_CLOCK_SKEW_MS,
  MAX_ORDER_BYTES,
  MAX_TTL_MS,
  ORDER_REJECT_REASONS,
  type CancelRejectReason,
  type OrderRejectReason,
} from './orderbook.types.js';

const seenOrderReasons = new Set<OrderRejectReason>();
const seenCancelReasons = new Set<CancelRejectReason>();

async function expectOrderReject(order: Order, reason: OrderRejectReason, now = T0, context = {}) {
  const verdict = await validateOrder(order, now, { verify: false, ...context });
  expect(verdict.ok, `expected ${reason}`).to.equal(false);
  if (!verdict.ok) {
    expect(verdict.reason).to.equal(reason);
    expect(verdict.message).to.be.a('string').and.not.equal('');
    seenOrderReasons.add(verdict.reason);
  }
}

describe('order model', () => {
  let alice: Identity;
  let bob: Identity;
  before(async () => {
    alice = await createIdentity();
    bob = await createIdentity();
  });

  const terms = () => ({
    base: 'RUNE:840000:3',
    quote: 'BTC',
    side: 'sell' as const,
    price: 3n,
    lot: 1000n,
    amount: 50_000n,
    minFill: 5_000n,
    outpoints: [outpoint(7, 1), outpoint(8, 0)],
  });

  describe('canonical encoding', () => {
    it('writes the documented keys in the documented order, no whitespace, minFill only when set', () => {
      const fields = orderFields({ maker: fakeKey(9), nonce: 'ab'.repeat(16), minFill: 2n, outpoints: [outpoint(1)] });
      const text = canonicalOrder(fields);
      expect(text).to.equal(
        `{"v":1,"maker":"${fakeKey(9)}","base":"RUNE:840000:3","quote":"BTC","side":"sell","price":"1","lot":"1",` +
          `"amount":"1000","minFill":"2","outpoints":["${outpoint(1)}"],"created":${T0},"expires":${T0 + 300_000},` +
          `"nonce":"${'ab'.repeat(16)}"}`,
      );
      const without = canonicalOrder({ ...fields, minFill: undefined });
      expect(without).not.to.contain('minFill');
      expect(JSON.parse(without)).to.not.have.property('minFill');
    });

    it('does not depend on the order in which the fields were built', () => {
      const fields = orderFields({ minFill: 10n });
      const reversed = Object.fromEntries(Object.entries(fields).reverse()) as unknown as OrderFields;
      expect(Object.keys(reversed)[0]).to.not.equal(Object.keys(fields)[0]);
      expect(canonicalOrder(reversed)).to.equal(canonicalOrder(fields));
      expect(computeOrderId(reversed)).to.equal(computeOrderId(fields));
    });

    it('re-encodes a decoded order to identical bytes and the same id', async () => {
      const order = await createOrder(alice, terms(), T0);
      const wire = serializeOrder(order);
      const parsed = parseOrder(JSON.parse(wire));
      expect(parsed.ok).to.equal(true);
      if (!parsed.ok) return;
      expect(serializeOrder(parsed.value)).to.equal(wire);
      expect(canonicalOrder(parsed.value)).to.equal(canonicalOrder(order));
      expect(parsed.value.id).to.equal(order.id);
      expect(typeof parsed.value.amount).to.equal('bigint');
      expect(parsed.value.amount).to.equal(50_000n);
      // The wire text is the canonical encoding plus the signature.
      expect(wire).to.equal(`${canonicalOrder(order).slice(0, -1)},"sig":"${order.sig}"}`);
    });

    it('uses sha256 of the canonical encoding as id', async () => {
      const order = await createOrder(alice, terms(), T0);
      expect(order.id).to.equal(bytesToHex(sha256(utf8ToBytes(canonicalOrder(order)))));
      expect(order.id).to.match(/^[0-9a-f]{64}$/);
      const other = await createOrder(alice, terms(), T0);
      expect(other.id, 'the nonce makes equal terms distinct').to.not.equal(order.id);
    });

    it('refuses malformed wire orders', async () => {
      const good = JSON.parse(serializeOrder(await createOrder(alice, terms(), T0))) as Record<string, unknown>;
      expect(parseOrder(good).ok).to.equal(true);
      const bad: unknown[] = [
        { ...good, amount: '050000' }, // leading zero: two spellings of one number
        { ...good, amount: 50000 }, // number, not a decimal string
        { ...good, amount: '5e4' },
        { ...good, price: '-3' },
        { ...good, maker: good.maker!.toString().toUpperCase() },
        { ...good, extra: 1 }, // unsigned fields could smuggle data
        { ...good, v: 2 },
        { ...good, side: 'bid' },
        { ...good, created: 1.5 },
        { ...good, sig: 'zz'.repeat(64) },
        Object.fromEntries(Object.entries(good).filter(([k]) => k !== 'nonce')),
        [],
        null,
      ];
      for (const input of bad) {
        const result = parseOrder(input);
        expect(result.ok, JSON.stringify(input)?.slice(0, 60)).to.equal(false);
        if (!result.ok) {
          expect(result.reason).to.equal('malformed');
          seenOrderReasons.add(result.reason);
        }
      }
    });
  });

  describe('signatures', () => {
    it('accepts an order signed by its maker', async () => {
      const order = await createOrder(alice, terms(), T0);
      expect(order.maker).to.equal(alice.publicKey);
      expect(await validateOrder(order, T0 + 1000)).to.deep.equal({ ok: true });
    });

    it('refuses a changed field, a signature by someone else and a damaged signature', async () => {
      const order = await createOrder(alice, terms(), T0);
      const fields: OrderFields = { ...order, amount: order.amount * 2n };
      const tampered: Order = { ...fields, id: computeOrderId(fields), sig: order.sig };
      const byBob = await signOrder(bob, { ...order, maker: bob.publicKey });
      const impostor: Order = { ...byBob, maker: alice.publicKey, id: computeOrderId({ ...byBob, maker: alice.publicKey }) };
      const flipped: Order = { ...order, sig: (order.sig[0] === '0' ? '1' : '0') + order.sig.slice(1) };
      const wrongId: Order = { ...order, id: '0'.repeat(64) };
      for (const bad of [tampered, impostor, flipped, wrongId]) {
        const verdict = await validateOrder(bad, T0 + 1000);
        expect(verdict.ok).to.equal(false);
        if (!verdict.ok) {
          expect(verdict.reason).to.equal('bad-signature');
          seenOrderReasons.add(verdict.reason);
        }
      }
      expect((await validateOrder(byBob, T0)).ok, 'bob may sign his own').to.equal(true);
    });

    it('refuses to sign for another maker', async () => {
      let error: unknown;
      try {
        await signOrder(bob, orderFields({ maker: alice.publicKey }));
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(Error);
    });

    it('checks the signature last, so junk costs no signature work', async () => {
      let calls = 0;
      const counting: SignatureVerifier = () => {
        calls += 1;
        return true;
      };
      const expired = unsignedOrder({ created: T0 - MAX_TTL_MS, expires: T0 - 1 });
      expect((await validateOrder(expired, T0, { verify: counting })).ok).to.equal(false);
      expect(calls).to.equal(0);
      expect((await validateOrder(unsignedOrder(), T0, { verify: counting })).ok).to.equal(true);
      expect(calls).to.equal(1);
    });
  });

  describe('every reject reason', () => {
    const base = (o: Partial<OrderFields> = {}) => unsignedOrder(o);

    it('too-big', async () => {
      const many = Array.from({ length: 250 }, (_, i) => outpoint(i + 1));
      const order = base({ outpoints: many });
      expect(orderBytes(order)).to.be.greaterThan(MAX_ORDER_BYTES);
      await expectOrderReject(order, 'too-big');
      const fits = base({ outpoints: many.slice(0, 150) });
      expect(orderBytes(fits)).to.be.lessThan(MAX_ORDER_BYTES);
      expect(checkOrder(fits, T0).ok).to.equal(true);
    });

    it('bad-asset', async () => {
      for (const asset of ['btc', 'RUNE:840000', 'RUNE:0840000:3', 'RUNE:0:5', 'RUNE:4294967296:1', 'ALKANE:2:-1', 'DOGE', 'RUNE:1:2:3', '']) {
        await expectOrderReject(base({ base: asset }), 'bad-asset');
      }
      await expectOrderReject(base({ quote: 'RUNE:1:x' }), 'bad-asset');
      expect(checkOrder(base({ base: 'ALKANE:2:0' }), T0).ok).to.equal(true);
      expect(checkOrder(base({ base: 'RUNE:1:0' }), T0).ok).to.equal(true);
    });

    it('same-asset', async () => {
      await expectOrderReject(base({ base: 'ALKANE:2:0', quote: 'ALKANE:2:0' }), 'same-asset');
      expect(checkOrder(base({ base: 'ALKANE:2:0', quote: 'RUNE:840000:3' }), T0).ok).to.equal(true);
    });

    it('price-out-of-range and price-not-reduced', async () => {
      await expectOrderReject(base({ price: 0n }), 'price-out-of-range');
      await expectOrderReject(base({ price: 1n << 128n }), 'price-out-of-range');
      await expectOrderReject(base({ lot: 0n }), 'price-out-of-range');
      await expectOrderReject(base({ price: 2n, lot: 4n, amount: 4000n }), 'price-not-reduced');
      expect(checkOrder(base({ price: 2n, lot: 3n, amount: 3000n }), T0).ok).to.equal(true);
    });

    it('amount-out-of-range, amount-not-lot-multiple and total-out-of-range', async () => {
      await expectOrderReject(base({ amount: 0n }), 'amount-out-of-range');
      await expectOrderReject(base({ amount: 1n << 128n }), 'amount-out-of-range');
      // BTC as base is capped at 21M BTC in sats.
      await expectOrderReject(base({ base: 'BTC', quote: 'RUNE:1:0', amount: 2_100_000_000_000_001n }), 'amount-out-of-range');
      await expectOrderReject(base({ lot: 1000n, amount: 1500n }), 'amount-not-lot-multiple');
      await expectOrderReject(base({ price: 2_100_000_000_000_000n, amount: 2n }), 'total-out-of-range');
      expect(checkOrder(base({ price: 2_100_000_000_000_000n, amount: 1n }), T0).ok).to.equal(true);
    });

    it('min-fill-invalid', async () => {
      await expectOrderReject(base({ minFill: 0n }), 'min-fill-invalid');
      await expectOrderReject(base({ minFill: 1001n }), 'min-fill-invalid');
      await expectOrderReject(base({ lot: 10n, amount: 1000n, minFill: 15n }), 'min-fill-invalid');
      expect(checkOrder(base({ lot: 10n, amount: 1000n, minFill: 20n }), T0).ok).to.equal(true);
    });

    it('bad-outpoint and duplicate-outpoint', async () => {
      await expectOrderReject(base({ outpoints: [] }), 'bad-outpoint');
      for (const bad of [`${'A'.repeat(64)}:0`, `${'a'.repeat(63)}:0`, `${'a'.repeat(64)}:01`, `${'a'.repeat(64)}:4294967296`, `${'a'.repeat(64)}`]) {
        expect(isOutpoint(bad), bad).to.equal(false);
        await expectOrderReject(base({ outpoints: [outpoint(1), bad] }), 'bad-outpoint');
      }
      expect(isOutpoint(`${'a'.repeat(64)}:4294967295`)).to.equal(true);
      await expectOrderReject(base({ outpoints: [outpoint(1), outpoint(2), outpoint(1)] }), 'duplicate-outpoint');
    });

    it('bad-expiry, ttl-too-long, expired and created-in-future', async () => {
      await expectOrderReject(base({ created: T0, expires: T0 }), 'bad-expiry');
      await expectOrderReject(base({ created: T0, expires: T0 + MAX_TTL_MS + 1 }), 'ttl-too-long');
      expect(checkOrder(base({ created: T0, expires: T0 + MAX_TTL_MS }), T0).ok).to.equal(true);
      const order = base({ created: T0, expires: T0 + 60_000 });
      await expectOrderReject(order, 'expired', T0 + 60_000);
      expect(checkOrder(order, T0 + 59_999).ok).to.equal(true);
      const future = base({ created: T0 + MAX_CLOCK_SKEW_MS + 1, expires: T0 + MAX_CLOCK_SKEW_MS + 60_000 });
      await expectOrderReject(future, 'created-in-future');
      expect(checkOrder(future, T0 + 1).ok, 'small clock skew is allowed').to.equal(true);
    });

    it('too-many-live-orders', async () => {
      await expectOrderReject(base(), 'too-many-live-orders', T0, { makerLiveOrders: 3, maxLivePerMaker: 3 });
      expect(checkOrder(base(), T0, { makerLiveOrders: 2, maxLivePerMaker: 3 }).ok).to.equal(true);
    });

    it('covers every order reject reason (book-level ones in book tests)', () => {
      const bookLevel: OrderRejectReason[] = ['cancelled', 'duplicate', 'book-full', 'asset-not-held', 'dust']; // asset-not-held, dust: store tests
      const missing = ORDER_REJECT_REASONS.filter((r) => !seenOrderReasons.has(r) && !bookLevel.includes(r));
      expect(missing).to.deep.equal([]);
    });
  });

  describe('cancels', () => {
    it('round-trips and verifies a cancel signed by the maker', async () => {
      const order = await createOrder(alice, terms(), T0);
      const c = await createCancel(alice, order.id, T0 + 5000);
      expect(canonicalCancel(c)).to.equal(`{"orderId":"${order.id}","maker":"${alice.publicKey}","at":${T0 + 5000}}`);
      const parsed = parseCancel(JSON.parse(JSON.stringify(c)));
      expect(parsed.ok).to.equal(true);
      expect(await validateCancel(c, T0 + 6000, { order })).to.deep.equal({ ok: true });
      expect(await validateCancel(c, T0 + 6000)).to.deep.equal({ ok: true });
    });

    it('has a reason for every refused cancel', async () => {
      const order = await createOrder(alice, terms(), T0);
      const check = async (verdictP: ReturnType<typeof validateCancel>, reason: CancelRejectReason) => {
        const verdict = await verdictP;
        expect(verdict.ok, reason).to.equal(false);
        if (!verdict.ok) {
          expect(verdict.reason).to.equal(reason);
          seenCancelReasons.add(verdict.reason);
        }
      };
      const byBob = await createCancel(bob, order.id, T0 + 1000);
      await check(validateCancel(byBob, T0 + 2000, { order }), 'not-maker');
      await check(validateCancel({ ...byBob, maker: alice.publicKey }, T0 + 2000, { order }), 'bad-signature');
      const good = await createCancel(alice, order.id, T0 + 1000);
      await check(validateCancel({ ...good, at: good.at + 1 }, T0 + 2000, { order }), 'bad-signature');
      const future = await createCancel(alice, order.id, T0 + MAX_CLOCK_SKEW_MS + 10);
      await check(validateCancel(future, T0, { order }), 'created-in-future');
      await check(validateCancel(good, order.expires, { order }), 'expired');
      await check(validateCancel(good, good.at + MAX_TTL_MS + MAX_CLOCK_SKEW_MS), 'expired');
      const other = await createOrder(alice, terms(), T0);
      await check(validateCancel(good, T0 + 2000, { order: other }), 'malformed');
      const malformed = parseCancel({ ...good, at: '1' });
      expect(malformed.ok).to.equal(false);
      if (!malformed.ok) seenCancelReasons.add(malformed.reason);
      // 'duplicate' is decided by the book (see book tests).
      expect(CANCEL_REJECT_REASONS.filter((r) => !seenCancelReasons.has(r) && r !== 'duplicate')).to.deep.equal([]);
    });
  });

  describe('assets', () => {
    it('parses the three asset formats with their ids', () => {
      expect(parseAsset('BTC')).to.deep.equal({ kind: 'btc' });
      expect(parseAsset('RUNE:840000:3')).to.deep.equal({ kind: 'rune', block: 840000, tx: 3 });
      expect(parseAsset('ALKANE:2:0')).to.deep.equal({ kind: 'alkane', block: 2, tx: 0 });
      expect(parseAsset('ALKANE:4294967295:4294967295')).to.deep.equal({ kind: 'alkane', block: 4294967295, tx: 4294967295 });
      expect(parseAsset('ALKANE:4294967296:0')).to.equal(undefined);
      expect(parseAsset('rune:1:0')).to.equal(undefined);
      expect(parseAsset(' BTC')).to.equal(undefined);
    });

    it('expresses prices below one sat per unit exactly', async () => {
      // 1 sat per 1,000,000 units: a fill of 3,000,000 units pays exactly 3 sats.
      const order = await createOrder(alice, { ...terms(), price: 1n, lot: 1_000_000n, amount: 5_000_000n, minFill: undefined }, T0);
      expect((await validateOrder(order, T0)).ok).to.equal(true);
      expect((order.price * 3_000_000n) / order.lot).to.equal(3n);
    });
  });
});
