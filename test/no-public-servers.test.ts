// "Nothing reaches the internet": no bundle names a public STUN/TURN/signaling server (PeerJS's defaults are
// stripped at build time), and loading the shipped bundle and linking two peers builds no RTCPeerConnection
// with one — PeerJS's browser probe included (it runs when PeerJS loads, with the first service that opens).
import { expect } from '@open-wc/testing';
import { signaling, waitFor } from './harness.js';

type Kit = typeof import('../src/darkswap.js');

/** The pattern the build checks with, from the same module (plain ESM, loaded as the browser sees it). */
async function publicPattern(): Promise<RegExp> {
  const url = '/scripts/peerjs-no-public-defaults.mjs';
  return ((await import(/* @vite-ignore */ url)) as { PUBLIC_SERVER_PATTERN: RegExp }).PUBLIC_SERVER_PATTERN;
}

describe('no public servers (built bundles, real RTCPeerConnection constructions)', () => {
  it('no file of the CDN build names a public STUN, TURN or signaling server', async () => {
    const pattern = await publicPattern();
    const sizes = (await (await fetch('/cdn/sizes.json')).json()) as { files: Record<string, unknown> };
    const files = Object.keys(sizes.files);
    expect(files).to.include.members(['darkswap.js', 'darkswap.iife.js', 'darkswap-connection.js']);
    for (const file of files) {
      const text = await (await fetch(`/cdn/${file}`)).text();
      // A real file (not an error page or an empty one); shared chunks can be small.
      expect(text.length, file).to.be.greaterThan(200);
      expect(text.startsWith('<'), `${file} is JavaScript`).to.equal(false);
      // (An error message of PeerJS names its support address, which is no server.)
      expect(pattern.exec(text.replace(/team@peerjs\.com/g, ''))?.[0], file).to.equal(undefined);
    }
    // The check itself finds what PeerJS ships.
    expect(pattern.test('urls: "stun:stun.l.google.com:19302"')).to.equal(true);
    expect(pattern.test('"turn:eu-0.turn.peerjs.com:3478"')).to.equal(true);
  });

  it('loading the bundle and linking two peers builds no RTCPeerConnection with any ICE server', async function () {
    this.timeout(30_000);
    const configs: (RTCConfiguration | undefined)[] = [];
    const Original = window.RTCPeerConnection;
    window.RTCPeerConnection = class extends Original {
      constructor(config?: RTCConfiguration) {
        configs.push(config);
        super(config);
      }
    };
    try {
      const url = '/cdn/darkswap.js';
      const kit = (await import(/* @vite-ignore */ url)) as Kit;
      // PeerJS (and its probe) is not part of the bundle's first load: nothing is built before a service opens.
      expect(configs.length, 'nothing before a service opens').to.equal(0);
      const s = await signaling();
      const [a, b] = [0, 1].map(() => new kit.ConnectionService({ host: s.host, port: s.port, path: s.path, key: s.key }));
      try {
        await Promise.all([a.open(), b.open()]);
        await a.connect(b.id!);
        await waitFor(() => b.peers.includes(a.id!), 10_000, 'linked');
        expect(configs.length, 'the probe and both sides of the link').to.be.at.least(3);
        for (const config of configs) expect(config?.iceServers ?? [], JSON.stringify(config)).to.deep.equal([]);
      } finally {
        a.destroy();
        b.destroy();
      }
    } finally {
      window.RTCPeerConnection = Original;
    }
  });
});
