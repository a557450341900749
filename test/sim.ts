// The network simulator from a browser test: an impaired TURN path (a real coturn behind the UDP impairment
// proxy, scripts/sim/ through the runner's `sim-*` commands) and the proxy measured on real UDP sockets.
// Outside CI a missing coturn skips the test with one line; in CI it fails.
import { executeServerCommand } from '@web/test-runner-commands';

/** End-to-end figures of a path: loss in %, round-trip time, jitter, rate cap (0 = none). */
export interface SimPathFigures {
  lossPct?: number;
  rttMs?: number;
  jitterMs?: number;
  mbps?: number;
}

export interface ProxyStats {
  packets: number;
  bytes: number;
  lost: number;
  queueDrops: number;
  blackoutDrops: number;
  delivered: number;
  deliveredBytes: number;
}

export interface SimPath {
  /** The TURN entry to give a service (UDP only, REST credentials): use it with `icePreset: 'relay'`. */
  iceServer: RTCIceServer;
  set(path: SimPathFigures): Promise<void>;
  blackout(ms: number): Promise<void>;
  stats(): Promise<{ sessions: number; active: number; up: ProxyStats; down: ProxyStats }>;
  stop(): Promise<void>;
}

export interface Impairment {
  delayMs?: number;
  jitterMs?: number;
  loss?: number;
  rateBps?: number;
  burstBytes?: number;
  queueMs?: number;
}

export interface Measured {
  sent: number;
  received: number;
  lossRate: number;
  delayMs: { mean: number; min: number; p50: number; p95: number; max: number };
  mbps: number;
  blackoutArrivals: number;
  proxy: { up: ProxyStats; down: ProxyStats };
}

const started: SimPath[] = [];

/** Starts an impaired path, or skips the calling test (`ctx.skip()`) when coturn is missing outside CI. */
export async function simPath(ctx: Mocha.Context, figures: SimPathFigures): Promise<SimPath> {
  const r = await executeServerCommand<{ id: number; iceServer: RTCIceServer } | { missing: string }, SimPathFigures>('sim-start', figures);
  if (!r || 'missing' in r) {
    const reason = r && 'missing' in r ? r.missing : 'the runner has no sim command';
    if (await executeServerCommand<boolean, undefined>('ci-mode')) throw new Error(`CI: ${reason}`);
    console.warn(`skipped: ${reason}`);
    ctx.skip();
  }
  const { id, iceServer } = r as { id: number; iceServer: RTCIceServer };
  const path: SimPath = {
    iceServer,
    set: async (p) => void (await executeServerCommand('sim-set', { id, path: p })),
    blackout: async (ms) => void (await executeServerCommand('sim-blackout', { id, ms })),
    stats: async () => (await executeServerCommand('sim-stats', { id })) as Awaited<ReturnType<SimPath['stats']>>,
    stop: async () => void (await executeServerCommand('sim-stop', { id })),
  };
  started.push(path);
  return path;
}

export async function stopSimPaths(): Promise<void> {
  await Promise.all(started.splice(0).map((p) => p.stop()));
}

/** Real UDP through the proxy in node: `up` is sender → sink, `down` sink → sender (with `echo`). */
export async function measureProxy(options: {
  up?: Impairment;
  down?: Impairment;
  packets?: number;
  bytes?: number;
  perTick?: number;
  tickMs?: number;
  echo?: boolean;
  blackout?: { atMs: number; ms: number };
}): Promise<Measured> {
  return (await executeServerCommand('sim-measure', options)) as Measured;
}
