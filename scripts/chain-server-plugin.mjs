// Test-runner plugin: local regtest chain servers (scripts/chain-server.mjs) on 127.0.0.1, ephemeral ports,
// started by the tests that need them and stopped by those tests (or when the runner stops).
// Commands (payload.id names a server from `chain-start`):
//   chain-start {network?, autoMine?} → {id, url}      chain-stop {id}
//   chain-fund {id, address, value, runes?, alkanes?} → {outpoint, address}   (amounts as decimal strings)
//   chain-mine {id, blocks?}   chain-fees {id, fees}   chain-script {id, rules}   chain-requests {id, clear?}
//   chain-output {id, outpoint} → the ledger's own view (amounts as strings), or null
import { startChainServer } from './chain-server.mjs';

export function chainServerPlugin() {
  const servers = new Map();
  let next = 1;
  const get = (id) => {
    const s = servers.get(id);
    if (!s) throw new Error(`No chain server ${id}`);
    return s;
  };
  return {
    name: 'darkswap-chain-server',
    async serverStop() {
      await Promise.all([...servers.values()].map((s) => s.stop()));
      servers.clear();
    },
    async executeCommand({ command, payload }) {
      if (!command.startsWith('chain-')) return undefined;
      if (command === 'chain-start') {
        const s = await startChainServer({ network: payload?.network ?? 'regtest', autoMine: payload?.autoMine ?? false });
        const id = next++;
        servers.set(id, s);
        return { id, url: s.url };
      }
      if (command === 'chain-stop') {
        const s = servers.get(payload?.id);
        servers.delete(payload?.id);
        await s?.stop();
        return true;
      }
      const s = get(payload?.id);
      if (command === 'chain-fund')
        return s.fund(payload.address, payload.value, { runes: payload.runes, alkanes: payload.alkanes, ...(payload.label ? { label: payload.label } : {}) });
      if (command === 'chain-mine') {
        s.mine(payload.blocks ?? 1);
        return true;
      }
      if (command === 'chain-fees') {
        s.setFees(payload.fees);
        return true;
      }
      if (command === 'chain-script') {
        s.script(payload.rules);
        return true;
      }
      if (command === 'chain-requests') return s.requests(payload.clear ?? false);
      if (command === 'chain-output') {
        const [o] = await s.ledger.getOutputs([payload.outpoint]);
        if (!o) return { value: null };
        const str = (list) => list.map((b) => `${b.id}=${b.amount}`);
        return { value: { ...o, value: o.value.toString(), runes: str(o.runes), alkanes: str(o.alkanes) } };
      }
      return undefined;
    },
  };
}
