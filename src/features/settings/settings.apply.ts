/**
 * Applies the settings to a connection service, live: the connection section through the service's runtime ICE
 * update (open links restart ICE, nothing drops), the bandwidth section at once (`setBandwidth`, when the
 * service has it). Data saver — `on`, or `auto` while the network asks for it (Network Information API) — uses
 * the `data-saver` ICE preset instead of `default` and caps bulk data at `DATA_SAVER_BULK_BPS` unless a lower cap
 * is set. The signaling URL is not applied here: a new one needs a new service (`<darkswap-connection>` rebuilds).
 */
import type { IceSettings } from '../../core/ice.js';
import type { Settings, SettingsSection } from './settings.model.js';
import type { SettingsChangeEvent, SettingsStore } from './settings.store.js';

/** The bulk data cap data saver applies (bytes per second) when none lower is set. */
export const DATA_SAVER_BULK_BPS = 256 * 1024;

/** What settings are applied to (a connection service). */
export interface SettingsTarget {
  setIce(settings: IceSettings): void;
  setBandwidth?(settings: { bulkBps?: number | null; weights?: Record<string, number>; dailyCapBytes?: number | null }): void;
}

export interface BindOptions {
  /** Whether the network asks to save data (for `dataSaver: 'auto'`); default: never. */
  networkSuggestsSaving?: () => boolean;
  /** A setting the service refused (it keeps what it had). */
  onError?: (error: Error, section: SettingsSection) => void;
}

/** Whether data saver is in effect. */
export function dataSaverActive(settings: Settings, networkSuggestsSaving = false): boolean {
  const mode = settings.bandwidth.dataSaver;
  return mode === 'on' || (mode === 'auto' && networkSuggestsSaving);
}

/** The ICE settings a service gets from these settings. */
export function iceOf(settings: Settings, saving: boolean): IceSettings {
  const preset = settings.connection.icePreset;
  return { preset: saving && preset === 'default' ? 'data-saver' : preset, servers: settings.connection.iceServers };
}

/** The bandwidth settings a service gets from these settings. */
export function bandwidthOf(settings: Settings, saving: boolean): { bulkBps: number | null; weights: Record<string, number>; dailyCapBytes: number | null } {
  const cap = settings.bandwidth.bulkBps;
  const bulkBps = saving ? Math.min(cap ?? Infinity, DATA_SAVER_BULK_BPS) : cap;
  return { bulkBps, weights: { ...settings.bandwidth.weights }, dailyCapBytes: settings.bandwidth.dailyCapBytes };
}

/**
 * Applies `store`'s settings to `target` now (once loaded) and on every change; returns the function that stops.
 * `refresh()` on the returned function re-applies (e.g. when the network's data-saving hint changes).
 */
export function bindSettings(store: SettingsStore, target: SettingsTarget, options: BindOptions = {}): (() => void) & { refresh(): void } {
  let stopped = false;
  let lastIce = '';
  let lastBandwidth = '';
  const apply = (settings: Settings) => {
    if (stopped) return;
    const saving = dataSaverActive(settings, options.networkSuggestsSaving?.() ?? false);
    const ice = iceOf(settings, saving);
    const iceKey = JSON.stringify(ice);
    if (iceKey !== lastIce) {
      try {
        target.setIce(ice);
        lastIce = iceKey;
      } catch (e) {
        options.onError?.(e as Error, 'connection');
      }
    }
    const bandwidth = bandwidthOf(settings, saving);
    const bwKey = JSON.stringify(bandwidth);
    if (target.setBandwidth && bwKey !== lastBandwidth) {
      try {
        target.setBandwidth(bandwidth);
        lastBandwidth = bwKey;
      } catch (e) {
        options.onError?.(e as Error, 'bandwidth');
      }
    }
  };
  const onChange = (e: Event) => apply((e as SettingsChangeEvent).settings);
  store.addEventListener('change', onChange);
  void store.ready.then(() => apply(store.value));
  const stop = () => {
    stopped = true;
    store.removeEventListener('change', onChange);
  };
  return Object.assign(stop, { refresh: () => apply(store.value) });
}
