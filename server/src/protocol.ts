// The PeerJS server protocol (what the `peer` package's PeerServer speaks, and PeerJS 1.5 expects):
//
// - socket: `<path>/peerjs?key=K&id=ID&token=T[&version=V]`; the server answers `{type: 'OPEN'}` when the id is
//   given to this socket, `{type: 'ID-TAKEN', payload: {msg}}` when another token holds it, and
//   `{type: 'ERROR', payload: {msg}}` (then closes) for a bad key, missing parameters or a refusal;
// - clients send `{type: 'HEARTBEAT'}` every 5 s, and `OFFER`, `ANSWER`, `CANDIDATE`, `LEAVE`, `EXPIRE` with a
//   `dst`: the server sets `src` to the sender's id and relays `{type, src, dst, payload}` unchanged — whatever
//   the payload holds (the kit's rendezvous `room` and ICE-restart `ice` frames ride in `CANDIDATE` payloads);
// - a message for a peer that is not registered waits `expire_timeout` for it; then the sender gets
//   `{type: 'EXPIRE', src: dst, dst: sender}` (PeerJS: `peer-unavailable`);
// - HTTP: `GET <path>/` → the server's description, `GET <path>/<key>/id` → a fresh id (text), and
//   `GET <path>/<key>/peers` → 401 (no discovery).

export const RELAYED = new Set(['OFFER', 'ANSWER', 'CANDIDATE', 'LEAVE', 'EXPIRE']);

/** PeerJS's own rule for ids (letters and digits, single inner `-`, `_` or space); capped. */
const PEER_ID = /^[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+)*$/;
export const MAX_ID_CHARS = 128;
export const MAX_TOKEN_CHARS = 256;

export function isValidId(id: unknown): id is string {
  return typeof id === 'string' && id.length > 0 && id.length <= MAX_ID_CHARS && PEER_ID.test(id);
}

/** What PeerServer says (PeerJS and the kit match some of these words), and the refusals of this server. */
export const Errors = {
  INVALID_KEY: 'Invalid key provided',
  INVALID_WS_PARAMETERS: 'No id, token, or key supplied to websocket server',
  INVALID_ID: 'Invalid id: letters, digits and single - _ or space between them, at most 128 characters',
  INVALID_TOKEN: 'Invalid token provided',
  ID_TAKEN: 'ID is taken',
  SERVER_FULL: 'This signaling server is full: try another one',
  REGISTRY_DOWN: 'The signaling registry is unavailable: try again',
  SHUTTING_DOWN: 'This signaling server is shutting down: reconnect',
  REPLACED: 'Replaced by a newer connection with the same id and token',
  NO_HEARTBEAT: 'No heartbeat: the connection was idle too long',
  originNotAllowed: (origin: string) => `Origin ${origin} is not allowed on this signaling server`,
  ipConnections: (limit: number) => `Too many connections from your address (at most ${limit} at once)`,
  ipRate: (perMinute: number) => `Too many new connections from your address (at most ${perMinute} per minute): wait and retry`,
  tooLarge: (bytes: number, limit: number) => `Message too large: ${bytes} bytes (at most ${limit})`,
  rateLimited: (perSecond: number, burst: number) => `Too many messages: at most ${perSecond} per second (bursts of ${burst})`,
  ipRateLimited: (perSecond: number, burst: number) =>
    `Too many messages from your address: at most ${perSecond} per second (bursts of ${burst}) over all its connections`,
} as const;

/** WebSocket close codes the server uses. */
export const Close = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  POLICY: 1008,
  TOO_BIG: 1009,
  INTERNAL: 1011,
  RESTART: 1012,
  TRY_LATER: 1013,
  REPLACED: 4000,
  IDLE: 4001,
} as const;

export const OPEN_MESSAGE = JSON.stringify({ type: 'OPEN' });

export function errorMessage(msg: string): string {
  return JSON.stringify({ type: 'ERROR', payload: { msg } });
}

export function idTakenMessage(): string {
  return JSON.stringify({ type: 'ID-TAKEN', payload: { msg: Errors.ID_TAKEN } });
}

/** PeerServer's answer to `GET <path>/`. */
export const DESCRIPTION = {
  name: 'PeerJS Server',
  description: 'A server side element to broker connections between PeerJS clients.',
  website: 'https://peerjs.com/',
};
