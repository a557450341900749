/**
 * Time-based bandwidth profiles ("1 Mbit/s on weekdays 09:00–17:00", "a 2 GB daily cap at weekends") and a
 * scheduler that applies the active one now and again exactly at the next boundary — it computes the next
 * start or end instant and arms one timer for it; it never polls.
 *
 * Times are local wall-clock times. A profile is active from `start` (inclusive) to `end` (exclusive) on each
 * of its `days` (0 = Sunday … 6 = Saturday), the days it *starts* on: `end` before `start` runs overnight into
 * the next day (Friday 22:00–06:00 ends Saturday 06:00); `end` equal to `start` means 24 hours from `start`.
 * When several profiles match, the first in the list wins. Daylight-saving changes: a start or end inside the
 * skipped hour falls at the first instant after it (a profile lying wholly inside the skipped hour does not run
 * that day); in a repeated hour the scheduler switches at the first occurrence only.
 */
import * as v from 'valibot';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const amount = (what: string) => v.pipe(v.number(`${what} must be a number.`), v.finite(`${what} must be finite.`), v.minValue(0, `${what} must be ≥ 0.`));

/** A profile: name, days, start and end (`HH:MM`), and what it sets (bulk cap in bytes/s, daily cap in bytes). */
export const BandwidthProfileSchema = v.strictObject({
  name: v.pipe(v.string('name must be text.'), v.trim(), v.minLength(1, 'name must not be empty.'), v.maxLength(64, 'name must be at most 64 characters.')),
  days: v.pipe(
    v.array(
      v.pipe(
        v.number('days must be numbers.'),
        v.integer('days must be whole numbers.'),
        v.minValue(0, 'days go from 0 (Sunday)…'),
        v.maxValue(6, '…to 6 (Saturday).'),
      ),
      'days must be a list of weekdays (0 = Sunday … 6 = Saturday).',
    ),
    v.minLength(1, 'days must name at least one weekday.'),
    v.maxLength(7, 'days must list each weekday at most once.'),
    v.check((days) => new Set(days).size === days.length, 'days must list each weekday at most once.'),
  ),
  start: v.pipe(v.string('start must be text.'), v.regex(HHMM, 'start must be a time HH:MM (00:00–23:59).')),
  end: v.pipe(v.string('end must be text.'), v.regex(HHMM, 'end must be a time HH:MM (00:00–23:59).')),
  bulkBps: v.optional(amount('bulkBps')),
  dailyCapBytes: v.optional(amount('dailyCapBytes')),
});

export type BandwidthProfile = v.InferOutput<typeof BandwidthProfileSchema>;

/** A list of profiles (at most 32). */
export const BandwidthProfilesSchema = v.pipe(v.array(BandwidthProfileSchema, 'Profiles must be a list.'), v.maxLength(32, 'At most 32 profiles.'));

