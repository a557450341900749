// What one peer can make the other keep or show: bounded offers, a receiver's claims checked, one accept.
import { expect } from '@open-wc/testing';
import { destroyServices, linkedPair, waitFor } from '../../../test/harness.js';
import { MAX_PENDING_OFFERS_PER_PEER, MAX_REFUSED_KEPT, type FileShareEngine } from '../../features/file-share/file-share.engine.js';
import { clearStorage, makeFile, mountWidget, transferOf, waitStatus } from './file-share.fixtures.test.js';
import type { DarkswapFileShare } from './file-share.js';

const MiB = 1024 * 1024;
const engineOf = (w: DarkswapFileShare) => (w as unknown as { engine: FileShareEngine }).engine;

describe('<darkswap-file-share> against a misbehaving peer', () => {
  afterEach(async () => {
    destroyServices();
    await clearStorage();
  });

  it(`keeps at most ${MAX_PENDING_OFFERS_PER_PEER} unanswered offers per peer; the rest are refused as busy and not kept`, async function () {
    this.timeout(20_000);
    const [a, b] = await linkedPair();
    const [wa, wb] = [await mountWidget(a), await mountWidget(b)];
    const ids: string[] = [];
    for (let i = 0; i < MAX_PENDING_OFFERS_PER_PEER + 2; i++) ids.push(...(await wa.sendFiles([makeFile(`f${i}`, 10, i)], [b.id!])));
    const extra = ids.slice(MAX_PENDING_OFFERS_PER_PEER);
    for (const id of extra) await waitStatus(wa, id, 'rejected');
    expect(extra.map((id) => transferOf(wa, id).reason?.reason)).to.deep.equal(['busy', 'busy']);
    await waitFor(() => wb.transfers.length === MAX_PENDING_OFFERS_PER_PEER, 5_000, 'pending offers listed');
    expect(wb.transfers.map((t) => t.status)).to.deep.equal(Array(MAX_PENDING_OFFERS_PER_PEER).fill('incoming'));
    expect(wb.transfers.map((t) => t.id)).to.deep.equal(ids.slice(0, MAX_PENDING_OFFERS_PER_PEER));
    // Answering one makes room for the next.
    wb.reject(ids[0]!);
    const [more] = await wa.sendFiles([makeFile('next', 10, 99)], [b.id!]);
    await waitFor(() => wb.transfers.some((t) => t.id === more && t.status === 'incoming'), 5_000, 'a new offer once there is room');
  });

  it(`lists at most ${MAX_REFUSED_KEPT} offers refused automatically, forgetting the oldest`, async function () {
    this.timeout(30_000);
    const [a, b] = await linkedPair();
    const wa = await mountWidget(a);
    const wb = await mountWidget(b, { maxFiles: 1 });
    const ids: string[] = [];
    for (let i = 0; i < MAX_REFUSED_KEPT + 5; i++) ids.push(...(await wa.sendFiles([makeFile('x', 1, i), makeFile('y', 1, i)], [b.id!])));
    for (const id of ids) await waitStatus(wa, id, 'rejected');
    await waitFor(() => wb.transfers.some((t) => t.id === ids.at(-1)), 5_000, 'the last refusal listed');
    expect(wb.transfers.map((t) => t.id)).to.deep.equal(ids.slice(-MAX_REFUSED_KEPT));
    expect(wb.transfers.every((t) => t.status === 'rejected' && t.reason?.reason === 'too-many-files')).to.equal(true);
  });

  it("does not show a receiver's claimed hash as verified unless it is the file's own", async function () {
    this.timeout(30_000);
    const [a, b] = await linkedPair();
    const [wa, wb] = [await mountWidget(a), await mountWidget(b)];
    const [id] = await wa.sendFiles([makeFile('big.bin', 24 * MiB, 5)], [b.id!]);
    await waitStatus(wb, id!, 'incoming');
    await wb.accept(id!);
    await waitFor(() => transferOf(wa, id!).state.phase === 'running', 5_000, 'sending');
    // What a lying receiver's "done" does once it passed the channel's schema.
    engineOf(wa).handleControl({ t: 'done', id: id!, file: 0, ok: true, sha256: 'ab'.repeat(32) }, b.id!);
    const file = transferOf(wa, id!).files[0]!;
    expect(file.status).to.equal('failed');
    expect(file.verified).to.equal(undefined);
    expect(file.problem).to.match(/does not match/);
  });

  it('accepts an offer once even when Accept is pressed twice at once', async function () {
    this.timeout(30_000);
    const [a, b] = await linkedPair();
    const [wa, wb] = [await mountWidget(a), await mountWidget(b)];
    const [id] = await wa.sendFiles([makeFile('twice.bin', 3 * MiB + 1, 6)], [b.id!]);
    await waitStatus(wb, id!, 'incoming');
    await Promise.all([wb.accept(id!), wb.accept(id!)]);
    const done = await waitStatus(wb, id!, 'complete');
    expect(done.files[0]!.verified).to.equal(transferOf(wa, id!).files[0]!.info.sha256);
    await waitStatus(wa, id!, 'complete');
    expect(transferOf(wa, id!).bytesResent).to.equal(0);
  });
});
