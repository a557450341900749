import { DarkswapConnectionError } from './errors.js';
import { bytesToHex } from './bytes.js';
import type { Identity } from './identity.js';
import { DEFAULT_LIMITS, type LinkLimits } from './rate-limit.js';
import type { OfferRates } from './signaling-guard.js';
import { iceConfiguration, validateIceServers, type IcePreset } from './ice.js';
import type { IceCredentialSource } from './ice-credentials.js';

/** How the service reaches its signaling server and which ICE servers links may use. */
export interface ConnectionConfig {
  /** Signaling host name, e.g. `127.0.0.1`. Required unless `signalingUrls` is given: there is no public default. */
  host?: string;
  /**
   * Several signaling servers of one cluster (URLs as `parseSignalingUrl` takes them), tried in this order: when
   * the one in use cannot be reached or drops, `open()` and each re-registration move on to the next. Wins over
   * `host`, `port`, `path` and `secure`.
   */
  signalingUrls?: readonly string[];
  /** Signaling port. Defaults to 443 when `secure`, else 80. */
  port?: number;
  /** Path the PeerServer is mounted on (default `/`). */
  path?: string;
  /** Use wss/https. Defaults to false. */
  secure?: boolean;
  /** PeerServer key (default `peerjs`). */
  key?: string;
  /** ICE servers for every link (validated: stun:/turn:/turns: URLs; TURN with credentials). Defaults to none: loopback and LAN only. */
  iceServers?: RTCIceServer[];
  /** How the servers are used (`lan`, `default`, `relay`, `data-saver`; see ice.ts). Changeable later with `setIce()`. */
  icePreset?: IcePreset;
  /**
   * Ephemeral TURN credentials: a URL answering `{username, credential, ttl, urls}` (coturn REST format) or a
   * callback; fetched by `open()` and again before they expire, added to the ICE servers.
   */
  iceCredentials?: IceCredentialSource;
  /** How often link statistics are sampled while someone watches them (default 1,000 ms). */
  statsIntervalMs?: number;
  /** Ask for this peer id; by default the server assigns one. */
  peerId?: string;
  /** How long connect() waits for a link to open (ms). */
  connectTimeoutMs?: number;
  /** How long open() waits for the signaling server (ms). */
  openTimeoutMs?: number;
  /**
   * Who this browser is to its peers: an `Identity` object, or the name of a persistent identity
   * kept in IndexedDB (default `"default"`, created on first use).
   */
  identity?: Identity | string;
  /** Inbound abuse limits per peer (any subset; the rest keep their defaults). */
  limits?: Partial<LinkLimits>;
  /** How long a dropped link keeps re-dialing before the peer counts as gone (default 30 s). */
  linkRecoveryMs?: number;
  /** How long a new connection may take to complete the authenticated hello (default 10 s). */
  handshakeTimeoutMs?: number;
  /**
   * Admission control: links from peers that dial me, at most (default 100; Chromium allows about 500
   * peer connections per page). Pinned peers are admitted beyond it. Refused: `peer-refused` event.
   */
  maxLinks?: number;
  /** Incoming connections still in their handshake, at most (default 20); pinned peers are admitted beyond it. */
  maxPendingHandshakes?: number;
  /**
   * Connection offers relayed by signaling, at most per minute: from one peer (default 30) and from all
   * unpinned peers together (default 120). Offers beyond are dropped before a peer connection exists
   * (`peer-refused` with reason `rate-limited`).
   */
  offerRates?: Partial<OfferRates>;
  /**
   * An incoming link from an unpinned peer with no messages either way for this long (default 60 s)
   * may be closed to admit a new peer when `maxLinks` is reached.
   */
  idleLinkMs?: number;
  /**
   * Keep bandwidth usage (today, this month) across reloads and sum it across the site's tabs, per persistent
   * identity (default true; see bandwidth-persist.ts). The daily cap then counts earlier sessions too.
   */
  persistUsage?: boolean;
  /**
   * Keep my peer id across reloads, per persistent identity (default true; see stable-id.ts): the id and its
   * signaling token are stored with the identity and reclaimed on the next open. Ignored with `peerId` or an
   * `Identity` object.
   */
  stablePeerId?: boolean;
  /**
   * Messages held across all links together (unacknowledged reliable and queued fire-and-forget ones), at
   * most: default 50,000 messages and 64 Mi UTF-16 units. Each link also holds at most 10,000 reliable
   * messages (16 Mi units) and 1,000 fire-and-forget ones (4 Mi units). `send` beyond: `send-buffer-full`.
   */
  maxQueued?: Partial<{ messages: number; chars: number }>;
}

