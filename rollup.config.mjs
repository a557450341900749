// CDN bundles (cdn/): lit, @lit/context, peerjs and valibot inlined, minified with terser.
//
//   cdn/darkswap.js            all-in-one ES module from src/darkswap.ts: ONE file for everything it runs
//                              when it loads (so loading it from two URLs gives two independent copies), and
//                              lazy chunks of its own (cdn/chunks/all-*) for what it loads on first use: the
//                              settings, call, discovery, chat and file-share widgets (when their tags appear, or
//                              `loadWidget()`), PeerJS, the Bitcoin layer (`loadBitcoin()`), the tools...
//   cdn/darkswap.iife.js       from src/darkswap-iife.ts, for classic <script> tags: every element and every
//                              export on global `DarkSwap`, in one file (an IIFE cannot load chunks: what import()
//                              loads is inlined)
//   cdn/gallery.js             the state gallery (demo/gallery.html): every element and its scenarios on the
//                              in-memory transport (src/gallery/), with lazy chunks cdn/chunks/gallery-*
//   cdn/autoloader.js          loads the per-widget entries below when their tags appear (src/autoloader.ts)
//   cdn/darkswap-connection.js per-widget ES entries; the code they share goes to cdn/chunks/ (the runtime, what
//   cdn/darkswap-demo.js       every page needs, is merged into cdn/darkswap-connection.js)
//   cdn/darkswap-network-status.js, -settings.js, -file-share.js, -orderbook.js, -trade.js,
//   -av-call.js, -peer-discovery.js, -group-chat.js, -wallet.js
//
// Input is the ES2022 JavaScript that `tsc -p tsconfig.build.json` emits into dist/ from the same
// src/ entry points: TypeScript runs once per build, and the CDN bundles contain exactly the code
// of the npm package. So run it through `npm run build` (scripts/build.mjs: version check → tsc →
// this config → size report), not bare `rollup -c`.
//
// Production only: no `development` export condition, so Lit's dev build is never picked.
import commonjs from '@rollup/plugin-commonjs';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { fileURLToPath } from 'node:url';

