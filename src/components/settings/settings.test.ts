// <darkswap-settings> inside <darkswap-connection settings> on a real PeerServer: every section, validation next
// to the field, pins read-only, the ICE server test against a real STUN server (coturn), clearing a store after
// confirmation, import of a corrupted file changing nothing, axe, keyboard, 320 px.
import { expect, fixture, html } from '@open-wc/testing';
import { nothing } from 'lit';
import { sendKeys } from '@web/test-runner-commands';
import '../../context/darkswap-connection.js';
import './darkswap-settings.js';
import type { DarkswapConnection } from '../../context/connection-provider.js';
import type { DarkswapSettings } from './settings.js';
import type { DarkswapSettingsChangeEvent } from './settings.events.js';
import { SettingsStore } from '../../features/settings/settings.store.js';
import { openService, signaling, uniqueId, waitFor, destroyServices } from '../../../test/harness.js';
import type { ConnectionService } from '../../core/connection-service.js';
import * as v from 'valibot';
import { coturn, stopCoturns } from '../../../test/coturn.js';

const q = <T extends Element = HTMLElement>(el: Element, sel: string) => el.shadowRoot!.querySelector<T>(sel);
const text = (e: Element | null | undefined) => (e?.textContent ?? '').replace(/\s+/g, ' ').trim();

