import { expect } from '@open-wc/testing';
import * as v from 'valibot';
import { navigatorConnection, recommendSettings, RECOMMEND_RULES, suggestDataSaver, watchNetworkInfo, type NetworkInfo } from './network-info.js';
import type { LinkSample } from '../../core/link-stats.js';
import { destroyServices, linkedPair } from '../../../test/harness.js';

/** A stand-in for `navigator.connection`: a plain EventTarget with the fields. */
class StubConnection extends EventTarget {
  constructor(
    public saveData?: boolean,
    public effectiveType?: string,
  ) {
    super();
  }
}

describe('Network information: data-saver suggestion', () => {
  it('suggests the data saver for saveData and slow effective types, not otherwise', () => {
    expect(suggestDataSaver({ saveData: true, effectiveType: '4g' })).to.include({ suggest: true, code: 'save-data' });
    for (const type of ['slow-2g', '2g', '3g']) expect(suggestDataSaver({ effectiveType: type }), type).to.include({ suggest: true, code: 'slow-network' });
    expect(suggestDataSaver({ saveData: false, effectiveType: '4g' })).to.include({ suggest: false, code: 'fast-network' });
    expect(suggestDataSaver({})).to.include({ suggest: false, code: 'unknown' });
    expect(suggestDataSaver(undefined)).to.include({ suggest: false, code: 'unknown' });
    expect(suggestDataSaver({ effectiveType: '3g' }).reason).to.match(/slow.*3g/);
  });

  it('watches a connection: calls back at once and on change, and stops when told', () => {
    const connection = new StubConnection(false, '4g');
    const seen: NetworkInfo[] = [];
    const stop = watchNetworkInfo((info) => seen.push(info), connection);
    expect(seen).to.have.length(1);
    expect(seen[0]).to.deep.include({ supported: true, saveData: false, effectiveType: '4g' });
    expect(seen[0].suggestion.suggest).to.equal(false);
    connection.effectiveType = '2g';
    connection.dispatchEvent(new Event('change'));
    expect(seen).to.have.length(2);
    expect(seen[1].suggestion).to.include({ suggest: true, code: 'slow-network' });
    stop();
    connection.saveData = true;
    connection.dispatchEvent(new Event('change'));
    expect(seen).to.have.length(2);
  });

  it('reads the real navigator.connection (Chromium has it), and a stubbed one in its place', () => {
    const real = navigatorConnection();
    expect(real, 'Chromium exposes navigator.connection').to.not.equal(undefined);
    let info: NetworkInfo | undefined;
    watchNetworkInfo((i) => (info = i))();
    expect(info!.supported).to.equal(true);
    expect(['slow-2g', '2g', '3g', '4g']).to.include(info!.effectiveType);
    expect(info!.suggestion).to.deep.equal(suggestDataSaver(real));

    const stub = new StubConnection(true, '4g');
    Object.defineProperty(navigator, 'connection', { configurable: true, get: () => stub });
    try {
      const stop = watchNetworkInfo((i) => (info = i));
      expect(info!.suggestion).to.include({ suggest: true, code: 'save-data' });
      stub.saveData = false;
      stub.effectiveType = 'slow-2g';
      stub.dispatchEvent(new Event('change'));
      expect(info!.suggestion.code).to.equal('slow-network');
      stop();
    } finally {
      delete (navigator as unknown as { connection?: unknown }).connection;
    }
    expect(navigatorConnection()).to.equal(real);
  });

  it('reports a browser without the API (Firefox, Safari) once', () => {
    const seen: NetworkInfo[] = [];
    Object.defineProperty(navigator, 'connection', { configurable: true, get: () => undefined });
    try {
      watchNetworkInfo((i) => seen.push(i))();
    } finally {
      delete (navigator as unknown as { connection?: unknown }).connection;
    }
    expect(seen).to.have.length(1);
    expect(seen[0]).to.deep.include({ supported: false });
    expect(seen[0].suggestion.code).to.equal('unknown');
  });
});

describe('Recommended settings from link statistics', () => {
  afterEach(destroyServices);

  it('caps bulk at 80 % of the available outgoing bitrate, rounded to 1 KiB/s', () => {
    const r = recommendSettings({ outBps: 100_000, availableOutBps: 2_500_000, rttMs: 20, verdict: 'good' });
    expect(r.bulkBps).to.equal(Math.floor((2_500_000 * 0.8) / 1024) * 1024);
    expect(r.preset).to.equal('default');
    expect(r.codes).to.deep.equal(['measured-available']);
    expect(r.reason).to.match(/20\.0 Mbit\/s available.*80 %/);
  });

  it('falls back to the bytes sent, keeps a floor, and says when nothing was measured', () => {
    expect(recommendSettings({ outBps: 1_000_000, verdict: 'good', rttMs: 10 })).to.deep.include({ bulkBps: 799_744, codes: ['measured-sent'] });
    expect(recommendSettings({ outBps: 1_000, verdict: 'good' }).bulkBps).to.equal(RECOMMEND_RULES.minBulkBps);
    const none = recommendSettings({ outBps: 0, verdict: 'fair' });
    expect(none).to.deep.include({ bulkBps: undefined, preset: 'default', codes: ['no-measurement'] });
    expect(recommendSettings([])).to.deep.include({ bulkBps: undefined, preset: 'default' });
  });

  it('recommends the data saver when RTT > 400 ms or the link is poor, from the median of several samples', () => {
    expect(recommendSettings({ outBps: 50_000, rttMs: 450, verdict: 'fair' })).to.deep.include({ preset: 'data-saver', codes: ['measured-sent', 'high-rtt'] });
    expect(recommendSettings({ outBps: 50_000, rttMs: 400, verdict: 'fair' }).preset).to.equal('default');
    expect(recommendSettings({ outBps: 50_000, rttMs: 30, verdict: 'poor' }).codes).to.deep.equal(['measured-sent', 'poor-link']);
    const samples = [
      { outBps: 0, availableOutBps: 1_000_000, rttMs: 100, verdict: 'good' as const },
      { outBps: 0, availableOutBps: 3_000_000, rttMs: 900, verdict: 'poor' as const },
      { outBps: 0, availableOutBps: 2_000_000, rttMs: 120, verdict: 'good' as const },
    ];
    const r = recommendSettings(samples);
    expect(r.bulkBps).to.equal(Math.floor((2_000_000 * 0.8) / 1024) * 1024); // the median, not the spike
    expect(r.preset).to.equal('default'); // one poor sample of three, median RTT 120 ms
  });

  it('turns the real statistics of a busy link into a recommendation', async function () {
    this.timeout(30_000);
    const [a, b] = await linkedPair({ statsIntervalMs: 250 });
    const schema = v.strictObject({ i: v.number() });
    const bulk = a.bulkChannel('files', { schema });
    b.bulkChannel('files', { schema });
    const samples: LinkSample[] = [];
    const stop = a.watchStats(b.id!, (s) => samples.push(s));
    const chunk = new Uint8Array(bulk.maxChunkBytes(b.id!));
    const until = performance.now() + 2_000;
    for (let i = 0; performance.now() < until; i++) await bulk.send(b.id!, { i }, chunk);
    stop();
    const busy = samples.filter((s) => s.outBps > 0);
    expect(busy.length).to.be.greaterThan(2);
    const r = recommendSettings(busy);
    expect(r.bulkBps).to.be.a('number').and.greaterThan(RECOMMEND_RULES.minBulkBps);
    expect(r.preset).to.equal('default'); // loopback: tiny RTT
    expect(r.codes[0]).to.be.oneOf(['measured-available', 'measured-sent']);
  });
});
