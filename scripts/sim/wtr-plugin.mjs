// Test-runner plugin for the network simulator: impaired TURN paths (a real coturn behind the UDP impairment
// proxy) for the test page's own services, and measurements of the proxy on real UDP sockets.
// Commands:
//   `sim-start {lossPct, rttMs, jitterMs, mbps}` → `{ id, url, iceServer }` or `{ missing: reason }` (no coturn)
//   `sim-set {id, path}`, `sim-blackout {id, ms}` (resolves when it is over), `sim-stats {id}`, `sim-stop {id}`
//   `sim-measure {up, down, packets, bytes, perTick, tickMs, echo, blackout}` → scripts/sim/measure.mjs's result
import { coturnMissing } from '../coturn.mjs';
import { startImpairedTurn } from './impaired-turn.mjs';
import { measureProxy } from './measure.mjs';

export function simPlugin() {
  const paths = new Map();
  let next = 1;
  return {
    name: 'darkswap-sim',
    async serverStop() {
      await Promise.all([...paths.values()].map((p) => p.stop()));
      paths.clear();
    },
    async executeCommand({ command, payload }) {
      if (!command.startsWith('sim-')) return undefined;
      if (command === 'sim-measure') return measureProxy(payload ?? {});
      if (command === 'sim-start') {
        const missing = coturnMissing();
        if (missing) return { missing };
        const path = await startImpairedTurn(payload ?? {});
        const id = next++;
        paths.set(id, path);
        return { id, url: path.url, iceServer: path.iceServer() };
      }
      const path = paths.get(payload?.id);
      if (!path) {
        if (command === 'sim-stop') return true;
        throw new Error(`No simulated path ${payload?.id}`);
      }
      if (command === 'sim-set') {
        path.set(payload.path ?? {});
        return true;
      }
      if (command === 'sim-blackout') {
        await path.blackout(payload.ms);
        return true;
      }
      if (command === 'sim-stats') return path.stats();
      if (command === 'sim-stop') {
        paths.delete(payload.id);
        await path.stop();
        return true;
      }
      return undefined;
    },
  };
}
