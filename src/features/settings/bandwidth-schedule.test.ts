import { expect } from '@open-wc/testing';
import { activeProfile, nextBoundary, parseBandwidthProfiles, ProfileScheduler, type BandwidthProfile } from './bandwidth-schedule.js';
import { FakeClock } from '../../../test/fake-clock.js';

const HOUR = 3_600_000;
const at = (y: number, mo: number, d: number, h = 0, mi = 0) => new Date(y, mo - 1, d, h, mi).getTime();
// 10 March 2025 is a Monday.
const work: BandwidthProfile = { name: 'Office hours', days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00', bulkBps: 125_000 };
const night: BandwidthProfile = { name: 'Friday night', days: [5], start: '22:00', end: '06:00', dailyCapBytes: 2e9 };

function run(profiles: unknown[], start: number) {
  const clock = new FakeClock(start);
  const calls: Array<{ at: number; name: string | undefined }> = [];
  const scheduler = new ProfileScheduler(profiles, (p) => calls.push({ at: clock.time, name: p?.name }), clock);
  return { clock, calls, scheduler };
}

describe('Bandwidth profiles and their scheduler (fake clock)', () => {
  it('switches "1 Mbit/s on weekdays 09:00–17:00" on at 09:00 Monday and off at 17:00, arming one timer per boundary', async () => {
    const { clock, calls, scheduler } = run([work], at(2025, 3, 10, 8, 0));
    scheduler.start();
    expect(calls).to.deep.equal([{ at: at(2025, 3, 10, 8), name: undefined }]);
    expect(clock.requested).to.deep.equal([HOUR]); // exactly to 09:00, no polling
    await clock.advance(HOUR - 1);
    expect(calls.length).to.equal(1);
    await clock.advance(1);
    expect(calls[1]).to.deep.equal({ at: at(2025, 3, 10, 9), name: 'Office hours' });
    expect(scheduler.active?.bulkBps).to.equal(125_000);
    await clock.advance(8 * HOUR);
    expect(calls[2]).to.deep.equal({ at: at(2025, 3, 10, 17), name: undefined });
    expect(clock.requested).to.deep.equal([HOUR, 8 * HOUR, 16 * HOUR]);
    expect(clock.armed).to.equal(1);
    scheduler.stop();
    expect(clock.armed).to.equal(0);
  });

  it('waits over the weekend: Friday 17:00 → Monday 09:00', async () => {
    const { clock, calls, scheduler } = run([work], at(2025, 3, 14, 16, 0));
    scheduler.start();
    await clock.advance(HOUR);
    expect(calls.map((c) => c.name)).to.deep.equal(['Office hours', undefined]);
    expect(clock.requested.at(-1)).to.equal(64 * HOUR);
    expect(scheduler.nextAt).to.equal(at(2025, 3, 17, 9));
    await clock.advance(64 * HOUR);
    expect(calls.at(-1)).to.deep.equal({ at: at(2025, 3, 17, 9), name: 'Office hours' });
  });

  it('runs an overnight profile from its start day into the next morning', async () => {
    expect(activeProfile([night], new Date(at(2025, 3, 14, 21, 59)))).to.equal(undefined);
    expect(activeProfile([night], new Date(at(2025, 3, 14, 22, 0)))).to.equal(night);
    expect(activeProfile([night], new Date(at(2025, 3, 15, 5, 59)))).to.equal(night);
    expect(activeProfile([night], new Date(at(2025, 3, 15, 6, 0)))).to.equal(undefined);
    expect(activeProfile([night], new Date(at(2025, 3, 15, 23, 0)))).to.equal(undefined); // Saturday is not a start day
    expect(activeProfile([night], new Date(at(2025, 3, 14, 3, 0)))).to.equal(undefined); // Thursday did not start it

    const { clock, calls, scheduler } = run([night], at(2025, 3, 14, 21, 0));
    scheduler.start();
    await clock.advance(10 * HOUR);
    expect(calls).to.deep.equal([
      { at: at(2025, 3, 14, 21), name: undefined },
      { at: at(2025, 3, 14, 22), name: 'Friday night' },
      { at: at(2025, 3, 15, 6), name: undefined },
    ]);
    expect(scheduler.nextAt).to.equal(at(2025, 3, 21, 22));
    scheduler.stop();
  });

  it('lets the first matching profile win, and treats end = start as 24 hours', () => {
    const slow = { name: 'All Monday', days: [1], start: '00:00', end: '00:00', bulkBps: 1 };
    const monday10 = new Date(at(2025, 3, 10, 10));
    expect(activeProfile([work, slow], monday10)?.name).to.equal('Office hours');
    expect(activeProfile([slow, work], monday10)?.name).to.equal('All Monday');
    expect(activeProfile([slow], new Date(at(2025, 3, 10, 23, 59)))?.name).to.equal('All Monday');
    expect(activeProfile([slow], new Date(at(2025, 3, 11, 0, 0)))).to.equal(undefined);
    expect(nextBoundary([slow], at(2025, 3, 10, 10))).to.equal(at(2025, 3, 11, 0));
    expect(nextBoundary([], at(2025, 3, 10, 10))).to.equal(undefined);
  });

  it('refuses bad profiles with a message naming the profile and the field; setProfiles changes nothing then', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ ...work, start: '24:00' }, /profile 1 \("Office hours"\): start must be a time HH:MM/],
      [{ ...work, days: [1, 7] }, /to 6 \(Saturday\)/],
      [{ ...work, days: [] }, /at least one weekday/],
      [{ ...work, days: [1, 1] }, /at most once/],
      [{ ...work, bulkBps: -1 }, /bulkBps must be ≥ 0/],
      [{ ...work, name: ' ' }, /name must not be empty/],
      [{ ...work, extra: 1 }, /profile 1/],
    ];
    for (const [bad, message] of cases) expect(() => parseBandwidthProfiles([bad]), String(message)).to.throw(TypeError, message);
    expect(() => parseBandwidthProfiles('x')).to.throw(TypeError, /must be a list/);

    const { calls, scheduler } = run([work], at(2025, 3, 10, 10));
    scheduler.start();
    expect(() => scheduler.setProfiles([night, { ...work, end: '9:00' }])).to.throw(TypeError, /profile 2/);
    expect(scheduler.active?.name).to.equal('Office hours');
    scheduler.setProfiles([night]);
    expect(calls.map((c) => c.name)).to.deep.equal(['Office hours', undefined]);
    scheduler.stop();
  });

  it('keeps to the wall clock for a year of days (whatever the time zone and its daylight-saving changes)', async () => {
    const daily = { name: 'Evenings', days: [0, 1, 2, 3, 4, 5, 6], start: '18:30', end: '23:00' };
    const { clock, calls, scheduler } = run([daily], at(2025, 1, 1, 12));
    scheduler.start();
    await clock.advance(366 * 24 * HOUR);
    scheduler.stop();
    expect(calls.length).to.be.within(2 * 365, 2 * 367);
    for (let i = 1; i < calls.length; i++) {
      const d = new Date(calls[i].at);
      const hhmm = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
      expect(hhmm).to.equal(calls[i].name ? '18:30' : '23:00');
      expect(calls[i].name === undefined).to.equal(calls[i - 1].name !== undefined); // strictly alternating
    }
  });

  it('survives a profile inside the small hours (skipped or repeated by daylight saving in many zones)', async () => {
    const small = { name: 'Small hours', days: [0, 1, 2, 3, 4, 5, 6], start: '02:30', end: '02:45' };
    const { clock, calls, scheduler } = run([small], at(2025, 1, 1, 12));
    scheduler.start();
    await clock.advance(366 * 24 * HOUR);
    scheduler.stop();
    expect(calls.length).to.be.within(2 * 363, 2 * 367); // a day whose 02:30–02:45 does not exist may be skipped
    expect(clock.requested.every((ms) => ms >= 1)).to.equal(true);
    expect(clock.requested.length).to.be.below(3 * 367); // no tight loop of re-arming
    for (let i = 1; i < calls.length; i++) {
      expect(calls[i].at).to.be.greaterThan(calls[i - 1].at);
      expect(calls[i].name === undefined).to.equal(calls[i - 1].name !== undefined);
    }
  });
});
