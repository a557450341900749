// The core's public API (the package's `./core` entry): core/api.ts and the tools (core/tools.ts).
export * from './api.js';
export * from './tools.js';