/** Validates a list of profiles; throws a `TypeError` naming the profile and the field that is wrong. */
export function parseBandwidthProfiles(input: unknown): BandwidthProfile[] {
  const result = v.safeParse(BandwidthProfilesSchema, input);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = issue.path?.map((p) => p.key) ?? [];
  const index = typeof path[0] === 'number' ? path[0] : undefined;
  const name = index !== undefined && Array.isArray(input) ? (input[index] as { name?: unknown } | undefined)?.name : undefined;
  const where = index === undefined ? '' : `Bandwidth profile ${index + 1}${typeof name === 'string' ? ` ("${name}")` : ''}: `;
  throw new TypeError(`${where}${issue.message}`);
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Whether `profile` is active at `date` (local time). Pure. */
export function isProfileActive(profile: BandwidthProfile, date: Date): boolean {
  const m = date.getHours() * 60 + date.getMinutes();
  const day = date.getDay();
  const yesterday = (day + 6) % 7;
  const start = minutes(profile.start);
  const end = minutes(profile.end);
  const today = profile.days.includes(day);
  if (start < end) return today && m >= start && m < end;
  // Overnight (or 24 hours when end === start): from start today, or until end on the day after a start day.
  return (today && m >= start) || (profile.days.includes(yesterday) && m < end);
}

/** The first profile active at `date`, or `undefined`. Pure. */
export function activeProfile(profiles: readonly BandwidthProfile[], date: Date): BandwidthProfile | undefined {
  return profiles.find((p) => isProfileActive(p, date));
}

/**
 * The next instant after `now` (epoch ms) at which a profile starts or ends, or `undefined` without profiles:
 * each profile starts at `start` on its days and ends at `end` the same day (the next day when overnight). Pure.
 */
export function nextBoundary(profiles: readonly BandwidthProfile[], now: number): number | undefined {
  const d = new Date(now);
  const at = (dayOffset: number, m: number) => new Date(d.getFullYear(), d.getMonth(), d.getDate() + dayOffset, Math.floor(m / 60), m % 60).getTime();
  let next: number | undefined;
  const consider = (t: number) => {
    if (t > now && (next === undefined || t < next)) next = t;
  };
  // From yesterday (an overnight profile that started then ends today) to a week ahead.
  for (let k = -1; k <= 7; k++) {
    const weekday = (((d.getDay() + k) % 7) + 7) % 7;
    for (const profile of profiles) {
      if (!profile.days.includes(weekday)) continue;
      const start = minutes(profile.start);
      const end = minutes(profile.end);
      consider(at(k, start));
      consider(at(end <= start ? k + 1 : k, end));
    }
    if (next !== undefined && next <= at(k + 1, 0)) break; // nothing later can come sooner
  }
  return next;
}

export interface SchedulerOptions {
  /** Epoch ms (default `Date.now`). */
  now?: () => number;
  setTimer?: (callback: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/**
 * Applies the active profile: `start()` calls `apply` with it (or `undefined`) at once, then again exactly at
 * each boundary where the active profile changes. `refresh()` re-evaluates now (call it when the page wakes
 * from sleep or the clock jumps: browser timers pause while a machine sleeps). Profiles are validated.
 */
export class ProfileScheduler {
  private profiles: BandwidthProfile[];
  private readonly now: () => number;
  private readonly setTimer: (callback: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;
  private timer: unknown;
  private running = false;
  private applied: { profile: BandwidthProfile | undefined } | undefined;

  constructor(
    profiles: readonly unknown[],
    private readonly apply: (profile: BandwidthProfile | undefined) => void,
    options: SchedulerOptions = {},
  ) {
    this.profiles = parseBandwidthProfiles(profiles);
    this.now = options.now ?? (() => Date.now());
    this.setTimer = options.setTimer ?? ((callback, ms) => setTimeout(callback, ms));
    this.clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  }

  /** The profile applied last (`undefined` before `start()` or when none is active). */
  get active(): BandwidthProfile | undefined {
    return this.applied?.profile;
  }

  /** When the scheduler wakes next (epoch ms), or `undefined`. */
  get nextAt(): number | undefined {
    return this.running ? nextBoundary(this.profiles, this.now()) : undefined;
  }

  start(): void {
    this.running = true;
    this.refresh();
  }

  /** Replaces the profiles (validated first: on error nothing changes) and re-evaluates at once. */
  setProfiles(profiles: readonly unknown[]): void {
    this.profiles = parseBandwidthProfiles(profiles);
    if (this.running) this.refresh();
  }

  /** Applies the profile active now (if it changed) and arms the timer for the next boundary. */
  refresh(): void {
    if (!this.running) return;
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = undefined;
    const now = this.now();
    const profile = activeProfile(this.profiles, new Date(now));
    if (!this.applied || this.applied.profile !== profile) {
      this.applied = { profile };
      this.apply(profile);
    }
    const next = nextBoundary(this.profiles, now);
    if (next !== undefined) this.timer = this.setTimer(() => this.refresh(), next - now);
  }

  stop(): void {
    this.running = false;
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = undefined;
  }
}
