// Two separate browser tabs, each loading the real demo page (built CDN bundle), talk through the
// real PeerServer — driven through the widget's own UI.
import { expect } from '@open-wc/testing';
import { signaling } from './harness.js';
import { tabClose, tabEval, tabLogs, tabOpen, tabReload, tabWait } from './tabs.js';
import { acceptAndWait, offerFile } from './file-tab.js';

// These functions run inside the tabs.
async function myPeerId(): Promise<string> {
  for (let i = 0; i < 750; i++) {
    const text = document.querySelector('darkswap-demo')?.shadowRoot?.querySelector('[part~="peer-id"]')?.textContent;
    if (text && text !== '…') return text;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('no peer id shown within 15 s');
}
function typeAndSubmit(inputSelector: string, buttonPart: string, value: string): void {
  const root = document.querySelector('darkswap-demo')!.shadowRoot!;
  const input = root.querySelector<HTMLInputElement>(inputSelector)!;
  input.value = value;
  root.querySelector<HTMLButtonElement>(`[part~="${buttonPart}"]`)!.click();
}
async function waitForText(part: string, text: string): Promise<string> {
  for (let i = 0; i < 750; i++) {
    const got = [...(document.querySelector('darkswap-demo')?.shadowRoot?.querySelectorAll(`[part~="${part}"]`) ?? [])]
      .map((e) => e.textContent!.replace(/\s+/g, ' ').trim())
      .join('\n');
    if (got.includes(text)) return got;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`"${text}" did not appear in ${part}`);
}

/** After a reload: how each listed transfer shows (name, status, whether it offers Accept, its text). */
function transfersShown(): { name: string; status: string; accept: boolean; text: string }[] | null {
  const root = document.querySelector('darkswap-file-share')?.shadowRoot;
  const rows = [...(root?.querySelectorAll<HTMLElement>('[part~="transfer"]') ?? [])];
  if (!rows.length) return null;
  return rows.map((r) => ({
    name: r.querySelector('[part~="file-name"]')?.textContent ?? '',
    status: r.dataset.status ?? '',
    accept: !!r.querySelector('[part~="accept-button"]'),
    text: r.textContent!.replace(/\s+/g, ' ').trim(),
  }));
}

describe('demo page in two tabs', () => {
  it('tab 2 connects to tab 1 by peer id and both exchange messages through the real server', async () => {
    const s = await signaling();
    const path = `/demo/index.html?signaling=${encodeURIComponent(s.url)}&key=${encodeURIComponent(s.key)}`;
    const [one, two] = [await tabOpen(path), await tabOpen(path)];
    try {
      const id1 = await tabEval<string>(one, myPeerId);
      const id2 = await tabEval<string>(two, myPeerId);
      expect(id1).to.not.equal(id2);
      await tabEval(two, typeAndSubmit, '#peer-input', 'connect-button', id1);
      await tabEval(two, waitForText, 'peer', 'Connected');
      await tabEval(one, waitForText, 'peer', 'Connected');
      await tabEval(two, typeAndSubmit, '#message-input', 'send-button', 'hello from tab 2');
      const log1 = await tabEval<string>(one, waitForText, 'message', 'hello from tab 2');
      expect(log1).to.contain(`${id2}:hello from tab 2`);
      await tabEval(one, typeAndSubmit, '#message-input', 'send-button', 'and back from tab 1');
      const log2 = await tabEval<string>(two, waitForText, 'message', 'and back from tab 1');
      expect(log2).to.contain(`${id1}:and back from tab 1`);
      // Every widget on the page is defined, and the trade widget got its test wallet; no page errors.
      const page = await tabEval<{ defined: boolean[]; wallet: boolean }>(two, () => ({
        defined: ['darkswap-orderbook', 'darkswap-trade', 'darkswap-file-share'].map((t) => !!customElements.get(t)),
        wallet: !!(document.querySelector('darkswap-trade') as unknown as { wallet?: unknown }).wallet,
      }));
      expect(page.defined).to.deep.equal([true, true, true]);
      expect(page.wallet).to.equal(true);
      const logs = await tabLogs(two);
      expect(logs.filter((l) => l.startsWith('pageerror'))).to.deep.equal([]);
    } finally {
      await tabClose(one);
      await tabClose(two);
    }
  });
  it('the file-share widget sends a file from one tab to the other: offer, accept, verified download', async function () {
    this.timeout(60_000);
    const s = await signaling();
    const path = `/demo/index.html?signaling=${encodeURIComponent(s.url)}&key=${encodeURIComponent(s.key)}`;
    const [one, two] = [await tabOpen(path), await tabOpen(path)];
    try {
      const id1 = await tabEval<string>(one, myPeerId);
      await tabEval<string>(two, myPeerId);
      await tabEval(two, typeAndSubmit, '#peer-input', 'connect-button', id1);
      await tabEval(one, waitForText, 'peer', 'Connected');
      const size = 3 * 1024 * 1024 + 17;
      const sha256 = await tabEval<string>(two, offerFile, id1, size);
      const got = await tabEval<{ name: string; hash: string; href: string; bytes: number }>(one, acceptAndWait);
      expect(got.name).to.equal('between-tabs.bin');
      expect(got.hash).to.equal(`SHA-256 verified: ${sha256}`);
      expect(got.href).to.match(/^blob:/);
      expect(got.bytes).to.equal(size);
      // Issue 18 item 7: after a reload the received file is listed as received, never as an offer with Accept.
      await tabReload(one);
      await tabEval<string>(one, myPeerId);
      const rows = await tabWait<{ name: string; status: string; accept: boolean; text: string }[]>(
        one,
        'transfers listed after the reload',
        15_000,
        transfersShown,
      );
      const row = rows.find((r) => r.name === 'between-tabs.bin');
      expect(row, JSON.stringify(rows)).to.not.equal(undefined);
      expect(row!.status, row!.text).to.equal('complete');
      expect(row!.accept, row!.text).to.equal(false);
      expect(row!.text).to.not.contain('Offered to you');
      for (const tab of [one, two]) expect((await tabLogs(tab)).filter((l) => l.startsWith('pageerror'))).to.deep.equal([]);
    } finally {
      await tabClose(one);
      await tabClose(two);
    }
  });
});
