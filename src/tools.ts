// The tools: rarely needed on a page, so the all-in-one bundle loads them with `loadTools()` (the npm package
// exports them directly too). The connection doctor and ICE probes, ephemeral TURN credentials, TURN and
// link-statistics helpers, media send constraints, identity backups, and the kit's stores: list, clear,
// export and import them all, persistent storage.
export * from './core/tools.js';
export { kitStores, clearStore, storageUse, requestPersistence } from './features/settings/settings.data.js';
export { exportAll, importAll, BACKUP_FORMAT } from './features/settings/settings.backup.js';
