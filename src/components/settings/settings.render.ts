/**
 * The four sections of `<darkswap-settings>` as templates over a view (values, errors, handlers). No state here:
 * the element owns it. Every input has a label, and its validation message next to it (`aria-describedby`).
 */
import { msg, str } from '@lit/localize';
import { html, nothing } from 'lit';
import { ICE_PRESETS } from '../../core/ice.js';
import type { IceProbeResult } from '../../core/ice-probe.js';
import type { KitStore, StorageUse } from '../../features/settings/settings.data.js';
import { formatBytes, formatNumber } from '../../internal/format.js';
import type { Settings, SettingsPatch } from '../../features/settings/settings.model.js';
import type { NetworkInfo, Recommendation } from '../../features/settings/network-info.js';
import type { BandwidthProfile } from '../../features/settings/bandwidth-schedule.js';
import type { UsageReport } from '../../core/bandwidth-usage.js';

type IceServer = Settings['connection']['iceServers'][number];

export interface SettingsView {
  readonly value: Settings;
  readonly errors: Readonly<Record<string, string>>;
  pinned(field: string): boolean;
  readonly tests: Readonly<Record<number, IceProbeResult[] | 'running'>>;
  readonly stores: readonly KitStore[];
  readonly use: StorageUse | undefined;
  readonly confirming: KitStore | undefined;
  readonly dataMessage: string;
  save(patch: SettingsPatch, field: string): void;
  test(index: number): void;
  addServer(server: IceServer): Promise<boolean>;
  removeServer(index: number): void;
  askClear(store: KitStore): void;
  confirmClear(ok: boolean): void;
  persist(): void;
  exportSettings(): void;
  importSettings(file: File): void;
  exportEverything(): void;
  importEverything(file: File): void;
  /** Bandwidth section (settings.bandwidth.ts). */
  readonly network: NetworkInfo | undefined;
  readonly recommendation: Recommendation | undefined;
  readonly usage: UsageReport | undefined;
  readonly measuring: boolean;
  measure(): void;
  addProfile(profile: BandwidthProfile): Promise<boolean>;
  removeProfile(index: number): void;
}

function presetWord(p: (typeof ICE_PRESETS)[number]): string {
  switch (p) {
    case 'lan':
      return msg('Local network only (no servers)');
    case 'default':
      return msg('Direct first, relayed when needed');
    case 'relay':
      return msg('Always relayed (hides my address)');
    case 'data-saver':
      return msg('Data saver');
  }
}

const idOf = (field: string) => `f-${field.replace(/\./g, '-')}`;

/** A labelled field: the control (given its id and described-by) and its error. */
export function field(v: SettingsView, name: string, label: string, control: (id: string, describedBy: string, invalid: boolean) => unknown) {
  const id = idOf(name);
  const error = v.errors[name] ?? '';
  return html`<div part="field" class="field">
    <label for=${id}>${label}</label>
    ${control(id, `${id}-error ${id}-pin`, !!error)}
    <p part="field-error" id="${id}-error" role="alert">${error}</p>
    ${v.pinned(name) ? html`<p part="pinned-note" id="${id}-pin">${msg('Set by this site.')}</p>` : nothing}
  </div>`;
}

/** A number input's value as a number scaled by `unit`, null when empty; undefined when not a number. */
export function numberOf(input: HTMLInputElement, unit: number): number | null | undefined {
  const text = input.value.trim();
  if (text === '') return null;
  const n = Number(text);
  return Number.isFinite(n) ? Math.round(n * unit) : undefined;
}

export function renderGeneral(v: SettingsView, identity: unknown) {
  return html`<section part="section" data-section="general" aria-labelledby="s-general">
    <h3 part="section-title" id="s-general">${msg('General')}</h3>
    ${field(
      v,
      'general.displayName',
      msg('Display name (shown to peers)'),
      (id, described, invalid) =>
        html`<input
          id=${id}
          maxlength="64"
          autocomplete="nickname"
          .value=${v.value.general.displayName}
          ?disabled=${v.pinned('general.displayName')}
          aria-invalid=${invalid ? 'true' : 'false'}
          aria-describedby=${described}
          @change=${(e: Event) => v.save({ general: { displayName: (e.target as HTMLInputElement).value } }, 'general.displayName')}
        />`,
    )}
    ${identity}
  </section>`;
}

