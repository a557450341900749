// Calls between real tabs, each loading the real demo page (built CDN bundle), through the real PeerServer, driven
// through <darkswap-av-call>'s own UI: a call between two tabs, a third tab joins (mesh) and leaves, a tab whose
// JavaScript stops (frozen) shows as "call lost" within 5 s, and the history survives a reload.
import { expect } from '@open-wc/testing';
import { signaling } from './harness.js';
import { tabClose, tabEval, tabFreeze, tabOpen, tabReload, tabWait } from './tabs.js';

// These run inside the tabs (sent as source: self-contained).
async function prepare(): Promise<string> {
  for (let i = 0; i < 750; i++) {
    const id = document.querySelector('darkswap-demo')?.shadowRoot?.querySelector('[part~="peer-id"]')?.textContent;
    const el = document.querySelector('darkswap-av-call') as (HTMLElement & { videoConstraints?: MediaTrackConstraints; silent: boolean }) | null;
    if (id && id !== '…' && el?.shadowRoot?.querySelector('[part~="call-button"]')) {
      el.videoConstraints = { width: 320, height: 240, frameRate: 15 };
      el.silent = true;
      return id;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('no peer id or call widget within 15 s');
}
function click(part: string): boolean {
  const b = document.querySelector('darkswap-av-call')!.shadowRoot!.querySelector<HTMLButtonElement>(`[part~="${part}"]`);
  b?.click();
  return !!b;
}
function callPeer(peer: string): void {
  const el = document.querySelector('darkswap-av-call') as HTMLElement & { peer: string };
  el.peer = peer;
  void (el as unknown as { updateComplete: Promise<unknown> }).updateComplete.then(() =>
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="call-button"]')!.click(),
  );
}
function invite(peer: string): boolean {
  const r = document.querySelector('darkswap-av-call')!.shadowRoot!;
  const select = r.querySelector<HTMLSelectElement>('[part~="invite-select"]');
  if (!select || ![...select.options].some((o) => o.value === peer)) return false;
  select.value = peer;
  r.querySelector<HTMLButtonElement>('[part~="invite-button"]')!.click();
  return true;
}
/** Per participant tile: peer, state and whether its video has decoded frames. */
function tiles(): { peer: string; state: string; video: boolean }[] {
  return [...document.querySelector('darkswap-av-call')!.shadowRoot!.querySelectorAll<HTMLElement>('[part~="participant"]')].map((li) => ({
    peer: li.dataset.peer!,
    state: li.dataset.state!,
    video: (li.querySelector('video')?.videoWidth ?? 0) > 0,
  }));
}
function activeWithVideo(n: number): boolean {
  const t = [...document.querySelector('darkswap-av-call')!.shadowRoot!.querySelectorAll<HTMLElement>('[part~="participant"]')].map((li) => ({
    state: li.dataset.state!,
    video: (li.querySelector('video')?.videoWidth ?? 0) > 0,
  }));
  return t.length === n && t.every((x) => x.state === 'active' && x.video);
}
function historyOutcomes(): string[] {
  return [...document.querySelector('darkswap-av-call')!.shadowRoot!.querySelectorAll<HTMLElement>('[part~="history-entry"]')].map((e) => e.dataset.outcome!);
}

function isLost(): boolean {
  return /Call lost/.test(document.querySelector('darkswap-av-call')!.shadowRoot!.querySelector('[part~="status"]')!.textContent!);
}
function historyOrFalse(): string[] | false {
  const list = [...(document.querySelector('darkswap-av-call')?.shadowRoot?.querySelectorAll<HTMLElement>('[part~="history-entry"]') ?? [])].map(
    (e) => e.dataset.outcome!,
  );
  return list.length ? list : false;
}

describe('calls between tabs', () => {
  it('two tabs call, a third joins and leaves, a frozen tab is lost within 5 s, history survives a reload', async function () {
    this.timeout(120_000);
    const s = await signaling();
    const path = `/demo/index.html?signaling=${encodeURIComponent(s.url)}&key=${encodeURIComponent(s.key)}`;
    const [one, two, three] = [await tabOpen(path), await tabOpen(path), await tabOpen(path)];
    try {
      const [id1, id2, id3] = [await tabEval<string>(one, prepare), await tabEval<string>(two, prepare), await tabEval<string>(three, prepare)];
      // Tab 1 calls tab 2 (not linked yet: the call dials it); tab 2 accepts.
      await tabEval(one, callPeer, id2);
      await tabWait(two, 'the call rings', 10_000, click, 'accept-button');
      await tabWait(one, 'tab 2 in the call with video', 15_000, activeWithVideo, 1);
      await tabWait(two, 'tab 1 in the call with video', 15_000, activeWithVideo, 1);
      // Tab 1 adds tab 3 (linked first through the demo's own Connect).
      await tabEval(
        three,
        (id: string) => {
          const r = document.querySelector('darkswap-demo')!.shadowRoot!;
          r.querySelector<HTMLInputElement>('#peer-input')!.value = id;
          r.querySelector<HTMLButtonElement>('[part~="connect-button"]')!.click();
        },
        id1,
      );
      await tabWait(one, 'tab 3 offered in "Add someone"', 10_000, invite, id3);
      await tabWait(three, 'the invite rings in tab 3', 10_000, click, 'accept-button');
      // Everyone sees both others, with decoded video: tab 3 joined tab 2 through tab 1's announcement.
      for (const tab of [one, two, three]) await tabWait(tab, `three-way call in tab ${tab}`, 20_000, activeWithVideo, 2);
      expect((await tabEval<{ peer: string }[]>(three, tiles)).map((t) => t.peer).sort()).to.deep.equal([id1, id2].sort());
      // Tab 3 hangs up: the others see it within 1 s and go on.
      const left = Date.now();
      await tabEval(three, click, 'hangup-button');
      await tabWait(one, 'tab 3 gone from tab 1', 2_000, activeWithVideo, 1);
      await tabWait(two, 'tab 3 gone from tab 2', 2_000, activeWithVideo, 1);
      expect(Date.now() - left).to.be.below(1_500); // 1 s plus the polling of two tabs from here
      // Tab 2's JavaScript stops (a suspended tab): tab 1 shows the call lost within 5 s.
      await tabFreeze(two, true);
      const frozen = Date.now();
      try {
        await tabWait(one, '"call lost" in tab 1', 6_000, isLost);
        expect(Date.now() - frozen).to.be.below(5_000);
      } finally {
        await tabFreeze(two, false);
      }
      // History after a reload of tab 1: the three-way call, lost at the end.
      await tabReload(one);
      await tabEval(one, prepare);
      const outcomes = await tabWait<string[]>(one, 'history after reload', 10_000, historyOrFalse);
      expect(outcomes[0]).to.equal('lost');
      expect(await tabEval<string[]>(three, historyOutcomes)).to.deep.equal(['completed']);
    } finally {
      for (const tab of [one, two, three]) await tabClose(tab);
    }
  });
});
