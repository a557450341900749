/**
 * The kit's `@lit/localize` configuration: its runtime and the catalogs' loaders. A lazy chunk of its own, loaded
 * by localize.ts only when the page's `lang` first names a shipped locale other than English.
 */
import type { LocaleModule } from '@lit/localize';
import { configureLocalization } from '@lit/localize/init/runtime.js';
import { sourceLocale, targetLocales } from '../locales/locale-codes.js';

/** Each shipped catalog as a lazy chunk (a missing locale here is a type error). */
const CATALOGS: Record<(typeof targetLocales)[number], () => Promise<LocaleModule>> = {
  de: () => import('../locales/de.js'),
};

export type Controls = ReturnType<typeof configureLocalization>;

/** Configures `@lit/localize` for the kit's catalogs; `null` when the page configured it already. */
export function configureKit(): Controls | null {
  try {
    return configureLocalization({ sourceLocale, targetLocales, loadLocale: (l) => CATALOGS[l as keyof typeof CATALOGS]() });
  } catch {
    console.warn(
      '[darkswap] @lit/localize was configured by the page before the kit: the kit’s messages follow that configuration ' +
        '(merge the kit’s catalogs into your loadLocale, see the README "Languages").',
    );
    return null;
  }
}