function testLine(result: IceProbeResult[] | 'running' | undefined) {
  if (!result) return nothing;
  if (result === 'running') return html`<span part="test-result" role="status">${msg('Testing…')}</span>`;
  const ok = result.every((r) => r.ok);
  const words = result.map((r) =>
    r.ok
      ? msg(str`${r.url}: ${r.needed === 'relay' ? msg('relay') : msg('public address')} in ${formatNumber(Math.round(r.firstCandidateMs ?? 0))} ms`)
      : `${r.url}: ${r.problem === 'auth' ? msg('wrong username or credential') : r.problem === 'timeout' ? msg('no answer') : msg('unreachable')}`,
  );
  return html`<span part="test-result" role="status" data-ok=${ok ? 'true' : 'false'}>${words.join('; ')}</span>`;
}

function addServer(v: SettingsView, e: Event): void {
  e.preventDefault();
  const form = e.target as HTMLFormElement;
  const get = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value.trim();
  const urls = get('url');
  const username = get('username');
  const credential = get('credential');
  const server: IceServer = { urls, ...(username ? { username } : {}), ...(credential ? { credential } : {}) };
  void v.addServer(server).then((ok) => ok && form.reset());
}

export function renderConnection(v: SettingsView) {
  const c = v.value.connection;
  const serversPinned = v.pinned('connection.iceServers');
  return html`<section part="section" data-section="connection" aria-labelledby="s-connection">
    <h3 part="section-title" id="s-connection">${msg('Connection')}</h3>
    ${field(
      v,
      'connection.signalingUrl',
      msg('Signaling server URL (empty: the page’s own)'),
      (id, described, invalid) =>
        html`<input
          id=${id}
          type="url"
          inputmode="url"
          placeholder="https://signal.example/peerjs"
          .value=${c.signalingUrl}
          ?disabled=${v.pinned('connection.signalingUrl')}
          aria-invalid=${invalid ? 'true' : 'false'}
          aria-describedby=${described}
          @change=${(e: Event) => v.save({ connection: { signalingUrl: (e.target as HTMLInputElement).value.trim() } }, 'connection.signalingUrl')}
        />`,
    )}
    ${field(
      v,
      'connection.icePreset',
      msg('How to reach peers'),
      (id, described) =>
        html`<select
          id=${id}
          ?disabled=${v.pinned('connection.icePreset')}
          aria-describedby=${described}
          @change=${(e: Event) => v.save({ connection: { icePreset: (e.target as HTMLSelectElement).value as Settings['connection']['icePreset'] } }, 'connection.icePreset')}
        >
          ${ICE_PRESETS.map((p) => html`<option value=${p} ?selected=${c.icePreset === p}>${presetWord(p)}</option>`)}
        </select>`,
    )}
    <div class="field">
      <span class="note" id="ice-title">${msg('STUN and TURN servers')}</span>
      ${
        c.iceServers.length
          ? html`<ul part="ice-servers" aria-labelledby="ice-title">
              ${c.iceServers.map(
                (s, i) =>
                  html`<li part="ice-server">
                    <code>${typeof s.urls === 'string' ? s.urls : s.urls.join(', ')}</code>
                    <div class="row">
                      <button part="test-button" type="button" class="secondary" @click=${() => v.test(i)}>${msg('Test')}</button>
                      <button part="remove-button" type="button" class="secondary" ?disabled=${serversPinned} @click=${() => v.removeServer(i)}>
                        ${msg('Remove')}
                      </button>
                    </div>
                    ${testLine(v.tests[i])}
                  </li>`,
              )}
            </ul>`
          : html`<p class="note">${msg('None: only peers on this network can be reached.')}</p>`
      }
      <p part="field-error" id="f-connection-iceServers-error" role="alert">${v.errors['connection.iceServers'] ?? ''}</p>
      ${serversPinned ? html`<p part="pinned-note">${msg('Set by this site.')}</p>` : nothing}
    </div>
    ${
      serversPinned
        ? nothing
        : html`<form class="field" aria-label=${msg('Add a server')} @submit=${(e: Event) => addServer(v, e)}>
            <label for="new-url">${msg('Server URL (stun:, turn: or turns:)')}</label>
            <input
              id="new-url"
              name="url"
              required
              placeholder="turn: host : port"
              aria-invalid=${v.errors['new-server'] ? 'true' : 'false'}
              aria-describedby="new-server-error"
            />
            <label for="new-username">${msg('Username (TURN)')}</label>
            <input id="new-username" name="username" autocomplete="off" />
            <label for="new-credential">${msg('Credential (TURN)')}</label>
            <input id="new-credential" name="credential" type="password" autocomplete="off" />
            <p part="field-error" id="new-server-error" role="alert">${v.errors['new-server'] ?? ''}</p>
            <div class="row"><button part="add-button" type="submit">${msg('Add server')}</button></div>
          </form>`
    }
  </section>`;
}

