// A hostile peer for tests: raw PeerJS (no kit service), able to complete or forge the kit's hello.
import { Peer, type DataConnection } from 'peerjs';
import { buildHello } from '../src/core/control.js';
import { encodeFrame } from '../src/core/frame.js';
import { createIdentity, dtlsFingerprint, type Identity } from '../src/core/identity.js';
import { DEFAULT_LIMITS } from '../src/core/rate-limit.js';
import { createSessionToken } from '../src/core/config.js';
import { signaling } from './harness.js';

export interface Hostile {
  peer: Peer;
  conn: DataConnection;
  id: string;
  send(frame: string): void;
  destroy(): void;
}

const hostiles: Hostile[] = [];

/** Connect raw PeerJS to `target` and send a hello; `tamper` forges the proof over the wrong fingerprints. */
export async function hostilePeer(target: string, options: { tamper?: boolean; hello?: boolean; identity?: Identity } = {}): Promise<Hostile> {
  const s = await signaling();
  const peer = new Peer({ host: s.host, port: s.port, path: s.path, key: s.key, config: { iceServers: [] }, debug: 0 });
  const id = await new Promise<string>((resolve, reject) => {
    peer.on('open', resolve);
    peer.on('error', reject);
  });
  const conn = peer.connect(target, { serialization: 'raw', reliable: true });
  await new Promise<void>((resolve, reject) => {
    conn.on('open', resolve);
    conn.on('error', reject);
  });
  const pc = conn.peerConnection;
  const local = dtlsFingerprint(pc.localDescription?.sdp)!;
  const remote = dtlsFingerprint(pc.remoteDescription?.sdp)!;
  const hostile: Hostile = {
    peer,
    conn,
    id,
    send: (frame) => conn.dataChannel.send(frame),
    destroy: () => peer.destroy(),
  };
  if (options.hello !== false) {
    const hello = await buildHello({
      identity: options.identity ?? (await createIdentity()),
      session: createSessionToken(),
      known: null,
      // A forged proof: signed over a fingerprint that is not this connection's.
      localFingerprint: options.tamper ? local.replace(/[0-9A-F]{2}$/, (x) => (x === '00' ? '01' : '00')) : local,
      remoteFingerprint: remote,
      recv: {},
      limits: DEFAULT_LIMITS,
    });
    hostile.send(encodeFrame('_hello', JSON.stringify(hello)));
  }
  hostiles.push(hostile);
  return hostile;
}

export function destroyHostiles(): void {
  for (const h of hostiles.splice(0)) h.destroy();
}
