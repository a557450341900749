/**
 * Usage accounting for the bandwidth budget: bytes sent and received per peer and per channel, for today and
 * this month (local calendar day and month of the injected clock). Bulk frames count whole (header included);
 * regular messages count their JSON payload in UTF-8 bytes. Only traffic for channels that exist here is
 * counted on receipt (rejected junk is not, so a hostile peer cannot grow the tables). In memory only.
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

/** Byte length of a string in UTF-8, without encoding it. */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** The counters of one budget; rolls over at local midnight and at the start of a month. */
export class UsageMeter {
  private today = counters('');
  private month = counters('');

  constructor(private readonly now: () => number) {}

  record(direction: 'sent' | 'received', peer: string, channel: string, bytes: number, bulk: boolean): void {
    this.roll();
    for (const period of [this.today, this.month]) {
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
