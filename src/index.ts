// Public API without side effects: classes, helpers and types. Import a `darkswap-*.js` define
// file (or `darkswap.js`) to register elements.
export * from './core/index.js';
export { connectionContext } from './context/connection-context.js';
export { ConnectionController, type BulkBinding, type ChannelBinding } from './context/connection-controller.js';
export { DarkswapConnection } from './context/connection-provider.js';
export { provideConnection, type ConnectionProvision } from './context/provide-connection.js';
export { attachContextRoot } from './context/context-root.js';
export { DarkswapElement } from './internal/base-element.js';
export { define } from './internal/define.js';
export { adoptDocumentTokens, baseStyles, tokens } from './internal/tokens.styles.js';
export { VERSION } from './internal/version.js';
export * from './internal/events.js';
export { DarkswapDemo } from './components/demo/demo.js';
export { DemoMessageSchema, DEMO_MAX_BYTES, type DemoMessage } from './components/demo/demo.model.js';
export { DEMO_CHANNEL } from './components/demo/demo.types.js';
