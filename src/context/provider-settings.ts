/**
 * The settings side of `<darkswap-connection settings="name">`, loaded on first use (a separate chunk: pages
 * without persisted settings never download it): opens the store, provides it through the settings context,
 * pins the host's connection attributes, applies the settings to the service live, and says when a user's new
 * signaling URL needs a new service.
 */
import { bindSettings } from '../features/settings/settings.apply.js';
import type { SettingsPatch } from '../features/settings/settings.model.js';
import { SettingsStore } from '../features/settings/settings.store.js';
import type { ConnectionService } from '../core/connection-service.js';
import { provideSettings, type SettingsProvision } from './settings-context.js';

type ConnectionPins = { -readonly [K in keyof NonNullable<SettingsPatch['connection']>]?: NonNullable<SettingsPatch['connection']>[K] };

export interface ProviderSettingsHost {
  /** Where to provide (the element, or the document element in `page` mode). */
  readonly target: HTMLElement;
  /** The user changed the signaling URL: build a new service. */
  signalingChanged(): void;
  /** A setting the service refused. */
  failed(error: Error): void;
}

export class ProviderSettings {
  readonly store: SettingsStore;
  private readonly provision: SettingsProvision;
  private unbind: (() => void) | undefined;
  /** The signaling URL in use; undefined until the store is loaded (changes before that are the load itself). */
  private url: string | undefined;

  constructor(
    readonly name: string,
    private readonly host: ProviderSettingsHost,
  ) {
    this.store = SettingsStore.open(name);
    this.provision = provideSettings(host.target, this.store);
    this.store.addEventListener('change', this.onChange);
    void this.store.ready.then(() => (this.url = this.store.value.connection.signalingUrl));
  }

  /** The host's attributes, pinned (users see them and cannot change them). Throws a SettingsError for a bad one. */
  pin(attrs: { signalingUrl?: string | undefined; iceServers?: RTCIceServer[] | undefined; icePreset?: string | undefined }): void {
    const pins: ConnectionPins = {};
    if (attrs.signalingUrl) pins.signalingUrl = attrs.signalingUrl;
    if (attrs.iceServers) pins.iceServers = attrs.iceServers as ConnectionPins['iceServers'];
    if (attrs.icePreset) pins.icePreset = attrs.icePreset as ConnectionPins['icePreset'];
    this.store.pin(Object.keys(pins).length ? { connection: pins } : {});
  }

  /** Applies the settings to `service` (and stops applying them to the previous one). */
  bind(service: ConnectionService): void {
    this.unbind?.();
    this.unbind = bindSettings(this.store, service, { onError: (e) => this.host.failed(e) });
  }

  /** Stops applying the settings to the current service (it is going away). */
  release(): void {
    this.unbind?.();
    this.unbind = undefined;
  }

  dispose(): void {
    this.release();
    this.store.removeEventListener('change', this.onChange);
    this.provision.set(undefined);
  }

  private readonly onChange = (): void => {
    const next = this.store.value.connection.signalingUrl;
    if (this.url === undefined || next === this.url) return;
    this.url = next;
    this.host.signalingChanged();
  };
}
