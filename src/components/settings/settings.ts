import { localized, msg, str } from '@lit/localize';
import { html, type PropertyValues } from 'lit';
import { formatNumber } from '../../internal/format.js';
import { property, state } from 'lit/decorators.js';
import { ContextConsumer } from '@lit/context';
import type { ConnectionApi } from '../../core/connection-api.js';
import type { IceProbeResult } from '../../core/ice-probe.js';
import { ConnectionController } from '../../context/connection-controller.js';
import { settingsContext } from '../../context/settings-context.js';
import { DEFAULT_SETTINGS, SettingsError, type Settings, type SettingsPatch } from '../../features/settings/settings.model.js';
import { SettingsStore, type SettingsChangeEvent } from '../../features/settings/settings.store.js';
import type { KitStore, StorageUse } from '../../features/settings/settings.data.js';
import { DarkswapElement } from '../../internal/base-element.js';
import { headingText, panelHeader } from '../../internal/panel-header.js';
import { DarkswapSettingsChangeEvent } from './settings.events.js';
import { renderConnection, renderData, renderGeneral, type SettingsView } from './settings.render.js';
import { renderBandwidth } from './settings.bandwidth.js';
import { renderIdentity } from './settings.identity.js';
import type { IdentityBackup } from '../../core/identity-backup.js';
import { recommendSettings, watchNetworkInfo, type NetworkInfo, type Recommendation } from '../../features/settings/network-info.js';
import type { UsageReport } from '../../core/bandwidth-usage.js';
import type { LinkSample } from '../../core/link-stats.js';
import { settingsStyles } from './settings.styles.js';

/** The widget's on-request tools (settings.tools.ts), loaded on first use. */
const tools = () => import('./settings.tools.js');

/**
 * The page's settings in four sections — General (display name, my identity key with its encrypted backup:
 * download, a new identity made with one, restore), Connection (signaling URL,
 * ICE preset, ICE servers with add / remove / test), Bandwidth (bulk data limit, daily cap, data saver) and Data
 * (what the kit keeps in this browser, per store, with clear; persistent storage; settings export and import).
 * Bandwidth also holds time profiles, the network's data-saving hint, a limit recommended from the links'
 * statistics, and usage today and this month.
 * Changes are validated field by field (the message shows next to the field), saved at once, applied live by
 * `<darkswap-connection settings>` and shared with the site's other tabs. Values the host pinned are shown
 * read-only.
 *
 * The store comes from the settings context (`<darkswap-connection settings="name">`), or the `store` attribute
 * names one, or the `settingsStore` property gives one.
 *
 * @summary Settings: general, connection, bandwidth and data, persisted and applied live.
 * @tag darkswap-settings
 * @fires darkswap-settings-change - The settings changed; `detail: { settings, sections, origin }`.
 * @csspart base - The widget's outer box.
 * @csspart header - Title and status row.
 * @csspart title - The heading.
 * @csspart status - Save status (a live region).
 * @csspart section - One section (`data-section`: general, connection, bandwidth, data).
 * @csspart section-title - A section's heading.
 * @csspart field - One labelled field with its error.
 * @csspart field-error - A field's validation message.
 * @csspart pinned-note - Says a field is set by the site.
 * @csspart fingerprint - My identity key, grouped.
 * @csspart backup-status - Whether my identity has an encrypted backup.
 * @csspart backup-download-button - Downloads the encrypted backup.
 * @csspart new-identity-form - Makes a new identity with an encrypted backup.
 * @csspart create-identity-button - Submits it.
 * @csspart restore-form - Restores an identity from a backup file and its passphrase.
 * @csspart restore-button - Submits it.
 * @csspart identity-message - The result of a backup or restore.
 * @csspart ice-servers - The ICE server list.
 * @csspart ice-server - One ICE server.
 * @csspart test-button - Tests one ICE server (the reachability probe).
 * @csspart test-result - The probe's result.
 * @csspart remove-button - Removes one ICE server.
 * @csspart add-button - Adds the ICE server typed in.
 * @csspart stores - The list of the kit's stores.
 * @csspart store - One store, with its clear button.
 * @csspart clear-button - Clears one store (after confirmation).
 * @csspart confirm-dialog - The confirmation before clearing.
 * @csspart persist-button - Asks for persistent storage.
 * @csspart export-button - Downloads the settings as a file.
 * @csspart import-input - Reads a settings file.
 * @csspart export-all-button - Downloads every store the kit keeps in IndexedDB as one file.
 * @csspart import-all-input - Restores such a file.
 * @csspart network-hint - The browser's data-saving hint (Network Information API).
 * @csspart profiles - The time profiles.
 * @csspart profile - One time profile.
 * @csspart active-profile - The name of the profile in force now.
 * @csspart remove-profile-button - Removes one time profile.
 * @csspart add-profile-button - Adds the time profile typed in.
 * @csspart measure-button - Recommends a file transfer limit from the links' statistics.
 * @csspart recommendation - The recommendation and its reason.
 * @csspart use-recommended-button - Saves the recommended limit.
 * @csspart usage - Data sent and received today and this month.
 * @cssprop --darkswap-settings-background - Background (default `--darkswap-color-surface`).
 * @cssprop --darkswap-settings-border-color - Border colour (default `--darkswap-color-border`).
 * @cssprop --darkswap-settings-radius - Corner radius (default `--darkswap-radius`).
 * @cssprop --darkswap-settings-padding - Inner spacing (default `--darkswap-space-4`).
 * @cssprop --darkswap-settings-error-color - Validation messages (default `--darkswap-color-danger`).
 */
