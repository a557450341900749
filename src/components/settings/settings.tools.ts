/**
 * What <darkswap-settings> does only on request — test an ICE server, make or restore an identity backup, list,
 * clear, export and import the kit's stores, ask for persistent storage — loaded on first use (its own chunk in
 * bundles, so the widget's first load holds none of it).
 */
export { probeIceServer } from '../../core/ice-probe.js';
export { createIdentityWithBackup, identityBackup, restoreIdentity } from '../../core/identity-backup.js';
export { clearStore, kitStores, requestPersistence, storageUse } from '../../features/settings/settings.data.js';
export { exportAll, importAll } from '../../features/settings/settings.backup.js';
