// settings_apply_ms (issue 14): one <darkswap-connection settings> with three <darkswap-settings> widgets in this
// page; each trial changes the ICE servers and the display name through the store and times until the service
// uses the new ICE servers and every widget shows the new name.

let kit;

/** The kit module. */
export function useKit(k) {
  kit = k;
}

const tick = () => new Promise((r) => setTimeout(r, 0));

async function apply(sig, { trials = 20, widgets = 3 } = {}) {
  const name = `bench-${crypto.randomUUID().slice(0, 8)}`;
  const host = document.createElement('div');
  const conn = document.createElement('darkswap-connection');
  conn.setAttribute('settings', name);
  conn.setAttribute('signaling-url', `http://${sig.host}:${sig.port}${sig.path}`);
  conn.setAttribute('key', sig.key);
  for (let i = 0; i < widgets; i++) conn.append(document.createElement('darkswap-settings'));
  host.append(conn);
  document.body.append(host);
  try {
    const until = performance.now() + 15_000;
    while ((conn.status !== 'open' || !conn.settingsStore) && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
    if (conn.status !== 'open') throw new Error(`the connection did not open (${conn.status})`);
    const store = conn.settingsStore;
    const views = [...conn.querySelectorAll('darkswap-settings')];
    const times = [];
    for (let i = 0; i < trials; i++) {
      const displayName = `Trial ${i}`;
      const servers = [{ urls: `stun:127.0.0.1:${3478 + (i % 50)}` }];
      const t0 = performance.now();
      const done = store.update({ general: { displayName }, connection: { iceServers: servers } });
      for (;;) {
        const applied = JSON.stringify(conn.service.iceConfiguration.iceServers) === JSON.stringify(servers);
        const shown = views.every((v) => v.shadowRoot?.querySelector('#f-general-displayName')?.value === displayName);
        if (applied && shown) break;
        if (performance.now() - t0 > 5_000) throw new Error('a change was not applied within 5 s');
        await tick();
      }
      times.push(performance.now() - t0);
      await done;
    }
    await kit.SettingsStore.forget(name);
    return { times };
  } finally {
    host.remove();
  }
}

export const settings = { apply };
