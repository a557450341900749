// What the kit's CDN bundles take from '@lit/localize' (rollup.config.mjs resolves the package to this file).
// The package's main module also re-exports its runtime (configureLocalization: catalog loading, message look-up,
// id hashing), which would sit in every page's first load. The kit needs only msg()'s pass-through, str and
// @localized() up front; src/internal/localize.ts loads '@lit/localize/init/runtime.js' on its own (through
// localize-runtime.ts), lazily, when a page first asks for a language other than English. A name missing here
// fails the build (missing export).
export { msg } from '@lit/localize/init/install.js';
export { str } from '@lit/localize/internal/str-tag.js';
export { LOCALE_STATUS_EVENT } from '@lit/localize/internal/locale-status-event.js';
export { localized } from '@lit/localize/internal/localized-decorator.js';
export { updateWhenLocaleChanges } from '@lit/localize/internal/localized-controller.js';