@localized()
export class DarkswapSettings extends DarkswapElement {
  static override styles = [...DarkswapElement.styles, ...settingsStyles];

  /** Heading text. The default, "Settings", is shown in the page's language. */
  @property() heading = 'Settings';
  /** Name of the settings store to use when none comes through context. */
  @property() store?: string;
  /** A settings store to use (wins over the context and `store`). */
  @property({ attribute: false }) settingsStore: SettingsStore | undefined;
  /** A connection service to use instead of the one from context (my identity key, ICE server tests). */
  @property({ attribute: false }) connection: ConnectionApi | undefined;

  @state() private value: Settings = DEFAULT_SETTINGS;
  @state() private errors: Record<string, string> = {};
  @state() private saved = '';
  @state() private tests: Record<number, IceProbeResult[] | 'running'> = {};
  @state() private stores: KitStore[] = [];
  @state() private use: StorageUse | undefined;
  @state() private confirming: KitStore | undefined;
  @state() private dataMessage = '';
  @state() private network: NetworkInfo | undefined;
  @state() private recommendation: Recommendation | undefined;
  @state() private usage: UsageReport | undefined;
  private unwatchNetwork: (() => void) | undefined;
  private usageTimer: ReturnType<typeof setInterval> | undefined;

  private readonly conn = new ConnectionController(this, {});
  private readonly fromContext = new ContextConsumer(this, { context: settingsContext, subscribe: true, callback: () => this.requestUpdate() });
  private bound: SettingsStore | undefined;

