// A fake clock for scheduling tests: `now`, `setTimer` and `clearTimer` to inject, and `advance(ms)` that moves
// time forward firing due timers in order, letting promise callbacks run after each one.

interface Timer {
  id: number;
  at: number;
  callback: () => void;
}

export class FakeClock {
  private timers: Timer[] = [];
  private nextId = 1;
  /** Delays (ms) passed to `setTimer`, in order: tests check the scheduler asks for the right instant. */
  readonly requested: number[] = [];

  constructor(public time: number) {}

  readonly now = (): number => this.time;

  readonly setTimer = (callback: () => void, ms: number): unknown => {
    const id = this.nextId++;
    this.requested.push(ms);
    this.timers.push({ id, at: this.time + Math.max(0, ms), callback });
    return id;
  };

  readonly clearTimer = (handle: unknown): void => {
    this.timers = this.timers.filter((t) => t.id !== handle);
  };

  /** Timers still armed. */
  get armed(): number {
    return this.timers.length;
  }

  /** The instant of the earliest armed timer. */
  get nextAt(): number | undefined {
    return this.timers.reduce<number | undefined>((min, t) => (min === undefined || t.at < min ? t.at : min), undefined);
  }

  /** Moves time forward by `ms`, firing every timer that falls due (in order) and flushing microtasks after each. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    await flush();
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = Math.max(this.time, due.at);
      due.callback();
      await flush();
    }
    this.time = end;
    await flush();
  }
}

/** Lets every pending promise callback (and the ones they chain) run: waits for one macrotask, unclamped. */
export function flush(): Promise<void> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(undefined);
  });
}
