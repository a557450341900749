/**
 * A sorted list of unique items, kept as a list of small sorted chunks (the "sorted containers"
 * layout). Insert and remove cost a binary search over chunk maxima, a binary search in one chunk and
 * a splice of at most 2 × `load` slots, so they stay fast at 100k+ items where one big array's
 * splice would not; walking in order is a plain array walk.
 *
 * `compare` must be a total order in which 0 means "the same item" (break ties on a unique key).
 */
export class SortedList<T> implements Iterable<T> {
  private chunks: T[][] = [];
  /** Last (largest) item of each chunk. */
  private maxes: T[] = [];
  private count = 0;

  constructor(
    private readonly compare: (a: T, b: T) => number,
    private readonly load = 128,
  ) {}

  get size(): number {
    return this.count;
  }

  /** Insert `item`; false (and no change) when an equal item is already there. */
  insert(item: T): boolean {
    const { chunks, maxes } = this;
    if (chunks.length === 0) {
      chunks.push([item]);
      maxes.push(item);
      this.count = 1;
      return true;
    }
    let ci = this.chunkFor(item);
    if (ci === chunks.length) ci -= 1;
    const chunk = chunks[ci];
    const at = this.lowerBound(chunk, item);
    if (at < chunk.length && this.compare(chunk[at], item) === 0) return false;
    chunk.splice(at, 0, item);
    maxes[ci] = chunk[chunk.length - 1];
    this.count += 1;
    if (chunk.length > 2 * this.load) {
      const tail = chunk.splice(this.load);
      chunks.splice(ci + 1, 0, tail);
      maxes.splice(ci, 1, chunk[chunk.length - 1], tail[tail.length - 1]);
    }
    return true;
  }

  /** Remove the item equal to `item`; false when there is none. */
  remove(item: T): boolean {
    const { chunks, maxes } = this;
    const ci = this.chunkFor(item);
    if (ci === chunks.length) return false;
    const chunk = chunks[ci];
    const at = this.lowerBound(chunk, item);
    if (at === chunk.length || this.compare(chunk[at], item) !== 0) return false;
    chunk.splice(at, 1);
    this.count -= 1;
    if (chunk.length === 0) {
      chunks.splice(ci, 1);
      maxes.splice(ci, 1);
      return true;
    }
    maxes[ci] = chunk[chunk.length - 1];
    // Keep chunks from fragmenting: fold a small chunk into its right neighbour when both fit.
    const next = chunks[ci + 1];
    if (next && chunk.length + next.length <= this.load) {
      chunk.push(...next);
      chunks.splice(ci + 1, 1);
      maxes.splice(ci, 2, chunk[chunk.length - 1]);
    }
    return true;
  }

  has(item: T): boolean {
    const ci = this.chunkFor(item);
    if (ci === this.chunks.length) return false;
    const chunk = this.chunks[ci];
    const at = this.lowerBound(chunk, item);
    return at < chunk.length && this.compare(chunk[at], item) === 0;
  }

  /** The smallest item. */
  first(): T | undefined {
    return this.chunks.length ? this.chunks[0][0] : undefined;
  }

  clear(): void {
    this.chunks = [];
    this.maxes = [];
    this.count = 0;
  }

  *[Symbol.iterator](): Iterator<T> {
    for (const chunk of this.chunks) yield* chunk;
  }

  /** Call `visit` on items in order until it returns false. Faster than the iterator in hot loops. */
  forEach(visit: (item: T) => boolean | void): void {
    for (const chunk of this.chunks) {
      for (let i = 0; i < chunk.length; i++) if (visit(chunk[i]) === false) return;
    }
  }

  toArray(): T[] {
    return ([] as T[]).concat(...this.chunks);
  }

  /** Index of the first chunk whose maximum is ≥ item (chunks.length when none). */
  private chunkFor(item: T): number {
    const maxes = this.maxes;
    let lo = 0;
    let hi = maxes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compare(maxes[mid], item) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private lowerBound(chunk: readonly T[], item: T): number {
    let lo = 0;
    let hi = chunk.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compare(chunk[mid], item) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
