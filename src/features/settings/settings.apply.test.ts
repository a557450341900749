// bindSettings on a real store (IndexedDB) with a recording target: a time profile switches the caps exactly at
// its boundaries (fake clock), data saver follows a stubbed navigator.connection live, a refused setting is
// reported and the rest still applies.
import { expect } from '@open-wc/testing';
import { bindSettings, DATA_SAVER_BULK_BPS, type SettingsTarget } from './settings.apply.js';
import { SettingsStore } from './settings.store.js';
import type { NetworkConnectionTarget } from './network-info.js';
import type { IceSettings } from '../../core/ice.js';
import { FakeClock } from '../../../test/fake-clock.js';
import { uniqueId, waitFor } from '../../../test/harness.js';

type Bw = Parameters<NonNullable<SettingsTarget['setBandwidth']>>[0];

function recorder(failIce = false) {
  const ice: IceSettings[] = [];
  const bandwidth: Bw[] = [];
  const target: SettingsTarget = {
    setIce: (s) => {
      if (failIce) throw new Error('refused');
      ice.push(s);
    },
    setBandwidth: (s) => bandwidth.push(s),
  };
  return { ice, bandwidth, target };
}

class FakeConnection extends EventTarget implements NetworkConnectionTarget {
  saveData = false;
  effectiveType = '4g';
  change(patch: { saveData?: boolean; effectiveType?: string }): void {
    Object.assign(this, patch);
    this.dispatchEvent(new Event('change'));
  }
}

describe('bindSettings', function () {
  this.timeout(20_000);
  const names: string[] = [];
  afterEach(async () => {
    for (const n of names.splice(0)) await SettingsStore.forget(n);
  });
  const store = async () => {
    const name = uniqueId('apply')
      .replace(/[^\w-]/g, '-')
      .slice(0, 60);
    names.push(name);
    const s = SettingsStore.open(name);
    await s.ready;
    return s;
  };

  it('a weekday 09:00–17:00 profile caps bulk data exactly from 09:00 to 17:00 (fake clock)', async () => {
    const s = await store();
    await s.update({
      bandwidth: { bulkBps: 5_000_000, profiles: [{ name: 'Office hours', days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00', bulkBps: 125_000 }] },
    });
    // Monday 2026-12-07 08:59:00 local time.
    const clock = new FakeClock(new Date(2026, 11, 7, 8, 59, 0).getTime());
    const r = recorder();
    const stop = bindSettings(s, r.target, { clock, network: null });
    try {
      await waitFor(() => r.bandwidth.length === 1, 5_000, 'applied');
      expect(r.bandwidth.at(-1)!.bulkBps).to.equal(5_000_000);
      expect(stop.profile).to.equal(undefined);
      await clock.advance(59_999);
      expect(r.bandwidth.at(-1)!.bulkBps, 'one ms before 09:00').to.equal(5_000_000);
      await clock.advance(1);
      expect(r.bandwidth.at(-1)!.bulkBps, 'at 09:00').to.equal(125_000);
      expect(stop.profile?.name).to.equal('Office hours');
      await clock.advance(8 * 3_600_000 - 1);
      expect(r.bandwidth.at(-1)!.bulkBps, 'one ms before 17:00').to.equal(125_000);
      await clock.advance(1);
      expect(r.bandwidth.at(-1)!.bulkBps, 'at 17:00').to.equal(5_000_000);
      expect(r.bandwidth).to.have.length(3);
      // A user's change of the base cap applies at once, and the profile still wins while active.
      await s.update({ bandwidth: { bulkBps: 2_000_000 } });
      expect(r.bandwidth.at(-1)!.bulkBps).to.equal(2_000_000);
    } finally {
      stop();
    }
  });

  it('data saver "auto" follows navigator.connection live: save-data → data-saver preset and a capped bulk budget', async () => {
    const s = await store();
    await s.update({ bandwidth: { bulkBps: 10_000_000, dataSaver: 'auto' } });
    const connection = new FakeConnection();
    const r = recorder();
    const stop = bindSettings(s, r.target, { network: connection });
    try {
      await waitFor(() => r.ice.length === 1 && r.bandwidth.length === 1, 5_000, 'applied');
      expect(r.ice[0]!.preset).to.equal('default');
      expect(r.bandwidth[0]!.bulkBps).to.equal(10_000_000);
      connection.change({ saveData: true });
      expect(r.ice.at(-1)!.preset).to.equal('data-saver');
      expect(r.bandwidth.at(-1)!.bulkBps).to.equal(DATA_SAVER_BULK_BPS);
      connection.change({ saveData: false, effectiveType: '2g' });
      expect(r.ice.at(-1)!.preset, 'a slow network too').to.equal('data-saver');
      connection.change({ effectiveType: '4g' });
      expect(r.ice.at(-1)!.preset).to.equal('default');
      expect(r.bandwidth.at(-1)!.bulkBps).to.equal(10_000_000);
      // "off" ignores the network.
      await s.update({ bandwidth: { dataSaver: 'off' } });
      connection.change({ saveData: true });
      expect(r.ice.at(-1)!.preset).to.equal('default');
    } finally {
      stop();
    }
  });

  it('a setting the service refuses is reported; the rest still applies', async () => {
    const s = await store();
    const r = recorder(true);
    const errors: string[] = [];
    const stop = bindSettings(s, r.target, { network: null, onError: (e, section) => errors.push(`${section}: ${e.message}`) });
    try {
      await waitFor(() => r.bandwidth.length === 1, 5_000, 'bandwidth applied');
      expect(errors).to.deep.equal(['connection: refused']);
    } finally {
      stop();
    }
  });
});
