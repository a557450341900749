import { html, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { splitSignalingUrls, type ConnectionConfig } from '../core/config.js';
import type { IcePreset } from '../core/ice.js';
import type { ConnectionApi } from '../core/connection-api.js';
import { ConnectionService } from '../core/connection-service.js';
import { DarkswapConnectionError, isConnectionError } from '../core/errors.js';
import type { ServiceErrorEvent, ServiceStatus } from '../core/events.js';
import { DarkswapElement } from '../internal/base-element.js';
import { DarkswapStatusEvent } from '../internal/events.js';
import { provideConnection, type ConnectionProvision } from './provide-connection.js';
import type { SettingsStore } from '../features/settings/settings.store.js';
import type { ProviderSettings } from './provider-settings.js';

const CONFIG_PROPS = ['signalingUrl', 'host', 'port', 'path', 'secure', 'key', 'peerId', 'identity', 'iceCredentialsUrl'] as const;
/** ICE changes apply to the live service (an ICE restart on open links), never replacing it. */
const ICE_PROPS = ['iceServers', 'icePreset'] as const;

/** Parses the `ice-servers` attribute (JSON array of RTCIceServer). */
const iceServersConverter = {
  fromAttribute(value: string | null): RTCIceServer[] | undefined {
    if (value === null || value.trim() === '') return undefined;
    try {
      const parsed: unknown = JSON.parse(value);
      return Array.isArray(parsed) ? (parsed as RTCIceServer[]) : [];
    } catch {
      console.warn('[darkswap] <darkswap-connection> ice-servers is not valid JSON; using none.');
      return [];
    }
  },
  toAttribute(value: RTCIceServer[] | undefined): string | null {
    return value ? JSON.stringify(value) : null;
  },
};

/**
 * Owns one connection service and provides it, through context, to every DarkSwap widget inside
 * it (or, with `page`, to the whole document). Changing any connection attribute replaces the
 * service. Renders its children unchanged.
 *
 * With `settings="name"` it also provides the page's persisted settings (`SettingsStore`, edited by
 * `<darkswap-settings>`) and applies them to its service live: ICE servers and preset, bandwidth, and the
 * signaling URL (a new one replaces the service). Connection attributes the host sets (`signaling-url`,
 * `ice-servers`, `ice-preset`) are pinned: users see them but cannot change them.
 *
 * @summary Connection provider: one PeerJS-backed service shared by the widgets inside it.
 * @tag darkswap-connection
 * @slot - Widgets (and any other content) that use this connection.
 * @fires darkswap-status - The service's status changed; `detail: { status, error? }`.
 */
export class DarkswapConnection extends DarkswapElement {
  /**
   * Signaling server URL, e.g. `http://127.0.0.1:9000/peerjs`; several (separated by spaces or commas) name the
   * nodes of one cluster, tried in order and failed over between. Takes precedence over host/port/path/secure.
   */
  @property({ attribute: 'signaling-url' }) signalingUrl?: string;
  /** Signaling host (when `signaling-url` is not set). */
  @property() host?: string;
  /** Signaling port. */
  @property({ type: Number }) port?: number;
  /** Signaling path, e.g. `/peerjs`. */
  @property() path?: string;
  /** Use https/wss for signaling. */
  @property({ type: Boolean }) secure = false;
  /** PeerServer key. */
  @property() key?: string;
  /** Ask for this peer id (otherwise the server assigns one). */
  @property({ attribute: 'peer-id' }) peerId?: string;
  /**
   * Name of the persistent identity key (letters, digits, `-`, `_`; default `default`). Tabs of one site share
   * an identity unless they use different names — e.g. a demo simulating two users in two tabs.
   */
  @property() identity?: string;
  /** JSON array of RTCIceServer objects. Default: none (loopback/LAN only). */
  @property({ attribute: 'ice-servers', converter: iceServersConverter }) iceServers?: RTCIceServer[];

  /** How the ICE servers are used: `lan`, `default`, `relay` (TURN only: hides my address) or `data-saver`. Changes apply live. */
  @property({ attribute: 'ice-preset' }) icePreset?: IcePreset;

  /** URL answering ephemeral TURN credentials `{username, credential, ttl, urls}` (coturn REST format). */
  @property({ attribute: 'ice-credentials-url' }) iceCredentialsUrl?: string;
  /** Name of the persisted settings to provide and apply (letters, digits, `-`, `_`); none by default. */
  @property() settings?: string;
  /** Provide the connection to the whole document, not only to descendants. */
  @property({ type: Boolean, reflect: true }) page = false;
  /** Current status of the service (`none` without configuration). Reflected for styling. */
  @property({ reflect: true }) status: ServiceStatus | 'none' = 'none';

  /** The last error, if any. */
  @property({ attribute: false }) error: DarkswapConnectionError | undefined;

  private _service: ConnectionService | undefined;
  private provision: ConnectionProvision | undefined;
  private provisionTarget: HTMLElement | Document | undefined;
  /** The settings of `settings="name"`, once their chunk and the store are loaded. */
  private prefs: ProviderSettings | undefined;
  private prefsLoading: string | undefined;

  /** The settings store provided with `settings` (undefined without, or until it is loaded). */
  get settingsStore(): SettingsStore | undefined {
    return this.prefs?.store;
  }

  /** The service this element owns (undefined until configured). */
  get service(): ConnectionApi | undefined {
    return this._service;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.style.display = 'contents';
    this.ensureProvision();
    this.ensureSettings();
    this.rebuild();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.teardown();
    this.provision?.detach();
    this.provision = undefined;
    this.dropSettings();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('page')) this.ensureProvision();
    if (this.hasUpdated && changed.has('settings')) this.ensureSettings();
    else if (this.hasUpdated && this.prefs && (changed.has('signalingUrl') || ICE_PROPS.some((p) => changed.has(p)))) this.pinAttributes();
    if (this.hasUpdated && (CONFIG_PROPS.some((p) => changed.has(p)) || changed.has('settings'))) this.rebuild();
    else if (this.hasUpdated && this._service && !this.prefs && ICE_PROPS.some((p) => changed.has(p))) {
      try {
        this._service.setIce({ preset: this.icePreset ?? 'default', servers: this.iceServers ?? [] });
      } catch (e) {
        this.error = isConnectionError(e) ? e : new DarkswapConnectionError('invalid-config', String(e));
        this.dispatchEvent(new DarkswapStatusEvent({ status: this.status, error: { code: this.error.code, message: this.error.message } }));
      }
    }
  }

  /**
   * Loads the settings of `settings="name"` (their own chunk, on first use), provides and pins them, then builds
   * the service from them; drops them when the attribute goes.
   */
  private ensureSettings(): void {
    if (!this.isConnected) return;
    const name = this.settings;
    if (this.prefs && this.prefs.name === name) return;
    this.dropSettings();
    if (!name) return;
    this.prefsLoading = name;
    void import('./provider-settings.js')
      .then(async ({ ProviderSettings }) => {
        if (this.prefsLoading !== name || !this.isConnected) return;
        const prefs = new ProviderSettings(name, {
          target: this.page ? document.documentElement : this,
          signalingChanged: () => this.rebuild(),
          failed: (error) => this.report(error),
        });
        this.prefs = prefs;
        this.prefsLoading = undefined;
        this.pinAttributes();
        await prefs.store.ready;
        if (this.prefs === prefs) this.rebuild();
      })
      .catch((e: unknown) => {
        this.prefsLoading = undefined;
        this.fail(new DarkswapConnectionError('invalid-config', `Settings "${name}" could not be loaded: ${(e as Error).message}`));
      });
  }

  private pinAttributes(): void {
    try {
      this.prefs?.pin({ signalingUrl: this.signalingUrl, iceServers: this.iceServers, icePreset: this.icePreset });
    } catch (e) {
      this.fail(new DarkswapConnectionError('invalid-config', (e as Error).message));
    }
  }

  private dropSettings(): void {
    this.prefsLoading = undefined;
    this.prefs?.dispose();
    this.prefs = undefined;
  }

  private report(error: Error): void {
    this.error = isConnectionError(error) ? error : new DarkswapConnectionError('invalid-config', error.message);
    this.dispatchEvent(new DarkswapStatusEvent({ status: this.status, error: { code: this.error.code, message: this.error.message } }));
  }

  /** Provide on this element, or on the document with `page`; moving it re-homes current widgets. */
  private ensureProvision(): void {
    if (!this.isConnected) return;
    const target = this.page ? document : this;
    if (this.provision && this.provisionTarget === target) return;
    this.provision?.detach();
    this.provisionTarget = target;
    this.provision = provideConnection(target, this._service);
  }

  private config(): ConnectionConfig | undefined {
    const chosen = this.prefs?.store.value.connection;
    const signalingUrl = this.signalingUrl || chosen?.signalingUrl;
    const base = signalingUrl
      ? { signalingUrls: splitSignalingUrls(signalingUrl) }
      : this.host
        ? { host: this.host, port: this.port, path: this.path, secure: this.secure }
        : undefined;
    if (!base) return undefined;
    return {
      ...base,
      key: this.key,
      peerId: this.peerId || undefined,
      identity: this.identity || undefined,
      iceServers: this.iceServers ?? (chosen?.iceServers as RTCIceServer[] | undefined) ?? [],
      icePreset: this.icePreset || chosen?.icePreset || 'default',
      ...(this.iceCredentialsUrl ? { iceCredentials: this.iceCredentialsUrl } : {}),
    };
  }

  private rebuild(): void {
    if (!this.isConnected) return;
    this.teardown();
    // Persisted settings still loading: the service is built from them once they are here.
    if (this.prefsLoading) return;
    this.error = undefined;
    let config: ConnectionConfig | undefined;
    let service: ConnectionService | undefined;
    try {
      config = this.config();
      if (config) service = new ConnectionService(config);
    } catch (e) {
      this.fail(isConnectionError(e) ? e : new DarkswapConnectionError('invalid-config', String(e)));
      return;
    }
    this._service = service;
    this.provision?.set(service);
    if (!service) {
      this.setStatus('none');
      return;
    }
    this.prefs?.bind(service);
    service.addEventListener('status', () => this.setStatus(service.status));
    service.addEventListener('error', (e: ServiceErrorEvent) => {
      if (!e.peer) this.error = e.error;
    });
    service.open().catch((e: unknown) => {
      if (this._service === service && isConnectionError(e)) this.fail(e);
    });
  }

  private fail(error: DarkswapConnectionError): void {
    this.error = error;
    this.setStatus('error');
  }

  private teardown(): void {
    this.prefs?.release();
    const old = this._service;
    this._service = undefined;
    old?.destroy();
  }

  private setStatus(status: ServiceStatus | 'none'): void {
    if (status === this.status && status !== 'error') return;
    this.status = status;
    this.dispatchEvent(new DarkswapStatusEvent({ status, error: this.error ? { code: this.error.code, message: this.error.message } : undefined }));
  }

  protected override render() {
    return html`<slot></slot>`;
  }
}
