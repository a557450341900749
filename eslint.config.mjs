// ESLint (flat config): typescript-eslint, lit, wc and lit-a11y rules, plus the layer rules of
// docs/architecture.md — imports point down only (components → context → features → core / bitcoin)
// and the framework-free layers never import lit.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import lit from 'eslint-plugin-lit';
import wc from 'eslint-plugin-wc';
import litA11y from 'eslint-plugin-lit-a11y';

const LIT = ['lit', 'lit/*', 'lit-html', 'lit-html/*', '@lit/*', '@lit-labs/*'];
const layer = (banned, message) => ({ group: banned, message });
const PEERJS = {
  name: 'peerjs',
  message: 'Only src/core/signaling.ts and signaling-session.ts import peerjs: everything else goes through the connection service.',
};
/** no-restricted-imports with the layer patterns, and peerjs banned unless `peerjs` is true. */
const restrict = (patterns, peerjs = false) => ['error', { patterns, paths: peerjs ? [] : [PEERJS] }];
const CORE = [
  layer(LIT, 'core/ and bitcoin/ are framework-free: no lit.'),
  layer(
    ['**/components/*', '**/context/*', '**/internal/*', '**/features/*', '**/features/**'],
    'core/ and bitcoin/ are the bottom layer: they import nothing above them.',
  ),
];

export default tseslint.config(
  { ignores: ['dist/**', 'server/dist/**', 'cdn/**', 'node_modules/**', 'custom-elements.json', 'coverage/**', 'src/locales/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts'],
    ...lit.configs['flat/recommended'],
  },
  {
    files: ['src/**/*.ts'],
    ...wc.configs['flat/recommended'],
  },
  {
    files: ['src/**/*.ts'],
    ...litA11y.configs.recommended,
  },
  {
    languageOptions: {
      globals: {
        window: 'readonly',
        document: 'readonly',
        console: 'readonly',
        globalThis: 'readonly',
        process: 'readonly',
      },
    },
    rules: {
      'no-undef': 'off', // TypeScript checks names
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Typed EventTargets declare their addEventListener overloads in an interface merged with the class.
      '@typescript-eslint/no-unsafe-declaration-merging': 'off',
      // A getter-bearing object literal built inside a class names its owner `service`/`self`.
      '@typescript-eslint/no-this-alias': ['error', { allowedNames: ['service', 'self'] }],
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/bitcoin/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': restrict(CORE) },
  },
  {
    files: ['src/core/signaling.ts', 'src/core/signaling-session.ts'],
    rules: { 'no-restricted-imports': restrict(CORE, true) },
  },
  {
    files: ['src/features/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': restrict([
        // @lit/localize too: a feature's words come in from its widget (e.g. TradeHost.reviewText), or the widget
        // translates at render (components/*/…text.ts).
        layer(LIT, 'features/ are framework-free: no lit (a widget reaches its feature through FeatureController).'),
        layer(
          ['**/components/*', '**/components/**', '**/context/*', '**/internal/*'],
          'features/ import only core/, bitcoin/ and other features (imports point down).',
        ),
      ]),
    },
  },
  {
    files: ['src/context/**/*.ts', 'src/internal/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': restrict([layer(['**/components/*', '**/components/**'], 'context/ and internal/ never import widgets (imports point down).')]),
    },
  },
  {
    files: ['src/components/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': restrict([
        layer(['../*/*', '!../../*'], 'A widget never imports another widget: share through context, features/ or internal/.'),
      ]),
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-expressions': 'off', // chai: expect(x).to.be.true
    },
  },
);
