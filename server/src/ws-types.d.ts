// @types/ws (7.x, the version in the tree) names the server class `Server`; ws 8's ES module exports it as
// `WebSocketServer` (its default export has no `Server`). Declare the named export.
import type { Server } from 'ws';

declare module 'ws' {
  export const WebSocketServer: typeof Server;
  export type WebSocketServer = Server;
}
