import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { destroyServices, linkedPair, openService, waitFor } from '../../../test/harness.js';
import type { DarkswapFileOfferedEvent, DarkswapFileFailedEvent } from './file-share.events.js';
import type { DarkswapFileShare } from './file-share.js';
import { clearStorage, makeFile, mountWidget, part, parts, sha256OfBlob, text, waitStatus } from './file-share.fixtures.test.js';

function chooseFiles(widget: DarkswapFileShare, files: File[]): void {
  const input = part<HTMLInputElement>(widget, '#file-input')!;
  const dt = new DataTransfer();
  for (const f of files) dt.items.add(f);
  input.files = dt.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

describe('<darkswap-file-share>', () => {
  afterEach(async () => {
    destroyServices();
    await clearStorage();
  });

  it('renders heading, status and an empty composer; the heading can be changed', async () => {
    const service = await openService();
    const w = await mountWidget(service);
    await waitFor(() => text(part(w, '[part~="status"]')) === 'Online', 5_000, 'online');
    expect(text(part(w, 'h2'))).to.equal('Share files');
    expect(text(part(w, '[part~="no-peers"]'))).to.equal('No connected peers yet.');
    expect(part<HTMLButtonElement>(w, '[part~="send-button"]')!.disabled).to.equal(true);
    w.heading = 'Files';
    await w.updateComplete;
    expect(text(part(w, 'h2'))).to.equal('Files');
    expect(w.getAttribute('storage-key')).to.match(/^fs-/);
  });

  it('shows an accessible "not connected" state without a provider and refuses to send', async () => {
    const lonely = await fixture<DarkswapFileShare>(html`<darkswap-file-share></darkswap-file-share>`);
    expect(text(part(lonely, '[part~="not-connected"]'))).to.contain('Not connected');
    await expect(lonely).shadowDom.to.be.accessible();
    let caught = '';
    await lonely.sendFiles([makeFile('x', 1)], ['p']).catch((e: Error) => (caught = e.message));
    expect(caught).to.match(/Not connected/);
  });

  it('is accessible with an incoming offer and with completed files', async function () {
    this.timeout(20_000);
    const [a, b] = await linkedPair();
    const [wa, wb] = [await mountWidget(a), await mountWidget(b)];
    await waitFor(() => parts(wa, '[part~="peer"]').length === 1, 5_000, 'peer listed');
    await expect(wa).shadowDom.to.be.accessible();
    const [id] = await wa.sendFiles([makeFile('a.txt', 5000, 1), makeFile('b.txt', 70_000, 2)], [b.id!]);
    await waitStatus(wb, id, 'incoming');
    await wb.updateComplete;
    await expect(wb).shadowDom.to.be.accessible();
    await wb.accept(id);
    await waitStatus(wb, id, 'complete');
    await waitFor(() => parts(wb, '[part~="download"]').length === 2, 5_000, 'links');
    await expect(wb).shadowDom.to.be.accessible();
    await expect(wa).shadowDom.to.be.accessible();
  });

  it('is keyboard operable: choose a peer with Space, send with Enter; the receiver accepts with Enter', async function () {
    this.timeout(20_000);
    const [a, b] = await linkedPair();
    const [wa, wb] = [await mountWidget(a), await mountWidget(b)];
    await waitFor(() => parts(wa, '[part~="peer"] input').length === 1, 5_000, 'peer listed');
    chooseFiles(wa, [makeFile('kb.bin', 100_000, 3)]);
    await wa.updateComplete;
    expect(parts(wa, '[part~="selected-file"]').map((li) => text(li.querySelector('span')))).to.deep.equal(['kb.bin']);
    const offered: DarkswapFileOfferedEvent[] = [];
    document.addEventListener('darkswap-file-offered', (e) => offered.push(e));
    part<HTMLInputElement>(wa, '#file-input')!.focus();
    await sendKeys({ press: 'Tab' });
    expect(wa.shadowRoot!.activeElement?.getAttribute('part')).to.equal('unselect-button');
    await sendKeys({ press: 'Tab' });
    expect(wa.shadowRoot!.activeElement?.getAttribute('type')).to.equal('checkbox');
    await sendKeys({ press: 'Space' });
    await wa.updateComplete;
    await sendKeys({ press: 'Tab' });
    expect(wa.shadowRoot!.activeElement?.getAttribute('part')).to.equal('send-button');
    await sendKeys({ press: 'Enter' });
    await waitFor(() => wb.transfers.length === 1, 5_000, 'offer arrives');
    const id = wb.transfers[0].id;
    // Events bubble out of the shadow roots to the document, with typed details.
    expect(offered.map((e) => [e.detail.direction, e.detail.transferId])).to.deep.equal([
      ['out', id],
      ['in', id],
    ]);
    expect(offered[1].detail.files[0]).to.include({ name: 'kb.bin', size: 100_000 });
    expect(part(wa, '[part~="selected-file"]')).to.equal(null);
    await waitFor(() => !!part(wb, '[part~="accept-button"]'), 5_000, 'accept shown');
    part<HTMLButtonElement>(wb, '[part~="accept-button"]')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitStatus(wb, id, 'complete');
  });

  it('hashes a chosen file at once and shows it; the offer reuses that hash; removing a file stops its hashing', async function () {
    this.timeout(30_000);
    const [a, b] = await linkedPair();
    const [wa, wb] = [await mountWidget(a), await mountWidget(b)];
    type Engine = { hashProgress(f: File): { bytes: number; sha256?: string } | undefined };
    const engine = (wa as unknown as { engine: Engine }).engine;
    const small = makeFile('small.bin', 5 * 1024 * 1024 + 3, 9);
    // A large file made of Blob parts (cheap to build), removed again before its hash can finish.
    const block = new Uint8Array(4 * 1024 * 1024).fill(7);
    const big = new File(
      Array.from({ length: 256 }, () => block),
      'big.bin',
    );
    chooseFiles(wa, [small, big]);
    await wa.updateComplete;
    expect(engine.hashProgress(big)).to.not.equal(undefined);
    parts(wa, '[part~="unselect-button"]')[1]!.click();
    await wa.updateComplete;
    expect(engine.hashProgress(big)).to.equal(undefined);
    const expected = await sha256OfBlob(small);
    await waitFor(() => text(part(wa, '[part~="selected-hash"]')) === `SHA-256 ${expected.slice(0, 16)}…`, 10_000, 'hash shown next to the chosen file');
    expect(engine.hashProgress(small)).to.deep.equal({ bytes: small.size, sha256: expected });
    const offered: DarkswapFileOfferedEvent[] = [];
    document.addEventListener('darkswap-file-offered', (e) => offered.push(e));
    const sending = wa.sendFiles([small], [b.id!]);
    // Already hashed: the new transfer starts with every byte hashed (a fresh hash would start at 0).
    expect(wa.transfers.map((t) => t.hashedBytes)).to.deep.equal([small.size]);
    const ids = await sending;
    await waitFor(() => wb.transfers.length === 1, 5_000, 'offer arrives');
    expect(offered.map((e) => e.detail.files[0]!.sha256)).to.deep.equal([expected, expected]);
    await wb.accept(ids[0]!);
    const done = await waitStatus(wb, ids[0]!, 'complete');
    expect(done.files[0]!.verified).to.equal(expected);
  });

  it('takes several files dropped at once', async () => {
    const service = await openService();
    const w = await mountWidget(service);
    const dt = new DataTransfer();
    dt.items.add(makeFile('one.txt', 10));
    dt.items.add(makeFile('two.txt', 20));
    const zone = part(w, '[part~="drop-zone"]')!;
    zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    await w.updateComplete;
    expect(zone.hasAttribute('data-dragging')).to.equal(true);
    const drop = new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true });
    zone.dispatchEvent(drop);
    await w.updateComplete;
    expect(drop.defaultPrevented).to.equal(true);
    expect(zone.hasAttribute('data-dragging')).to.equal(false);
    expect(parts(w, '[part~="selected-file"]').map((li) => text(li.querySelector('span')))).to.deep.equal(['one.txt', 'two.txt']);
  });

  it('renders hostile file names as text, and a host can veto an offer', async function () {
    this.timeout(20_000);
    const [a, b] = await linkedPair();
    const [wa, wb] = [await mountWidget(a), await mountWidget(b)];
    const evil = '<img src=x onerror="window.pwned=1">.txt';
    const [id] = await wa.sendFiles([makeFile(evil, 10)], [b.id!]);
    await waitStatus(wb, id, 'incoming');
    await wb.updateComplete;
    expect(text(part(wb, '[part~="file-name"]'))).to.equal(evil);
    expect(wb.shadowRoot!.querySelector('img')).to.equal(null);
    await wb.accept(id);
    await waitStatus(wb, id, 'complete');
    await waitFor(() => !!part(wb, '[part~="download"]'), 5_000, 'link');
    expect(part<HTMLAnchorElement>(wb, '[part~="download"]')!.download).to.equal('_img src=x onerror=_window.pwned=1_.txt');
    expect((window as unknown as { pwned?: number }).pwned).to.equal(undefined);

    // Veto: preventDefault() on the incoming offer rejects it.
    const veto = (e: DarkswapFileOfferedEvent) => e.detail.direction === 'in' && e.preventDefault();
    wb.addEventListener('darkswap-file-offered', veto);
    const failed: DarkswapFileFailedEvent[] = [];
    wa.addEventListener('darkswap-file-failed', (e) => failed.push(e));
    const [vetoed] = await wa.sendFiles([makeFile('no.txt', 10)], [b.id!]);
    const t = await waitStatus(wa, vetoed, 'rejected');
    expect(t.reason?.reason).to.equal('declined');
    expect(failed.map((e) => e.detail.reason)).to.deep.equal(['declined']);
  });
});
