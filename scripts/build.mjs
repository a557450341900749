#!/usr/bin/env node
// `npm run build`:
//   1. src/internal/version.ts VERSION must equal package.json "version";
//   2. dist/: unbundled ESM + .d.ts from `tsc -p tsconfig.build.json` (dist/ cleaned first), and server/dist/
//      (the signaling server) from `tsc -p server/tsconfig.json`;
//   3. cdn/: rollup.config.mjs bundles (cdn/ cleaned first), built concurrently;
//   4. checks (the all-in-one's and the autoloader's shape, the autoloader's element list) and a size report:
//      each cdn file min / min+gzip (gzip -9); the `runtime` figure (and what it loads on first use), each
//      widget's own bytes beyond it, the all-in-one's first load and the autoloader (against their goals where
//      there is one), written to cdn/sizes.json. A missed goal is printed, never fatal.
import { spawn } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { rollup } from 'rollup';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const CDN = join(ROOT, 'cdn');
const GOALS = { runtime: 35 * 1024, demo: 8 * 1024, allInOne: 100 * 1024, autoloader: 2 * 1024 };
const RUNTIME_ENTRY = 'darkswap-connection.js';
const DEMO_ENTRY = 'darkswap-demo.js';
/** Per-widget entries: `darkswap-<widget>.js` in the code-split build, other than the runtime. */
const isWidgetEntry = (name) => /^darkswap-[a-z-]+\.js$/.test(name) && name !== RUNTIME_ENTRY;
const ALL_IN_ONE = 'darkswap.js';
const IIFE = 'darkswap.iife.js';
/** The all-in-one's lazy chunks (rollup.config.mjs chunkFileNames), apart from the per-widget build's. */
const ALL_IN_ONE_CHUNK = /^chunks\/all-/;
const AUTOLOADER = 'autoloader.js';
const WALLET_ENTRY = 'darkswap-wallet.js';
/** The browser-wallet adapters, each a lazy chunk of its own (src/bitcoin/wallets/<id>.ts). */
const WALLET_ADAPTER = /[\\/]dist[\\/]bitcoin[\\/]wallets[\\/](xverse|unisat|leather)\.js$/;

class BuildError extends Error {}

const started = performance.now();
const elapsed = (since) => `${((performance.now() - since) / 1000).toFixed(1)}s`;

async function checkVersion() {
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
  const file = 'src/internal/version.ts';
  const source = await readFile(join(ROOT, file), 'utf8');
  const match = /export\s+const\s+VERSION\b[^=]*=\s*(['"`])([^'"`]+)\1/.exec(source);
  if (!match) throw new BuildError(`${file}: no \`export const VERSION = '<version>'\` found.`);
  const version = match[2];
  if (version !== pkg.version) {
    throw new BuildError(
      `Version mismatch: ${file} has VERSION = '${version}' but package.json has "version": "${pkg.version}". ` +
        'Make them equal (the guarded define() compares element versions at runtime).',
    );
  }
  return version;
}

function run(command, args) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolvePromise() : reject(new BuildError(`${relative(ROOT, args[0])} ${args.slice(1).join(' ')} failed (${signal ?? `exit ${code}`}).`)),
    );
  });
}

