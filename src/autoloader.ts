/**
 * The autoloader (`cdn/autoloader.js`), for script-tag users who want only the widgets a page shows:
 *
 *   <script type="module" src="https://your.cdn/darkswap/cdn/autoloader.js"></script>
 *
 * It finds undefined `darkswap-*` elements — in the document and in open shadow roots — when it loads and
 * whenever they appear later (one MutationObserver watching the document and every open shadow root: those
 * present when it loads, those of added elements, and those attached later, through a wrapper around
 * `Element.prototype.attachShadow`), and imports each tag's entry `darkswap-<name>.js` next to its own URL,
 * once per tag. Every entry brings the shared runtime, which registers `<darkswap-connection>` too. An unknown
 * `darkswap-*` tag gets one console warning and is left alone. Like the all-in-one, it attaches the page's
 * ContextRoot at once, so widgets asking for a connection before any provider exists get it when one appears.
 */
import { attachContextRoot } from './context/context-root.js';
import { ELEMENT_NAMES } from './internal/element-names.js';

const PREFIX = 'darkswap-';
const known = new Set<string>(ELEMENT_NAMES);
/** Tags seen so far (loaded, loading, failed or unknown): each is handled once. */
const handled = new Set<string>();
const watched = new WeakSet<Node>();

function handle(tag: string): void {
  if (handled.has(tag)) return;
  handled.add(tag);
  const name = tag.slice(PREFIX.length);
  if (!known.has(name)) {
    console.warn(`[darkswap] autoloader: <${tag}> is not a DarkSwap element; left undefined.`);
    return;
  }
  if (customElements.get(tag)) return; // another bundle on the page registered it
  import(new URL(`./${tag}.js`, import.meta.url).href).catch((error: unknown) =>
    console.error(`[darkswap] autoloader: <${tag}> could not be loaded from ${new URL(`./${tag}.js`, import.meta.url).href}:`, error),
  );
}

/** Handles the kit's undefined elements in `root` (itself included) and watches the open shadow roots there. */
function visit(root: Element | Document | ShadowRoot): void {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT);
  for (let node: Node | null = root instanceof Element ? root : walker.nextNode(); node; node = walker.nextNode()) {
    const el = node as Element;
    if (el.localName.startsWith(PREFIX) && !customElements.get(el.localName)) handle(el.localName);
    if (el.shadowRoot) watch(el.shadowRoot);
  }
}

const observer = new MutationObserver((records) => {
  for (const record of records) for (const node of record.addedNodes) if (node instanceof Element) visit(node);
});

/** Watches a document or open shadow root from now on, after visiting what it already holds. */
function watch(root: Document | ShadowRoot): void {
  if (watched.has(root)) return;
  watched.add(root);
  observer.observe(root, { childList: true, subtree: true });
  visit(root);
}

// Open shadow roots attached from now on (a widget's own, an app's components): watched once they exist.
const attachShadow = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (this: Element, init: ShadowRootInit): ShadowRoot {
  const root = attachShadow.call(this, init);
  if (init.mode === 'open') queueMicrotask(() => watch(root));
  return root;
};

attachContextRoot();
watch(document);
