// The built bundles speak the page's language too (issue 18 item 5): with <html lang="de"> the all-in-one ES
// bundle loads its German catalog and @lit/localize's runtime as lazy chunks, and two copies of the kit on one
// page (two URLs, two module instances, each with its own @lit/localize) both follow `lang`, at runtime too.
import { expect } from '@open-wc/testing';
import { waitFor } from './harness.js';

type Kit = typeof import('../src/darkswap.js');

const GERMAN = 'Nicht verbunden: Dieses Widget braucht';
const ENGLISH = 'Not connected: this widget needs';

describe('languages in cdn/darkswap.js', function () {
  this.timeout(30_000);
  const root = document.documentElement;
  after(() => root.removeAttribute('lang'));

  it('two copies of the bundle both show German on a lang="de" page and follow a switch back to English', async () => {
    const warnings: string[] = [];
    const originalWarn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args.join(' '));
    try {
      root.lang = 'de';
      const A = (await import(/* @vite-ignore */ '/cdn/darkswap.js' as string)) as Kit;
      const B = (await import(/* @vite-ignore */ '/cdn-copy/darkswap.js' as string)) as Kit;
      expect(A.DarkswapDemo).to.not.equal(B.DarkswapDemo);
      customElements.define('x-demo-lang-from-copy-b', class extends B.DarkswapDemo {});
      const wrap = document.createElement('div');
      wrap.innerHTML = '<darkswap-demo></darkswap-demo><x-demo-lang-from-copy-b></x-demo-lang-from-copy-b>';
      document.body.append(wrap);
      const [a, b] = [...wrap.children] as HTMLElement[];
      const text = (el: HTMLElement) => el.shadowRoot?.textContent ?? '';
      await waitFor(() => text(a!).includes(GERMAN) && text(b!).includes(GERMAN), 10_000, 'both copies in German');
      expect(a!.shadowRoot!.querySelector('[part~="title"]')!.textContent).to.equal('WebRTC-Demo');
      root.lang = 'en';
      await waitFor(() => text(a!).includes(ENGLISH) && text(b!).includes(ENGLISH), 10_000, 'both copies back in English');
      wrap.remove();
    } finally {
      console.warn = originalWarn;
    }
    expect(warnings.filter((w) => w.includes('@lit/localize'))).to.deep.equal([]);
  });
});
