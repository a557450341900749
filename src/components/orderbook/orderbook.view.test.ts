import { expect } from '@open-wc/testing';
import { checkHoldings, offerOf, type IndexedOutput } from '../../features/orderbook/assets.model.js';
import {
  buildSide,
  depthPercent,
  formatPrice,
  formatUnits,
  levelKey,
  parsePair,
  parsePrice,
  maxDepth,
  parseUnits,
  summaryText,
  validateOrderForm,
  validateTakeAmount,
  type LevelRow,
  type OrderFormInput,
} from './orderbook.view.js';
import { fakeKey, outpoint, T0, unsignedOrder } from '../../features/orderbook/orderbook.fixtures.js';
import type { Order } from '../../features/orderbook/order.model.js';

const units = { base: 'RUNE:840000:3', quote: 'BTC', baseDecimals: 0, quoteDecimals: 0 };
const form = (o: Partial<OrderFormInput> = {}): OrderFormInput => ({ side: 'sell', price: '1000', amount: '10', minFill: '', outpoints: outpoint(1), ...o });

describe('orderbook widget model', () => {
  describe('decimal text ↔ integer units (no floating point)', () => {
    it('parses amounts exactly, with and without decimals', () => {
      expect(parseUnits('1.5', 8)).to.deep.equal({ ok: true, value: 150_000_000n });
      expect(parseUnits('0.00000001', 8)).to.deep.equal({ ok: true, value: 1n });
      expect(parseUnits('.5', 1)).to.deep.equal({ ok: true, value: 5n });
      expect(parseUnits('12.', 0)).to.deep.equal({ ok: true, value: 12n });
      expect(parseUnits('2.50', 1)).to.deep.equal({ ok: true, value: 25n });
      // 0.1 + 0.2 style traps do not exist: 340282366920938463463374607431768211455 is u128 max, exact.
      expect(parseUnits('340282366920938463463374607431768211455', 0)).to.deep.equal({ ok: true, value: (1n << 128n) - 1n });
    });

    it('refuses what is not a plain decimal, with a reason', () => {
      for (const bad of ['1e3', '-1', '1,000', '0x10', '1.2.3', 'abc', '+1', 'Infinity']) {
        const r = parseUnits(bad, 8);
        expect(r.ok, bad).to.equal(false);
        if (!r.ok) expect(r.message).to.equal('Use digits and at most one dot, like 0.25.');
      }
      expect(parseUnits('1.123', 2)).to.deep.equal({ ok: false, message: 'Use at most 2 decimal places.' });
      expect(parseUnits('1.5', 0)).to.deep.equal({ ok: false, message: 'Use a whole number.' });
      expect(parseUnits('', 0)).to.deep.equal({ ok: false, message: 'Enter a number.' });
      expect(parseUnits('9'.repeat(41), 0).ok).to.equal(false);
    });

    it('formats units and prices exactly', () => {
      expect(formatUnits(150_000_000n, 8)).to.equal('1.5');
      expect(formatUnits(1n, 8)).to.equal('0.00000001');
      expect(formatUnits(1234n, 0)).to.equal('1234');
      // 1 sat per 1000 units, shown per unit: 0.001; in BTC per 1000-unit display unit (base 3 decimals): 0.00000001.
      expect(formatPrice({ num: 1n, den: 1000n }, 0, 0)).to.equal('0.001');
      expect(formatPrice({ num: 1n, den: 1000n }, 3, 8)).to.equal('0.00000001');
    });

    it('parses a display price to an exact ratio in lowest terms', () => {
      expect(parsePrice('0.5', 0, 0)).to.deep.equal({ ok: true, value: { num: 1n, den: 2n } });
      expect(parsePrice('0.001', 0, 0)).to.deep.equal({ ok: true, value: { num: 1n, den: 1000n } });
      // 0.00001 BTC per unit with BTC shown in BTC (8 decimals) = 1000 sats per unit.
      expect(parsePrice('0.00001', 0, 8)).to.deep.equal({ ok: true, value: { num: 1000n, den: 1n } });
      expect(parsePrice('0', 0, 0)).to.deep.equal({ ok: false, message: 'The price must be more than 0.' });
    });

    it('parses pairs of valid, different assets', () => {
      expect(parsePair('RUNE:840000:3/BTC')).to.deep.equal({ base: 'RUNE:840000:3', quote: 'BTC' });
      expect(parsePair('BTC/BTC')).to.equal(undefined);
      expect(parsePair('<b>x</b>/BTC')).to.equal(undefined);
      expect(parsePair('BTC')).to.equal(undefined);
    });
  });

  describe('create-order form', () => {
    it('returns terms for a valid form', () => {
      const r = validateOrderForm(
        form({ price: '0.5', amount: '4', minFill: '2', outpoints: `${outpoint(1).toUpperCase().replace(':0', ':0')}\n${outpoint(2)}` }),
        units,
        T0,
      );
      expect(r.ok).to.equal(true);
      if (r.ok) {
        expect(r.terms).to.deep.include({ side: 'sell', price: 1n, lot: 2n, amount: 4n, minFill: 2n });
        expect(r.terms.outpoints).to.deep.equal([outpoint(1), outpoint(2)]);
      }
    });

    it('gives a message for every wrong field at once', () => {
      const r = validateOrderForm({ side: 'hold', price: '', amount: '', minFill: 'x', outpoints: '' }, units, T0);
      expect(r.ok).to.equal(false);
      if (!r.ok) {
        expect(r.errors).to.deep.equal({
          side: 'Choose buy or sell.',
          price: 'Enter a price.',
          amount: 'Enter an amount.',
          minFill: 'Use digits and at most one dot, like 0.25.',
          outpoints: 'List at least one outpoint (txid:vout) you will spend to settle.',
        });
      }
    });

    it('explains lot, minimum-fill, outpoint and range problems', () => {
      const errors = (o: Partial<OrderFormInput>) => {
        const r = validateOrderForm(form(o), units, T0);
        return r.ok ? {} : r.errors;
      };
      expect(errors({ price: '0.25', amount: '6' })).to.deep.equal({ amount: 'At this price the amount must be a multiple of 4.' });
      expect(errors({ price: '0.25', amount: '8', minFill: '2' })).to.deep.equal({ minFill: 'At this price the minimum fill must be a multiple of 4.' });
      expect(errors({ amount: '8', minFill: '9' })).to.deep.equal({ minFill: 'The minimum fill cannot be more than the amount.' });
      expect(errors({ amount: '0' })).to.deep.equal({ amount: 'The amount must be more than 0.' });
      expect(errors({ outpoints: `${outpoint(1)} ${outpoint(1)}` })).to.deep.equal({ outpoints: 'An outpoint is listed twice.' });
      expect(errors({ outpoints: 'abc:1' }).outpoints).to.contain('is not an outpoint');
      // More BTC than can exist: the model's total rule, shown on the amount.
      expect(errors({ price: '2100000000000000', amount: '2' })).to.deep.equal({ amount: 'The order is worth more of the quote asset than can exist.' });
      expect(validateOrderForm(form(), { ...units, quote: 'RUNE:840000:3' }, T0)).to.deep.equal({
        ok: false,
        errors: { form: 'Base and quote are the same asset.' },
      });
    });
  });

  describe('take amount', () => {
    const order = unsignedOrder({ amount: 1000n, lot: 10n, price: 3n, minFill: 100n, created: T0, expires: T0 + 60_000 });
    it('accepts whole lots between the minimum fill and the amount', () => {
      expect(validateTakeAmount('100', order, 0)).to.deep.equal({ ok: true, value: 100n });
      expect(validateTakeAmount('1000', order, 0)).to.deep.equal({ ok: true, value: 1000n });
    });
    it('refuses the rest with the reason', () => {
      expect(validateTakeAmount('90', order, 0)).to.deep.equal({ ok: false, message: "The maker's minimum fill is 100." });
      expect(validateTakeAmount('105', order, 0)).to.deep.equal({ ok: false, message: 'Use a multiple of 10.' });
      expect(validateTakeAmount('1010', order, 0)).to.deep.equal({ ok: false, message: 'This order has only 1000.' });
      expect(validateTakeAmount('0', order, 0)).to.deep.equal({ ok: false, message: 'The amount must be more than 0.' });
      expect(validateTakeAmount('', order, 0)).to.deep.equal({ ok: false, message: 'Enter an amount.' });
    });
  });

  describe('book rows', () => {
    const me = fakeKey(9);
    const asks: Order[] = [
      unsignedOrder({ price: 10n, amount: 5n, created: T0 }),
      unsignedOrder({ price: 10n, amount: 7n, created: T0 + 1, maker: me }),
      unsignedOrder({ price: 12n, amount: 3n, created: T0 }),
    ];
    it('aggregates equal prices into levels with totals, counts, cumulative depth and my share', () => {
      const side = buildSide(asks, 'sell', new Set(), me);
      expect(side.levels).to.equal(2);
      expect(side.orders).to.equal(3);
      expect(side.rows.map((r) => r.kind)).to.deep.equal(['level', 'level']);
      const [l1, l2] = side.rows as LevelRow[];
      expect([l1.amount, l1.total, l1.count, l1.cumulative, l1.mine]).to.deep.equal([12n, 120n, 2, 12n, 1]);
      expect([l2.amount, l2.total, l2.count, l2.cumulative, l2.mine]).to.deep.equal([3n, 36n, 1, 15n, 0]);
      expect(l1.key).to.equal(levelKey('sell', { num: 10n, den: 1n }));
    });

    it('lists the orders of an expanded level under it, in the given (time) order', () => {
      const side = buildSide(asks, 'sell', new Set(['sell:10/1']), me);
      expect(side.rows.map((r) => (r.kind === 'order' ? `o:${r.order.amount}:${r.mine}` : `l:${r.key}`))).to.deep.equal([
        'l:sell:10/1',
        'o:5:false',
        'o:7:true',
        'l:sell:12/1',
      ]);
    });

    it('scales depth bars to the deeper side', () => {
      const a = buildSide(asks, 'sell', new Set(), me);
      const b = buildSide([unsignedOrder({ side: 'buy', price: 9n, amount: 30n })], 'buy', new Set(), me);
      const max = maxDepth(a, b);
      expect(max).to.equal(30n);
      expect((a.rows as LevelRow[]).map((r) => depthPercent(r, max))).to.deep.equal([40, 50]);
      expect(depthPercent(b.rows[0] as LevelRow, max)).to.equal(100);
      expect(depthPercent({ cumulative: 1n }, 3n)).to.equal(33.3);
      expect(depthPercent({ cumulative: 0n }, 0n)).to.equal(0);
    });

    it('summarises in words', () => {
      expect(summaryText({ base: 'A', quote: 'B', bids: 0, asks: 0 })).to.equal('A/B: no orders.');
      expect(summaryText({ base: 'A', quote: 'B', bids: 1, asks: 2, bestBid: '9', bestAsk: '10', spread: '1' })).to.equal(
        'A/B: 1 bid, 2 asks. Best bid 9. Best ask 10. Spread 1.',
      );
    });
  });

  describe('asset holdings (indexer answers)', () => {
    const out = (n: number, o: Partial<IndexedOutput> = {}): IndexedOutput => ({
      outpoint: outpoint(n),
      value: 546n,
      spent: false,
      runes: [],
      alkanes: [],
      ...o,
    });
    it('a sell offers the base amount; a buy the quote total', () => {
      expect(offerOf(unsignedOrder({ side: 'sell', amount: 50n }))).to.deep.equal({ asset: 'RUNE:840000:3', amount: 50n });
      expect(offerOf(unsignedOrder({ side: 'buy', amount: 50n, price: 3n, lot: 2n }))).to.deep.equal({ asset: 'BTC', amount: 75n });
    });
    it('sums the exact asset id over the outpoints and refuses spent or unknown ones', () => {
      const order = unsignedOrder({ amount: 100n, outpoints: [outpoint(1), outpoint(2)] });
      const rune = (amount: bigint, id = '840000:3') => ({ runes: [{ id, amount }] });
      expect(checkHoldings(order, [out(1, rune(60n)), out(2, rune(40n))]).ok).to.equal(true);
      expect(checkHoldings(order, [out(1, rune(60n)), out(2, rune(39n))]).ok).to.equal(false);
      expect(checkHoldings(order, [out(1, rune(100n, '840000:4')), out(2)]).ok, 'another rune').to.equal(false);
      expect(checkHoldings(order, [out(1, { ...rune(100n), alkanes: [] }), out(2)]).ok).to.equal(true);
      expect(checkHoldings(order, [out(1, { ...rune(100n), spent: true }), out(2)])).to.deep.equal({
        ok: false,
        reason: 'asset-not-held',
        message: `Outpoint ${outpoint(1)} is spent.`,
      });
      expect(checkHoldings(order, [out(1, rune(100n))])).to.deep.equal({
        ok: false,
        reason: 'asset-not-held',
        message: `The indexer does not know outpoint ${outpoint(2)}.`,
      });
      const bid = unsignedOrder({ side: 'buy', base: 'ALKANE:2:1', amount: 10n, price: 100n, outpoints: [outpoint(3)] });
      expect(checkHoldings(bid, [out(3, { value: 1000n })]).ok).to.equal(true);
      expect(checkHoldings(bid, [out(3, { value: 999n })]).ok).to.equal(false);
    });
  });
});
