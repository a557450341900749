// The settings store on real IndexedDB and a real second tab (BroadcastChannel): persisted across a reopen and a
// reload, in step across tabs, pins that users cannot change, export → reset → import, refused imports that
// change nothing.
import { expect } from '@open-wc/testing';
import { DEFAULT_SETTINGS, SettingsError, type Settings } from './settings.model.js';
import { SettingsStore, type SettingsChangeEvent } from './settings.store.js';
import { tabClose, tabEval, tabOpen, tabReload, tabWait } from '../../../test/tabs.js';
import { uniqueId } from '../../../test/harness.js';

async function rejection(p: Promise<unknown>): Promise<SettingsError> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(SettingsError);
    return e as SettingsError;
  }
  throw new Error('expected a rejection');
}

// Runs in the tab.
function tabValue(): Settings | undefined {
  return (window as unknown as { settingsTab?: { store: { value: Settings } } }).settingsTab?.store.value;
}
async function tabReady(): Promise<boolean> {
  const tab = (window as unknown as { settingsTab?: { store: { ready: Promise<void> } } }).settingsTab;
  if (!tab) return false;
  await tab.store.ready;
  return true;
}
async function tabUpdate(name: string): Promise<Settings> {
  const store = (window as unknown as { settingsTab: { store: { update(p: unknown): Promise<Settings> } } }).settingsTab.store;
  return store.update({ general: { displayName: name } });
}

