import { expect } from '@open-wc/testing';
import * as v from 'valibot';
import {
  ChunkBitmap,
  ChunkHeaderSchema,
  ChunkMap,
  checkOffer,
  chooseChunkSize,
  ControlMessageSchema,
  displayStatus,
  formatBytes,
  formatEta,
  fromRanges,
  initialState,
  isFlowing,
  newTransferId,
  planRequests,
  safeFileName,
  step,
  toRanges,
  type FileInfo,
} from './file-share.protocol.js';
import { StreamHasher, sha256Hex } from './file-share.hash.js';
import { CHUNK_HEADER_MAX_BYTES, FILE_SHARE_MAX_BYTES, MAX_FILES_PER_OFFER } from './file-share.types.js';

const info = (size: number, chunkSize = 65536, name = 'f'): FileInfo => ({
  name,
  size,
  type: '',
  sha256: '0'.repeat(64),
  chunkSize,
  chunkCount: Math.ceil(size / chunkSize),
});

describe('file-share protocol', () => {
  it('chooses 4 KiB-aligned chunks up to 256 KiB and refuses links that carry less than 16 KiB', () => {
    expect(chooseChunkSize(262_144 - 4 - 11 - 256)).to.equal(258_048);
    expect(chooseChunkSize(10_000_000)).to.equal(262_144);
    expect(chooseChunkSize(65_536)).to.equal(65_536);
    expect(chooseChunkSize(70_000)).to.equal(69_632);
    expect(() => chooseChunkSize(16_000)).to.throw(/at least 16384/);
  });

  it('checks offers against limits with reasons people can read', () => {
    const limits = { maxFiles: 2, maxBytes: 1024 * 1024 };
    expect(checkOffer([info(10), info(20)], limits)).to.equal(undefined);
    expect(checkOffer([info(1), info(1), info(1)], limits)).to.deep.equal({
      reason: 'too-many-files',
      message: 'The offer has 3 files; this receiver accepts at most 2 per offer.',
    });
    expect(checkOffer([info(1024 * 1024 + 1)], limits)?.reason).to.equal('too-large');
    expect(checkOffer([{ ...info(200_000), chunkCount: 3 }], limits)?.reason).to.equal('bad-offer');
    expect(checkOffer([{ ...info(200_000, 65_537) }], limits)?.reason).to.equal('bad-offer');
  });

  it('validates control messages and chunk headers strictly', () => {
    const id = newTransferId();
    expect(id).to.match(/^[A-Za-z0-9_-]{22}$/);
    expect(newTransferId()).to.not.equal(id);
    const ok = (m: unknown) => v.safeParse(ControlMessageSchema, m).success;
    expect(ok({ t: 'offer', id, files: [info(5)] })).to.equal(true);
    expect(ok({ t: 'offer', id, files: [] })).to.equal(false);
    expect(ok({ t: 'offer', id, files: [{ ...info(5), extra: 1 }] })).to.equal(false);
    expect(ok({ t: 'offer', id, files: [{ ...info(5), sha256: 'A'.repeat(64) }] })).to.equal(false);
    expect(ok({ t: 'offer', id, files: [{ ...info(5), name: '' }] })).to.equal(false);
    expect(ok({ t: 'offer', id: 'short', files: [info(5)] })).to.equal(false);
    expect(ok({ t: 'want', id, ranges: [[0, 0, 4]], done: 0 })).to.equal(true);
    expect(ok({ t: 'want', id, ranges: [[0, 4, 4]], done: 0 })).to.equal(false);
    expect(ok({ t: 'want', id, ranges: Array(65).fill([0, 0, 1]), done: 0 })).to.equal(false);
    expect(ok({ t: 'reoffer', id, ranges: [], done: 5, missing: 3, paused: false })).to.equal(true);
    expect(ok({ t: 'reject', id, reason: 'too-large', message: 'x' })).to.equal(true);
    expect(ok({ t: 'reject', id, reason: 'because', message: 'x' })).to.equal(false);
    expect(ok({ t: 'done', id, file: 0, ok: true, sha256: 'a'.repeat(64) })).to.equal(true);
    expect(ok({ t: 'launch', id })).to.equal(false);
    const h = { i: id, f: 0, c: 7, h: 'b'.repeat(64) };
    expect(v.safeParse(ChunkHeaderSchema, h).success).to.equal(true);
    expect(v.safeParse(ChunkHeaderSchema, { ...h, c: -1 }).success).to.equal(false);
    expect(new TextEncoder().encode(JSON.stringify({ ...h, f: 2 ** 32, c: 2 ** 32 })).length).to.be.below(CHUNK_HEADER_MAX_BYTES);
    // The largest possible offer fits the channel's byte limit.
    const longest = {
      t: 'offer',
      id,
      files: Array.from({ length: MAX_FILES_PER_OFFER }, () => ({ ...info(2 ** 50, 262_144, '€'.repeat(255)), type: 'x'.repeat(127) })),
    };
    expect(ok(longest)).to.equal(true);
    expect(new TextEncoder().encode(JSON.stringify(longest)).length).to.be.at.most(FILE_SHARE_MAX_BYTES);
  });

  it('numbers chunks across files (empty files included) and back', () => {
    const map = new ChunkMap([info(65536 * 2 + 1), info(0), info(10), info(65536)]);
    expect(map.total).to.equal(5);
    expect([0, 1, 2, 3, 4].map((g) => map.locate(g))).to.deep.equal([
      [0, 0],
      [0, 1],
      [0, 2],
      [2, 0],
      [3, 0],
    ]);
    expect(map.global(2, 0)).to.equal(3);
    expect(map.length(0, 2)).to.equal(1);
    expect(map.length(2, 0)).to.equal(10);
    expect(map.offset(0, 2)).to.equal(131_072);
    expect(map.valid(1, 0)).to.equal(false);
    expect(map.valid(3, 1)).to.equal(false);
  });

  it('keeps a bitmap that survives base64, and plans requests within the window, lowest missing first', () => {
    const bm = new ChunkBitmap(20);
    for (const i of [0, 1, 2, 5, 9, 17]) bm.set(i);
    expect(bm.set(5)).to.equal(false);
    expect(bm.count).to.equal(6);
    const back = ChunkBitmap.fromBase64(20, bm.toBase64());
    expect(back.count).to.equal(6);
    expect([...Array(20).keys()].filter((i) => back.has(i))).to.deep.equal([0, 1, 2, 5, 9, 17]);
    expect(planRequests(bm, new Set([3]), 4)).to.deep.equal([4, 6, 7]);
    expect(planRequests(bm, new Set([3, 4, 6, 7]), 4)).to.deep.equal([]);
    expect(bm.firstMissing()).to.equal(3);
    const full = new ChunkBitmap(9);
    for (let i = 0; i < 9; i++) full.set(i);
    expect(full.complete).to.equal(true);
    expect(full.firstMissing()).to.equal(9);
  });

  it('turns chunk lists into ranges split at file boundaries, and refuses ranges outside the transfer', () => {
    const map = new ChunkMap([info(65536 * 3), info(65536 * 2)]);
    expect(toRanges(map, [4, 0, 1, 2, 3])).to.deep.equal([
      [0, 0, 3],
      [1, 0, 2],
    ]);
    expect(toRanges(map, [0, 2])).to.deep.equal([
      [0, 0, 1],
      [0, 2, 3],
    ]);
    expect(fromRanges(map, [[1, 0, 2]])).to.deep.equal([3, 4]);
    expect(fromRanges(map, [[1, 0, 3]])).to.equal(undefined);
    expect(fromRanges(map, [[2, 0, 1]])).to.equal(undefined);
    expect(fromRanges(map, [[0, 0, 3]], 2)).to.equal(undefined);
  });

  it('runs the transfer state machine: accept, pause from both sides, link loss, finish; finals stay final', () => {
    let s = initialState('receive');
    expect(displayStatus('receive', s)).to.equal('incoming');
    expect(step('receive', s, { type: 'pause', by: 'local' })).to.equal(s);
    s = step('receive', s, { type: 'accept' });
    expect(displayStatus('receive', s)).to.equal('receiving');
    expect(isFlowing(s)).to.equal(true);
    s = step('receive', s, { type: 'pause', by: 'remote' });
    s = step('receive', s, { type: 'pause', by: 'local' });
    s = step('receive', s, { type: 'resume', by: 'local' });
    expect(displayStatus('receive', s)).to.equal('paused');
    s = step('receive', s, { type: 'resume', by: 'remote' });
    s = step('receive', s, { type: 'link-down' });
    expect(displayStatus('receive', s)).to.equal('waiting');
    expect(isFlowing(s)).to.equal(false);
    const same = step('receive', s, { type: 'link-down' });
    expect(same).to.equal(s);
    s = step('receive', s, { type: 'unavailable' });
    expect(s.phase).to.equal('unavailable');
    s = step('receive', s, { type: 'revive' });
    expect(displayStatus('receive', s)).to.equal('receiving');
    s = step('receive', s, { type: 'finished', ok: false });
    expect(s.phase).to.equal('failed');
    expect(step('receive', s, { type: 'revive' })).to.equal(s);
    expect(step('receive', s, { type: 'cancel' })).to.equal(s);

    let t = initialState('send');
    expect(t.phase).to.equal('hashing');
    expect(step('send', t, { type: 'accept' })).to.equal(t);
    t = step('send', t, { type: 'hashed' });
    expect(displayStatus('send', t)).to.equal('offered');
    expect(step('send', t, { type: 'reject' }).phase).to.equal('rejected');
    t = step('send', t, { type: 'accept' });
    expect(displayStatus('send', t)).to.equal('sending');
    expect(step('send', t, { type: 'unavailable' })).to.equal(t);
    expect(step('send', t, { type: 'cancel' }).phase).to.equal('cancelled');
  });

  it('hashes incrementally, and a saved state resumes to the same digest as WebCrypto', async () => {
    const data = crypto.getRandomValues(new Uint8Array(60_000));
    const whole = await sha256Hex(data);
    const h1 = await StreamHasher.create();
    h1.update(data.subarray(0, 12_345));
    const saved = h1.save();
    const h2 = await StreamHasher.create(saved);
    h2.update(data.subarray(12_345));
    expect(h2.digestHex()).to.equal(whole);
    expect(await sha256Hex(new Uint8Array(0))).to.equal('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('formats sizes, times and download names', () => {
    expect(formatBytes(1)).to.equal('1 B');
    expect(formatBytes(1024 * 1024 + 1)).to.equal('1.0 MiB');
    expect(formatBytes(50 * 1024 ** 3)).to.equal('50.0 GiB');
    expect(formatEta(5.2)).to.equal('6 s');
    expect(formatEta(125)).to.equal('2 min 5 s');
    expect(formatEta(Infinity)).to.equal('—');
    expect(safeFileName('../../etc/passwd')).to.equal('__.._etc_passwd');
    expect(safeFileName('a\u0000b.txt')).to.equal('a_b.txt');
    expect(safeFileName('...')).to.equal('_');
  });
});
