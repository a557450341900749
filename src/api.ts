// The whole public API except the Bitcoin layer and the tools: classes, helpers and types, without side effects.
// The npm package's main entry (index.ts) exports it with the tools and the `bitcoin` namespace. The all-in-one
// (darkswap.ts) exports only ./api/base.js and loads the rest with loadWidget() (src/lazy-widgets.ts).
export * from './api/base.js';
export * from './api/settings.js';
export * from './api/call.js';
export * from './api/discovery.js';
export * from './api/chat.js';
export * from './api/file-share.js';
export * from './api/wallet.js';
