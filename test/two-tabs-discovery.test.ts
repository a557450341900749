// Discovery between real tabs of the demo page (built CDN bundle, real PeerServer), driven through
// <darkswap-peer-discovery>'s own UI: tab 2 opens tab 1's invite link (the link verified by its pinned key), and a
// reload of tab 2 keeps its peer id and links back to its contact (`reconnect`).
import { expect } from '@open-wc/testing';
import { signaling } from './harness.js';
import { tabClose, tabEval, tabOpen, tabReload, tabWait } from './tabs.js';
import { linkedTo, peerId } from './demo-tab.js';

// These run inside the tabs (sent as source: self-contained).
function inviteLinkShown(): string | false {
  const r = document.querySelector('darkswap-peer-discovery')?.shadowRoot;
  const button = r?.querySelector<HTMLButtonElement>('[part~="invite-button"]');
  if (!r || !button || button.disabled) return false;
  const field = r.querySelector<HTMLInputElement>('[part~="invite-link"]');
  if (!field) {
    button.click();
    return false;
  }
  return field.value;
}
function openInvite(link: string): void {
  const r = document.querySelector('darkswap-peer-discovery')!.shadowRoot!;
  r.querySelector<HTMLInputElement>('[part~="open-invite-input"]')!.value = link;
  r.querySelector<HTMLButtonElement>('[part~="open-invite-button"]')!.click();
}
function contactState(): { text: string; linked: string } | false {
  const c = document.querySelector('darkswap-peer-discovery')?.shadowRoot?.querySelector<HTMLElement>('[part~="contact"]');
  return c ? { text: c.textContent!.replace(/\s+/g, ' '), linked: c.dataset.linked! } : false;
}

describe('discovery between tabs', () => {
  it('an invite link links two tabs verified; a reload keeps the peer id and links back to the contact', async function () {
    this.timeout(90_000);
    const s = await signaling();
    const path = `/demo/index.html?signaling=${encodeURIComponent(s.url)}&key=${encodeURIComponent(s.key)}`;
    const [one, two] = [await tabOpen(path), await tabOpen(path)];
    try {
      const id1 = await tabWait<string>(one, 'peer id', 15_000, peerId);
      const id2 = await tabWait<string>(two, 'peer id', 15_000, peerId);
      const link = await tabWait<string>(one, 'invite link', 10_000, inviteLinkShown);
      expect(link).to.include('#darkswap-invite=');
      await tabEval(two, openInvite, link);
      await tabWait(two, 'linked by the invite', 15_000, linkedTo, id1);
      const contact = await tabWait<{ text: string; linked: string }>(two, 'contact', 10_000, contactState);
      expect(contact.text).to.include('verified by invite');
      expect(contact.text).to.include(id1);
      // Reload tab 2: same peer id (reclaimed), and it links back to tab 1 (its last peer and contact).
      await tabReload(two);
      const again = await tabWait<string>(two, 'peer id after reload', 15_000, peerId);
      expect(again).to.equal(id2);
      await tabWait(two, 'linked again after the reload', 20_000, linkedTo, id1);
      await tabWait(two, 'contact shown linked', 10_000, () => {
        const c = document.querySelector('darkswap-peer-discovery')?.shadowRoot?.querySelector<HTMLElement>('[part~="contact"]');
        return c?.dataset.linked === 'true';
      });
    } finally {
      for (const tab of [one, two]) await tabClose(tab);
    }
  });
});