function setInput(el: DarkswapSettings, selector: string, value: string): void {
  const input = q<HTMLInputElement>(el, selector)!;
  input.value = value;
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

describe('<darkswap-settings>', function () {
  this.timeout(40_000);
  const names: string[] = [];
  afterEach(async () => {
    document.querySelectorAll('darkswap-connection').forEach((e) => e.remove());
    for (const name of names.splice(0)) await SettingsStore.forget(name);
    await stopCoturns();
    destroyServices();
    delete (navigator as unknown as { connection?: unknown }).connection;
  });

  async function mount(attrs: { icePreset?: 'lan' | 'default' | 'relay' | 'data-saver'; identity?: string } = {}) {
    const name = uniqueId('ui')
      .replace(/[^\w-]/g, '-')
      .slice(0, 60);
    names.push(name);
    const s = await signaling();
    const wrap = await fixture<HTMLElement>(
      html`<div style="width: 320px">
        <darkswap-connection
          settings=${name}
          signaling-url=${s.url}
          key=${s.key}
          ice-preset=${attrs.icePreset ?? nothing}
          identity=${attrs.identity ?? nothing}
        >
          <darkswap-settings></darkswap-settings>
        </darkswap-connection>
      </div>`,
    );
    const conn = wrap.querySelector<DarkswapConnection>('darkswap-connection')!;
    const el = wrap.querySelector<DarkswapSettings>('darkswap-settings')!;
    await waitFor(() => conn.status === 'open', 10_000, 'connection open');
    await el.updateComplete;
    return { conn, el, store: conn.settingsStore! };
  }

  it('general and bandwidth: saves valid values (event fired), shows the reason next to a bad one, shows my key', async () => {
    const { conn, el, store } = await mount();
    const events: DarkswapSettingsChangeEvent[] = [];
    el.addEventListener('darkswap-settings-change', (e) => events.push(e));
    await waitFor(() => text(q(el, '[part~="fingerprint"]')).replace(/ /g, '') === conn.service!.publicKey, 5_000, 'my key');
    setInput(el, '#f-general-displayName', 'Ada');
    await waitFor(() => store.value.general.displayName === 'Ada', 5_000, 'saved');
    expect(events.at(-1)!.detail).to.deep.include({ sections: ['general'], origin: 'local' });
    setInput(el, '#f-bandwidth-bulkBps', '500');
    await waitFor(() => store.value.bandwidth.bulkBps === 500_000, 5_000, '500 kB/s saved');
    setInput(el, '#f-bandwidth-bulkBps', '-3');
    await waitFor(() => text(q(el, '#f-bandwidth-bulkBps-error')) !== '', 5_000, 'the error');
    expect(text(q(el, '#f-bandwidth-bulkBps-error'))).to.equal('Bulk data limit: cannot be negative.');
    expect(q(el, '#f-bandwidth-bulkBps')!.getAttribute('aria-invalid')).to.equal('true');
    expect(store.value.bandwidth.bulkBps, 'nothing saved').to.equal(500_000);
    setInput(el, '#f-bandwidth-bulkBps', '');
    await waitFor(() => store.value.bandwidth.bulkBps === null, 5_000, 'no limit');
    expect(text(q(el, '#f-bandwidth-bulkBps-error'))).to.equal('');
    await expect(el).shadowDom.to.be.accessible();
    expect(q(el, '[part~="base"]')!.scrollWidth, 'fits 320 px').to.be.at.most(320);
  });

  it('connection: pinned preset read-only; a bad server URL refused next to it; add (keyboard), test against a real STUN, remove', async function () {
    const turn = await coturn(this);
    const { el, store } = await mount({ icePreset: 'default' });
    expect(q<HTMLSelectElement>(el, '#f-connection-icePreset')!.disabled).to.equal(true);
    expect(text(q(el, '#f-connection-icePreset-pin'))).to.equal('Set by this site.');
    const url = q<HTMLInputElement>(el, '#new-url')!;
    url.value = 'http://not-a-stun';
    q<HTMLButtonElement>(el, '[part~="add-button"]')!.click();
    await waitFor(() => text(q(el, '#new-server-error')) !== '', 5_000, 'the error');
    expect(text(q(el, '#new-server-error'))).to.match(/^ICE servers #0 urls: is not a stun:, turn: or turns: URL/);
    expect(store.value.connection.iceServers).to.deep.equal([]);
    // Keyboard: type the URL and press Enter in the form.
    url.value = '';
    url.focus();
    await sendKeys({ type: `stun:127.0.0.1:${turn.port}` });
    await sendKeys({ press: 'Enter' });
    await waitFor(() => store.value.connection.iceServers.length === 1, 5_000, 'added');
    await el.updateComplete;
    expect(text(q(el, '#new-server-error'))).to.equal('');
    expect(url.value, 'the form is cleared').to.equal('');
    q<HTMLButtonElement>(el, '[part~="test-button"]')!.click();
    await waitFor(() => !!q(el, '[part~="test-result"][data-ok]'), 10_000, 'a test result');
    expect(q(el, '[part~="test-result"]')!.dataset.ok).to.equal('true');
    expect(text(q(el, '[part~="test-result"]'))).to.match(/public address in \d+ ms/);
    q<HTMLButtonElement>(el, '[part~="remove-button"]')!.click();
    await waitFor(() => store.value.connection.iceServers.length === 0, 5_000, 'removed');
    await expect(el).shadowDom.to.be.accessible();
  });

  it('data: lists the kit stores, clears one after confirmation, imports all or nothing', async () => {
    const { el, store } = await mount();
    await store.update({ general: { displayName: 'Before' } });
    await waitFor(() => !!q(el, '[part~="store"][data-store="darkswap-settings"]'), 5_000, 'the settings store listed');
    // A corrupted file changes nothing and says so.
    const bad = new File(['{"kind":"darkswap-settings","settings":{"version":1,"general":{"displayName":7}}'], 'broken.json');
    expect(await el.importSettings(bad)).to.equal(false);
    await el.updateComplete;
    expect(text(q(el, '[part~="section"][data-section="data"] [role="status"]'))).to.match(/^Nothing was changed: /);
    expect(store.value.general.displayName).to.equal('Before');
    const good = new File([JSON.stringify({ ...store.export(), settings: { ...store.export().settings, general: { displayName: 'Imported' } } })], 'ok.json');
    expect(await el.importSettings(good)).to.equal(true);
    expect(store.value.general.displayName).to.equal('Imported');
    // Export everything → clear → import everything brings the settings back (and the store shows them at once).
    await store.update({ general: { displayName: 'Backed up' } });
    const { exportAll } = await import('../../features/settings/settings.backup.js');
    const backup = new File([JSON.stringify(await exportAll())], 'backup.json');
    await store.reset();
    expect(store.value.general.displayName).to.equal('');
    expect(await el.importEverything(backup)).to.equal(true);
    expect(store.value.general.displayName).to.equal('Backed up');
    await el.updateComplete;
    expect(text(q(el, '[part~="section"][data-section="data"] [role="status"]'))).to.match(/^Restored \d+ stores from backup\.json\./);
    expect(await el.importEverything(new File(['{"kind":"darkswap-backup","format":1}'], 'bad.json'))).to.equal(false);
    expect(store.value.general.displayName).to.equal('Backed up');
    await waitFor(() => /· [1-9]\d* records?/.test(text(q(el, '[part~="store"][data-store="darkswap-settings"]'))), 5_000, 'its records counted');
    // Clear the settings database: a confirmation first; Cancel keeps it.
    const clear = () => q<HTMLButtonElement>(el, '[part~="store"][data-store="darkswap-settings"] [part~="clear-button"]')!.click();
    clear();
    await waitFor(() => !!q<HTMLDialogElement>(el, 'dialog')?.open, 5_000, 'the dialog');
    expect(text(q(el, 'dialog'))).to.contain('Clear Settings?');
    await expect(el).shadowDom.to.be.accessible();
    [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('dialog button')].find((b) => b.textContent === 'Cancel')!.click();
    await el.updateComplete;
    expect(q<HTMLDialogElement>(el, 'dialog')!.open).to.equal(false);
    expect(text(q(el, '[part~="store"][data-store="darkswap-settings"]')), 'nothing cleared').to.not.contain(' 0 records');
    clear();
    await waitFor(() => !!q<HTMLDialogElement>(el, 'dialog')?.open, 5_000, 'the dialog again');
    q<HTMLButtonElement>(el, 'dialog [data-confirm]')!.click();
    await waitFor(() => text(q(el, '[part~="section"][data-section="data"] [role="status"]')) === 'Settings cleared.', 10_000, 'cleared');
    await waitFor(() => text(q(el, '[part~="store"][data-store="darkswap-settings"]')).includes('0 records'), 5_000, 'listed as empty');
    // Cleared for real: a fresh store of that name reads the defaults.
    store.close();
    const reopened = SettingsStore.open(store.name);
    await reopened.ready;
    expect(reopened.value.general.displayName).to.equal('');
  });

  it('bandwidth: time profiles (add with the keyboard-operable form, refuse a bad one, remove), the network hint, a recommended limit, usage', async () => {
    // A stubbed navigator.connection that asks to save data (own property over the prototype's getter).
    const connection = Object.assign(new EventTarget(), { saveData: true, effectiveType: '4g' });
    Object.defineProperty(navigator, 'connection', { value: connection, configurable: true });
    const { conn, el, store } = await mount();
    await waitFor(() => !!q(el, '[part~="network-hint"]'), 5_000, 'the network hint');
    expect(q(el, '[part~="network-hint"]')!.dataset.suggest).to.equal('true');
    expect(text(q(el, '[part~="network-hint"]'))).to.contain('Data saver is on.');
    // Add a profile: the form's defaults are Mon–Fri 09:00–17:00.
    const form = q<HTMLFormElement>(el, 'form[aria-label="Add a time profile"]')!;
    (form.elements.namedItem('profile-name') as HTMLInputElement).value = 'Office hours';
    (form.elements.namedItem('profile-bulk') as HTMLInputElement).value = '125';
    q<HTMLButtonElement>(el, '[part~="add-profile-button"]')!.click();
    await waitFor(() => store.value.bandwidth.profiles.length === 1, 5_000, 'the profile saved');
    expect(store.value.bandwidth.profiles[0]).to.deep.equal({ name: 'Office hours', days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00', bulkBps: 125_000 });
    await el.updateComplete;
    expect(text(q(el, '[part~="profile"]'))).to.contain('Office hours: Mon–Fri 09:00–17:00 · files 125.0 kB/s');
    // No day ticked: refused next to the profiles, nothing saved.
    (form.elements.namedItem('profile-name') as HTMLInputElement).value = 'Never';
    for (let i = 0; i < 7; i++) (form.elements.namedItem(`day-${i}`) as HTMLInputElement).checked = false;
    q<HTMLButtonElement>(el, '[part~="add-profile-button"]')!.click();
    await waitFor(() => text(q(el, '#f-bandwidth-profiles-error')) !== '', 5_000, 'the error');
    expect(text(q(el, '#f-bandwidth-profiles-error'))).to.contain('days must name at least one weekday');
    expect(store.value.bandwidth.profiles).to.have.length(1);
    q<HTMLButtonElement>(el, '[part~="remove-profile-button"]')!.click();
    await waitFor(() => store.value.bandwidth.profiles.length === 0, 5_000, 'removed');
    // A recommended limit from a real link's statistics.
    const service = conn.service as ConnectionService;
    const other = await openService();
    await service.connect(other.id!);
    const Chat = v.object({ t: v.string() });
    other.channel('chat', { schema: Chat });
    const chat = service.channel('chat', { schema: Chat });
    const pump = setInterval(() => {
      for (let i = 0; i < 20; i++) chat.send(other.id!, { t: 'x'.repeat(1_000) });
    }, 50);
    const rec = await el.measure(2_500).finally(() => clearInterval(pump));
    await el.updateComplete;
    expect(rec.codes.some((c) => c === 'measured-available' || c === 'measured-sent')).to.equal(true);
    expect(text(q(el, '[part~="recommendation"]'))).to.equal(rec.reason);
    q<HTMLButtonElement>(el, '[part~="use-recommended-button"]')!.click();
    await waitFor(() => store.value.bandwidth.bulkBps === rec.bulkBps, 5_000, 'the recommended limit saved');
    // Usage today shows what went out.
    await waitFor(() => /Today: sent [1-9]/.test(text(q(el, '[part~="usage"]'))), 5_000, 'usage today');
    await expect(el).shadowDom.to.be.accessible();
    expect(q(el, '[part~="base"]')!.scrollWidth, 'fits 320 px').to.be.at.most(320);
  });

  it('identity: no backup for an identity made without one; a new identity with a backup; restore from the file; wrong passphrase', async () => {
    const identity = uniqueId('ident')
      .replace(/[^\w-]/g, '-')
      .slice(0, 60);
    const { conn, el } = await mount({ identity });
    const oldKey = conn.service!.publicKey!;
    await waitFor(() => text(q(el, '[part~="backup-status"]')).includes('without a backup'), 5_000, 'no backup');
    const form = q<HTMLFormElement>(el, '[part~="new-identity-form"]')!;
    (form.elements.namedItem('pass') as HTMLInputElement).value = 'correct horse battery';
    (form.elements.namedItem('repeat') as HTMLInputElement).value = 'correct horse batterY';
    expect(await el.createIdentity('correct horse battery', 'correct horse batterY')).to.equal(false);
    await el.updateComplete;
    expect(text(q(el, '#identity-error'))).to.equal('The two passphrases differ.');
    expect(await el.createIdentity('correct horse battery', 'correct horse battery')).to.equal(true);
    await el.updateComplete;
    expect(text(q(el, '[part~="identity-message"]'))).to.contain('Reload the page to use it');
    expect(text(q(el, '[part~="backup-status"]'))).to.contain('A backup of this identity exists');
    const { identityBackup } = await import('../../core/identity-backup.js');
    const { loadIdentity } = await import('../../core/identity-store.js');
    const backup = (await identityBackup(identity))!;
    const newKey = (await loadIdentity(identity)).publicKey;
    expect(newKey).to.equal(backup.publicKey);
    expect(newKey).to.not.equal(oldKey);
    // Restore: a wrong passphrase changes nothing; the right one brings the key back under this name.
    const file = new File([JSON.stringify(backup)], 'identity.json');
    expect(await el.restore(file, 'wrong passphrase!')).to.equal(false);
    await el.updateComplete;
    expect(text(q(el, '#identity-error'))).to.equal('Nothing was changed: The passphrase does not open this backup.');
    expect(await el.restore(file, 'correct horse battery')).to.equal(true);
    expect((await loadIdentity(identity)).publicKey).to.equal(backup.publicKey);
    await expect(el).shadowDom.to.be.accessible();
  });
});
