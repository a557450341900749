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
