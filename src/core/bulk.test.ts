import { expect } from '@open-wc/testing';
import * as v from 'valibot';
import { decodeBulkFrame, encodeBulkFrame } from './bulk.js';
import { destroyServices, linkedPair, rawSend, waitFor } from '../../test/harness.js';

const Chunk = v.strictObject({ i: v.pipe(v.number(), v.integer(), v.minValue(0)) });
const Order = v.strictObject({ n: v.pipe(v.number(), v.integer()), at: v.number() });

describe('Bulk channel (separate data channel, backpressure)', () => {
  afterEach(destroyServices);

  it('encodes and decodes bulk frames, refusing truncated or foreign ones', () => {
    const data = new Uint8Array([1, 2, 3]);
    const frame = encodeBulkFrame('files', '{"i":1}', data);
    const decoded = decodeBulkFrame(frame.buffer);
    expect(decoded).to.not.be.a('string');
    if (typeof decoded === 'string') return;
    expect(decoded.channel).to.equal('files');
    expect(decoded.header).to.equal('{"i":1}');
    expect([...decoded.data]).to.deep.equal([1, 2, 3]);
    expect(decodeBulkFrame(frame.buffer.slice(0, 9))).to.equal('malformed-frame');
    expect(decodeBulkFrame('text')).to.equal('malformed-frame');
    const foreign = frame.slice();
    foreign[0] = 2;
    expect(decodeBulkFrame(foreign.buffer)).to.equal('malformed-frame');
  });

  it('streams 64 MiB with backpressure while 200 small messages on another channel all arrive in order', async function () {
    this.timeout(90_000);
    const [a, b] = await linkedPair();
    const bulkA = a.bulkChannel('files', { schema: Chunk });
    const bulkB = b.bulkChannel('files', { schema: Chunk });
    const orders = a.channel('orders', { schema: Order, priority: 'high' });
    const chunkBytes = bulkA.maxChunkBytes(b.id!);
    expect(chunkBytes).to.be.greaterThan(200_000);
    const total = 64 * 1024 * 1024;
    const chunks = Math.ceil(total / chunkBytes);
    let received = 0;
    let nextIndex = 0;
    let outOfOrder = 0;
    let corrupt = 0;
    bulkB.on((h, data) => {
      if (h.i !== nextIndex++) outOfOrder++;
      if (data[0] !== (h.i & 0xff) || data[data.length - 1] !== (h.i & 0xff)) corrupt++;
      received += data.length;
    });
    const got: number[] = [];
    b.channel('orders', { schema: Order, priority: 'high' }).on((m) => got.push(m.n));
    let maxBuffered = 0;
    const sending = (async () => {
      for (let i = 0; i < chunks; i++) {
        const size = Math.min(chunkBytes, total - i * chunkBytes);
        await bulkA.send(b.id!, { i }, new Uint8Array(size).fill(i & 0xff));
      }
    })();
    const watch = setInterval(() => {
      const dc = (a as unknown as { links: Map<string, { wire?: { bulk?: RTCDataChannel } }> }).links.get(b.id!)?.wire?.bulk;
      maxBuffered = Math.max(maxBuffered, dc?.bufferedAmount ?? 0);
    }, 5);
    for (let n = 0; n < 200; n++) {
      orders.send(b.id!, { n, at: performance.now() });
      await new Promise((r) => setTimeout(r, 10));
    }
    await sending;
    await waitFor(() => received === total && got.length === 200, 60_000, 'bulk and small messages');
    clearInterval(watch);
    expect(got).to.deep.equal(Array.from({ length: 200 }, (_, i) => i));
    expect(outOfOrder).to.equal(0);
    expect(corrupt).to.equal(0);
    expect(nextIndex).to.equal(chunks);
    expect(maxBuffered).to.be.at.most(4 * 1024 * 1024 + chunkBytes); // never near Chromium's 16 MiB limit
  });

  it('refuses bulk frames before validation passes: bad header, unknown channel, text on the bulk channel', async () => {
    const [a, b] = await linkedPair();
    b.bulkChannel('files', { schema: Chunk });
    const bulkDc = (a as unknown as { links: Map<string, { wire?: { bulk?: RTCDataChannel } }> }).links.get(b.id!)!.wire!.bulk!;
    await waitFor(() => bulkDc.readyState === 'open', 5_000, 'bulk channel open');
    bulkDc.send(encodeBulkFrame('files', '{"i":-1}', new Uint8Array(4)) as Uint8Array<ArrayBuffer>);
    bulkDc.send(encodeBulkFrame('other', '{"i":1}', new Uint8Array(4)) as Uint8Array<ArrayBuffer>);
    bulkDc.send(encodeBulkFrame('files', '{"i":', new Uint8Array(4)) as Uint8Array<ArrayBuffer>);
    bulkDc.send(new Uint8Array([9, 9, 9, 9]));
    await waitFor(() => b.rejects(a.id!).total === 4, 5_000, 'four rejects');
    expect(b.rejects(a.id!).byReason).to.deep.equal({ invalid: 1, 'unknown-channel': 1, 'bad-json': 1, 'malformed-frame': 1 });
    rawSend(a, b.id!, 'files\n{}'); // a message frame for a channel that only exists as bulk
    await waitFor(() => b.rejects(a.id!).total === 5, 5_000, 'fifth reject');
  });
});
