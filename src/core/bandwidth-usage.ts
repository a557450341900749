/**
 * Usage accounting for the bandwidth budget: bytes sent and received per peer and per channel, for today and
 * this month (local calendar day and month of the injected clock). Bulk frames count whole (header included);
 * regular messages count their JSON payload in UTF-8 bytes. Only traffic for channels that exist here is
 * counted on receipt (rejected junk is not, so a hostile peer cannot grow the tables). Kept across reloads
 * and summed across the site's tabs by bandwidth-persist.ts (each tab adds what it counted since its last save).
 */

export interface UsageCounts {
  sent: number;
  received: number;
}

/** One period's counts. */
export interface UsagePeriod extends UsageCounts {
  /** `YYYY-MM-DD` for today, `YYYY-MM` for the month (local time). */
  readonly period: string;
  bulkSent: number;
  bulkReceived: number;
  byPeer: Record<string, UsageCounts>;
  byChannel: Record<string, UsageCounts>;
}

/** Today and this month. */
export interface UsageReport {
  today: UsagePeriod;
  month: UsagePeriod;
}

const pad = (n: number) => String(n).padStart(2, '0');
/** `YYYY-MM-DD` of a date in local time. */
export const dayKey = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const monthKey = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}`;
/** The counters of one period: Maps, so no peer id or channel name can collide with an object's own keys. */
interface Counters {
  readonly period: string;
  readonly totals: UsageCounts & { bulkSent: number; bulkReceived: number };
  readonly byPeer: Map<string, UsageCounts>;
  readonly byChannel: Map<string, UsageCounts>;
}

const counters = (period: string): Counters => ({
  period,
  totals: { sent: 0, received: 0, bulkSent: 0, bulkReceived: 0 },
  byPeer: new Map(),
  byChannel: new Map(),
});
const table = (map: Map<string, UsageCounts>) => Object.fromEntries([...map].map(([k, c]) => [k, { ...c }]));
const reportOf = (c: Counters): UsagePeriod => ({ period: c.period, ...c.totals, byPeer: table(c.byPeer), byChannel: table(c.byChannel) });
const add = (map: Map<string, UsageCounts>, key: string, direction: 'sent' | 'received', bytes: number) => {
  let entry = map.get(key);
  if (!entry) map.set(key, (entry = { sent: 0, received: 0 }));
  entry[direction] += bytes;
};

/** Adds `b` into `a` for the same period; of two periods the newer one stays (periods sort as text). Pure. */
export function mergePeriod(a: UsagePeriod | undefined, b: UsagePeriod): UsagePeriod {
  if (!a || b.period > a.period) return structuredClone(b);
  if (a.period > b.period) return a;
  const table = (x: Record<string, UsageCounts>, y: Record<string, UsageCounts>) => {
    const out: Record<string, UsageCounts> = structuredClone(x);
    for (const [k, c] of Object.entries(y)) {
      const e = (out[k] ??= { sent: 0, received: 0 });
      e.sent += c.sent;
      e.received += c.received;
    }
    return out;
  };
  return {
    period: a.period,
    sent: a.sent + b.sent,
    received: a.received + b.received,
    bulkSent: a.bulkSent + b.bulkSent,
    bulkReceived: a.bulkReceived + b.bulkReceived,
    byPeer: table(a.byPeer, b.byPeer),
    byChannel: table(a.byChannel, b.byChannel),
  };
}

/** The counters of one budget; rolls over at local midnight and at the start of a month. */
export class UsageMeter {
  private today = counters('');
  private month = counters('');
  /** What was counted since the last `takeDelta`, by period (to be added to the saved usage). */
  private delta = new Map<string, Counters>();

  constructor(private readonly now: () => number) {}

  /** What was counted since the last call, by period (days `YYYY-MM-DD`, months `YYYY-MM`), and starts afresh. */
  takeDelta(): UsagePeriod[] {
    const out = [...this.delta.values()].map(reportOf);
    this.delta.clear();
    return out;
  }

  /** Adds saved usage (other sessions, other tabs) to the current periods; other periods are ignored. */
  absorb(saved: UsageReport): void {
    this.roll();
    for (const [mine, theirs] of [
      [this.today, saved.today],
      [this.month, saved.month],
    ] as const) {
      if (!theirs || theirs.period !== mine.period) continue;
      for (const k of ['sent', 'received', 'bulkSent', 'bulkReceived'] as const) mine.totals[k] += Number(theirs[k]) || 0;
      for (const [peer, c] of Object.entries(theirs.byPeer ?? {})) {
        add(mine.byPeer, peer, 'sent', c.sent);
        add(mine.byPeer, peer, 'received', c.received);
      }
      for (const [channel, c] of Object.entries(theirs.byChannel ?? {})) {
        add(mine.byChannel, channel, 'sent', c.sent);
        add(mine.byChannel, channel, 'received', c.received);
      }
    }
  }

  record(direction: 'sent' | 'received', peer: string, channel: string, bytes: number, bulk: boolean): void {
    this.roll();
    const pending = (key: string) => {
      let c = this.delta.get(key);
      if (!c) this.delta.set(key, (c = counters(key)));
      return c;
    };
    for (const period of [this.today, this.month, pending(this.today.period), pending(this.month.period)]) {
      period.totals[direction] += bytes;
      if (bulk) period.totals[direction === 'sent' ? 'bulkSent' : 'bulkReceived'] += bytes;
      add(period.byPeer, peer, direction, bytes);
      add(period.byChannel, channel, direction, bytes);
    }
  }

  report(): UsageReport {
    this.roll();
    return { today: reportOf(this.today), month: reportOf(this.month) };
  }

  private roll(): void {
    const d = new Date(this.now());
    if (this.today.period !== dayKey(d)) this.today = counters(dayKey(d));
    if (this.month.period !== monthKey(d)) this.month = counters(monthKey(d));
  }
}
