import { expect } from '@open-wc/testing';
import { SortedList } from './sorted-list.js';

/** A small seeded PRNG so failures reproduce. */
function rng(seed: number) {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

describe('SortedList', () => {
  it('matches a plain sorted array under random inserts and removes across many chunks', () => {
    const random = rng(42);
    const list = new SortedList<number>((a, b) => a - b, 8);
    const reference = new Set<number>();
    for (let step = 0; step < 5000; step++) {
      const value = Math.floor(random() * 2000);
      if (random() < 0.6) {
        expect(list.insert(value)).to.equal(!reference.has(value));
        reference.add(value);
      } else {
        expect(list.remove(value)).to.equal(reference.has(value));
        reference.delete(value);
      }
      if (step % 500 === 0) {
        const expected = [...reference].sort((a, b) => a - b);
        expect(list.toArray()).to.deep.equal(expected);
        expect([...list]).to.deep.equal(expected);
      }
    }
    const expected = [...reference].sort((a, b) => a - b);
    expect(list.toArray()).to.deep.equal(expected);
    expect(list.size).to.equal(reference.size);
    expect(list.first()).to.equal(expected[0]);
    for (const value of expected.slice(0, 50)) expect(list.has(value)).to.equal(true);
    expect(list.has(-1)).to.equal(false);
  });

  it('stops forEach when the visitor returns false', () => {
    const list = new SortedList<number>((a, b) => a - b, 4);
    for (const n of [5, 3, 9, 1, 7, 2, 8]) list.insert(n);
    const seen: number[] = [];
    list.forEach((n) => {
      if (n > 5) return false;
      seen.push(n);
      return true;
    });
    expect(seen).to.deep.equal([1, 2, 3, 5]);
  });

  it('empties cleanly', () => {
    const list = new SortedList<number>((a, b) => a - b, 2);
    for (let i = 0; i < 20; i++) list.insert(i);
    for (let i = 0; i < 20; i++) expect(list.remove(i)).to.equal(true);
    expect(list.size).to.equal(0);
    expect(list.first()).to.equal(undefined);
    expect(list.toArray()).to.deep.equal([]);
    list.insert(3);
    expect(list.toArray()).to.deep.equal([3]);
  });
});
