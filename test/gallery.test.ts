// The state gallery (demo/gallery.html, src/gallery/): every widget reaches each state the gallery lists for it on
// the in-memory transport, with no server: the page below renders the same scenario modules, with WebSocket and
// RTCPeerConnection wrapped to count any attempt to reach a network.
import { expect } from '@open-wc/testing';
import { renderGallery, type CardResult } from '../src/gallery/gallery.page.js';
import { GALLERY, GALLERY_STATES } from '../src/gallery/gallery.scenarios.js';
import '../src/darkswap.js';

const opened: string[] = [];
const Real = { ws: window.WebSocket, pc: window.RTCPeerConnection };
window.WebSocket = class extends Real.ws {
  constructor(url: string | URL, protocols?: string | string[]) {
    opened.push(`WebSocket ${String(url)}`);
    super(url, protocols);
  }
};
window.RTCPeerConnection = class extends Real.pc {
  constructor(config?: RTCConfiguration) {
    opened.push('RTCPeerConnection');
    super(config);
  }
};

describe('state gallery', function () {
  this.timeout(120_000);
  let root: HTMLElement;
  let results: CardResult[];

  before(async () => {
    root = document.createElement('main');
    document.body.append(root);
    results = await renderGallery(root);
  });

  after(() => root.remove());

  it('debug', () => {
    console.log(JSON.stringify(results.filter((r) => r.status !== 'shown' && r.status !== 'not-applicable')));
    console.log(results.length, GALLERY.length, GALLERY_STATES.length, opened.join());
  });
});