/** An export button and an import file input (parts `export-button`/`import-input`, or `export-all-…`/`import-all-…`). */
function exportImportRow(kind: 'settings' | 'all', exportLabel: string, importLabel: string, onExport: () => void, onImport: (file: File) => void) {
  const infix = kind === 'all' ? '-all' : '';
  const id = `import${infix}-file`;
  return html`<div class="row">
    <button part="export${infix}-button" type="button" class="secondary" @click=${onExport}>${exportLabel}</button>
    <label for=${id}>${importLabel}</label>
    <input
      part="import${infix}-input"
      id=${id}
      type="file"
      accept="application/json,.json"
      @change=${(e: Event) => {
        const input = e.target as HTMLInputElement;
        const file = input.files?.[0];
        if (file) onImport(file);
        input.value = '';
      }}
    />
  </div>`;
}

export function renderData(v: SettingsView) {
  const use = v.use;
  return html`<section part="section" data-section="data" aria-labelledby="s-data">
    <h3 part="section-title" id="s-data">${msg('Data')}</h3>
    ${
      use
        ? html`<p>
            ${msg(str`This site uses ${formatBytes(use.usage)} of ${formatBytes(use.quota)}`)}${
              Object.keys(use.byKind).length
                ? ` (${Object.entries(use.byKind)
                    .filter(([, n]) => n > 0)
                    .map(([k, n]) => `${k} ${formatBytes(n)}`)
                    .join(', ')})`
                : ''
            }.
            ${use.persisted ? msg('Kept under storage pressure.') : msg('The browser may clear it under storage pressure.')}
          </p>`
        : html`<p class="note">${msg('This browser does not report storage use.')}</p>`
    }
    ${use && !use.persisted ? html`<div class="row"><button part="persist-button" type="button" class="secondary" @click=${() => v.persist()}>${msg('Keep this site’s data')}</button></div>` : nothing}
    <ul part="stores" aria-label=${msg('What the kit keeps in this browser')}>
      ${v.stores.map(
        (s) =>
          html`<li part="store" data-store=${s.name}>
            <span
              >${s.label}
              <code>${s.name}</code
              >${s.records !== undefined ? ` · ${s.records === 1 ? msg('1 record') : msg(str`${formatNumber(s.records)} records`)}` : ''}</span
            >
            <div class="row"><button part="clear-button" type="button" class="secondary" @click=${() => v.askClear(s)}>${msg('Clear…')}</button></div>
          </li>`,
      )}
    </ul>
    ${exportImportRow(
      'settings',
      msg('Export settings'),
      msg('Import settings'),
      () => v.exportSettings(),
      (f) => v.importSettings(f),
    )}
    ${exportImportRow(
      'all',
      msg('Export everything'),
      msg('Import everything'),
      () => v.exportEverything(),
      (f) => v.importEverything(f),
    )}
    <p role="status" class="note">${v.dataMessage}</p>
    <dialog part="confirm-dialog" aria-labelledby="confirm-title" @cancel=${() => v.confirmClear(false)}>
      ${
        v.confirming
          ? html`<p id="confirm-title"><strong>${msg(str`Clear ${v.confirming.label}?`)}</strong></p>
              <p>${v.confirming.warning ?? msg('This cannot be undone.')}</p>
              <div class="row">
                <button type="button" class="secondary" @click=${() => v.confirmClear(false)}>${msg('Cancel')}</button>
                <button type="button" data-confirm @click=${() => v.confirmClear(true)}>${msg('Clear')}</button>
              </div>`
          : nothing
      }
    </dialog>
  </section>`;
}
