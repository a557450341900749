import { expect } from '@open-wc/testing';
import { compareRatio, formatRatio, gcd, midRatio, ratio, subRatio } from './ratio.js';

describe('ratio', () => {
  it('reduces and normalises the sign', () => {
    expect(ratio(6n, 8n)).to.deep.equal({ num: 3n, den: 4n });
    expect(ratio(3n, -6n)).to.deep.equal({ num: -1n, den: 2n });
    expect(gcd(0n, 5n)).to.equal(5n);
    expect(() => ratio(1n, 0n)).to.throw(RangeError);
  });

  it('compares exactly where floating point cannot', () => {
    // 10^30 + 1 and 10^30 are the same double.
    const big = 10n ** 30n;
    expect(Number(big + 1n)).to.equal(Number(big));
    expect(compareRatio(ratio(big + 1n, 3n), ratio(big, 3n))).to.equal(1);
    expect(compareRatio(ratio(1n, 3n), ratio(333_333n, 1_000_000n))).to.equal(1);
    expect(compareRatio(ratio(2n, 6n), ratio(1n, 3n))).to.equal(0);
    expect(compareRatio(ratio(1n, 7n), ratio(1n, 6n))).to.equal(-1);
  });

  it('computes spreads and mids exactly', () => {
    expect(subRatio(ratio(1n, 2n), ratio(1n, 3n))).to.deep.equal({ num: 1n, den: 6n });
    expect(midRatio(ratio(1n, 2n), ratio(1n, 3n))).to.deep.equal({ num: 5n, den: 12n });
  });

  it('formats for display with rounding', () => {
    expect(formatRatio(ratio(1n, 3n), 4)).to.equal('0.3333');
    expect(formatRatio(ratio(2n, 3n), 4)).to.equal('0.6667');
    expect(formatRatio(ratio(5n, 2n), 8)).to.equal('2.5');
    expect(formatRatio(ratio(-1n, 8n), 2)).to.equal('-0.13');
    expect(formatRatio(ratio(1n, 1_000_000_000n), 8)).to.equal('0');
    expect(formatRatio(ratio(7n, 1n), 0)).to.equal('7');
  });
});
