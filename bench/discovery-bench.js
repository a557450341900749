// discovery_room_ready_ms (issue 16): N kit services in this page, each with its own identity and a DiscoveryEngine
// (mesh cap 3), join one fresh room one after the other (as people arrive); timed from the first join to every
// member knowing every other and holding min(cap, N-1) links; median of `trials` rooms.

let kit;

export function useKit(k) {
  kit = k;
}

async function service(sig) {
  const s = new kit.ConnectionService({
    host: sig.host,
    port: sig.port,
    path: sig.path,
    key: sig.key,
    iceServers: [],
    identity: await kit.createIdentity(),
    persistUsage: false,
    stablePeerId: false,
  });
  await s.open();
  return s;
}

async function roomReady(sig, { peers = 6, cap = 3, trials = 3 } = {}) {
  const times = [];
  for (let t = 0; t < trials; t++) {
    const services = await Promise.all(Array.from({ length: peers }, () => service(sig)));
    const engines = services.map((s) => new kit.DiscoveryEngine(s, { cap }));
    const room = `bench-${crypto.randomUUID()}`;
    try {
      const t0 = performance.now();
      for (const e of engines) await e.join(room);
      const end = t0 + 60_000;
      while (!engines.every((e, i) => e.peersIn(room).length === peers - 1 && services[i].peers.length >= Math.min(cap, peers - 1))) {
        if (performance.now() > end) throw new Error('the room was not ready within 60 s');
        await new Promise((r) => setTimeout(r, 20));
      }
      times.push(performance.now() - t0);
    } finally {
      for (const e of engines) e.dispose();
      for (const s of services) s.destroy();
    }
  }
  return { times };
}

export const discovery = { roomReady };
