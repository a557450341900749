// <darkswap-settings> and the settings feature (all-in-one: loadWidget('settings')).
export { SettingsStore, SettingsChangeEvent, type SettingsFile } from '../features/settings/settings.store.js';
export {
  SettingsSchema,
  SettingsError,
  DEFAULT_SETTINGS,
  SETTINGS_VERSION,
  SETTINGS_SECTIONS,
  applyPatch,
  migrate as migrateSettings,
  validateSettings,
  type Settings,
  type SettingsPatch,
  type SettingsSection,
  type SettingsErrorCode,
} from '../features/settings/settings.model.js';
export { bindSettings, DATA_SAVER_BULK_BPS, type SettingsTarget, type BindOptions } from '../features/settings/settings.apply.js';
export {
  BandwidthProfileSchema,
  BandwidthProfilesSchema,
  parseBandwidthProfiles,
  activeProfile,
  isProfileActive,
  nextBoundary,
  ProfileScheduler,
  type BandwidthProfile,
  type SchedulerOptions,
} from '../features/settings/bandwidth-schedule.js';
export {
  suggestDataSaver,
  watchNetworkInfo,
  navigatorConnection,
  recommendSettings,
  RECOMMEND_RULES,
  type NetworkInfo,
  type NetworkConnectionInfo,
  type NetworkConnectionTarget,
  type DataSaverSuggestion,
  type Recommendation,
  type ThroughputSample,
} from '../features/settings/network-info.js';
export { DarkswapSettings } from '../components/settings/settings.js';
export * from '../components/settings/settings.events.js';
export type { KitStore, StorageUse } from '../features/settings/settings.data.js';
export type { BackupFile } from '../features/settings/settings.backup.js';
