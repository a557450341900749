/**
 * TURN servers as the pool counts them: one server is one `host:port` (the URLs of one RTCIceServer that name the
 * same host and port, whatever their transport, are one server; a credential's URL list for several hosts is
 * several servers). Small and always loaded; the pool and failover (turn-pool.ts, turn-failover.ts) load only
 * when there are two or more.
 */

export interface TurnEntry {
  /** `host:port`, lower case. */
  readonly key: string;
  /** The server with only this host's URLs (and its credentials). */
  readonly server: RTCIceServer;
}

const urlsOf = (server: RTCIceServer): string[] => (typeof server.urls === 'string' ? [server.urls] : [...server.urls]);

/** `host:port` of a `turn:`/`turns:` URL (default ports 3478 and 5349); undefined for anything else. */
export function turnKey(url: string): string | undefined {
  const m = /^(turns?):(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?(?:\?.*)?$/i.exec(url.trim());
  if (!m) return undefined;
  const port = m[3] ?? (m[1]!.toLowerCase() === 'turns' ? '5349' : '3478');
  return `${m[2]!.toLowerCase()}:${port}`;
}

/** Splits servers into the ones that are not TURN (kept as they are) and one entry per TURN `host:port`. */
export function splitTurn(servers: readonly RTCIceServer[]): { other: RTCIceServer[]; turn: TurnEntry[] } {
  const other: RTCIceServer[] = [];
  const turn = new Map<string, { server: RTCIceServer; urls: string[] }>();
  for (const server of servers) {
    const rest: string[] = [];
    for (const url of urlsOf(server)) {
      const key = turnKey(url);
      if (!key) {
        rest.push(url);
        continue;
      }
      const entry = turn.get(key);
      if (entry) entry.urls.push(url);
      else turn.set(key, { server, urls: [url] });
    }
    if (rest.length) other.push({ ...server, urls: rest });
  }
  return { other, turn: [...turn].map(([key, { server, urls }]) => ({ key, server: { ...server, urls } })) };
}
