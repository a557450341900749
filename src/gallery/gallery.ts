/**
 * The state gallery's entry (cdn/gallery.js, loaded by demo/gallery.html): registers every element, as the
 * all-in-one does, and renders the gallery into `#gallery` when the page has one. Exports the pieces for tests.
 */
import '../darkswap-iife.js'; // every element registered at once (the all-in-one defines some on first sight)
import { renderGallery, type CardResult } from './gallery.page.js';

export { renderGallery, PLAYGROUND_TOKENS, type CardResult, type TokenInput } from './gallery.page.js';
export { GALLERY, GALLERY_STATES, STATE_LABELS, type GalleryState, type GalleryWidget } from './gallery.scenarios.js';

declare global {
  interface Window {
    /** Every card's result once the gallery has settled (for tests and the curious). */
    darkswapGallery?: Promise<CardResult[]>;
  }
}

const root = document.getElementById('gallery');
if (root) {
  window.darkswapGallery = renderGallery(root).then((results) => {
    root.dataset.ready = 'true';
    root.setAttribute('aria-busy', 'false');
    const failed = results.filter((r) => r.status === 'failed');
    if (failed.length) console.warn(`Gallery: ${failed.length} state(s) could not be built`, failed);
    return results;
  });
}
