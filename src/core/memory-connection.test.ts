// The in-memory transport (memory-connection.ts) behind the state gallery: real channels over a function-call
// wire, with the statuses a network would decide set by hand.
import { expect } from '@open-wc/testing';
import * as v from 'valibot';
import { MemoryNetwork } from './memory-connection.js';
import { DarkswapConnectionError } from './errors.js';
import type { PeerEvent, ServiceStatusEvent } from './events.js';
import type { LinkSample } from './link-stats.js';

const Schema = v.strictObject({ text: v.pipe(v.string(), v.maxLength(20)) });
const tick = (ms = 10) => new Promise((r) => setTimeout(r, ms));

describe('MemoryConnection (in-memory transport)', () => {
  it('links two services: both see peer-connected, the same six-digit code and each other’s key', async () => {
    const net = new MemoryNetwork();
    const a = await net.service();
    const b = await net.service();
    const seen: string[] = [];
    b.addEventListener('peer-connected', (e) => seen.push((e as PeerEvent).peer));
    await a.connect(b.id);
    expect(seen).to.deep.equal([a.id]);
    expect(a.peers).to.deep.equal([b.id]);
    expect(a.peerIdentity(b.id)!.publicKey).to.equal(b.publicKey);
    expect(b.peerIdentity(a.id)!.publicKey).to.equal(a.publicKey);
    expect(a.peerIdentity(b.id)!.sas)
      .to.match(/^\d{3} \d{3}$/)
      .and.equal(b.peerIdentity(a.id)!.sas);
    const refused = await a.connect('nobody').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).to.be.instanceOf(DarkswapConnectionError);
  });

  it('carries channel messages as checked JSON, later, in order; refuses what the schema refuses', async () => {
    const [a, b] = await new MemoryNetwork().pair();
    const got: string[] = [];
    b.channel('notes', { schema: Schema }).on((m, from) => got.push(`${from}:${m.text}`));
    const out = a.channel('notes', { schema: Schema });
    out.send(b.id, { text: 'one' });
    out.broadcast({ text: 'two' });
    expect(got, 'not synchronously').to.deep.equal([]);
    await tick();
    expect(got).to.deep.equal([`${a.id}:one`, `${a.id}:two`]);
    expect(() => out.send(b.id, { text: 'x'.repeat(21) })).to.throw(DarkswapConnectionError);
    expect(() => out.send('nobody', { text: 'x' })).to.throw(/Not connected/);
  });

  it('holds reliable messages while a link reconnects and delivers them when it is back; drops unreliable ones', async () => {
    const [a, b] = await new MemoryNetwork().pair();
    const got: string[] = [];
    b.channel('notes', { schema: Schema }).on((m) => got.push(m.text));
    b.channel('live', { schema: Schema, reliable: false }).on((m) => got.push(m.text));
    const events: string[] = [];
    for (const s of [a, b]) s.addEventListener('peer-reconnecting', (e) => events.push(`${s.id} ${(e as PeerEvent).peer}`));
    a.setLinkStatus(b.id, 'reconnecting');
    expect(events).to.deep.equal([`${a.id} ${b.id}`, `${b.id} ${a.id}`]);
    expect(a.peers).to.deep.equal([]);
    a.channel('notes', { schema: Schema }).send(b.id, { text: 'kept' });
    a.channel('live', { schema: Schema, reliable: false }).send(b.id, { text: 'dropped' });
    await tick();
    expect(got).to.deep.equal([]);
    a.setLinkStatus(b.id, 'open');
    expect(got).to.deep.equal(['kept']);
  });

  it('reports the statuses set on it as status events (and an error with it)', async () => {
    const a = await new MemoryNetwork().service({ open: false });
    const seen: string[] = [];
    a.addEventListener('status', (e) => seen.push(`${(e as ServiceStatusEvent).previous}→${(e as ServiceStatusEvent).status}`));
    const errors: string[] = [];
    a.addEventListener('error', (e) => errors.push((e as Event & { error: DarkswapConnectionError }).error.code));
    a.setStatus('connecting');
    a.setStatus('error', new DarkswapConnectionError('signaling-unreachable', 'no server'));
    await a.open();
    expect(seen).to.deep.equal(['idle→connecting', 'connecting→error', 'error→open']);
    expect(errors).to.deep.equal(['signaling-unreachable']);
    a.destroy();
    expect(a.status).to.equal('closed');
    expect(() => a.channel('notes', { schema: Schema })).to.throw(/destroyed/);
  });

  it('carries bulk frames and counts the bytes each way in its statistics', async () => {
    const [a, b] = await new MemoryNetwork().pair();
    const header = v.strictObject({ i: v.number() });
    const got: number[] = [];
    b.bulkChannel('files', { schema: header }).on((h, data) => got.push(h.i, data.length));
    const samples: LinkSample[] = [];
    const stop = b.watchStats(a.id, (s) => samples.push(s));
    await a.bulkChannel('files', { schema: header }).send(b.id, { i: 7 }, new Uint8Array(5000));
    await tick();
    expect(got).to.deep.equal([7, 5000]);
    await new Promise((r) => setTimeout(r, 1100));
    stop();
    expect(samples.length).to.be.at.least(2);
    expect(samples.reduce((n, s) => n + s.inBps, 0)).to.be.greaterThan(5000);
    expect(samples.every((s) => s.outBps === 0 && s.path === 'unknown' && s.rttMs === undefined)).to.equal(true);
    expect((await b.stats(a.id))!.history.length).to.equal(samples.length);
  });

  it('disconnect closes the link on both sides', async () => {
    const [a, b] = await new MemoryNetwork().pair();
    const gone: string[] = [];
    b.addEventListener('peer-disconnected', (e) => gone.push((e as PeerEvent).peer));
    a.disconnect(b.id);
    expect(gone).to.deep.equal([a.id]);
    expect(a.peers).to.deep.equal([]);
    expect(b.linkStatus(a.id)).to.equal(undefined);
  });
});