/** Where one signaling server is. */
export interface SignalingEndpoint {
  host: string;
  port: number;
  path: string;
  secure: boolean;
}

export interface ResolvedConfig {
  /** The first signaling server (`signaling[0]`). */
  host: string;
  port: number;
  path: string;
  secure: boolean;
  /** Every signaling server, in the order they are tried (one unless `signalingUrls` named several). */
  signaling: SignalingEndpoint[];
  key: string;
  iceServers: RTCIceServer[];
  icePreset: IcePreset;
  iceCredentials: IceCredentialSource | undefined;
  statsIntervalMs: number;
  peerId: string | undefined;
  token: string;
  connectTimeoutMs: number;
  openTimeoutMs: number;
  /** Name of the persistent identity, or undefined when an Identity object was given. */
  identityName: string | undefined;
  limits: LinkLimits;
  linkRecoveryMs: number;
  handshakeTimeoutMs: number;
  maxLinks: number;
  maxPendingHandshakes: number;
  offerRates: OfferRates;
  idleLinkMs: number;
  persistUsage: boolean;
  stablePeerId: boolean;
  maxQueued: { messages: number; chars: number };
}

const PEER_ID = /^[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+)*$/;

/** PeerServer's own rule for ids (letters and digits, single inner `-`, `_` or space), capped at 64 chars. */
export function isValidPeerId(id: string): boolean {
  return id.length > 0 && id.length <= 64 && PEER_ID.test(id);
}

/** A 128-bit session token from the platform CSPRNG, hex encoded. */
export function createSessionToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return bytesToHex(bytes);
}

function invalid(message: string): never {
  throw new DarkswapConnectionError('invalid-config', message);
}

/** The signaling servers of a config: its `signalingUrls`, else its host, port, path and secure. */
function signalingEndpoints(config: ConnectionConfig): SignalingEndpoint[] {
  const urls = config?.signalingUrls;
  if (urls !== undefined && (!Array.isArray(urls) || urls.some((u) => typeof u !== 'string'))) invalid('signalingUrls must be an array of URLs.');
  if (urls?.length) {
    if (urls.length > 16) invalid('signalingUrls: at most 16 servers.');
    return urls.map((url) => {
      const { host, port, path, secure } = parseSignalingUrl(url);
      return { host: host!, port: port!, path: path!, secure: secure! };
    });
  }
  if (!config || typeof config.host !== 'string' || config.host.trim() === '') {
    invalid('A signaling host is required (there is deliberately no public default).');
  }
  const secure = config.secure ?? false;
  const port = config.port ?? (secure ? 443 : 80);
  if (!Number.isInteger(port) || port < 1 || port > 65535) invalid(`Invalid signaling port: ${String(config.port)}`);
  let path = config.path ?? '/';
  if (!path.startsWith('/')) path = `/${path}`;
  return [{ host: config.host.trim(), port, path, secure }];
}

