// The hybrid logical clock on a fake wall clock: monotonic, close to wall time, after whatever it observed,
// refusing timestamps too far ahead, and sort keys that sort like (t, c, id).
import { expect } from '@open-wc/testing';
import { compareHlc, HybridClock, hlcOfSortKey, MAX_COUNTER, sortKey } from './hlc.js';

describe('hybrid logical clock', () => {
  it('follows the wall clock and counts within one millisecond', () => {
    let wall = 1_000;
    const clock = new HybridClock(() => wall);
    expect(clock.now()).to.deep.equal({ t: 1_000, c: 0 });
    expect(clock.now()).to.deep.equal({ t: 1_000, c: 1 });
    wall = 1_005;
    expect(clock.now()).to.deep.equal({ t: 1_005, c: 0 });
  });

  it('never goes backwards when the wall clock does', () => {
    let wall = 5_000;
    const clock = new HybridClock(() => wall);
    const a = clock.now();
    wall = 4_000;
    const b = clock.now();
    expect(compareHlc(b, a)).to.be.above(0);
    expect(b).to.deep.equal({ t: 5_000, c: 1 });
  });

  it('orders a local event after a remote one it observed, even from a clock ahead of mine', () => {
    const wall = 10_000;
    const clock = new HybridClock(() => wall, 60_000);
    expect(clock.observe({ t: 30_000, c: 7 })).to.equal(true);
    const next = clock.now();
    expect(compareHlc(next, { t: 30_000, c: 7 })).to.be.above(0);
    expect(next).to.deep.equal({ t: 30_000, c: 9 }); // observe made (30000, 8); now() the next
    // Observing an older timestamp changes nothing but the counter.
    clock.observe({ t: 1, c: 0 });
    expect(clock.last.t).to.equal(30_000);
  });

  it('refuses timestamps further ahead than the allowed skew', () => {
    const clock = new HybridClock(() => 0, 60_000);
    expect(clock.acceptable({ t: 60_000, c: 0 })).to.equal(true);
    expect(clock.observe({ t: 60_001, c: 0 })).to.equal(false);
    expect(clock.last).to.deep.equal({ t: 0, c: 0 });
  });

  it('moves on by a millisecond when the counter is full', () => {
    const clock = new HybridClock(() => 7);
    clock.observe({ t: 7, c: MAX_COUNTER - 1 });
    expect(clock.last).to.deep.equal({ t: 7, c: MAX_COUNTER });
    expect(clock.now()).to.deep.equal({ t: 8, c: 0 });
  });

  it('sort keys sort like (t, c, id) and give back (t, c)', () => {
    const keys = [
      sortKey({ t: 10, c: 2 }, 'b'),
      sortKey({ t: 9, c: 999 }, 'z'),
      sortKey({ t: 10, c: 2 }, 'a'),
      sortKey({ t: 1_700_000_000_000, c: 0 }, 'a'),
      sortKey({ t: 10, c: 10 }, 'a'),
    ];
    expect([...keys].sort().map(hlcOfSortKey)).to.deep.equal([
      { t: 9, c: 999 },
      { t: 10, c: 2 },
      { t: 10, c: 2 },
      { t: 10, c: 10 },
      { t: 1_700_000_000_000, c: 0 },
    ]);
    expect([...keys].sort()[1]!.endsWith('.a')).to.equal(true);
  });
});
