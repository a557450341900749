// The impairment model of the network simulator (scripts/sim/impairment.mjs), deterministic: time is passed in
// and randomness is a seeded generator, so every figure below is exact or bounded tightly.
import { expect } from '@open-wc/testing';
import { createImpairment, impairmentOptions, legImpairment } from '../scripts/sim/impairment.mjs';

/** A seeded xorshift generator in [0, 1). */
function seeded(seed = 12345): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

describe('the impairment model', () => {
  it('drops close to the asked share with a seeded generator (5 % of 100,000: 4.8–5.2 %)', () => {
    const m = createImpairment({ loss: 0.05 }, seeded());
    let dropped = 0;
    for (let i = 0; i < 100_000; i++) if (m.admit(1000, i) === null) dropped++;
    expect(dropped / 100_000).to.be.within(0.048, 0.052);
    expect(m.stats.lost).to.equal(dropped);
  });

  it('adds the delay, spreads jitter within [delay, delay + jitter] and never reorders', () => {
    const m = createImpairment({ delayMs: 25, jitterMs: 10 }, seeded(7));
    let last = -Infinity;
    const extra: number[] = [];
    for (let t = 0; t < 1000; t++) {
      const at = m.admit(200, t)!;
      expect(at).to.be.at.least(last);
      last = at;
      extra.push(at - t);
    }
    expect(Math.min(...extra)).to.be.at.least(25);
    expect(Math.max(...extra)).to.be.at.most(35 + 1e-9);
    expect(new Set(extra.map((x) => Math.round(x))).size).to.be.above(5);
  });

  it('shapes to the rate: a burst passes, then one packet per its time at the rate; beyond the queue it drops', () => {
    // 1 Mbit/s, 1000-byte packets: 8 ms each; a 3000-byte bucket lets 3 pass back to back
    const m = createImpairment({ rateBps: 1e6, burstBytes: 3000, queueMs: 100 });
    const departures = Array.from({ length: 20 }, () => m.admit(1000, 0));
    expect(departures.slice(0, 3)).to.deep.equal([0, 0, 0]);
    expect(departures.slice(3, 6)).to.deep.equal([8, 16, 24]);
    // 100 ms of queue holds up to the packet leaving at 96 ms; the rest are dropped
    expect(departures.filter((d) => d === null)).to.have.length(20 - 15);
    expect(m.stats.queueDrops).to.equal(5);
    // long run: 1,000 packets offered at 2 Mbit/s take 8 s at the cap
    const n = createImpairment({ rateBps: 1e6, queueMs: 10_000 });
    let end = 0;
    for (let i = 0; i < 1000; i++) end = n.admit(1000, i * 4)!;
    expect(end).to.be.within(7_900, 8_000);
  });

  it('drops everything inside a blackout and nothing after it', () => {
    const m = createImpairment({});
    m.blackout(100, 300);
    expect(m.admit(100, 99)).to.equal(99);
    expect(m.admit(100, 100)).to.equal(null);
    expect(m.admit(100, 299)).to.equal(null);
    expect(m.admit(100, 300)).to.equal(300);
    expect(m.stats.blackoutDrops).to.equal(2);
  });

  it('splits a path over its two legs: RTT/4 each, half the jitter, (1 − q)² = 1 − loss, the cap on each', () => {
    const leg = legImpairment({ lossPct: 5, rttMs: 100, jitterMs: 20, mbps: 10 });
    expect(leg.delayMs).to.equal(25);
    expect(leg.jitterMs).to.equal(10);
    expect((1 - leg.loss) ** 2).to.be.closeTo(0.95, 1e-12);
    expect(leg.rateBps).to.equal(10e6);
  });

  it('refuses bad figures with a clear error', () => {
    expect(() => impairmentOptions({ loss: 1.5 })).to.throw('loss must be a finite number in 0…1');
    expect(() => impairmentOptions({ delayMs: -1 })).to.throw('delayMs');
    expect(() => legImpairment({ lossPct: 101 })).to.throw('loss must be 0…100 %');
  });
});
