/**
 * Ephemeral TURN credentials (the coturn REST-API format a credential endpoint returns): fetched from a URL
 * (`GET`, JSON `{username, credential, ttl, urls}`) or asked of a host callback, validated, applied, and
 * fetched again before they expire (at 80 % of `ttl`). A failure keeps the last good credentials and tries
 * again sooner; the caller hears of it.
 */
import * as v from 'valibot';
import { validateIceServers } from './ice.js';

export interface IceCredentials {
  readonly username: string;
  readonly credential: string;
  /** Seconds they stay valid. */
  readonly ttl: number;
  /** TURN URLs they are for. */
  readonly urls: readonly string[];
}

/** Where credentials come from: a URL (same-origin or CORS) or a host callback. */
export type IceCredentialSource = string | (() => Promise<IceCredentials>);

const CredentialsSchema = v.object({
  username: v.pipe(v.string(), v.minLength(1), v.maxLength(512)),
  credential: v.pipe(v.string(), v.minLength(1), v.maxLength(512)),
  ttl: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(7 * 86_400)),
  urls: v.pipe(v.array(v.string()), v.minLength(1), v.maxLength(16)),
});

/** A failed fetch is tried again after this long (or at 80 % of what is left, whichever is sooner). */
const RETRY_MS = 5_000;
const FETCH_TIMEOUT_MS = 10_000;

/** Fetches, validates and turns credentials into one TURN server. Throws with a plain reason. */
export async function fetchIceCredentials(source: IceCredentialSource): Promise<{ server: RTCIceServer; ttl: number }> {
  let raw: unknown;
  if (typeof source === 'string') {
    const response = await fetch(source, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), credentials: 'same-origin' });
    if (!response.ok) throw new Error(`the credential endpoint answered ${response.status}`);
    raw = await response.json();
  } else {
    raw = await source();
  }
  const parsed = v.safeParse(CredentialsSchema, raw);
  if (!parsed.success) throw new Error(`the credentials are not {username, credential, ttl, urls}: ${parsed.issues[0].message}`);
  const { username, credential, ttl, urls } = parsed.output;
  const [server] = validateIceServers([{ urls: [...urls], username, credential }]);
  return { server: server!, ttl };
}

/** Keeps credentials fresh: `apply` gets each new TURN server, `failed` each error. */
export class IceCredentialRefresher {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private expires = 0;
  private stopped = false;

  constructor(
    private readonly source: IceCredentialSource,
    private readonly apply: (server: RTCIceServer) => void,
    private readonly failed: (error: Error) => void,
  ) {}

  /** Fetches now (resolves when the first attempt is done, good or not) and keeps refreshing. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.refresh();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async refresh(): Promise<void> {
    if (this.stopped) return;
    let next: number;
    try {
      const { server, ttl } = await fetchIceCredentials(this.source);
      if (this.stopped) return;
      this.apply(server);
      this.expires = Date.now() + ttl * 1000;
      next = ttl * 800;
    } catch (e) {
      this.failed(e instanceof Error ? e : new Error(String(e)));
      const left = this.expires - Date.now();
      next = left > 0 ? Math.min(RETRY_MS, left * 0.8) : RETRY_MS;
    }
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), Math.max(500, next));
  }
}
