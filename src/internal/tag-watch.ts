/**
 * Calls `onTag` once for every undefined `darkswap-*` tag that is in the page or appears later: in the document
 * and in open shadow roots (those present now, those of added elements, and those attached later, through a
 * wrapper around `Element.prototype.attachShadow`). One MutationObserver watches them all. Used by the
 * autoloader (cdn/autoloader.js) and by the all-in-one for the widgets it defines on first sight.
 */
const PREFIX = 'darkswap-';

export function watchTags(onTag: (tag: string) => void): void {
  const handled = new Set<string>();
  const watched = new WeakSet<Node>();

  const visit = (root: Element | Document | ShadowRoot): void => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT);
    for (let node: Node | null = root instanceof Element ? root : walker.nextNode(); node; node = walker.nextNode()) {
      const el = node as Element;
      const tag = el.localName;
      if (tag.startsWith(PREFIX) && !handled.has(tag) && !customElements.get(tag)) {
        handled.add(tag);
        onTag(tag);
      }
      if (el.shadowRoot) watch(el.shadowRoot);
    }
  };

  const observer = new MutationObserver((records) => {
    for (const record of records) for (const node of record.addedNodes) if (node instanceof Element) visit(node);
  });

  /** Watches a document or open shadow root from now on, after visiting what it already holds. */
  const watch = (root: Document | ShadowRoot): void => {
    if (watched.has(root)) return;
    watched.add(root);
    observer.observe(root, { childList: true, subtree: true });
    visit(root);
  };

  const attachShadow = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (this: Element, init: ShadowRootInit): ShadowRoot {
    const root = attachShadow.call(this, init);
    if (init.mode === 'open') queueMicrotask(() => watch(root));
    return root;
  };

  watch(document);
}
