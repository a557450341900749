#!/usr/bin/env node
// `npm run check:locales`: the shipped message catalogs are not stale. With lit-localize.json's settings it
// extracts every msg() of src/ (one TypeScript analysis, as `npm run localize:extract` does) and fails when
//   - a message has no translation in a target locale's XLIFF file (xliff/<locale>.xlf), or a translation's
//     placeholders do not match its message (lit-localize's own validation);
//   - an XLIFF file keeps units no msg() uses any more (run `npm run localize:extract`);
//   - the generated modules (src/locales/<locale>.ts, src/locales/locale-codes.ts) differ from what
//     `npm run localize:build` makes of them now.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RuntimeLitLocalizer } from '@lit/localize-tools/lib/modes/runtime.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const problems = [];
const json = JSON.parse(readFileSync(join(ROOT, 'lit-localize.json'), 'utf8'));
const out = mkdtempSync(join(tmpdir(), 'darkswap-locales-'));
try {
  const config = {
    ...json,
    // Build into a temporary directory; read everything else from the project.
    output: { ...json.output, outputDir: out, localeCodesModule: join(out, 'locale-codes.ts') },
    baseDir: ROOT,
    resolve: (path) => resolve(ROOT, path),
  };
  const localizer = new RuntimeLitLocalizer(config);
  const { messages, errors } = localizer.extractSourceMessages();
  for (const e of errors)
    problems.push(
      `msg() that lit-localize cannot read: ${typeof e.messageText === 'string' ? e.messageText : e.messageText.messageText} (${e.file?.fileName ?? '?'})`,
    );
  const used = new Set(messages.map((m) => m.name));
  const { translations } = localizer.readTranslationsSync();
  for (const locale of json.targetLocales) {
    const have = new Set((translations.get(locale) ?? []).map((m) => m.name));
    const missing = messages.filter((m) => !have.has(m.name));
    for (const m of missing.slice(0, 20))
      problems.push(
        `${locale}: no translation of "${m.contents.map((c) => (typeof c === 'string' ? c : '{…}')).join('')}" (${m.name}, ${m.file.fileName.replace(`${ROOT}/`, '')})`,
      );
    if (missing.length > 20) problems.push(`${locale}: … and ${missing.length - 20} more messages without a translation`);
    const unused = [...have].filter((id) => !used.has(id));
    if (unused.length)
      problems.push(
        `${locale}: xliff/${locale}.xlf has ${unused.length} units no msg() uses (${unused.slice(0, 5).join(', ')}…): run npm run localize:extract`,
      );
  }
  problems.push(...localizer.validateTranslations().errors);
  if (!problems.length) {
    await localizer.build();
    for (const name of [...json.targetLocales.map((l) => `${l}.ts`), 'locale-codes.ts']) {
      const fresh = readFileSync(join(out, name), 'utf8');
      let committed = '';
      try {
        committed = readFileSync(join(ROOT, 'src', 'locales', name), 'utf8');
      } catch {
        // reported below
      }
      if (fresh !== committed) problems.push(`src/locales/${name} is not what the catalogs build to now: run npm run localize:build`);
    }
  }
  if (problems.length) {
    console.error(`check:locales: ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    process.exitCode = 1;
  } else {
    console.log(`check:locales: ${messages.length} messages, translated in ${json.targetLocales.join(', ')}; src/locales/ up to date.`);
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