/** The compiled counterpart in dist/ of a src/ entry point. */
const compiled = (srcPath) => srcPath.replace(/^src\//, 'dist/').replace(/\.ts$/, '.js');

const adapterStandIn = fileURLToPath(new URL('./scripts/webrtc-adapter-evergreen.mjs', import.meta.url));

/** Resolve PeerJS's `webrtc-adapter` import to the detector-only stand-in (see that file). */
function evergreenAdapter() {
  return {
    name: 'darkswap-evergreen-webrtc-adapter',
    resolveId(source, importer) {
      if (source === 'webrtc-adapter' && importer && !importer.endsWith('webrtc-adapter-evergreen.mjs')) return adapterStandIn;
      return null;
    },
  };
}

import { isPeerjsModule, PUBLIC_SERVER_PATTERN, stripPeerjsPublicDefaults } from './scripts/peerjs-no-public-defaults.mjs';

const binarypackStandIn = fileURLToPath(new URL('./scripts/binarypack-stand-in.mjs', import.meta.url));

/** Resolve PeerJS's `peerjs-js-binarypack` import to a stand-in: the kit only uses raw serialization (see that file). */
function noBinarypack() {
  return {
    name: 'darkswap-no-binarypack',
    resolveId: (source) => (source === 'peerjs-js-binarypack' ? binarypackStandIn : null),
  };
}

/**
 * PeerJS without its public defaults (Google STUN, PeerJS TURN, the PeerJS cloud host), and a last check on
 * every output chunk that no public server is named anywhere (see scripts/peerjs-no-public-defaults.mjs).
 */
function noPublicDefaults() {
  return {
    name: 'darkswap-no-public-defaults',
    transform: (code, id) => (isPeerjsModule(id) ? { code: stripPeerjsPublicDefaults(code), map: null } : null),
    generateBundle(_options, bundle) {
      for (const [name, file] of Object.entries(bundle)) {
        const text = file.type === 'chunk' ? file.code : '';
        const found = PUBLIC_SERVER_PATTERN.exec(text.replace(/team@peerjs\.com/g, ''));
        if (found) this.error(`${name} names a public server ("${found[0]}"): no default may point at one`);
      }
    },
  };
}

/**
 * PeerJS, the signaling guard and session, and the link layer (with the link modules only it imports): one lazy
 * chunk, loaded when a service first opens (core/signaling.ts).
 */
const SIGNALING_CODE =
  /[\\/]node_modules[\\/](peerjs|webrtc-adapter|sdp|eventemitter3)[\\/]|webrtc-adapter-evergreen|binarypack-stand-in|[\\/]core[\\/](signaling-guard|signaling-session|link-layer)\.js$/;

/**
 * `manualChunks` that keeps everything an entry loads at once in that entry's chunk (`name`) and gives PeerJS
 * and the signaling guard their own lazy chunk. (A manual chunk takes in the dependencies of its modules that
 * no other manual chunk holds, so the signaling chunk alone would swallow valibot and the config; the eager
 * chunk has to claim them first.) With `everyWidget`, the eager chunk also holds what every other entry imports
 * statically: the per-widget build's runtime is <darkswap-connection> plus what every widget needs. Entries
 * matching `except` do not narrow that set (<darkswap-wallet> uses no connection: without this, the connection
 * controller every other widget needs would leave the runtime for a chunk of its own, one more request each).
 */
function eagerChunk(entry, name, { everyWidget = false, except = undefined } = {}) {
  let eager;
  return (id, { getModuleIds, getModuleInfo }) => {
    if (!eager) {
      const closure = (start) => {
        const seen = new Set();
        const pending = [start];
        while (pending.length) {
          const next = pending.pop();
          if (seen.has(next)) continue;
          seen.add(next);
          pending.push(...getModuleInfo(next).importedIds);
        }
        return seen;
      };
      const entries = [...getModuleIds()].filter((m) => getModuleInfo(m).isEntry);
      const main = entries.find((m) => entry.test(m));
      if (!main) throw new Error(`rollup.config.mjs: no entry matches ${entry}`);
      eager = closure(main);
      if (everyWidget) {
        const widgets = entries.filter((m) => m !== main && !except?.test(m)).map(closure);
        for (const m of widgets[0] ?? []) if (widgets.every((w) => w.has(m))) eager.add(m);
      }
    }
    return eager.has(id) ? name : SIGNALING_CODE.test(id) ? 'signaling' : undefined;
  };
}

const leanLocalizeFile = fileURLToPath(new URL('./scripts/lit-localize-lean.mjs', import.meta.url));

/** Resolve '@lit/localize' to the lean re-export (see that file): its runtime stays a lazy chunk. */
function leanLocalize() {
  return {
    name: 'darkswap-lean-lit-localize',
    resolveId: (source) => (source === '@lit/localize' ? leanLocalizeFile : null),
  };
}

/** Fresh plugin instances per build (plugins keep per-build state). */
const plugins = () => [
  noPublicDefaults(),
  leanLocalize(),
  evergreenAdapter(),
  noBinarypack(),
  nodeResolve({ browser: true, exportConditions: ['browser'] }),
  // peerjs → webrtc-adapter → `sdp`, whose "module" field points at a CommonJS file.
  commonjs(),
];

/**
 * One terser instance for every output (terser picks `module`/`toplevel` from each output's format):
 * outputs rendered together share its worker pool, whose warmed-up workers minify much faster than
 * one cold pool per output.
 */
const minify = terser({ format: { comments: false } });

/** @type {import('rollup').WarningHandlerWithDefault} */
function onwarn(warning, warn) {
  // Top-level `this` in @msgpack's downlevelled ESM (rewritten to `undefined`): harmless.
  if (warning.code === 'THIS_IS_UNDEFINED') return;
  // A `/* @__PURE__ */` comment @scure/base places where Rollup cannot use it (it drops the comment): harmless.
  if (warning.code === 'INVALID_ANNOTATION' && /@scure[\\/]base/.test(warning.id ?? '')) return;
  // Everything must be inlined: an unresolved bare import would leave an external in a CDN file.
  if (warning.code === 'UNRESOLVED_IMPORT') throw Object.assign(new Error(warning.message), { code: warning.code });
  warn(warning);
}

/** @type {import('rollup').RollupOptions[]} */
export default [
  // All-in-one: one input. The ES module is one file for everything it runs when it loads (so two URLs give
  // two independent copies), plus lazy chunks of its own (cdn/chunks/all-*) for what import() loads on first
  // use: the less common widgets (lazy-widgets.ts), the Bitcoin layer, PeerJS, the doctor...
  {
    input: compiled('src/darkswap.ts'),
    plugins: plugins(),
    onwarn,
    // The entry itself holds the shared code, exporting what its lazy chunks need beside its API (no facade file
    // importing a main chunk: that would cost the first load a round trip and share the chunk between copies).
    preserveEntrySignatures: 'allow-extension',
    output: [
      {
        dir: 'cdn',
        format: 'es',
        entryFileNames: '[name].js',
        chunkFileNames: 'chunks/all-[name]-[hash].js',
        manualChunks: eagerChunk(/[\\/]dist[\\/]darkswap\.js$/, 'darkswap'),
        plugins: [minify],
      },
    ],
  },
  // The classic-script bundle: every element and the whole API in one file (src/darkswap-iife.ts).
  {
    input: compiled('src/darkswap-iife.ts'),
    plugins: plugins(),
    onwarn,
    output: {
      file: 'cdn/darkswap.iife.js',
      format: 'iife',
      name: 'DarkSwap',
      inlineDynamicImports: true,
      plugins: [minify],
    },
  },
  // The autoloader: one small file that imports the per-widget entries next to it by URL when their tags appear.
  {
    input: compiled('src/autoloader.ts'),
    plugins: plugins(),
    onwarn,
    output: { file: 'cdn/autoloader.js', format: 'es', plugins: [minify] },
  },
  // The state gallery (demo/gallery.html): every element plus the scenarios on the in-memory transport, one entry
  // with lazy chunks of its own (the Bitcoin layer, loaded by the trade scenarios).
  {
    input: compiled('src/gallery/gallery.ts'),
    plugins: plugins(),
    onwarn,
    output: { dir: 'cdn', format: 'es', entryFileNames: 'gallery.js', chunkFileNames: 'chunks/gallery-[name]-[hash].js', plugins: [minify] },
  },
  // Per-widget entries sharing code through chunks.
  {
    input: {
      'darkswap-connection': compiled('src/context/darkswap-connection.ts'),
      'darkswap-demo': compiled('src/components/demo/darkswap-demo.ts'),
      'darkswap-network-status': compiled('src/components/network-status/darkswap-network-status.ts'),
      'darkswap-settings': compiled('src/components/settings/darkswap-settings.ts'),
      'darkswap-file-share': compiled('src/components/file-share/darkswap-file-share.ts'),
      'darkswap-orderbook': compiled('src/components/orderbook/darkswap-orderbook.ts'),
      'darkswap-trade': compiled('src/components/trade/darkswap-trade.ts'),
      'darkswap-av-call': compiled('src/components/av-call/darkswap-av-call.ts'),
      'darkswap-peer-discovery': compiled('src/components/peer-discovery/darkswap-peer-discovery.ts'),
      'darkswap-group-chat': compiled('src/components/group-chat/darkswap-group-chat.ts'),
      'darkswap-wallet': compiled('src/components/wallet/darkswap-wallet.ts'),
    },
    plugins: plugins(),
    onwarn,
    output: {
      dir: 'cdn',
      format: 'es',
      entryFileNames: '[name].js',
      chunkFileNames: 'chunks/[name]-[hash].js',
      // The runtime chunk (merged into cdn/darkswap-connection.js): what <darkswap-connection> needs plus what
      // every widget needs (Lit, the base element, the connection controller, the panel header), in one request.
      // Code only some widgets use goes to chunks of its own; code loaded by import() (PeerJS with the link layer, the
      // settings side of the provider, the TURN failover, the doctor's probes, identity backups…) stays out of it.
      manualChunks: eagerChunk(/[\\/]context[\\/]darkswap-connection\.js$/, 'runtime', { everyWidget: true, except: /[\\/]wallet[\\/]darkswap-wallet\.js$/ }),
      plugins: [minify],
    },
  },
];
