/**
 * Reachability of one ICE server: gather with only that server and require the candidate type it must
 * produce — `srflx` for STUN, `relay` for TURN (per transport: the URL's `?transport=`). A dead port or wrong
 * credentials never count as reachable: only the required candidate does. `icecandidateerror` codes say why
 * it failed (401: authentication, 701: unreachable).
 */
import { validateIceServers } from './ice.js';

export interface IceProbeResult {
  readonly url: string;
  readonly kind: 'stun' | 'turn';
  readonly ok: boolean;
  /** The candidate type required (`srflx` or `relay`) and the protocol it was found on. */
  readonly needed: 'srflx' | 'relay';
  readonly protocol?: string;
  /** Milliseconds from the start of gathering to the first required candidate. */
  readonly firstCandidateMs?: number;
  /** Why not, in plain words, with the ICE error code when there was one. */
  readonly problem?: 'auth' | 'unreachable' | 'timeout';
  readonly errorCode?: number;
  readonly errorText?: string;
}

/** Probes every URL of `server` separately; resolves within `timeoutMs` per URL. */
export async function probeIceServer(server: RTCIceServer, timeoutMs = 5_000): Promise<IceProbeResult[]> {
  const [valid] = validateIceServers([server]);
  const urls = typeof valid!.urls === 'string' ? [valid!.urls] : [...valid!.urls];
  const results: IceProbeResult[] = [];
  for (const url of urls) results.push(await probeUrl({ ...valid!, urls: url }, url, timeoutMs));
  return results;
}

async function probeUrl(server: RTCIceServer, url: string, timeoutMs: number): Promise<IceProbeResult> {
  const kind = /^turns?:/i.test(url) ? 'turn' : 'stun';
  const needed = kind === 'turn' ? 'relay' : 'srflx';
  const pc = new RTCPeerConnection({ iceServers: [server], iceTransportPolicy: kind === 'turn' ? 'relay' : 'all' });
  const t0 = performance.now();
  try {
    return await new Promise<IceProbeResult>((resolve) => {
      let error: { code: number; text: string } | undefined;
      const finish = (result: Omit<IceProbeResult, 'url' | 'kind' | 'needed'>) => {
        clearTimeout(timer);
        resolve({ url, kind, needed, ...result });
      };
      const failed = () => {
        const code = error?.code;
        const problem = code === 401 ? 'auth' : code !== undefined ? 'unreachable' : 'timeout';
        finish({ ok: false, problem, ...(error ? { errorCode: error.code, errorText: error.text } : {}) });
      };
      const timer = setTimeout(failed, timeoutMs);
      pc.addEventListener('icecandidate', (e) => {
        const c = e.candidate;
        if (!c) return failed(); // gathering complete without the required candidate
        if (c.type === needed) finish({ ok: true, protocol: c.protocol ?? 'udp', firstCandidateMs: performance.now() - t0 });
      });
      pc.addEventListener('icecandidateerror', (e) => {
        const ev = e as RTCPeerConnectionIceErrorEvent;
        // Keep the most telling error: authentication beats unreachable.
        if (!error || ev.errorCode === 401) error = { code: ev.errorCode, text: ev.errorText };
      });
      pc.createDataChannel('probe');
      void pc.createOffer().then((offer) => pc.setLocalDescription(offer));
    });
  } finally {
    pc.close();
  }
}

/** One server-reflexive candidate: the address a STUN server saw, and the local address (base) it came from. */
export interface Reflexive {
  readonly address: string;
  readonly port: number;
  readonly base?: string;
}

/**
 * How the NAT maps one local socket to public addresses, from the server-reflexive candidates of one gathering
 * with several STUN servers: `consistent` (every server saw the same address per local socket: a direct path
 * can be found), `varies` (different servers saw different addresses or ports for one socket: a symmetric NAT,
 * direct paths to peers behind NATs mostly fail), `unknown` (fewer than two servers answered). Browsers drop a
 * reflexive candidate equal to one they have, so a consistent mapping shows one candidate per socket. Pure.
 */
export function natMapping(candidates: readonly Reflexive[], serversAnswered: number): 'consistent' | 'varies' | 'unknown' {
  const byBase = new Map<string, Set<string>>();
  for (const c of candidates) {
    // Without the related address (hidden by the browser), group by public address: one socket per interface.
    const base = c.base ?? c.address;
    const seen = byBase.get(base) ?? new Set<string>();
    seen.add(`${c.address}:${c.port}`);
    byBase.set(base, seen);
  }
  if ([...byBase.values()].some((s) => s.size > 1)) return 'varies';
  return serversAnswered >= 2 && byBase.size > 0 ? 'consistent' : 'unknown';
}

/** Gathers once with every STUN URL of `servers` (UDP) and reports the NAT mapping (see natMapping). */
export async function probeNat(
  servers: readonly RTCIceServer[],
  stunAnswered: number,
  timeoutMs = 5_000,
): Promise<{ mapping: ReturnType<typeof natMapping>; reflexive: Reflexive[] }> {
  const stun = servers.flatMap((s) => (typeof s.urls === 'string' ? [s.urls] : [...s.urls])).filter((u) => /^stun:/i.test(u));
  const pc = new RTCPeerConnection({ iceServers: stun.map((urls) => ({ urls })) });
  const reflexive: Reflexive[] = [];
  try {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      pc.addEventListener('icecandidate', (e) => {
        const c = e.candidate;
        if (!c) {
          clearTimeout(timer);
          resolve();
          return;
        }
        if (c.type === 'srflx' && c.protocol === 'udp' && c.address && c.port) {
          reflexive.push({
            address: c.address,
            port: c.port,
            ...(c.relatedAddress && c.relatedAddress !== '0.0.0.0' ? { base: `${c.relatedAddress}:${c.relatedPort}` } : {}),
          });
        }
      });
      pc.createDataChannel('nat');
      void pc.createOffer().then((offer) => pc.setLocalDescription(offer));
    });
  } finally {
    pc.close();
  }
  return { mapping: natMapping(reflexive, stunAnswered), reflexive };
}
