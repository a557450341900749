// The page script of csp-page.html (an external file: the policy forbids inline scripts). It loads the built
// all-in-one bundle, puts widgets on the page inside one connection, places two orders so the orderbook draws
// depth bars, and records every CSP violation. Exposed as window.cspPage for test/csp.test.ts.
const violations = [];
document.addEventListener('securitypolicyviolation', (e) =>
  violations.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample, source: e.sourceFile }),
);

const kit = await import('/cdn/darkswap.js');
const params = new URLSearchParams(location.search);
const url = params.get('signaling');
const key = params.get('key');

const main = document.getElementById('main');
const conn = document.createElement('darkswap-connection');
conn.setAttribute('signaling-url', url);
conn.setAttribute('key', key);
conn.setAttribute('identity', params.get('identity'));
for (const tag of ['darkswap-demo', 'darkswap-orderbook', 'darkswap-file-share', 'darkswap-network-status', 'darkswap-settings']) {
  const el = document.createElement(tag);
  if (tag === 'darkswap-orderbook') el.setAttribute('pair', 'RUNE:840000:3/BTC');
  if (tag === 'darkswap-settings') el.setAttribute('store', params.get('identity'));
  conn.append(el);
}
main.append(conn);

async function ready() {
  for (let i = 0; i < 300 && conn.status !== 'open'; i++) await new Promise((r) => setTimeout(r, 50));
  if (conn.status !== 'open') throw new Error(`the connection did not open: ${conn.status} ${conn.error?.message ?? ''}`);
  const store = new kit.OrderbookStore({ service: conn.service, persist: false });
  const terms = (side, price, n) => ({ base: 'RUNE:840000:3', quote: 'BTC', side, price, amount: 100n, outpoints: [`${'ab'.repeat(32)}:${n}`] });
  await store.place(terms('sell', 1010n, 1));
  await store.place(terms('buy', 990n, 2));
  document.querySelector('darkswap-orderbook').store = store;
  return true;
}

/** Chooses a file in <darkswap-file-share> and resolves to the SHA-256 prefix the widget shows, with WebCrypto's. */
async function hashInWidget(size) {
  const bytes = new Uint8Array(size);
  for (let at = 0; at < size; at += 65_536) crypto.getRandomValues(bytes.subarray(at, Math.min(size, at + 65_536)));
  const root = document.querySelector('darkswap-file-share').shadowRoot;
  const input = root.querySelector('#file-input');
  const dt = new DataTransfer();
  dt.items.add(new File([bytes], 'csp.bin'));
  input.files = dt.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
  let shown = '';
  for (let i = 0; i < 300 && !/^SHA-256|^Could not/.test(shown); i++) {
    await new Promise((r) => setTimeout(r, 50));
    shown = root.querySelector('[part~="selected-hash"]')?.textContent?.trim() ?? '';
  }
  const digest = [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
  return { shown, expected: `SHA-256 ${digest.slice(0, 16)}…` };
}

function depthBars() {
  const root = document.querySelector('darkswap-orderbook').shadowRoot;
  return [...root.querySelectorAll('[part~="depth-bar"]')].map((b) => b.style.inlineSize);
}

function storageWarning() {
  return document.querySelector('darkswap-file-share').shadowRoot.querySelector('[part~="warning"]')?.textContent?.trim() ?? '';
}

window.cspPage = { violations, ready: ready(), hashInWidget, depthBars, storageWarning, trustedTypes: typeof trustedTypes !== 'undefined' };
