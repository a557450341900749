// <darkswap-network-status> on a real link (real WebRTC, real PeerServer): per-peer path, RTT, throughput,
// verdict and sparklines from live statistics, the quality event, the doctor's findings, a11y, 320 px.
import { expect, fixture, html } from '@open-wc/testing';
import { destroyServices, linkedPair, waitFor } from '../../../test/harness.js';
import './darkswap-network-status.js';
import type { DarkswapNetworkStatus } from './network-status.js';
import type { DarkswapQualityChangeEvent } from './network-status.events.js';
import { formatRate, HISTORY_POINTS, sparkPoints, totals, turnServerLine, withTotals } from './network-status.view.js';
import { TurnSwitchEvent } from '../../core/events.js';
import { coturn, stopCoturns } from '../../../test/coturn.js';
import { openService } from '../../../test/harness.js';

const q = <T extends Element = HTMLElement>(el: Element, sel: string) => el.shadowRoot!.querySelector<T>(sel);
const text = (e: Element | null | undefined) => (e?.textContent ?? '').replace(/\s+/g, ' ').trim();

describe('<darkswap-network-status>', function () {
  this.timeout(30_000);
  afterEach(async () => {
    destroyServices();
    await stopCoturns();
  });

  it('pure helpers: rates, sparkline points, totals', () => {
    expect(formatRate(512)).to.equal('512 B/s');
    expect(formatRate(2_500)).to.equal('2.5 kB/s');
    expect(formatRate(3_200_000)).to.equal('3.2 MB/s');
    expect(sparkPoints([0, 10])).to.equal('0.0,15.5 60.0,0.5');
    expect(sparkPoints([])).to.equal('');
    const sample = (inBps: number, verdict: 'good' | 'poor') => ({ at: 0, path: 'direct', protocol: 'udp', inBps, outBps: 1, verdict }) as const;
    expect(
      totals([
        { peer: 'a', samples: [sample(10, 'good')], verdict: 'good' },
        { peer: 'b', samples: [sample(5, 'poor')], verdict: 'poor' },
      ]),
    ).to.deep.equal({
      inBps: 15,
      outBps: 2,
      counts: { good: 1, fair: 0, poor: 1 },
    });
  });

  it('pure helpers: five minutes of per-second totals, TURN server lines', () => {
    const sample = (inBps: number) => ({ at: 0, path: 'direct', protocol: 'udp', inBps, outBps: 0, verdict: 'good' }) as const;
    const views = [{ peer: 'a', samples: [sample(100)], verdict: 'good' as const }];
    let history = withTotals([], views, 1_000);
    history = withTotals(history, [{ ...views[0]!, samples: [sample(300)] }], 1_900); // same second: replaced
    expect(history).to.deep.equal([{ second: 1, inBps: 300, outBps: 0, links: 1 }]);
    for (let t = 2_000; t < 2_000 + 400_000; t += 1_000) history = withTotals(history, views, t);
    expect(history).to.have.length(HISTORY_POINTS);
    expect(turnServerLine({ key: 't.example:3478', score: 42.4, rttMs: 21, ok: 3, failed: 0 }, 0)).to.equal(
      't.example:3478: RTT 21 ms, score 42, 3 ok / 0 failed',
    );
    expect(turnServerLine({ key: 'u.example:3478', score: 1, ok: 1, failed: 1, downUntil: 30_000, lastFailure: 'it did not answer' }, 20_500)).to.equal(
      'u.example:3478: set aside for 10 s (it did not answer)',
    );
  });

  it('dashboard: the TURN servers with their scores (two real coturns), and a notice when a link moves', async function () {
    const [t1, t2] = [await coturn(this), await coturn(this)];
    const servers = [
      { ...(await t1.server()), urls: t1.url },
      { ...(await t2.server()), urls: t2.url },
    ];
    const a = await openService({ iceServers: servers });
    const el = await fixture<DarkswapNetworkStatus>(
      html`<div style="width: 320px"><darkswap-network-status dashboard .connection=${a}></darkswap-network-status></div>`,
    ).then((wrap) => wrap.querySelector('darkswap-network-status')!);
    await waitFor(() => (a.turnServers ?? []).every((r) => r.ok === 1) && a.turnServers!.length === 2, 10_000, 'both servers probed');
    el.requestUpdate();
    await el.updateComplete;
    const items = [...q(el, '[part~="turn-servers"]')!.querySelectorAll('li')].map(text);
    expect(items).to.have.length(2);
    expect(items.join('\n')).to.contain(`127.0.0.1:${t1.port}`).and.contain(`127.0.0.1:${t2.port}`);
    expect(items[0]).to.match(/RTT [\d.]+ ms, score \d+, 1 ok \/ 0 failed/);
    a.dispatchEvent(new TurnSwitchEvent('peer-x', `127.0.0.1:${t1.port}`, `127.0.0.1:${t2.port}`, 'relay-dead'));
    await el.updateComplete;
    expect(text(q(el, '[part~="notice"]'))).to.equal(
      `The link to peer-x moved from relay 127.0.0.1:${t1.port} to relay 127.0.0.1:${t2.port}: the relay stopped passing data.`,
    );
    await expect(el).shadowDom.to.be.accessible();
    expect(el.shadowRoot!.querySelector('[part~="base"]')!.scrollWidth, 'fits 320 px').to.be.at.most(320);
  });

  it('shows each linked peer live: path, RTT, throughput, verdict badge, sparklines, code; fires darkswap-quality-change', async () => {
    const [a, b] = await linkedPair({ statsIntervalMs: 200 });
    const changes: DarkswapQualityChangeEvent[] = [];
    // Listen before the widget exists: its first sample (and event) may come before fixture() resolves.
    const record = (e: Event) => changes.push(e as DarkswapQualityChangeEvent);
    document.addEventListener('darkswap-quality-change', record);
    const el = await fixture<DarkswapNetworkStatus>(
      html`<div style="width: 320px"><darkswap-network-status dashboard .connection=${a}></darkswap-network-status></div>`,
    ).then((wrap) => wrap.querySelector('darkswap-network-status')!);
    await waitFor(() => !!q(el, `[part~="peer"][data-peer="${b.id}"] [part~="verdict"]`), 10_000, 'the peer row with a verdict');
    await waitFor(() => text(q(el, '[part~="path"]')) === 'direct, UDP', 5_000, 'the path');
    const row = q(el, `[part~="peer"][data-peer="${b.id}"]`)!;
    expect(text(row.querySelector('[part~="rtt"]'))).to.match(/\d+(\.\d)? ms/);
    expect(text(row.querySelector('[part~="code"]'))).to.match(/^code \d{3} \d{3}$/);
    await waitFor(() => (row.querySelector('polyline')?.getAttribute('points') ?? '').split(' ').length >= 2, 5_000, 'a sparkline');
    document.removeEventListener('darkswap-quality-change', record);
    expect(changes[0]!.detail).to.deep.include({ peer: b.id, from: undefined });
    expect(text(q(el, '[part~="totals"]'))).to.match(/^1 linked · in .* · out .*/);
    // The dashboard's history gains a point per second.
    await waitFor(() => (q(el, '[part~="history"] polyline')?.getAttribute('points') ?? '').split(' ').length >= 2, 5_000, 'history points');
    await expect(el).shadowDom.to.be.accessible();
    expect(el.shadowRoot!.querySelector('[part~="base"]')!.scrollWidth, 'fits 320 px').to.be.at.most(320);
    // The doctor: no servers configured here.
    q<HTMLButtonElement>(el, '[part~="check-button"]')!.click();
    await waitFor(() => !!q(el, '[part~="finding"]'), 10_000, 'findings');
    expect(q(el, '[part~="finding"]')!.dataset.code).to.equal('no-ice-servers');
    // The peer leaves: its row goes and sampling stops.
    b.destroy();
    await waitFor(() => !q(el, '[part~="peer"]'), 10_000, 'row removed');
  });
});
