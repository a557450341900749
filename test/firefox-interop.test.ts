// Chromium ↔ Firefox: the kit between this Chromium and a real Firefox (Debian `firefox-esr`, driven over WebDriver
// BiDi by scripts/firefox-plugin.mjs), through the real PeerServer and real WebRTC. Chat, a file each way with a
// verified hash, a rune sale signed in both browsers, and a video call (its DTLS certificate check included).
// Outside CI a missing Firefox skips with one line; in CI it fails.
import { expect } from '@open-wc/testing';
import { destroyServices, openService, signaling, waitFor } from './harness.js';
import { tabClose, tabEval, tabLogs, tabOpen, tabWait } from './tabs.js';
import { firefoxTabOpen, stopFirefox } from './firefox.js';
import { acceptAndWait, offerFile } from './file-tab.js';
import { bridgeLedger } from './firefox-ledger.js';
import { completeRuneSale } from './tab-swap.js';
import {
  connectTo,
  linkedTo,
  ledgerOutput,
  newIncoming,
  openTake,
  orderbookNote,
  peerId,
  placeSellOrder,
  submitTake,
  tradeIn,
  walletOutpoint,
  type TradeView,
} from './demo-tab.js';
import { DemoMessageSchema, DEMO_MAX_BYTES, type DemoMessage } from '../src/components/demo/demo.model.js';

// These run inside a tab.
function typeMessage(text: string): void {
  const root = document.querySelector('darkswap-demo')!.shadowRoot!;
  root.querySelector<HTMLInputElement>('#message-input')!.value = text;
  root.querySelector<HTMLButtonElement>('[part~="send-button"]')!.click();
}
function messageShown(text: string): boolean {
  return [...(document.querySelector('darkswap-demo')?.shadowRoot?.querySelectorAll('[part~="message"]') ?? [])].some((e) =>
    e.textContent!.replace(/\s+/g, ' ').trim().includes(text),
  );
}
/**
 * The link to `peer` as this tab's service sees it: the latest statistics sample (read from Firefox's own
 * `getStats()` fields here; the network-status widget shows the same) and the SCTP message size.
 */
async function linkView(peer: string): Promise<{ path?: string; protocol?: string; rtt: string; maxMessageSize?: number }> {
  const service = (
    document.querySelector('darkswap-connection') as unknown as {
      service: {
        stats(p: string): Promise<{ latest?: { path: string; protocol: string; rttMs?: number } } | undefined>;
        peerConnection(p: string): RTCPeerConnection | undefined;
      };
    }
  ).service;
  const latest = (await service.stats(peer))?.latest;
  return { path: latest?.path, protocol: latest?.protocol, rtt: typeof latest?.rttMs, maxMessageSize: service.peerConnection(peer)?.sctp?.maxMessageSize };
}
/** Where the file-share widget keeps received files ('opfs' or 'memory'), once it knows. */
function fileStorage(): string | null {
  return (document.querySelector('darkswap-file-share') as unknown as { storage?: string }).storage ?? null;
}
function browserName(): string {
  return navigator.userAgent.includes('Firefox/') ? 'firefox' : 'chromium';
}

const pageErrors = async (tab: number) => (await tabLogs(tab)).filter((l) => l.startsWith('pageerror'));

/** The call widget at a small size and silent; true once it shows its call button. */
function callReady(): boolean {
  const el = document.querySelector('darkswap-av-call') as (HTMLElement & { videoConstraints?: MediaTrackConstraints; silent: boolean }) | null;
  if (!el?.shadowRoot?.querySelector('[part~="call-button"]')) return false;
  el.videoConstraints = { width: 320, height: 240, frameRate: 15 };
  el.silent = true;
  return true;
}
function callPeer(peer: string): void {
  const el = document.querySelector('darkswap-av-call') as HTMLElement & { peer: string; updateComplete: Promise<unknown> };
  el.peer = peer;
  void el.updateComplete.then(() => el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="call-button"]')!.click());
}
function clickCall(part: string): boolean {
  const b = document.querySelector('darkswap-av-call')!.shadowRoot!.querySelector<HTMLButtonElement>(`[part~="${part}"]`);
  b?.click();
  return !!b;
}
/** The other participant, once the call with them is active and their video has decoded frames. */
function inCallWithVideo(): { peer: string; width: number } | null {
  const tiles = [...document.querySelector('darkswap-av-call')!.shadowRoot!.querySelectorAll<HTMLElement>('[part~="participant"]')];
  const t = tiles[0];
  const width = t?.querySelector('video')?.videoWidth ?? 0;
  return tiles.length === 1 && t!.dataset.state === 'active' && width > 0 ? { peer: t!.dataset.peer!, width } : null;
}
function callStatus(): string {
  return document.querySelector('darkswap-av-call')!.shadowRoot!.querySelector('[part~="status"]')?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
}