  /** The store this widget edits. */
  get activeStore(): SettingsStore | undefined {
    if (this.settingsStore) return this.settingsStore;
    if (this.fromContext.value) return this.fromContext.value;
    return this.store ? SettingsStore.open(this.store) : undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('connection')) this.conn.inject(this.connection);
    const store = this.activeStore;
    if (store !== this.bound) this.bind(store);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.refreshData();
    this.unwatchNetwork = watchNetworkInfo((info) => (this.network = info));
    // Usage counters live in the service; show them fresh every two seconds while the widget is on the page.
    this.usageTimer = setInterval(() => (this.usage = this.conn.service?.bandwidth?.usage), 2_000);
    this.usage = this.conn.service?.bandwidth?.usage;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.bind(undefined);
    this.unwatchNetwork?.();
    clearInterval(this.usageTimer);
  }

  @state() private measuring = false;
  @state() private backup: IdentityBackup | undefined;
  @state() private identityBusy = false;
  @state() private identityMessage = '';
  @state() private identityError = '';
  private backupOf: string | undefined;

  private async loadBackup(): Promise<void> {
    const name = this.conn.service?.identityName;
    if (name === this.backupOf) return;
    this.backupOf = name;
    this.backup = name
      ? await tools()
          .then(({ identityBackup }) => identityBackup(name))
          .catch(() => undefined)
      : undefined;
  }

  /** Replaces my persistent identity with a new one made with an encrypted backup (the page reloads to use it). */
  async createIdentity(passphrase: string, repeat: string): Promise<boolean> {
    const name = this.conn.service?.identityName;
    if (!name) return false;
    if (passphrase !== repeat) {
      this.identityError = msg('The two passphrases differ.');
      return false;
    }
    return this.identityJob(async () => {
      const { createIdentityWithBackup } = await tools();
      this.backup = (await createIdentityWithBackup(name, passphrase)).backup;
      return msg('A new identity with a backup is saved. Reload the page to use it, then download the backup.');
    });
  }

  /** Restores my persistent identity from a backup file (the page reloads to use it). */
  async restore(file: File | undefined, passphrase: string): Promise<boolean> {
    const name = this.conn.service?.identityName;
    if (!name || !file) return false;
    return this.identityJob(async () => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(await file.text());
      } catch {
        throw new Error(msg(str`${file.name} is not a backup (not JSON).`));
      }
      const { restoreIdentity, identityBackup } = await tools();
      const identity = await restoreIdentity(name, parsed, passphrase);
      this.backup = await identityBackup(name);
      return msg(str`Identity ${identity.publicKey.slice(0, 8)}… restored. Reload the page to use it.`);
    });
  }

  private async identityJob(job: () => Promise<string>): Promise<boolean> {
    this.identityBusy = true;
    this.identityError = '';
    this.identityMessage = '';
    try {
      this.identityMessage = await job();
      return true;
    } catch (e) {
      this.identityError = msg(str`Nothing was changed: ${(e as Error).message}`);
      return false;
    } finally {
      this.identityBusy = false;
    }
  }

  /**
   * Recommends a file transfer limit (see `recommendSettings`): watches every linked peer's statistics for
   * `ms` (rates need two samples) and uses what was measured — best while something is being sent.
   */
  async measure(ms = 2_500): Promise<Recommendation> {
    const service = this.conn.service;
    const samples: LinkSample[] = [];
    const stops: (() => void)[] = [];
    this.measuring = true;
    try {
      for (const peer of service?.peers ?? []) {
        let first = true;
        try {
          stops.push(
            service!.watchStats(peer, (s) => {
              if (!first) samples.push(s); // the first sample of a watch has no rates yet
              first = false;
            }),
          );
        } catch {
          // The link went away: nothing to measure there.
        }
      }
      await new Promise((r) => setTimeout(r, ms));
    } finally {
      for (const stop of stops) stop();
      this.measuring = false;
    }
    this.recommendation = recommendSettings(samples);
    return this.recommendation;
  }

  private bind(store: SettingsStore | undefined): void {
    this.bound?.removeEventListener('change', this.onChange);
    this.bound = store;
    if (!store) return;
    store.addEventListener('change', this.onChange);
    this.value = store.value;
    void store.ready.then(() => {
      if (this.bound === store) this.value = store.value;
    });
  }

  private readonly onChange = (e: Event): void => {
    const change = e as SettingsChangeEvent;
    this.value = change.settings;
    void this.refreshData();
    this.dispatchEvent(new DarkswapSettingsChangeEvent({ settings: change.settings, sections: change.sections, origin: change.origin }));
  };

  /** Saves a patch; a refusal shows next to `field` (or the patch's first field). Resolves true when saved. */
  async save(patch: SettingsPatch, field: string): Promise<boolean> {
    const store = this.activeStore;
    if (!store) return false;
    try {
      await store.update(patch);
      const { [field]: _gone, ...rest } = this.errors;
      this.errors = rest;
      this.saved = msg('Saved.');
      return true;
    } catch (e) {
      const message = e instanceof SettingsError ? e.message : String(e);
      this.errors = { ...this.errors, [field]: message };
      this.saved = '';
      return false;
    }
  }

  private async testServer(index: number): Promise<void> {
    const server = this.value.connection.iceServers[index];
    if (!server) return;
    this.tests = { ...this.tests, [index]: 'running' };
    const results = await tools()
      .then(({ probeIceServer }) => probeIceServer(server as RTCIceServer, 5_000))
      .catch((e: Error) => [
        { url: String(server.urls), kind: 'stun' as const, needed: 'srflx' as const, ok: false, problem: 'unreachable' as const, errorText: e.message },
      ]);
    this.tests = { ...this.tests, [index]: results };
  }

  private async refreshData(): Promise<void> {
    const loaded = await tools().catch(() => undefined);
    [this.stores, this.use] = await Promise.all([loaded?.kitStores().catch(() => []) ?? [], loaded?.storageUse().catch(() => undefined)]);
  }

  private async confirmClear(ok: boolean): Promise<void> {
    const target = this.confirming;
    this.shadowRoot?.querySelector('dialog')?.close();
    this.confirming = undefined;
    if (!ok || !target) return;
    try {
      await (await tools()).clearStore(target);
      this.dataMessage = msg(str`${target.label} cleared.`);
    } catch (e) {
      this.dataMessage = (e as Error).message;
    }
    await this.refreshData();
  }

  private download(data: unknown, name: string): void {
    const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${name}-${new Date().toISOString().slice(0, 10)}.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  }

  private exportSettings(): void {
    const store = this.activeStore;
    if (store) this.download(store.export(), 'darkswap-settings');
  }

  private async exportEverything(): Promise<void> {
    try {
      const file = await (await tools()).exportAll();
      this.download(file, 'darkswap-backup');
      this.dataMessage = msg(
        str`Exported ${formatNumber(file.databases.length)} stores. Not included: ${file.skipped.map((s) => `${s.name} (${s.reason})`).join('; ')}.`,
      );
    } catch (e) {
      this.dataMessage = msg(str`The export failed: ${(e as Error).message}`);
    }
  }

  /** Restores a backup file of every store (each store all or nothing; nothing at all when the file is bad). */
  async importEverything(file: File): Promise<boolean> {
    try {
      let parsed: unknown;
      try {
        parsed = JSON.parse(await file.text());
      } catch {
        throw new Error(msg(str`${file.name} is not a backup (not JSON).`));
      }
      const restored = await (await tools()).importAll(parsed);
      await this.activeStore?.reload();
      this.dataMessage = msg(str`Restored ${formatNumber(restored.length)} stores from ${file.name}. Reload this site’s other tabs to use them.`);
      await this.refreshData();
      return true;
    } catch (e) {
      this.dataMessage = msg(str`Nothing was changed: ${(e as Error).message}`);
      return false;
    }
  }

  /** Reads a settings file and imports it, all or nothing; the result shows in the Data section. */
  async importSettings(file: File): Promise<boolean> {
    const store = this.activeStore;
    if (!store) return false;
    try {
      let parsed: unknown;
      try {
        parsed = JSON.parse(await file.text());
      } catch {
        throw new SettingsError('corrupt', msg(str`${file.name} is not a settings file (not JSON).`));
      }
      await store.import(parsed);
      this.dataMessage = msg(str`Settings imported from ${file.name}.`);
      return true;
    } catch (e) {
      this.dataMessage = msg(str`Nothing was changed: ${(e as Error).message}`);
      return false;
    }
  }

  private identityView() {
    void this.loadBackup();
    return renderIdentity({
      publicKey: this.conn.service?.publicKey,
      name: this.conn.service?.identityName,
      backup: this.backup,
      busy: this.identityBusy,
      message: this.identityMessage,
      error: this.identityError,
      downloadBackup: () => this.backup && this.download(this.backup, `darkswap-identity-${this.backup.publicKey.slice(0, 8)}`),
      createWithBackup: (p, r) => void this.createIdentity(p, r),
      restore: (f, p) => void this.restore(f, p),
    });
  }

  private view(store: SettingsStore): SettingsView {
    return {
      value: this.value,
      errors: this.errors,
      pinned: (field) => store.isPinned(field),
      tests: this.tests,
      stores: this.stores,
      use: this.use,
      confirming: this.confirming,
      dataMessage: this.dataMessage,
      save: (patch, field) => void this.save(patch, field),
      test: (i) => void this.testServer(i),
      addServer: (server) => this.save({ connection: { iceServers: [...this.value.connection.iceServers, server] } }, 'new-server'),
      removeServer: (i) => {
        this.tests = {};
        void this.save({ connection: { iceServers: this.value.connection.iceServers.filter((_, j) => j !== i) } }, 'connection.iceServers');
      },
      askClear: (s) => {
        this.confirming = s;
        void this.updateComplete.then(() => this.shadowRoot?.querySelector('dialog')?.showModal());
      },
      confirmClear: (ok) => void this.confirmClear(ok),
      persist: async () => {
        const ok = await tools()
          .then(({ requestPersistence }) => requestPersistence())
          .catch(() => false);
        this.dataMessage = ok ? msg('This browser will keep the kit’s data.') : msg('The browser did not grant persistent storage.');
        await this.refreshData();
      },
      exportSettings: () => this.exportSettings(),
      importSettings: (f) => void this.importSettings(f),
      exportEverything: () => void this.exportEverything(),
      importEverything: (f) => void this.importEverything(f),
      network: this.network,
      recommendation: this.recommendation,
      usage: this.usage,
      measuring: this.measuring,
      measure: () => void this.measure(),
      addProfile: (p) => this.save({ bandwidth: { profiles: [...this.value.bandwidth.profiles, p] } }, 'bandwidth.profiles'),
      removeProfile: (i) => void this.save({ bandwidth: { profiles: this.value.bandwidth.profiles.filter((_, j) => j !== i) } }, 'bandwidth.profiles'),
    };
  }

  protected override render() {
    const store = this.activeStore;
    return html`<section part="base" aria-labelledby="title">
      ${panelHeader(
        headingText(this.heading, 'Settings', msg('Settings')),
        store ? 'open' : 'none',
        store ? this.saved || msg('Changes are saved as you make them.') : msg('No settings store'),
      )}
      ${
        store
          ? html`${renderGeneral(this.view(store), this.identityView())} ${renderConnection(this.view(store))} ${renderBandwidth(this.view(store))}
            ${renderData(this.view(store))}`
          : html`<p class="note">
              ${msg(html`No settings store: put this widget inside <code>&lt;darkswap-connection settings="…"&gt;</code> or give it a <code>store</code> name.`)}
            </p>`
      }
    </section>`;
  }
}
