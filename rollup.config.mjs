// CDN bundles (cdn/): lit, @lit/context, peerjs and valibot inlined, minified with terser.
//
//   cdn/darkswap.js            all-in-one ES module from src/darkswap.ts: ONE self-contained file, so
//                              loading it from two URLs gives two independent copies
//   cdn/darkswap.iife.js       the same for classic <script> tags; every export on global `DarkSwap`
//   cdn/darkswap-connection.js per-widget ES entries; the code they share goes to cdn/chunks/
//   cdn/darkswap-demo.js
//   cdn/darkswap-network-status.js
//   cdn/darkswap-settings.js
//   cdn/darkswap-av-call.js
//   cdn/darkswap-group-chat.js
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
 * The kit's bytes module (dist/core/bytes.js, in the eagerly loaded runtime chunk) gets its own
 * instance of @scure/base. Rollup puts one module in one chunk with every export any importer uses,
 * so sharing the instance with @scure/btc-signer (lazily loaded) would pull its bech32/base58 code —
 * 4.2 KB min+gzip — into the runtime every page loads. Its own instance keeps just hex and base64
 * (a few hundred bytes, duplicated only for pages that also load the Bitcoin code).
 */
function ownScureBaseForCore() {
  return {
    name: 'darkswap-own-scure-base-for-core',
    async resolveId(source, importer, options) {
      if (source !== '@scure/base' || !importer || !/[\\/]dist[\\/]core[\\/]bytes\.js$/.test(importer)) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved ? { ...resolved, id: `${resolved.id}?darkswap-core` } : null;
    },
    load(id) {
      return id.endsWith('?darkswap-core') ? this.load({ id: id.slice(0, -'?darkswap-core'.length) }).then((m) => m.code) : null;
    },
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

/** Fresh plugin instances per build (plugins keep per-build state). */
const plugins = () => [
  noPublicDefaults(),
  evergreenAdapter(),
  noBinarypack(),
  ownScureBaseForCore(),
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
  // All-in-one: a single input and no dynamic imports split, so each output is one file.
  {
    input: compiled('src/darkswap.ts'),
    plugins: plugins(),
    onwarn,
    output: [
      { file: 'cdn/darkswap.js', format: 'es', inlineDynamicImports: true, plugins: [minify] },
      {
        file: 'cdn/darkswap.iife.js',
        format: 'iife',
        name: 'DarkSwap',
        inlineDynamicImports: true,
        plugins: [minify],
      },
    ],
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
      'darkswap-group-chat': compiled('src/components/group-chat/darkswap-group-chat.ts'),
    },
    plugins: plugins(),
    onwarn,
    output: {
      dir: 'cdn',
      format: 'es',
      entryFileNames: '[name].js',
      chunkFileNames: 'chunks/[name]-[hash].js',
      // Everything every widget needs (the service, context, base element, Lit, PeerJS, valibot) in
      // one shared chunk: one request and one gzip stream instead of many small ones.
      // Not in it: the settings side of <darkswap-connection> and the TURN pool and failover (needed only with two
      // or more TURN servers), loaded on first use; identity backups, which only <darkswap-settings> uses.
      manualChunks: (id) =>
        (!/provider-settings|turn-failover|turn-pool|identity-backup/.test(id) &&
          /[\\/]dist[\\/](core|context|internal)[\\/]|[\\/]node_modules[\\/](lit|lit-html|lit-element|@lit[\\/]reactive-element|@lit[\\/]context|peerjs|webrtc-adapter|sdp|eventemitter3|valibot|idb-keyval|@msgpack|peerjs-js-binarypack)[\\/]/.test(
            id,
          )) ||
        id.includes('webrtc-adapter-evergreen') ||
        id.includes('binarypack-stand-in')
          ? 'runtime'
          : undefined,
      plugins: [minify],
    },
  },
];