/** Links demo tab `from` to demo tab `to` (by `to`'s peer id) unless they are linked already; resolves to the ids. */
async function linkTabs(from: number, to: number): Promise<[string, string]> {
  const fromId = await tabWait<string>(from, 'peer id', 20_000, peerId);
  const toId = await tabWait<string>(to, 'peer id', 20_000, peerId);
  if (!(await tabEval<boolean>(from, linkedTo, toId))) await tabEval(from, connectTo, toId);
  await tabWait(to, 'link', 15_000, linkedTo, fromId);
  await tabWait(from, 'link', 15_000, linkedTo, toId);
  return [fromId, toId];
}

// One Firefox tab and one Chromium tab of the demo page serve the whole file (each page load costs seconds).
describe('Chromium ↔ Firefox', function () {
  this.timeout(120_000);
  const ledger = `f${crypto.randomUUID().slice(0, 8)}`;
  let fx = 0;
  let cr = 0;

  before(async function () {
    this.timeout(150_000);
    const s = await signaling();
    const path = `/demo/index.html?signaling=${encodeURIComponent(s.url)}&key=${encodeURIComponent(s.key)}&ledger=${ledger}`;
    fx = await firefoxTabOpen(this, path);
    cr = await tabOpen(path);
  });
  afterEach(() => destroyServices());
  after(async () => {
    if (cr) await tabClose(cr);
    if (fx) await tabClose(fx);
    await stopFirefox();
  });

  it('chat: this page’s service and a Firefox demo tab exchange messages both ways; the demo widget shows them', async () => {
    expect(await tabEval(fx, browserName)).to.equal('firefox');
    const fxId = await tabWait<string>(fx, 'peer id', 20_000, peerId);
    const service = await openService();
    const demo = service.channel<DemoMessage>('demo', { schema: DemoMessageSchema, maxBytes: DEMO_MAX_BYTES });
    const got: string[] = [];
    demo.on((m, from) => got.push(`${from}:${m.text}`));
    await service.connect(fxId);
    await tabWait(fx, 'link from Chromium', 15_000, linkedTo, service.id!);
    demo.send(fxId, { text: 'hello from Chromium' });
    await tabWait(fx, 'message shown', 10_000, messageShown, `${service.id}:hello from Chromium`);
    await tabEval(fx, typeMessage, 'and back from Firefox');
    await waitFor(() => got.length > 0, 10_000, 'the message from Firefox');
    expect(got).to.deep.equal([`${fxId}:and back from Firefox`]);
    // Firefox's statistics name the selected pair its own way; the sample still says how the link runs. Both
    // sides agree on the smaller SCTP message size (Chromium's 256 KiB; Firefox alone offers 1 GiB).
    expect(await tabEval(fx, linkView, service.id!)).to.deep.equal({ path: 'direct', protocol: 'udp', rtt: 'number', maxMessageSize: 262_144 });
    expect(service.peerConnection(fxId)?.sctp?.maxMessageSize).to.equal(262_144);
    expect(await pageErrors(fx)).to.deep.equal([]);
  });

  it('file share: a file each way between a Chromium tab and a Firefox tab, hashes verified', async () => {
    const [crId, fxId] = await linkTabs(cr, fx);
    // Firefox writes received files to its private file system (OPFS, sync access handles in a worker).
    expect(await tabWait(fx, 'storage kind', 10_000, fileStorage)).to.equal('opfs');
    // Over 1 MiB, so it travels in many chunks (each under both sides' SCTP message size), and an odd size.
    const size = 1024 * 1024 + 17;
    const toFirefox = await tabEval<string>(cr, offerFile, fxId, size, 'chromium-to-firefox.bin');
    const atFirefox = await tabEval<{ name: string; hash: string; bytes: number }>(fx, acceptAndWait, 'chromium-to-firefox.bin');
    expect(atFirefox.hash).to.equal(`SHA-256 verified: ${toFirefox}`);
    expect(atFirefox.bytes).to.equal(size);
    const toChromium = await tabEval<string>(fx, offerFile, crId, size + 1000, 'firefox-to-chromium.bin');
    const atChromium = await tabEval<{ name: string; hash: string; bytes: number }>(cr, acceptAndWait, 'firefox-to-chromium.bin');
    expect(atChromium.hash).to.equal(`SHA-256 verified: ${toChromium}`);
    expect(atChromium.bytes).to.equal(size + 1000);
    expect(await pageErrors(fx)).to.deep.equal([]);
    expect(await pageErrors(cr)).to.deep.equal([]);
  });

  it('trade: a Firefox tab buys a rune from a Chromium tab’s order; both review, sign, and the swap lands on the ledger', async () => {
    const stopBridge = bridgeLedger(cr, fx, ledger);
    try {
      await linkTabs(fx, cr);
      const runeOutpoint = await tabWait<string>(cr, 'funded rune output', 15_000, walletOutpoint, 'rune 840000:3');
      // The taker checks the maker's order against its own ledger: wait until the bridge carried the funding over.
      await tabWait(fx, 'maker funding on the Firefox ledger', 15_000, ledgerOutput, runeOutpoint);
      await tabEval(cr, placeSellOrder, 'RUNE:840000:3/BTC', '50', '1000', runeOutpoint);
      expect(await tabWait<string>(cr, 'order placed', 10_000, orderbookNote)).to.contain('Order placed');
      await tabWait(fx, 'take form', 15_000, openTake, 'RUNE:840000:3/BTC');
      await tabEval(fx, submitTake);
      const id = await tabWait<string>(cr, 'incoming trade', 15_000, newIncoming, []);
      expect((await tabWait<TradeView>(fx, 'outgoing trade', 5_000, tradeIn, id, 'proposed')).role).to.equal('buyer');
      await completeRuneSale(cr, fx, id, runeOutpoint);
    } finally {
      await stopBridge();
    }
    expect(await pageErrors(fx)).to.deep.equal([]);
    expect(await pageErrors(cr)).to.deep.equal([]);
  });

  it('call: a Firefox tab calls a Chromium tab; each decodes the other’s video; the hang-up reaches the other side', async () => {
    const [fxId, crId] = await linkTabs(fx, cr);
    await tabWait(fx, 'call widget', 10_000, callReady);
    await tabWait(cr, 'call widget', 10_000, callReady);
    await tabEval(fx, callPeer, crId);
    await tabWait(cr, 'the call rings in Chromium', 10_000, clickCall, 'accept-button');
    expect((await tabWait<{ peer: string }>(fx, 'Chromium’s video in Firefox', 20_000, inCallWithVideo)).peer).to.equal(crId);
    expect((await tabWait<{ peer: string }>(cr, 'Firefox’s video in Chromium', 20_000, inCallWithVideo)).peer).to.equal(fxId);
    await tabEval(fx, clickCall, 'hangup-button');
    await tabWait(cr, 'call ended in Chromium', 5_000, () => !document.querySelector('darkswap-av-call')!.shadowRoot!.querySelector('[part~="participant"]'));
    expect(await tabEval(cr, callStatus)).to.contain('Call ended');
    expect(await tabEval(fx, callStatus)).to.contain('Call ended');
    expect(await pageErrors(fx)).to.deep.equal([]);
    expect(await pageErrors(cr)).to.deep.equal([]);
  });
});
