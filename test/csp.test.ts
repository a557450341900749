// Every widget on a page with a strict Content-Security-Policy and Trusted Types (test/csp/csp-page.html, the
// built bundle): the orderbook draws its depth bars through CSSOM, file sharing hashes in JavaScript where
// WebAssembly is forbidden, the OPFS worker starts through the kit's Trusted Types policy, and nothing but the
// one WebAssembly attempt is reported as a violation.
import { expect } from '@open-wc/testing';
import { signaling, uniqueId } from './harness.js';
import { tabClose, tabEval, tabOpen, tabWait } from './tabs.js';

interface Violation {
  directive: string;
  blocked: string;
  sample: string;
  source: string;
}
interface CspPage {
  violations: Violation[];
  ready: Promise<boolean>;
  hashInWidget(size: number): Promise<{ shown: string; expected: string }>;
  depthBars(): string[];
  storageWarning(): string;
  trustedTypes: boolean;
}

describe('a page with a strict CSP and Trusted Types', function () {
  this.timeout(60_000);

  it('runs every widget: depth bars via CSSOM, JavaScript hashing, the OPFS worker through the kit policy', async () => {
    const s = await signaling();
    const identity = uniqueId('csp')
      .replace(/[^\w-]/g, '-')
      .slice(0, 60);
    const tab = await tabOpen(`/test/csp/csp-page.html?signaling=${encodeURIComponent(s.url)}&key=${s.key}&identity=${identity}`);
    try {
      await tabWait(tab, 'the page script', 20_000, () => !!(window as unknown as { cspPage?: unknown }).cspPage);
      const ready = await tabEval<boolean | string>(tab, async () => {
        try {
          return await (window as unknown as { cspPage: { ready: Promise<boolean> } }).cspPage.ready;
        } catch (e) {
          return String(e);
        }
      });
      expect(ready).to.equal(true);
      expect(await tabEval<boolean>(tab, () => (window as unknown as { cspPage: CspPage }).cspPage.trustedTypes)).to.equal(true);
      const bars = await tabWait<string[]>(tab, 'depth bars', 10_000, () => {
        const b = (window as unknown as { cspPage: CspPage }).cspPage.depthBars();
        return b.length >= 2 && b.every((w) => /%$/.test(w)) && b;
      });
      expect(bars.length).to.be.at.least(2);
      const hash = await tabEval<{ shown: string; expected: string }>(tab, () => (window as unknown as { cspPage: CspPage }).cspPage.hashInWidget(3_000_000));
      expect(hash.shown).to.equal(hash.expected);
      expect(await tabEval<string>(tab, () => (window as unknown as { cspPage: CspPage }).cspPage.storageWarning()), 'OPFS in use, no memory warning').to.equal(
        '',
      );
      const violations = await tabEval<Violation[]>(tab, () => (window as unknown as { cspPage: CspPage }).cspPage.violations);
      const others = violations.filter((v) => !(v.blocked === 'wasm-eval' || /wasm/i.test(v.sample)));
      expect(others, JSON.stringify(others)).to.deep.equal([]);
      expect(violations.length, 'at most the one WebAssembly attempt').to.be.at.most(1);
    } finally {
      await tabClose(tab);
    }
  });
});