describe('SettingsStore (real IndexedDB, a real second tab)', function () {
  this.timeout(30_000);
  const names: string[] = [];
  const fresh = () => {
    const name = uniqueId('settings')
      .replace(/[^\w-]/g, '-')
      .slice(0, 60);
    names.push(name);
    return name;
  };
  afterEach(async () => {
    for (const name of names.splice(0)) await SettingsStore.forget(name);
  });

  it('persists: a reopened store and a reloaded tab read what was saved', async () => {
    const name = fresh();
    const store = SettingsStore.open(name);
    expect(SettingsStore.open(name), 'one store per name').to.equal(store);
    await store.ready;
    expect(store.value).to.deep.equal(DEFAULT_SETTINGS);
    await store.update({
      connection: { icePreset: 'relay', iceServers: [{ urls: 'turn:t.example:3478', username: 'u', credential: 'c' }] },
      bandwidth: { bulkBps: 500_000 },
    });
    store.close();
    const again = SettingsStore.open(name);
    expect(again).to.not.equal(store);
    await again.ready;
    expect(again.value.connection.icePreset).to.equal('relay');
    expect(again.value.bandwidth.bulkBps).to.equal(500_000);
    const tab = await tabOpen(`/src/features/settings/settings-tab.html?name=${name}`);
    try {
      await tabWait(tab, 'the tab store', 10_000, tabReady);
      await tabReload(tab);
      await tabWait(tab, 'the tab store after a reload', 10_000, tabReady);
      const seen = await tabEval<Settings>(tab, tabValue);
      expect(seen).to.deep.equal(again.value);
    } finally {
      await tabClose(tab);
    }
  });

  it('keeps tabs in step both ways (BroadcastChannel), each change saved once and announced with its sections', async () => {
    const name = fresh();
    const store = SettingsStore.open(name);
    await store.ready;
    const events: SettingsChangeEvent[] = [];
    store.addEventListener('change', (e) => events.push(e as SettingsChangeEvent));
    const tab = await tabOpen(`/src/features/settings/settings-tab.html?name=${name}`);
    try {
      await tabWait(tab, 'the tab store', 10_000, tabReady);
      await store.update({ connection: { icePreset: 'lan' } });
      const inTab = await tabWait<string>(tab, 'the change in the tab', 5_000, () => {
        const v = (window as unknown as { settingsTab: { store: { value: Settings } } }).settingsTab.store.value;
        return v.connection.icePreset === 'lan' && v.connection.icePreset;
      });
      expect(inTab).to.equal('lan');
      await tabEval(tab, tabUpdate, 'From the other tab');
      await new Promise<void>((resolve) => {
        const check = () => store.value.general.displayName === 'From the other tab' && resolve();
        store.addEventListener('change', check);
        check();
      });
      expect(events.map((e) => [e.origin, e.sections])).to.deep.equal([
        ['local', ['connection']],
        ['tab', ['general']],
      ]);
      // Both tabs saving at once: revisions are taken from disk in one transaction, so every tab and the disk end
      // on one document (the later save's).
      await Promise.all([store.update({ bandwidth: { bulkBps: 1_000 } }), tabEval(tab, tabUpdate, 'Same time')]);
      const settled = async () => {
        const inTab = await tabEval<Settings>(tab, tabValue);
        return JSON.stringify(inTab) === JSON.stringify(store.value) ? inTab : undefined;
      };
      let agreed: Settings | undefined;
      for (let i = 0; i < 50 && !agreed; i++) {
        agreed = await settled();
        if (!agreed) await new Promise((r) => setTimeout(r, 100));
      }
      expect(agreed, 'both tabs show one document').to.not.equal(undefined);
      store.close();
      const fromDisk = SettingsStore.open(name);
      await fromDisk.ready;
      expect(fromDisk.value).to.deep.equal(agreed);
      fromDisk.close();
      await tabEval(tab, tabUpdate, 'From the other tab');
      await new Promise((r) => setTimeout(r, 300));
      // The other tab's change is the saved one too.
      store.close();
      const reopened = SettingsStore.open(name);
      await reopened.ready;
      expect(reopened.value.general.displayName).to.equal('From the other tab');
      expect(reopened.value.connection.icePreset).to.equal('lan');
    } finally {
      await tabClose(tab);
    }
  });

  it('pins: the host value wins and users cannot change it; unpinning shows the saved value again', async () => {
    const store = SettingsStore.open(fresh());
    await store.ready;
    await store.update({ connection: { icePreset: 'lan' } });
    store.pin({ connection: { icePreset: 'relay', iceServers: [{ urls: 'turn:t.example', username: 'u', credential: 'c' }] } });
    expect(store.value.connection.icePreset).to.equal('relay');
    expect(store.pinnedFields).to.deep.equal(['connection.icePreset', 'connection.iceServers']);
    const e = await rejection(store.update({ connection: { icePreset: 'default' } }));
    expect(e.code).to.equal('pinned');
    expect(e.field).to.equal('connection.icePreset');
    expect(store.value.connection.icePreset).to.equal('relay');
    // Other fields stay the user's.
    await store.update({ general: { displayName: 'Ada' } });
    expect(() => store.pin({ connection: { icePreset: 'warp' as never } })).to.throw(SettingsError);
    expect(store.value.connection.icePreset, 'a bad pin pins nothing').to.equal('relay');
    store.pin({});
    expect(store.value.connection.icePreset).to.equal('lan');
    expect(store.value.general.displayName).to.equal('Ada');
  });

  it('export → reset → import restores the settings; foreign, newer and invalid files change nothing', async () => {
    const store = SettingsStore.open(fresh());
    await store.ready;
    await store.update({ general: { displayName: 'Ada' }, bandwidth: { bulkBps: 1_000_000, dataSaver: 'on', weights: { 'file-chunk': 3 } } });
    const file = JSON.parse(JSON.stringify(store.export()));
    await store.reset();
    expect(store.value).to.deep.equal(DEFAULT_SETTINGS);
    await store.import(file);
    expect(store.value.general.displayName).to.equal('Ada');
    expect(store.value.bandwidth).to.deep.equal({ bulkBps: 1_000_000, dailyCapBytes: null, weights: { 'file-chunk': 3 }, dataSaver: 'on', profiles: [] });
    const before = structuredClone(store.value);
    expect((await rejection(store.import({ kind: 'something-else' }))).code).to.equal('not-ours');
    expect((await rejection(store.import({ ...file, settings: { ...file.settings, version: 7 } }))).code).to.equal('newer');
    const bad = await rejection(store.import({ ...file, settings: { ...file.settings, bandwidth: { ...file.settings.bandwidth, bulkBps: 'fast' } } }));
    expect(bad.code).to.equal('invalid');
    expect(bad.field).to.equal('bandwidth.bulkBps');
    expect(store.value).to.deep.equal(before);
    store.close();
    const reopened = SettingsStore.open(store.name);
    await reopened.ready;
    expect(reopened.value, 'nothing half-saved').to.deep.equal(before);
  });
});
