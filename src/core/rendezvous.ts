/**
 * Rendezvous through the signaling server without its peer list: **beacons**. A beacon is a well-known peer id
 * (derived by a feature from a secret, e.g. a room's token) that some page holds with a second, bare signaling
 * socket of the PeerJS protocol. Anyone may send a beacon a query (`{q}`) as a relayed `CANDIDATE` message from
 * their own signaling socket; the holder answers (`{r, data}`) to the asker's id the same way. No WebRTC, no
 * link: a query is two small messages through the server. The server sees only opaque ids.
 *
 * Core treats `data` as opaque JSON (size-capped); the feature that uses beacons validates it.
 */
import * as v from 'valibot';
import { createSessionToken } from './config.js';

/** A nonce pairs a reply with its query. */
const Nonce = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,32}$/));

export const RoomFrameSchema = v.union([v.strictObject({ q: Nonce }), v.strictObject({ r: Nonce, data: v.unknown() })]);
export type RoomFrame = v.InferOutput<typeof RoomFrameSchema>;

/** Largest reply (JSON characters). */
export const MAX_ROOM_FRAME_CHARS = 32_768;
/** PeerJS clients say they are alive this often; PeerServer drops sockets silent for 60 s. */
const HEARTBEAT_MS = 5_000;

export interface BeaconHandle {
  readonly id: string;
  /** Let the id go (closes the socket). */
  close(): void;
  /** Resolves when the socket closed (by `close()`, the server or the network). */
  readonly closed: Promise<void>;
}

export interface SignalingAddress {
  host: string;
  port: number;
  path: string;
  secure: boolean;
  key: string;
}

const randomToken = createSessionToken;

function socketUrl(s: SignalingAddress, id: string, token: string): string {
  const path = s.path.endsWith('/') ? s.path : `${s.path}/`;
  return `${s.secure ? 'wss' : 'ws'}://${s.host}:${s.port}${path}peerjs?key=${encodeURIComponent(s.key)}&id=${encodeURIComponent(id)}&token=${token}`;
}

/**
 * Holds beacon `id`: resolves once the server gave it to me, rejects when it is taken (someone holds it) or the
 * server cannot be reached. `answer(from, nonce)` returns the data to send back to each asker (or undefined to
 * stay silent).
 */
export function holdBeacon(address: SignalingAddress, id: string, answer: (from: string) => unknown, timeoutMs = 5_000): Promise<BeaconHandle> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(socketUrl(address, id, randomToken()));
    let heartbeat: ReturnType<typeof setInterval> | undefined;
    let opened = false;
    let closeResolve!: () => void;
    const closed = new Promise<void>((r) => (closeResolve = r));
    const timer = setTimeout(() => {
      ws.close();
      reject(new Error(`The signaling server did not give beacon ${id} within ${timeoutMs} ms.`));
    }, timeoutMs);
    const handle: BeaconHandle = { id, close: () => ws.close(), closed };
    ws.onmessage = (e) => {
      let message: { type?: unknown; src?: unknown; payload?: { room?: unknown } };
      try {
        message = JSON.parse(String(e.data)) as typeof message;
      } catch {
        return;
      }
      if (message.type === 'OPEN') {
        opened = true;
        clearTimeout(timer);
        heartbeat = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify({ type: 'HEARTBEAT' })), HEARTBEAT_MS);
        resolve(handle);
        return;
      }
      if (message.type === 'ID-TAKEN' || message.type === 'ERROR') {
        clearTimeout(timer);
        ws.close();
        reject(new Error(`Beacon ${id} is taken.`));
        return;
      }
      if (message.type !== 'CANDIDATE' || typeof message.src !== 'string') return;
      const frame = v.safeParse(RoomFrameSchema, message.payload?.room);
      if (!frame.success || !('q' in frame.output)) return;
      const data = answer(message.src);
      if (data === undefined) return;
      const payload = { room: { r: frame.output.q, data } };
      if (JSON.stringify(payload).length > MAX_ROOM_FRAME_CHARS) return;
      ws.send(JSON.stringify({ type: 'CANDIDATE', dst: message.src, payload }));
    };
    ws.onclose = () => {
      clearInterval(heartbeat);
      clearTimeout(timer);
      closeResolve();
      if (!opened) reject(new Error(`Beacon ${id}: the signaling server closed the socket.`));
    };
  });
}

/** A fresh nonce for a query. */
export function roomNonce(): string {
  return randomToken().slice(0, 24);
}

/** My questions to beacons in flight, each waiting for the answer with its nonce from that beacon. */
export class BeaconAsks {
  private readonly pending = new Map<string, { beacon: string; resolve: (data: unknown) => void }>();

  constructor(private readonly send: (peer: string, frame: RoomFrame) => boolean) {}

  ask(beacon: string, timeoutMs: number): Promise<unknown> {
    const nonce = roomNonce();
    return new Promise((resolve) => {
      const done = (data: unknown) => {
        clearTimeout(timer);
        this.pending.delete(nonce);
        resolve(data);
      };
      const timer = setTimeout(() => done(undefined), timeoutMs);
      this.pending.set(nonce, { beacon, resolve: done });
      if (!this.send(beacon, { q: nonce })) done(undefined);
    });
  }

  /** A frame relayed to my main id: the answer to one of my questions (anything else is ignored). */
  answered(peer: string, frame: RoomFrame): void {
    if (!('r' in frame)) return;
    const ask = this.pending.get(frame.r);
    if (ask && ask.beacon === peer) ask.resolve(frame.data);
  }
}
