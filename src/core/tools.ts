// The core's tools: the connection doctor and ICE probes, ephemeral TURN credentials, TURN and link-statistics
// helpers, media send constraints, identity backups. Rarely needed on a page, so the all-in-one bundle keeps
// them behind `loadTools()` (src/tools.ts); core/index.ts exports them with the rest (core/api.ts).
export { applySendConstraints, ladderStepFor, MEDIA_HEADROOM, MEDIA_LADDER } from './media-constraints.js';
export { createIdentityWithBackup, identityBackup, restoreIdentity, IdentityBackupError, IdentityBackupSchema } from './identity-backup.js';
export { fetchIceCredentials } from './ice-credentials.js';
export { natMapping, probeIceServer, probeNat } from './ice-probe.js';
export { splitTurn, turnKey } from './turn-pool.js';
export { FINDING_CODES, findings } from './doctor.js';
export { VERDICT_THRESHOLDS, verdictOf } from './link-stats.js';
