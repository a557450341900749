// <darkswap-av-call> and the call feature (all-in-one: loadWidget('av-call')).
export { DarkswapAvCall } from '../components/av-call/av-call.js';
export * from '../components/av-call/av-call.events.js';
export { CallEngine, CallEngineEvent, CALL_FEATURE, type LegQuality } from '../features/call/call.engine.js';
export { CallMediaError, LocalMedia, mediaError, type MediaErrorKind } from '../features/call/call.media.js';
export { END_REASONS, type Call, type Leg, type EndReason, type CallOutcome } from '../features/call/call.model.js';
export { loadHistory as loadCallHistory, clearHistory as clearCallHistory, type HistoryEntry as CallHistoryEntry } from '../features/call/call.history.js';
