// Bandwidth usage kept across reloads and summed across tabs, on real IndexedDB: two "tabs" (budgets with their
// own savers) add their counts to one record; a later session starts from the sum, and its daily cap counts it.
// Also a real service: usage sent before destroy() is there after a new service of the same identity opens.
import { expect } from '@open-wc/testing';
import * as v from 'valibot';
import { BandwidthBudget } from './bandwidth.js';
import { addToSaved, UsagePersistence } from './bandwidth-persist.js';
import type { UsagePeriod } from './bandwidth-usage.js';
import { destroyServices, linkedPair, openService, uniqueId, waitFor } from '../../test/harness.js';

const period = (p: string, sent: number): UsagePeriod => ({
  period: p,
  sent,
  received: 0,
  bulkSent: sent,
  bulkReceived: 0,
  byPeer: { a: { sent, received: 0 } },
  byChannel: {},
});

describe('bandwidth usage across reloads and tabs (real IndexedDB)', function () {
  this.timeout(30_000);
  afterEach(destroyServices);

  it('adds same-period counts; a newer period replaces an older one, never the reverse', () => {
    let saved = addToSaved(undefined, [period('2026-12-05', 10), period('2026-12', 10)]);
    saved = addToSaved(saved, [period('2026-12-05', 5)]);
    expect(saved.today!.sent).to.equal(15);
    expect(saved.today!.byPeer.a!.sent).to.equal(15);
    saved = addToSaved(saved, [period('2026-12-06', 1)]);
    expect(saved.today).to.deep.include({ period: '2026-12-06', sent: 1 });
    saved = addToSaved(saved, [period('2026-12-05', 99)]); // a late save of yesterday: ignored
    expect(saved.today).to.deep.include({ period: '2026-12-06', sent: 1 });
    expect(saved.month!.sent).to.equal(10);
  });

  it('two tabs add up; the next session starts from the sum and its daily cap counts it', async () => {
    const key = uniqueId('usage');
    const tabs = [new BandwidthBudget(), new BandwidthBudget()];
    const savers = tabs.map((b) => new UsagePersistence(b, key));
    for (const s of savers) await s.start();
    tabs[0]!.record('sent', 'peer-a', 'file-chunk', 600, true);
    tabs[1]!.record('sent', 'peer-b', 'file-chunk', 400, true);
    tabs[1]!.record('received', 'peer-b', 'chat', 50, false);
    await Promise.all(savers.map((s) => s.stop()));
    const next = new BandwidthBudget();
    const saver = new UsagePersistence(next, key);
    await saver.start();
    const today = next.usage().today;
    expect(today).to.deep.include({ sent: 1_000, received: 50, bulkSent: 1_000 });
    expect(today.byPeer).to.deep.equal({ 'peer-a': { sent: 600, received: 0 }, 'peer-b': { sent: 400, received: 50 } });
    next.setDailyCap(1_000);
    expect(next.paused).to.equal('daily-cap');
    next.setDailyCap(1_500);
    expect(next.paused).to.equal(undefined);
    await saver.stop();
    for (const b of [...tabs, next]) b.dispose();
  });

  it('a real service: what it sent is still counted after destroy() and a new service of the same identity', async () => {
    const identity = uniqueId('usage-id')
      .replace(/[^\w-]/g, '-')
      .slice(0, 60);
    const [a, b] = await linkedPair({ identity, persistUsage: true }, {});
    const Chat = v.object({ t: v.string() });
    let got = 0;
    b.channel('chat', { schema: Chat }).on(() => got++);
    const chat = a.channel('chat', { schema: Chat });
    for (let i = 0; i < 20; i++) chat.send(b.id!, { t: 'x'.repeat(100) });
    await waitFor(() => got === 20, 5_000, 'delivered');
    const sent = a.bandwidth.usage.today.sent;
    expect(sent).to.be.at.least(20 * 100);
    a.destroy();
    const again = await openService({ identity, persistUsage: true });
    await waitFor(() => again.bandwidth.usage.today.sent >= sent, 5_000, 'the saved usage read back');
    expect(again.bandwidth.usage.today.sent).to.equal(sent);
  });
});
