/**
 * The kit's languages: its messages follow the page's `lang` (`<html lang="de">`), watched for changes.
 *
 * `@lit/localize` may be configured once per page (per copy of the library), so the kit configures it lazily:
 * only when the page's `lang` first names a shipped locale other than English. A page in English never loads a
 * catalog nor configures anything. If the page (sharing the kit's `@lit/localize`) configured it already, the
 * kit does not fight it: its messages then follow that configuration (see README "Languages"). Each copy of
 * the kit on a page bundles and configures its own `@lit/localize`, so two copies each follow `lang`.
 */
import { sourceLocale, targetLocales } from '../locales/locale-codes.js';
import type { Controls } from './localize-runtime.js';

/** A shipped message locale: the source (`en`) or one of the generated catalogs. */
export type MessageLocale = typeof sourceLocale | (typeof targetLocales)[number];

/** The controls once configured; `null`: the page configured `@lit/localize` itself. */
let controls: Controls | null | undefined;
/** Configuring (loading the runtime), started by the first shipped non-English `lang`. */
let configuring: Promise<Controls | null> | undefined;
let started = false;

/** The page's `lang` (the root element's), trimmed; '' when none. */
export function pageLang(): string {
  return typeof document === 'undefined' ? '' : (document.documentElement.lang ?? '').trim();
}

/** The shipped message locale for a BCP 47 tag: its language when shipped (`de-AT` → `de`), else English. */
export function messageLocaleFor(lang: string): MessageLocale {
  const language = lang.toLowerCase().split(/[-_]/)[0] ?? '';
  return (targetLocales as readonly string[]).includes(language) ? (language as MessageLocale) : sourceLocale;
}

/** The message locale in use now (English until a catalog has loaded). */
export function activeLocale(): MessageLocale {
  return ((controls && controls.getLocale()) || sourceLocale) as MessageLocale;
}

/**
 * The locale numbers and dates are formatted in: the page's `lang` when it is a valid tag of the active
 * message locale's language (`de-CH` keeps Swiss separators), else the message locale itself — so a sentence
 * and its numbers never speak two languages.
 */
export function formatLocale(): string {
  const active = activeLocale();
  const lang = pageLang();
  if (lang && messageLocaleFor(lang) === active && lang.toLowerCase().split(/[-_]/)[0] === active) {
    try {
      return Intl.getCanonicalLocales(lang)[0] ?? active;
    } catch {
      return active;
    }
  }
  return active;
}

/** Loads `@lit/localize`'s runtime with the kit's catalogs (localize-runtime.ts, a lazy chunk) and configures it. */
function configure(): Promise<Controls | null> {
  return import('./localize-runtime.js').then(({ configureKit }) => configureKit());
}

/** Switch to the locale the page's `lang` asks for now (configuring first when it is not English). */
function follow(): Promise<void> {
  if (!configuring) {
    if (messageLocaleFor(pageLang()) === sourceLocale) return Promise.resolve(); // English: nothing to load.
    configuring = configure();
  }
  return configuring.then((c) => {
    controls = c;
    // The lang of now, not of when the runtime was asked for: it may have changed meanwhile.
    const wanted = messageLocaleFor(pageLang());
    return c?.setLocale(wanted).catch((error: unknown) => console.warn(`[darkswap] Could not load the "${wanted}" messages:`, error));
  });
}

/**
 * Start following the page's `lang` (idempotent; every DarkSwap element calls it when created). Switching
 * `lang` later re-renders every `@localized()` element once the catalog has loaded.
 */
export function followPageLanguage(): void {
  if (started || typeof document === 'undefined') return;
  started = true;
  void follow();
  new MutationObserver(() => void follow()).observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });
}

/** Resolves when the current locale's catalog has loaded (tests and apps that need the switch done). */
export async function localeReady(): Promise<MessageLocale> {
  await follow();
  return activeLocale();
}
