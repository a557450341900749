// Real transfers between two connection services (one page, real PeerServer, real WebRTC, real OPFS).
import { expect } from '@open-wc/testing';
import { destroyServices, linkedPair, waitFor } from '../../../test/harness.js';
import { ChunkHeaderSchema, fileShareTestHooks, newTransferId } from '../../features/file-share/file-share.protocol.js';
import { FILE_CHUNK_CHANNEL, CHUNK_HEADER_MAX_BYTES } from '../../features/file-share/file-share.types.js';
import { STORAGE_ROOT } from '../../features/file-share/file-share.storage.js';
import type { DarkswapFileFailedEvent, DarkswapFileReceivedEvent } from './file-share.events.js';
import {
  acceptByClick,
  clearStorage,
  makeFile,
  mountWidget,
  part,
  parts,
  sha256OfBlob,
  sleep,
  text,
  transferOf,
  waitStatus,
} from './file-share.fixtures.test.js';
import type { DarkswapFileShare } from './file-share.js';

const MiB = 1024 * 1024;

describe('<darkswap-file-share> transfers', () => {
  afterEach(async () => {
    fileShareTestHooks.beforeChunkSend = undefined;
    fileShareTestHooks.beforeOfferSend = undefined;
    destroyServices();
    await clearStorage();
  });

  it('moves 1 B, 1 MiB + 1 and 50 MiB in both directions at once, every hash verified', async function () {
    this.timeout(90_000);
    const [a, b] = await linkedPair();
    const [wa, wb] = [await mountWidget(a), await mountWidget(b)];
    const filesA = [makeFile('one.bin', 1, 11), makeFile('mib.bin', MiB + 1, 12), makeFile('big.bin', 50 * MiB, 13)];
    const filesB = [makeFile('one-b.bin', 1, 21), makeFile('mib-b.bin', MiB + 1, 22), makeFile('big-b.bin', 50 * MiB, 23)];
    const expected = new Map<string, string>();
    for (const f of [...filesA, ...filesB]) expected.set(f.name, await sha256OfBlob(f));
    const received: DarkswapFileReceivedEvent[] = [];
    for (const w of [wa, wb]) w.addEventListener('darkswap-file-received', (e) => received.push(e));

    const [[idAB], [idBA]] = await Promise.all([wa.sendFiles(filesA, [b.id!]), wb.sendFiles(filesB, [a.id!])]);
    await Promise.all([acceptByClick(wb, idAB), acceptByClick(wa, idBA)]);
    const [inB, inA] = await Promise.all([waitStatus(wb, idAB, 'complete', 80_000), waitStatus(wa, idBA, 'complete', 80_000)]);

    for (const t of [inB, inA]) {
      for (const f of t.files) {
        expect(f.verified, f.info.name).to.equal(expected.get(f.info.name));
        expect(f.file!.size).to.equal(f.info.size);
        expect(await sha256OfBlob(f.file!), `${f.info.name} bytes`).to.equal(expected.get(f.info.name));
      }
    }
    expect(received.map((e) => e.detail.name).sort()).to.deep.equal([...expected.keys()].sort());
    // The senders learn that the receivers verified everything.
    await waitStatus(wa, idAB, 'complete');
    await waitStatus(wb, idBA, 'complete');
    // Listed with hash and a download link.
    await waitFor(() => parts(wb, `[data-id="${idAB}"] [part~="download"]`).length === 3, 5_000, 'download links');
    const hashes = parts(wb, `[data-id="${idAB}"] [part~="hash"]`).map(text);
    expect(hashes).to.include(`SHA-256 verified: ${expected.get('big.bin')}`);
    expect(part<HTMLAnchorElement>(wb, `[data-id="${idAB}"] [part~="download"]`)!.download).to.equal('one.bin');
    expect(transferOf(wa, idAB).bytesResent).to.equal(0);
  });

  it('detects a chunk corrupted in flight, refuses it and fetches it again', async function () {
    this.timeout(30_000);
    const [a, b] = await linkedPair();
    const [wa, wb] = [await mountWidget(a), await mountWidget(b)];
    const file = makeFile('flip.bin', 4 * MiB, 31);
    let flipped = 0;
    fileShareTestHooks.beforeChunkSend = (header, data) => {
      if (header.c === 3 && flipped === 0) {
        data[100] ^= 0xff;
        flipped++;
      }
    };
    const [id] = await wa.sendFiles([file], [b.id!]);
    await acceptByClick(wb, id);
    const t = await waitStatus(wb, id, 'complete', 20_000);
    expect(flipped).to.equal(1);
    expect(t.corruptChunks).to.equal(1);
    expect(t.files[0].verified).to.equal(await sha256OfBlob(file));
    expect(await sha256OfBlob(t.files[0].file!)).to.equal(await sha256OfBlob(file));
    // The bad chunk went twice: once corrupted, once again on request.
    const sender = await waitStatus(wa, id, 'complete');
    expect(sender.bytesResent).to.equal(t.files[0].info.chunkSize);
  });

  it('refuses a lying sender: "integrity failed" is visible and nothing is offered for download', async function () {
    this.timeout(30_000);
    const [a, b] = await linkedPair();
    const [wa, wb] = [await mountWidget(a), await mountWidget(b)];
    fileShareTestHooks.beforeOfferSend = (offer) => {
      offer.files[1].sha256 = 'a'.repeat(64);
    };
    const failures: DarkswapFileFailedEvent[] = [];
    wb.addEventListener('darkswap-file-failed', (e) => failures.push(e));
    const [id] = await wa.sendFiles([makeFile('honest.txt', 3000, 41), makeFile('liar.bin', 2 * MiB, 42)], [b.id!]);
    await acceptByClick(wb, id);
    const t = await waitStatus(wb, id, 'failed', 20_000);
    expect(t.files.map((f) => f.status)).to.deep.equal(['complete', 'failed']);
    expect(t.files[1].file).to.equal(undefined);
    expect(t.files[1].url).to.equal(undefined);
    await wb.updateComplete;
    await waitFor(() => !!part(wb, `[data-id="${id}"] [part~="integrity-error"]`), 5_000, 'integrity error shown');
    const row = parts(wb, `[data-id="${id}"] [part~="file"]`)[1];
    expect(text(row.querySelector('[part~="integrity-error"]'))).to.match(/^Integrity failed/);
    expect(row.querySelector('[part~="integrity-error"]')!.getAttribute('role')).to.equal('alert');
    expect(row.querySelector('[part~="download"]')).to.equal(null);
    expect(parts(wb, `[data-id="${id}"] [part~="download"]`)).to.have.length(1);
    expect(failures.map((e) => [e.detail.name, e.detail.reason])).to.deep.equal([['liar.bin', 'integrity']]);
    // The sender hears about it too.
    const sent = await waitStatus(wa, id, 'failed');
    expect(sent.files[1].status).to.equal('failed');
  });

  it('resumes after the link drops at ~50 % without starting again from 0', async function () {
    this.timeout(40_000);
    const [a, b] = await linkedPair();
    const [wa, wb] = [await mountWidget(a), await mountWidget(b)];
    const file = makeFile('drop.bin', 24 * MiB, 51);
    let reconnecting = 0;
    b.addEventListener('peer-reconnecting', () => reconnecting++);
    const [id] = await wa.sendFiles([file], [b.id!]);
    await acceptByClick(wb, id);
    await waitFor(() => (wb.transfers[0]?.bytesDone ?? 0) >= file.size / 2, 20_000, 'half way');
    const before = transferOf(wb, id).bytesDone;
    expect(before).to.be.below(file.size);
    a.peerConnection(b.id!)!.close();
    await waitFor(() => reconnecting > 0, 5_000, 'receiver saw the drop');
    const t = await waitStatus(wb, id, 'complete', 30_000);
    expect(t.files[0].verified).to.equal(await sha256OfBlob(file));
    const sender = await waitStatus(wa, id, 'complete');
    // Everything once, plus at most one window again.
    expect(sender.bytesSent - sender.bytesResent).to.equal(file.size);
    expect(sender.bytesResent).to.be.below(file.size / 2);
    expect(sender.bytesResent).to.be.at.most(24 * t.files[0].info.chunkSize);
  });

  it('pauses and resumes from either side', async function () {
    this.timeout(40_000);
    const [a, b] = await linkedPair();
    const [wa, wb] = [await mountWidget(a), await mountWidget(b)];
    const file = makeFile('pause.bin', 32 * MiB, 61);
    const [id] = await wa.sendFiles([file], [b.id!]);
    await acceptByClick(wb, id);
    const pauseAndCheck = async (actor: DarkswapFileShare, other: DarkswapFileShare) => {
      await waitFor(() => !!part(actor, `[data-id="${id}"] [part~="pause-button"]`), 5_000, 'pause button');
      part<HTMLButtonElement>(actor, `[data-id="${id}"] [part~="pause-button"]`)!.click();
      const atPause = transferOf(wb, id).bytesDone;
      await waitStatus(other, id, 'paused', 5_000);
      // What was already requested and in flight still lands (at most one window), then nothing.
      let held = -1;
      for (let i = 0; i < 50 && held !== transferOf(wb, id).bytesDone; i++) {
        held = transferOf(wb, id).bytesDone;
        await sleep(250);
      }
      await sleep(500);
      expect(transferOf(wb, id).bytesDone, 'no progress while paused').to.equal(held);
      expect(held - atPause).to.be.at.most(24 * transferOf(wb, id).files[0].info.chunkSize);
      expect(held).to.be.below(file.size);
      await waitFor(() => text(part(other, `[data-id="${id}"] [part~="transfer-status"]`)) === 'Paused by the other side', 3_000, 'paused by other shown');
      // Only the side that paused can resume its own pause.
      expect(part(other, `[data-id="${id}"] [part~="resume-button"]`)).to.equal(null);
      part<HTMLButtonElement>(actor, `[data-id="${id}"] [part~="resume-button"]`)!.click();
      await waitFor(() => transferOf(wb, id).bytesDone > held, 5_000, 'flowing again');
    };
    await waitFor(() => transferOf(wb, id).bytesDone > 2 * MiB, 10_000, 'started');
    await pauseAndCheck(wb, wa); // receiver pauses
    await pauseAndCheck(wa, wb); // sender pauses
    const t = await waitStatus(wb, id, 'complete', 30_000);
    expect(t.files[0].verified).to.equal(await sha256OfBlob(file));
  });

  /** Whether closing the page would ask first (a cancelled beforeunload). */
  function unloadAsks(): boolean {
    const e = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(e);
    return e.defaultPrevented;
  }

  async function cancelMidway(side: 'sender' | 'receiver') {
    const [a, b] = await linkedPair();
    const [wa, wb] = [await mountWidget(a), await mountWidget(b)];
    const failedOther: DarkswapFileFailedEvent[] = [];
    const [actor, other] = side === 'sender' ? [wa, wb] : [wb, wa];
    other.addEventListener('darkswap-file-failed', (e) => failedOther.push(e));
    const [id] = await wa.sendFiles([makeFile('cancel.bin', 24 * MiB, 71)], [b.id!]);
    await acceptByClick(wb, id);
    await waitFor(() => transferOf(wb, id).bytesDone > 2 * MiB, 10_000, 'started');
    // While it runs, closing the page asks first (the widgets' busy guard); not once it is over.
    await waitFor(unloadAsks, 3_000, 'the page asks before closing');
    await waitFor(() => !!part(actor, `[data-id="${id}"] [part~="cancel-button"]`), 5_000, 'cancel button');
    part<HTMLButtonElement>(actor, `[data-id="${id}"] [part~="cancel-button"]`)!.click();
    await waitStatus(actor, id, 'cancelled', 5_000);
    await waitStatus(other, id, 'cancelled', 5_000);
    await waitFor(() => !unloadAsks(), 3_000, 'no longer asks');
    expect(failedOther.map((e) => e.detail.reason)).to.deep.equal(['cancelled']);
    expect(transferOf(wb, id).bytesDone).to.be.below(24 * MiB);
    await waitFor(() => text(part(other, `[data-id="${id}"] [part~="reason"]`)).includes('The other side cancelled'), 3_000, 'reason shown');
    // The receiver's partial data is gone.
    const dir = await (await (await navigator.storage.getDirectory()).getDirectoryHandle(STORAGE_ROOT)).getDirectoryHandle(wb.storageKey);
    await waitFor(() => true);
    let exists = true;
    for (let i = 0; i < 100 && exists; i++) {
      exists = await dir.getDirectoryHandle(id).then(
        () => true,
        () => false,
      );
      if (exists) await sleep(20);
    }
    expect(exists, 'partial data deleted').to.equal(false);
  }

  it('cancels from the sender side', async function () {
    this.timeout(30_000);
    await cancelMidway('sender');
  });

  it('cancels from the receiver side', async function () {
    this.timeout(30_000);
    await cancelMidway('receiver');
  });

  it('rejects offers above the size or count limit with a clear reason, on both sides', async function () {
    this.timeout(20_000);
    const [a, b] = await linkedPair();
    const wa = await mountWidget(a);
    const wb = await mountWidget(b, { maxBytes: MiB, maxFiles: 2 });
    const [big] = await wa.sendFiles([makeFile('big.bin', MiB + 1, 81)], [b.id!]);
    const [many] = await wa.sendFiles([makeFile('1', 1), makeFile('2', 1), makeFile('3', 1)], [b.id!]);
    const tBig = await waitStatus(wa, big, 'rejected');
    const tMany = await waitStatus(wa, many, 'rejected');
    expect(tBig.reason).to.deep.equal({ reason: 'too-large', message: 'The offer is 1.0 MiB; this receiver accepts at most 1.0 MiB per offer.' });
    expect(tMany.reason?.reason).to.equal('too-many-files');
    expect(tMany.reason?.message).to.equal('The offer has 3 files; this receiver accepts at most 2 per offer.');
    await waitFor(() => text(part(wa, `[data-id="${many}"] [part~="reason"]`)).includes('at most 2 per offer'), 3_000, 'reason shown to sender');
    await waitStatus(wb, big, 'rejected');
    expect(text(part(wb, `[data-id="${big}"] [part~="reason"]`))).to.match(/^Refused automatically: The offer is 1\.0 MiB/);
    expect(part(wb, `[data-id="${big}"] [part~="accept-button"]`)).to.equal(null);
  });

  it('refuses chunks for unknown transfers and chunks nobody asked for', async function () {
    this.timeout(20_000);
    const [a, b] = await linkedPair();
    const [wa, wb] = [await mountWidget(a), await mountWidget(b)];
    const [id] = await wa.sendFiles([makeFile('small.bin', 1000, 91)], [b.id!]);
    await acceptByClick(wb, id);
    await waitStatus(wb, id, 'complete');
    const evil = a.bulkChannel(FILE_CHUNK_CHANNEL, { schema: ChunkHeaderSchema, maxHeaderBytes: CHUNK_HEADER_MAX_BYTES });
    const data = new Uint8Array(1000);
    const h = Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', data)), (x) => x.toString(16).padStart(2, '0')).join('');
    const unknown = newTransferId();
    await evil.send(b.id!, { i: unknown, f: 0, c: 0, h }, data);
    await evil.send(b.id!, { i: id, f: 0, c: 0, h }, data); // finished transfer: not requested
    await evil.send(b.id!, { i: id, f: 5, c: 0, h }, data); // no such file
    await waitFor(() => wb.refusedChunks === 3, 5_000, 'three refused');
    expect(wb.transfers.map((t) => t.id)).to.deep.equal([id]);
    expect(await sha256OfBlob(transferOf(wb, id).files[0].file!)).to.equal(await sha256OfBlob(makeFile('small.bin', 1000, 91)));
    evil.close();
  });

  it('says clearly when the sender no longer has the file, and keeps the partial data until discarded', async function () {
    this.timeout(30_000);
    const [a, b] = await linkedPair();
    const wa = await mountWidget(a);
    const wb = await mountWidget(b);
    const [id] = await wa.sendFiles([makeFile('gone.bin', 24 * MiB, 95)], [b.id!]);
    await acceptByClick(wb, id);
    await waitFor(() => transferOf(wb, id).bytesDone > 4 * MiB, 10_000, 'started');
    // The sender's page forgets everything (its widget goes; a fresh one takes its place).
    wa.remove();
    await mountWidget(a);
    a.peerConnection(b.id!)!.close();
    const t = await waitStatus(wb, id, 'unavailable', 15_000);
    expect(t.reason?.message).to.match(/^The sender no longer has these files/);
    await waitFor(() => !!part(wb, `[data-id="${id}"] [part~="remove-button"]`), 3_000, 'discard button');
    expect(text(part(wb, `[data-id="${id}"] [part~="reason"]`))).to.contain('partial data is kept until you discard it');
    const base = await (await navigator.storage.getDirectory()).getDirectoryHandle(STORAGE_ROOT);
    const dir = await base.getDirectoryHandle(wb.storageKey);
    const partial = await (await (await dir.getDirectoryHandle(id)).getFileHandle('0.part')).getFile();
    expect(partial.size).to.be.above(4 * MiB - 1);
    part<HTMLButtonElement>(wb, `[data-id="${id}"] [part~="remove-button"]`)!.click();
    await waitFor(() => wb.transfers.length === 0, 5_000, 'forgotten');
    let exists = true;
    for (let i = 0; i < 100 && exists; i++) {
      exists = await dir.getDirectoryHandle(id).then(
        () => true,
        () => false,
      );
      if (exists) await sleep(20);
    }
    expect(exists, 'partial data deleted on discard').to.equal(false);
  });
});