export function resolveConfig(config: ConnectionConfig): ResolvedConfig {
  const signaling = signalingEndpoints(config);
  const iceServers = validateIceServers(config.iceServers ?? []);
  // Validates the preset against the servers (a relay preset needs TURN, unless ephemeral credentials bring it).
  if (!config.iceCredentials) iceConfiguration({ preset: config.icePreset, servers: iceServers });
  const credentials = config.iceCredentials;
  if (credentials !== undefined && typeof credentials !== 'function' && !(typeof credentials === 'string' && credentials.length > 0)) {
    invalid('iceCredentials must be a URL or a function returning {username, credential, ttl, urls}.');
  }
  if (config.peerId !== undefined && !isValidPeerId(config.peerId)) {
    invalid(`Invalid peer id "${config.peerId}": use letters, digits and single - _ between them (max 64).`);
  }
  const limits = { ...DEFAULT_LIMITS, ...(config.limits ?? {}) };
  for (const [name, value] of Object.entries(limits)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) invalid(`limits.${name} must be a positive number.`);
  }
  const identity = config.identity ?? 'default';
  if (typeof identity === 'string' ? !/^[\w-]{1,64}$/.test(identity) : typeof identity?.sign !== 'function') {
    invalid('identity must be an Identity object or a name of letters, digits, - and _.');
  }
  const positive = (value: number | undefined, fallback: number, name: string): number => {
    const n = value ?? fallback;
    if (!Number.isFinite(n) || n <= 0) invalid(`${name} must be a positive number of milliseconds.`);
    return n;
  };
  const count = (value: number | undefined, fallback: number, name: string): number => {
    const n = value ?? fallback;
    if (!Number.isInteger(n) || n <= 0) invalid(`${name} must be a positive whole number.`);
    return n;
  };
  return {
    ...signaling[0]!,
    signaling,
    key: config.key || 'peerjs',
    iceServers,
    icePreset: config.icePreset ?? 'default',
    iceCredentials: config.iceCredentials,
    statsIntervalMs: positive(config.statsIntervalMs, 1_000, 'statsIntervalMs'),
    peerId: config.peerId,
    token: createSessionToken(),
    connectTimeoutMs: positive(config.connectTimeoutMs, 15_000, 'connectTimeoutMs'),
    openTimeoutMs: positive(config.openTimeoutMs, 10_000, 'openTimeoutMs'),
    identityName: typeof identity === 'string' ? identity : undefined,
    limits,
    linkRecoveryMs: positive(config.linkRecoveryMs, 30_000, 'linkRecoveryMs'),
    handshakeTimeoutMs: positive(config.handshakeTimeoutMs, 10_000, 'handshakeTimeoutMs'),
    maxLinks: count(config.maxLinks, 100, 'maxLinks'),
    maxPendingHandshakes: count(config.maxPendingHandshakes, 20, 'maxPendingHandshakes'),
    offerRates: {
      perPeerPerMinute: count(config.offerRates?.perPeerPerMinute, 30, 'offerRates.perPeerPerMinute'),
      perMinute: count(config.offerRates?.perMinute, 120, 'offerRates.perMinute'),
    },
    idleLinkMs: positive(config.idleLinkMs, 60_000, 'idleLinkMs'),
    persistUsage: config.persistUsage ?? true,
    stablePeerId: config.stablePeerId ?? true,
    maxQueued: {
      messages: count(config.maxQueued?.messages, 50_000, 'maxQueued.messages'),
      chars: count(config.maxQueued?.chars, 64 * 1024 * 1024, 'maxQueued.chars'),
    },
  };
}

/** Splits a `signaling-url` value naming several servers (separated by spaces or commas) into its URLs. */
export function splitSignalingUrls(value: string): string[] {
  return value.split(/[\s,]+/).filter(Boolean);
}

/**
 * Parse `http(s)://host:port/path` or `ws(s)://…` into the signaling part of a config.
 * Throws `invalid-config` for anything else.
 */
export function parseSignalingUrl(url: string): Pick<ConnectionConfig, 'host' | 'port' | 'path' | 'secure'> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    invalid(`Invalid signaling-url "${url}": expected e.g. http://127.0.0.1:9000/peerjs`);
  }
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(u.protocol)) {
    invalid(`Unsupported signaling-url protocol "${u.protocol}" (use http, https, ws or wss).`);
  }
  const secure = u.protocol === 'https:' || u.protocol === 'wss:';
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: u.port ? Number(u.port) : secure ? 443 : 80,
    path: u.pathname || '/',
    secure,
  };
}
