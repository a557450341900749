/**
 * The autoloader (`cdn/autoloader.js`), for script-tag users who want only the widgets a page shows:
 *
 *   <script type="module" src="https://your.cdn/darkswap/cdn/autoloader.js"></script>
 *
 * It finds undefined `darkswap-*` elements — in the document and in open shadow roots — when it loads and
 * whenever they appear later (internal/tag-watch.ts), and imports each tag's entry `darkswap-<name>.js` next to
 * its own URL, once per tag. Every entry brings the shared runtime, which registers `<darkswap-connection>` too.
 * An unknown `darkswap-*` tag gets one console warning and is left alone. Like the all-in-one, it attaches the
 * page's ContextRoot at once, so widgets asking for a connection before any provider exists get it when one
 * appears.
 */
import { attachContextRoot } from './context/context-root.js';
import { ELEMENT_NAMES } from './internal/element-names.js';
import { watchTags } from './internal/tag-watch.js';

const known = new Set<string>(ELEMENT_NAMES);

attachContextRoot();
watchTags((tag) => {
  if (!known.has(tag.slice('darkswap-'.length))) {
    console.warn(`[darkswap] autoloader: <${tag}> is not a DarkSwap element; left undefined.`);
    return;
  }
  const url = new URL(`./${tag}.js`, import.meta.url).href;
  import(url).catch((error: unknown) => console.error(`[darkswap] autoloader: <${tag}> could not be loaded from ${url}:`, error));
});