async function compile() {
  await rm(DIST, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  await run(process.execPath, [tsc, '-p', 'tsconfig.build.json']);
}

/**
 * server/dist/: the signaling server (`node server/dist/main.js`), from `tsc -p server/tsconfig.json`. Its own
 * package.json (what a deployment installs) must pin the versions this repository builds and tests it with.
 */
async function compileServer() {
  const root = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
  const server = JSON.parse(await readFile(join(ROOT, 'server', 'package.json'), 'utf8'));
  for (const [name, version] of Object.entries(server.dependencies)) {
    const here = root.devDependencies[name] ?? root.dependencies[name];
    if (here !== version) throw new BuildError(`server/package.json wants ${name} ${version} but package.json has ${here ?? 'none'}: make them equal.`);
  }
  await rm(join(ROOT, 'server', 'dist'), { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  await run(process.execPath, [tsc, '-p', join('server', 'tsconfig.json')]);
}

/**
 * Builds every config of rollup.config.mjs. Each build reuses the previous one's module cache (the
 * configs share most modules), and a build's outputs are written while the next one is bundled.
 * Returns the written chunks per config.
 */
async function bundle() {
  await rm(CDN, { recursive: true, force: true });
  const { default: configs } = await import(pathToFileURL(join(ROOT, 'rollup.config.mjs')).href);
  const writes = [];
  let cache;
  try {
    for (const { output, ...input } of configs) {
      const build = await rollup({ ...input, cache });
      cache = build.cache;
      const outputs = Array.isArray(output) ? output : [output];
      writes.push(
        Promise.all(outputs.map((o) => build.write(o)))
          // fileName is relative to cdn/ for `file` and `dir` outputs alike.
          .then((results) => results.flatMap((r) => r.output.filter((c) => c.type === 'chunk')))
          .finally(() => build.close()),
      );
    }
  } catch (error) {
    await Promise.allSettled(writes);
    throw error;
  }
  return Promise.all(writes);
}

/** Sanity checks the bundles must pass whatever the config says. */
async function checkBundles(chunks, texts) {
  const byName = new Map(chunks.map((c) => [c.fileName, c]));
  const get = (name) => byName.get(name) ?? fail(`cdn/${name} was not produced.`);
  const fail = (message) => {
    throw new BuildError(message);
  };
  // The IIFE and the autoloader are single files.
  for (const name of [IIFE, AUTOLOADER]) {
    const chunk = get(name);
    if (chunk.imports.length || chunk.dynamicImports.length) {
      fail(`cdn/${name} must be one file but imports ${[...chunk.imports, ...chunk.dynamicImports].join(', ')}.`);
    }
  }
  // The all-in-one runs nothing from another file when it loads (two URLs, two copies), and its lazy chunks are
  // its own: they import only it and each other, never the per-widget build's chunks.
  const allInOne = get(ALL_IN_ONE);
  if (allInOne.imports.length) fail(`cdn/${ALL_IN_ONE} must load as one file but imports ${allInOne.imports.join(', ')}.`);
  for (const name of lazyClosure(ALL_IN_ONE, byName, new Set())) {
    if (!ALL_IN_ONE_CHUNK.test(name)) fail(`cdn/${ALL_IN_ONE} loads cdn/${name}, which is not one of its own chunks (chunks/all-*).`);
    const strangers = [...get(name).imports, ...get(name).dynamicImports].filter((f) => f !== ALL_IN_ONE && !ALL_IN_ONE_CHUNK.test(f));
    if (strangers.length) fail(`cdn/${name} (an all-in-one chunk) imports ${strangers.join(', ')}.`);
  }
  // The autoloader knows every element there is an entry for, and no other.
  const { ELEMENT_NAMES } = await import(pathToFileURL(join(DIST, 'internal', 'element-names.js')).href);
  const listed = [...ELEMENT_NAMES].map((n) => `darkswap-${n}.js`).sort();
  const entries = chunks
    .filter((c) => c.isEntry && /^darkswap-[a-z-]+\.js$/.test(c.fileName))
    .map((c) => c.fileName)
    .sort();
  if (listed.join() !== entries.join()) {
    fail(`src/internal/element-names.ts lists ${listed.join(', ')} but the per-widget entries are ${entries.join(', ')}: keep them equal.`);
  }
  for (const [name, text] of texts) {
    if (text.includes('Lit is in dev mode')) fail(`cdn/${name} contains Lit's development build.`);
  }
}

/** The entry plus every chunk it imports statically, transitively. */
function closure(entry, byName) {
  const seen = new Set();
  const visit = (name) => {
    if (seen.has(name)) return;
    const chunk = byName.get(name);
    if (!chunk) throw new BuildError(`cdn/${name} is imported but was not produced.`);
    seen.add(name);
    chunk.imports.forEach(visit);
  };
  visit(entry);
  return seen;
}

/** Chunks loaded later by `import()` from the entry's static closure (and everything they need), minus `exclude`. */
function lazyClosure(entry, byName, exclude) {
  const statics = closure(entry, byName);
  const lazy = new Set();
  const pending = [...statics].flatMap((f) => byName.get(f).dynamicImports);
  while (pending.length) {
    for (const f of closure(pending.pop(), byName)) {
      if (statics.has(f) || exclude.has(f) || lazy.has(f)) continue;
      lazy.add(f);
      pending.push(...byName.get(f).dynamicImports);
    }
  }
  return lazy;
}

const fmt = (n) => n.toLocaleString('en-US');
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

async function report(perConfig) {
  const chunks = perConfig.flat();
  const files = {};
  const texts = new Map();
  for (const chunk of chunks.sort((a, b) => a.fileName.localeCompare(b.fileName))) {
    const bytes = await readFile(join(CDN, chunk.fileName));
    texts.set(chunk.fileName, bytes.toString('utf8'));
    files[chunk.fileName] = { min: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  }
  await checkBundles(chunks, texts);

  // Each chunk of a code-split build is fetched (and gzipped) on its own: sum per file.
  const split = perConfig.find((cs) => cs.some((c) => c.fileName === RUNTIME_ENTRY));
  if (!split?.some((c) => c.fileName === DEMO_ENTRY)) {
    throw new BuildError(`cdn/${RUNTIME_ENTRY} and cdn/${DEMO_ENTRY} must come from one code-split build.`);
  }
  const byName = new Map(split.map((c) => [c.fileName, c]));
  const sum = (names) => [...names].reduce((total, f) => total + files[f].gzip, 0);
  const runtimeSet = closure(RUNTIME_ENTRY, byName);
  // What the runtime loads on first use (PeerJS when a service opens, the doctor...), counted once, here.
  const runtimeLazy = lazyClosure(RUNTIME_ENTRY, byName, runtimeSet);
  const runtime = sum(runtimeSet);
  const demoOnly = [...closure(DEMO_ENTRY, byName)].filter((f) => !runtimeSet.has(f));
  const demo = sum(demoOnly);
  const widgets = {};
  for (const name of [...byName.keys()].filter(isWidgetEntry).sort()) {
    const own = [...closure(name, byName)].filter((f) => !runtimeSet.has(f));
    const lazy = [...lazyClosure(name, byName, runtimeSet)].filter((f) => !runtimeLazy.has(f));
    widgets[name.replace(/^darkswap-|\.js$/g, '')] = { gzip: sum(own), files: own, lazyGzip: sum(lazy), lazy };
  }
  // Each wallet adapter: its own chunk, and everything picking that wallet in <darkswap-wallet> downloads
  // (its chunk plus the shared Bitcoin code it needs, beyond the runtime and the widget).
  const walletStatic = byName.has(WALLET_ENTRY) ? closure(WALLET_ENTRY, byName) : new Set();
  const adapters = {};
  for (const chunk of split) {
    const id = WALLET_ADAPTER.exec(chunk.facadeModuleId ?? '')?.[1];
    if (!id) continue;
    const total = [...closure(chunk.fileName, byName)].filter((f) => !runtimeSet.has(f) && !walletStatic.has(f));
    adapters[id] = { gzip: files[chunk.fileName].gzip, totalGzip: sum(total), files: total };
  }
  const allByName = new Map(chunks.map((c) => [c.fileName, c]));
  const allInOne = files[ALL_IN_ONE].gzip;
  const allInOneLazy = [...lazyClosure(ALL_IN_ONE, allByName, new Set([ALL_IN_ONE]))];

  const width = Math.max(...Object.keys(files).map((f) => f.length), 4) + 2;
  const lines = [
    `${'file'.padEnd(width)}${'min'.padStart(10)}${'min+gzip'.padStart(11)}`,
    ...Object.entries(files).map(([f, s]) => `${f.padEnd(width)}${fmt(s.min).padStart(10)}${fmt(s.gzip).padStart(11)}`),
  ];
  const verdict = (value, goal) => (value <= goal ? `OK (${fmt(goal - value)} B to spare)` : `GOAL MISSED by ${fmt(value - goal)} B`);
  const goal = (value, limit) => `goal ≤ ${fmt(limit)} B (${limit / 1024} KB): ${verdict(value, limit)}`;
  console.log(`\ncdn/ sizes in bytes (gzip level 9):\n${lines.map((l) => `  ${l}`).join('\n')}\n`);
  console.log(
    `  runtime = ${fmt(runtime)} B min+gzip (${kb(runtime)})  ${goal(runtime, GOALS.runtime)}\n` +
      `            ${[...runtimeSet].join(' + ')}\n` +
      `            + ${fmt(sum(runtimeLazy))} B loaded on first use: ${[...runtimeLazy].join(' + ')}\n` +
      `  demo    = ${fmt(demo)} B min+gzip (${kb(demo)})  ${goal(demo, GOALS.demo)}\n` +
      `            ${demoOnly.join(' + ') || '(nothing beyond the runtime)'}\n` +
      Object.entries(widgets)
        .filter(([name]) => name !== 'demo')
        .map(
          ([name, w]) =>
            `  ${name.padEnd(7)} = ${fmt(w.gzip)} B min+gzip (${kb(w.gzip)}) beyond the runtime\n            ${w.files.join(' + ')}\n` +
            (w.lazy.length ? `            + ${fmt(w.lazyGzip)} B loaded on first use: ${w.lazy.join(' + ')}\n` : ''),
        )
        .join('') +
      `  all-in-one = ${fmt(allInOne)} B min+gzip (${kb(allInOne)}) first load, ${ALL_IN_ONE}  ${goal(allInOne, GOALS.allInOne)}\n` +
      `            + ${fmt(sum(allInOneLazy))} B in ${allInOneLazy.length} chunks loaded on first use (chunks/all-*)\n` +
      Object.entries(adapters)
        .map(
          ([id, a]) =>
            `  wallet adapter ${id} = ${fmt(a.gzip)} B min+gzip own chunk, ${fmt(a.totalGzip)} B with what it needs\n            ${a.files.join(' + ')}\n`,
        )
        .join('') +
      `  iife    = ${fmt(files[IIFE].gzip)} B min+gzip (${kb(files[IIFE].gzip)}), everything in one file\n` +
      `  autoloader = ${fmt(files[AUTOLOADER].gzip)} B min+gzip  ${goal(files[AUTOLOADER].gzip, GOALS.autoloader)}\n`,
  );

  const widgetSizes = Object.fromEntries(
    Object.entries(widgets).flatMap(([name, w]) => [
      [`${name.replace(/-/g, '_')}_gzip_bytes`, w.gzip],
      ...(w.lazy.length ? [[`${name.replace(/-/g, '_')}_lazy_gzip_bytes`, w.lazyGzip]] : []),
    ]),
  );
  const sizes = {
    runtime_gzip_bytes: runtime,
    runtime_lazy_gzip_bytes: sum(runtimeLazy),
    demo_gzip_bytes: demo,
    ...widgetSizes,
    all_in_one_gzip_bytes: allInOne,
    all_in_one_lazy_gzip_bytes: sum(allInOneLazy),
    iife_gzip_bytes: files[IIFE].gzip,
    autoloader_gzip_bytes: files[AUTOLOADER].gzip,
    wallet_adapters: Object.fromEntries(Object.entries(adapters).map(([id, a]) => [id, { gzip_bytes: a.gzip, total_gzip_bytes: a.totalGzip }])),
    files,
  };
  await writeFile(join(CDN, 'sizes.json'), `${JSON.stringify(sizes, null, 2)}\n`);
}

try {
  const version = await checkVersion();
  console.log(`build: DarkSwap ${version}`);
  let t = performance.now();
  await compile();
  console.log(`build: dist/ (tsc -p tsconfig.build.json) in ${elapsed(t)}`);
  t = performance.now();
  await compileServer();
  console.log(`build: server/dist/ (tsc -p server/tsconfig.json) in ${elapsed(t)}`);
  t = performance.now();
  const chunks = await bundle();
  console.log(`build: cdn/ (rollup) in ${elapsed(t)}`);
  await report(chunks);
  console.log(`build: done in ${elapsed(started)}`);
} catch (error) {
  const detail =
    error instanceof BuildError
      ? error.message
      : error?.code && error?.message // a RollupError: message, then the code frame if any
        ? [error.message, error.frame].filter(Boolean).join('\n')
        : (error?.stack ?? String(error));
  console.error(`\nbuild failed: ${detail}`);
  process.exitCode = 1;
}
