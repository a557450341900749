// PeerJS ships defaults that point at public servers: a Google STUN and PeerJS's TURN (used by its browser
// probe, which builds an RTCPeerConnection with them when the module loads) and its cloud signaling host.
// The kit always passes its own signaling host and ICE servers, so these defaults are only ever reached by
// that probe — and they must not be in our bundles at all ("no default may point at a public host").
// `stripPeerjsPublicDefaults` rewrites PeerJS's module text: no ICE servers, no cloud host. It throws when
// the text it expects is not there (a PeerJS upgrade), so the build can never ship them by accident.

/** Public server host names and ICE URLs that must appear in no bundle (checked by the build and a test). */
export const PUBLIC_SERVER_PATTERN = /\b(?:stun|turns?):[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}|stun\.l\.google\.com|\.turn\.peerjs\.com|\b0\.peerjs\.com/;

const PEERJS_MODULE = /[\\/]node_modules[\\/]peerjs[\\/]dist[\\/]bundler\.mjs$/;

/** Whether `id` is PeerJS's ES module (the file to rewrite). */
export const isPeerjsModule = (id) => PEERJS_MODULE.test(id.split('?')[0]);

export function stripPeerjsPublicDefaults(code) {
  const config = /(const \$[0-9a-f]+\$var\$DEFAULT_CONFIG = \{\s*iceServers: )\[[\s\S]*?\](,\s*sdpSemantics)/;
  if (!config.test(code)) throw new Error('peerjs: DEFAULT_CONFIG not found: update scripts/peerjs-no-public-defaults.mjs for this PeerJS version');
  let out = code.replace(config, '$1[]$2');
  if (!out.includes('this.CLOUD_HOST = "0.peerjs.com"')) throw new Error('peerjs: CLOUD_HOST not found: update scripts/peerjs-no-public-defaults.mjs');
  // No cloud host either: a Peer without our host would have nowhere to go (the kit always passes one).
  out = out.replace('this.CLOUD_HOST = "0.peerjs.com"', 'this.CLOUD_HOST = "no-public-default.invalid"');
  const left = PUBLIC_SERVER_PATTERN.exec(out.replace(/team@peerjs\.com/g, ''));
  if (left) throw new Error(`peerjs: a public server is still named after the rewrite: "${left[0]}"`);
  return out;
}
