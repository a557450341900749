/**
 * Keeps the bandwidth usage across reloads and sums it across the site's tabs: the saved record (IndexedDB
 * database `darkswap-usage`, one key per identity) holds today's and this month's counts; each tab adds what it
 * counted since its last save (every 10 s, and when the page is hidden), in one read-modify-write transaction,
 * so tabs never overwrite each other. A tab reads the record once, when its service opens: the daily cap then
 * counts what earlier sessions and other tabs sent before.
 */
import { createStore, get, update, type UseStore } from 'idb-keyval';
import { mergePeriod, type UsagePeriod, type UsageReport } from './bandwidth-usage.js';
import type { BandwidthBudget } from './bandwidth.js';

export const USAGE_SAVE_MS = 10_000;

interface Saved {
  today?: UsagePeriod;
  month?: UsagePeriod;
}

let db: UseStore | undefined;
const usageDb = () => (db ??= createStore('darkswap-usage', 'usage'));

/** Adds periods to a saved record: days into `today`, months into `month` (the newer period wins). Pure. */
export function addToSaved(saved: Saved | undefined, periods: readonly UsagePeriod[]): Saved {
  const out: Saved = { ...(saved ?? {}) };
  for (const p of periods) {
    if (/^\d{4}-\d{2}-\d{2}$/.test(p.period)) out.today = mergePeriod(out.today, p);
    else out.month = mergePeriod(out.month, p);
  }
  return out;
}

export class UsagePersistence {
  private timer: ReturnType<typeof setInterval> | undefined;
  private saving: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly budget: BandwidthBudget,
    private readonly key: string,
  ) {}

  /** Reads the saved usage into the budget and starts saving. Never throws (storage may be unavailable). */
  async start(): Promise<void> {
    try {
      const saved = await get<Saved>(this.key, usageDb());
      if (saved?.today || saved?.month) this.budget.restoreUsage(saved as UsageReport);
    } catch {
      // No IndexedDB (private mode in some browsers): usage stays per page.
    }
    if (this.stopped) return; // stopped while reading
    this.timer ??= setInterval(() => void this.save(), USAGE_SAVE_MS);
    if (typeof document !== 'undefined') document.addEventListener('visibilitychange', this.onHidden);
  }

  /** Adds what was counted since the last save to the saved record. */
  save(): Promise<void> {
    const periods = this.budget.takeUsageDelta();
    if (!periods.length) return this.saving;
    this.saving = this.saving.then(() => update<Saved>(this.key, (old) => addToSaved(old, periods), usageDb()).catch(() => undefined));
    return this.saving;
  }

  /** Saves once more and stops. */
  stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', this.onHidden);
    return this.save();
  }

  private readonly onHidden = (): void => {
    if (document.visibilityState === 'hidden') void this.save();
  };
}
