#!/usr/bin/env node
// `npm run check:manifest`: regenerates the Custom Elements Manifest into a temporary directory,
// exactly as `npm run analyze` does (same config file), and fails when the committed
// custom-elements.json differs from it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const COMMITTED = join(ROOT, 'custom-elements.json');
const CONFIG = 'custom-elements-manifest.config.mjs';

function fail(message) {
  console.error(`check:manifest: ${message}`);
  process.exit(1);
}

const require = createRequire(import.meta.url);
const cem = join(dirname(require.resolve('@custom-elements-manifest/analyzer/package.json')), 'cem.js');
const out = mkdtempSync(join(tmpdir(), 'darkswap-cem-'));
let fresh;
try {
  // The analyzer joins --outdir onto its cwd, so pass the temporary directory relative to the root.
  const result = spawnSync(process.execPath, [cem, 'analyze', '--litelement', '--config', CONFIG, '--outdir', relative(ROOT, out), '--quiet'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (result.status !== 0 || !existsSync(join(out, 'custom-elements.json'))) {
    fail(`the analyzer failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stdout}${result.stderr}`);
  }
  fresh = readFileSync(join(out, 'custom-elements.json'), 'utf8');
} finally {
  rmSync(out, { recursive: true, force: true });
}

if (!existsSync(COMMITTED)) fail('custom-elements.json is missing. Run `npm run analyze` and commit it.');
const committed = readFileSync(COMMITTED, 'utf8');
if (committed === fresh) {
  console.log('check:manifest: custom-elements.json is up to date.');
  process.exit(0);
}

// Show where they differ: the first differing lines.
const a = committed.split('\n');
const b = fresh.split('\n');
let line = 0;
while (line < Math.max(a.length, b.length) && a[line] === b[line]) line++;
const excerpt = (lines) =>
  lines
    .slice(Math.max(0, line - 2), line + 3)
    .map((l, i) => `    ${Math.max(0, line - 2) + i + 1}: ${l}`)
    .join('\n');
fail(
  'custom-elements.json is stale: it differs from what the analyzer generates from src/.\n' +
    `  First difference at line ${line + 1}.\n  committed:\n${excerpt(a)}\n  generated:\n${excerpt(b)}\n` +
    'Run `npm run analyze` and commit custom-elements.json.',
);
