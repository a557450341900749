/**
 * Applies the settings to a connection service, live: the connection section through the service's runtime ICE
 * update (open links restart ICE, nothing drops), the bandwidth section at once (`setBandwidth`, when the
 * service has it). While a time profile is active (`ProfileScheduler`: switched exactly at its boundaries) its
 * caps replace the section's. Data saver — `on`, or `auto` while the network asks for it (Network Information
 * API, followed live) — uses the `data-saver` ICE preset instead of `default` and caps bulk data at
 * `DATA_SAVER_BULK_BPS` unless a lower cap is set. The signaling URL is not applied here: a new one needs a new
 * service (`<darkswap-connection>` rebuilds).
 */
import type { IceSettings } from '../../core/ice.js';
import { ProfileScheduler, type BandwidthProfile, type SchedulerOptions } from './bandwidth-schedule.js';
import { watchNetworkInfo, type NetworkConnectionTarget } from './network-info.js';
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
  /** The Network Information object followed for `dataSaver: 'auto'` (default `navigator.connection`; null: none). */
  network?: NetworkConnectionTarget | null;
  /** The clock of the profile scheduler (tests). */
  clock?: SchedulerOptions;
  /** A setting the service refused (it keeps what it had). */
  onError?: (error: Error, section: SettingsSection) => void;
}

/** Whether data saver is in effect (`auto` follows the network's hint: see network-info.ts `suggestDataSaver`). */
export function dataSaverActive(settings: Settings, networkSuggestsSaving = false): boolean {
  const mode = settings.bandwidth.dataSaver;
  return mode === 'on' || (mode === 'auto' && networkSuggestsSaving);
}

/** The ICE settings a service gets from these settings. */
export function iceOf(settings: Settings, saving: boolean): IceSettings {
  const preset = settings.connection.icePreset;
  return { preset: saving && preset === 'default' ? 'data-saver' : preset, servers: settings.connection.iceServers };
}

/** The bandwidth settings a service gets from these settings (and the time profile active now, if any). */
export function bandwidthOf(
  settings: Settings,
  saving: boolean,
  profile?: BandwidthProfile,
): { bulkBps: number | null; weights: Record<string, number>; dailyCapBytes: number | null } {
  const cap = profile?.bulkBps ?? settings.bandwidth.bulkBps;
  const bulkBps = saving ? Math.min(cap ?? Infinity, DATA_SAVER_BULK_BPS) : cap;
  return { bulkBps, weights: { ...settings.bandwidth.weights }, dailyCapBytes: profile?.dailyCapBytes ?? settings.bandwidth.dailyCapBytes };
}

/**
 * Applies `store`'s settings to `target` now (once loaded) and on every change; returns the function that stops.
 * `refresh()` on the returned function re-applies (e.g. when the network's data-saving hint changes).
 */
export function bindSettings(
  store: SettingsStore,
  target: SettingsTarget,
  options: BindOptions = {},
): (() => void) & { refresh(): void; readonly profile: BandwidthProfile | undefined } {
  let stopped = false;
  let lastIce = '';
  let lastBandwidth = '';
  let profile: BandwidthProfile | undefined;
  let networkSaving = false;
  let started = false;
  const scheduler = new ProfileScheduler(
    [],
    (active) => {
      profile = active;
      if (started) apply(store.value);
    },
    options.clock,
  );
  const apply = (settings: Settings) => {
    if (stopped) return;
    const saving = dataSaverActive(settings, networkSaving);
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
    const bandwidth = bandwidthOf(settings, saving, profile);
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
  const onChange = (e: Event) => {
    const settings = (e as SettingsChangeEvent).settings;
    scheduler.setProfiles(settings.bandwidth.profiles);
    apply(settings);
  };
  store.addEventListener('change', onChange);
  const network = options.network === undefined ? undefined : (options.network ?? undefined);
  const unwatch =
    options.network === null
      ? () => undefined
      : watchNetworkInfo(
          (info) => {
            networkSaving = info.suggestion.suggest;
            if (started) apply(store.value);
          },
          ...(network ? [network] : []),
        );
  void store.ready.then(() => {
    if (stopped) return;
    scheduler.setProfiles(store.value.bandwidth.profiles);
    scheduler.start();
    started = true;
    apply(store.value);
  });
  const stop = () => {
    stopped = true;
    scheduler.stop();
    unwatch();
    store.removeEventListener('change', onChange);
  };
  return Object.defineProperties(stop, {
    refresh: { value: () => apply(store.value) },
    profile: { get: () => profile },
  }) as (() => void) & { refresh(): void; readonly profile: BandwidthProfile | undefined };
}
