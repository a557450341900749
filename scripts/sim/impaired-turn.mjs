// An impaired path for WebRTC on one machine: a real coturn (scripts/coturn.mjs) behind the UDP impairment proxy
// (scripts/sim/udp-proxy.mjs). Pages that use only this TURN server with `iceTransportPolicy: 'relay'` (the kit:
// `icePreset: 'relay'`) send every packet — ICE, DTLS, SCTP data, media — through the proxy: A's uplink to the
// relay, then B's downlink from it. Both legs are impaired, so one way A → B sees the path's figures.
import { createHmac } from 'node:crypto';
import { startCoturn } from '../coturn.mjs';
import { legImpairment } from './impairment.mjs';
import { startUdpProxy } from './udp-proxy.mjs';

/**
 * @param {{ lossPct?: number, rttMs?: number, jitterMs?: number, mbps?: number }} path end-to-end figures
 * Resolves to `{ url, iceServer(ttlS?), set(path), blackout(ms), stats(), stop(), coturnPort, proxyPort }`.
 */
export async function startImpairedTurn(path = {}) {
  const leg = legImpairment(path);
  const coturn = await startCoturn();
  let proxy;
  try {
    proxy = await startUdpProxy({ target: { port: coturn.port }, up: leg, down: leg });
  } catch (error) {
    await coturn.stop();
    throw error;
  }
  const url = `turn:127.0.0.1:${proxy.port}?transport=udp`;
  let current = { ...path };
  return {
    url,
    coturnPort: coturn.port,
    proxyPort: proxy.port,
    get path() {
      return current;
    },
    /** An RTCIceServer for this path with TURN REST credentials valid for `ttlS` seconds (UDP only: no bypass over TCP). */
    iceServer(ttlS = 3600) {
      const username = `${Math.floor(Date.now() / 1000) + ttlS}:darkswap-sim`;
      const credential = createHmac('sha1', coturn.secret).update(username).digest('base64');
      return { urls: url, username, credential };
    },
    /** New end-to-end figures, applied to every leg from now on. */
    set(next) {
      current = { ...next };
      const l = legImpairment(current);
      proxy.set({ up: l, down: l });
    },
    blackout: (ms) => proxy.blackout(ms),
    stats: () => proxy.stats(),
    async stop() {
      await proxy.stop();
      await coturn.stop();
    },
  };
}
