// Public API without side effects: classes, helpers and types. Import a `darkswap-*.js` define
// file (or `darkswap.js`) to register elements.
export * from './api.js';
export * from './tools.js';

/** The framework-free Bitcoin layer: swap PSBT build/verify, runestones, protostones, in-memory wallet. */
export * as bitcoin from './bitcoin/index.js';
