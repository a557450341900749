import { localized, msg, str } from '@lit/localize';
import { html, nothing, svg } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ConnectionApi } from '../../core/connection-api.js';
import type { Finding } from '../../core/doctor.js';
import { ConnectionController } from '../../context/connection-controller.js';
import { DarkswapElement } from '../../internal/base-element.js';
import { CopyController } from '../../internal/copy-button.js';
import { boundAddress } from '../../internal/bound-address.js';
import { BindingController } from '../../context/binding-controller.js';
import { headingText, notConnected, panelHeader } from '../../internal/panel-header.js';
import { DarkswapQualityChangeEvent } from './network-status.events.js';
import { networkStatusStyles } from './network-status.styles.js';
import type { TurnSwitchEvent } from '../../core/events.js';
import { formatMs, formatNumber, formatPercent, formatRate } from '../../internal/format.js';
import { sparkPoints, totals, turnServerLine, verdictWord, withSample, withTotals, type PeerView, type TotalsPoint } from './network-status.view.js';
import { findingFix, findingMessage } from './network-status.findings.js';

/**
 * How the network is doing: signaling state, and per linked peer its state, path (direct or relayed, and the
 * protocol), RTT, throughput in and out, loss, a quality badge (good / fair / poor) with sparklines of RTT and
 * throughput, and the six-digit code. `dashboard` adds totals over every peer with five minutes of history, and
 * the TURN servers with their scores when there are several. A link moved to another TURN server is announced.
 * "Run check" runs the connection doctor and lists its findings, each with a fix. Link statistics are sampled
 * only while this widget shows them.
 *
 * @summary Network status: signaling, per-peer path, RTT, throughput, loss, quality, and the connection doctor.
 * @tag darkswap-network-status
 * @fires darkswap-quality-change - A link's verdict changed; `detail: { peer, from, to }`.
 * @csspart base - The widget's outer box.
 * @csspart header - Title and status row.
 * @csspart title - The heading.
 * @csspart status - Signaling status text.
 * @csspart not-connected - Shown when no connection service reached the widget.
 * @csspart peers - The list of linked peers.
 * @csspart peer - One peer.
 * @csspart peer-id - The peer's id.
 * @csspart copy-button - Copies the peer's id or its proved address (says "Copied" for 3 s).
 * @csspart bound-address - "controls bc1q…": the wallet address the peer proved with a BIP-322 identity binding, verified against its link key.
 * @csspart code - The six-digit code of the link.
 * @csspart verdict - The quality badge (`data-verdict`: good, fair, poor).
 * @csspart path - Direct or relayed, and the protocol.
 * @csspart rtt - Round-trip time.
 * @csspart throughput - Bytes per second in and out.
 * @csspart loss - Packet loss (media only).
 * @csspart sparkline - An SVG sparkline (RTT or throughput).
 * @csspart totals - Totals over every peer (dashboard mode).
 * @csspart history - Sparklines of total throughput and linked peers over the last five minutes (dashboard mode).
 * @csspart turn-servers - The TURN servers, best first, with RTT and score or why one is set aside (dashboard mode).
 * @csspart notice - Announces a link moved to another TURN server.
 * @csspart check-button - Runs the connection doctor.
 * @csspart findings - The doctor's findings.
 * @csspart finding - One finding (`data-severity`: ok, warning, problem) with its fix.
 * @cssprop --darkswap-network-status-background - Background (default `--darkswap-color-surface`).
 * @cssprop --darkswap-network-status-border-color - Border colour (default `--darkswap-color-border`).
 * @cssprop --darkswap-network-status-radius - Corner radius (default `--darkswap-radius`).
 * @cssprop --darkswap-network-status-padding - Inner spacing (default `--darkswap-space-4`).
 * @cssprop --darkswap-network-status-good-color - Colour of a good verdict (default `--darkswap-color-success`).
 * @cssprop --darkswap-network-status-fair-color - Colour of a fair verdict (default `--darkswap-color-warning`).
 * @cssprop --darkswap-network-status-poor-color - Colour of a poor verdict (default `--darkswap-color-danger`).
 * @cssprop --darkswap-network-status-spark-color - Sparkline colour (default `--darkswap-color-accent`).
 */
@localized()
export class DarkswapNetworkStatus extends DarkswapElement {
  private readonly copier = new CopyController(this);
  static override styles = [...DarkswapElement.styles, ...networkStatusStyles];

  /** Heading text. The default, "Network", is shown in the page's language. */
  @property() heading = 'Network';

  /** Dashboard mode: totals over every peer above the list. */
  @property({ type: Boolean, reflect: true }) dashboard = false;

  /** A connection service to use instead of the one from context. */
  @property({ attribute: false }) connection: ConnectionApi | undefined;

  @state() private views = new Map<string, PeerView>();
  @state() private findings: Finding[] | undefined;
  @state() private checking = false;
  @state() private history: TotalsPoint[] = [];
  @state() private notice = '';

  private readonly conn = new ConnectionController(this, {});
  /** The wallet address each peer proved it controls (features/binding). */
  private readonly bindings = new BindingController(this, this.conn);
  /** Stats subscriptions by peer, and the service they belong to. */
  private watching = new Map<string, () => void>();
  private watchedService: ConnectionApi | undefined;

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('connection')) this.conn.inject(this.connection);
  }

  protected override updated(): void {
    this.syncWatchers();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopAll();
    this.watchedService?.removeEventListener('turn-switch', this.onTurnSwitch);
    this.watchedService = undefined;
  }

  /** Watch the statistics of every linked peer (and only those), on the current service. */
  private syncWatchers(): void {
    const service = this.conn.service;
    if (service !== this.watchedService) {
      this.stopAll();
      this.watchedService?.removeEventListener('turn-switch', this.onTurnSwitch);
      this.watchedService = service;
      service?.addEventListener('turn-switch', this.onTurnSwitch);
    }
    if (!service) return;
    const peers = new Set(service.peers);
    for (const [peer, stop] of this.watching) {
      if (peers.has(peer)) continue;
      stop();
      this.watching.delete(peer);
      const views = new Map(this.views);
      views.delete(peer);
      this.views = views;
    }
    for (const peer of peers) {
      if (this.watching.has(peer)) continue;
      try {
        this.watching.set(
          peer,
          service.watchStats(peer, (sample) => {
            const before = this.views.get(peer)?.verdict;
            const views = new Map(this.views);
            views.set(peer, withSample(views.get(peer), peer, sample));
            this.views = views;
            if (this.dashboard) this.history = withTotals(this.history, [...views.values()], sample.at);
            if (before !== sample.verdict) this.dispatchEvent(new DarkswapQualityChangeEvent({ peer, from: before, to: sample.verdict }));
          }),
        );
      } catch {
        // The link went away between the peer list and the subscription: the next update sorts it out.
      }
    }
  }

  private stopAll(): void {
    for (const stop of this.watching.values()) stop();
    this.watching.clear();
    this.views = new Map();
    this.history = [];
  }

  private readonly onTurnSwitch = (e: Event): void => {
    const s = e as TurnSwitchEvent;
    const why = s.reason === 'poor' ? msg('its quality stayed poor') : msg('the relay stopped passing data');
    const from = s.from ? msg(str` from relay ${s.from}`) : '';
    const to = s.to ? msg(str` to relay ${s.to}`) : '';
    this.notice = msg(str`The link to ${s.peer} moved${from}${to}: ${why}.`);
  };

  /** Runs the connection doctor and shows its findings. */
  async runCheck(): Promise<Finding[]> {
    const service = this.conn.service;
    if (!service) throw new Error('<darkswap-network-status> has no connection service.');
    this.checking = true;
    try {
      this.findings = await service.diagnose();
      return this.findings;
    } finally {
      this.checking = false;
    }
  }

  private renderPeer(view: PeerView, service: ConnectionApi) {
    const last = view.samples[view.samples.length - 1];
    const code = service.peerIdentity(view.peer)?.sas;
    const rtts = view.samples.map((s) => s.rttMs ?? 0);
    const rates = view.samples.map((s) => s.inBps + s.outBps);
    const spark = (label: string, values: number[]) =>
      html`<svg part="sparkline" viewBox="0 0 60 16" role="img" aria-label=${label}>${svg`<polyline points=${sparkPoints(values)}></polyline>`}</svg>`;
    const pathWord = (p: string) => (p === 'direct' ? msg('direct') : p === 'relayed' ? msg('relayed') : p);
    const path = last ? (last.path === 'unknown' ? msg('unknown') : `${pathWord(last.path)}, ${last.protocol.toUpperCase()}`) : '—';
    return html`<li part="peer" data-peer=${view.peer}>
      <div class="line">
        <code part="peer-id">${view.peer}</code> ${this.copier.button(view.peer, msg('peer id'))}
        ${code ? html`<span part="code">${msg(str`code ${code}`)}</span>` : nothing}
        ${view.verdict ? html`<span part="verdict" data-verdict=${view.verdict}>${verdictWord(view.verdict)}</span>` : nothing}
      </div>
      ${boundAddress(this.bindings.of(view.peer), (value, what) => this.copier.button(value, what))}
      <dl>
        <div>
          <dt>${msg('State')}</dt>
          <dd>${service.linkStatus(view.peer) ?? '—'}</dd>
        </div>
        <div>
          <dt>${msg('Path')}</dt>
          <dd part="path">${path}</dd>
        </div>
        <div>
          <dt>${msg('RTT')}</dt>
          <dd part="rtt">${formatMs(last?.rttMs)} ${spark(msg('RTT over the last minute'), rtts)}</dd>
        </div>
        <div>
          <dt>${msg('In / out')}</dt>
          <dd part="throughput">${formatRate(last?.inBps ?? 0)} / ${formatRate(last?.outBps ?? 0)} ${spark(msg('Throughput over the last minute'), rates)}</dd>
        </div>
        <div>
          <dt>${msg('Loss')}</dt>
          <dd part="loss">${formatPercent(last?.loss)}</dd>
        </div>
      </dl>
    </li>`;
  }

  private renderDashboard(service: ConnectionApi, views: readonly PeerView[]) {
    const sum = totals(views);
    const turn = service.turnServers ?? [];
    const now = performance.now();
    const spark = (label: string, values: number[]) =>
      html`<svg part="sparkline" viewBox="0 0 60 16" role="img" aria-label=${label}>${svg`<polyline points=${sparkPoints(values)}></polyline>`}</svg>`;
    return html`<p part="totals" role="status">
        ${msg(
          str`${formatNumber(views.length)} linked · in ${formatRate(sum.inBps)} · out ${formatRate(sum.outBps)} · good ${formatNumber(sum.counts.good)}, fair ${formatNumber(sum.counts.fair)}, poor ${formatNumber(sum.counts.poor)}`,
        )}
      </p>
      <p part="history">
        <span
          >${msg('Throughput, 5 min')}
          ${spark(
            msg('Total throughput over the last five minutes'),
            this.history.map((p) => p.inBps + p.outBps),
          )}</span
        >
        <span
          >${msg('Peers')}
          ${spark(
            msg('Linked peers over the last five minutes'),
            this.history.map((p) => p.links),
          )}</span
        >
      </p>
      ${
        turn.length
          ? html`<ol part="turn-servers" aria-label=${msg('TURN servers, best first')}>
              ${turn.map((r) => html`<li>${turnServerLine(r, now)}</li>`)}
            </ol>`
          : nothing
      }`;
  }

  protected override render() {
    const service = this.conn.service;
    const views = [...this.views.values()];
    return html`<section part="base" aria-labelledby="title">
      ${panelHeader(headingText(this.heading, 'Network', msg('Network')), this.conn.status)} ${notConnected(!service)}
      ${this.dashboard && service ? this.renderDashboard(service, views) : nothing}
      <p part="notice" role="status">${this.notice}</p>
      ${
        service
          ? views.length
            ? html`<ul part="peers" aria-label=${msg('Linked peers')}>
                ${repeat(
                  views,
                  (v) => v.peer,
                  (v) => this.renderPeer(v, service),
                )}
              </ul>`
            : html`<p class="muted">${msg('No linked peers.')}</p>`
          : nothing
      }
      <div>
        <button part="check-button" type="button" ?disabled=${!service || this.checking} @click=${() => void this.runCheck().catch(() => undefined)}>
          ${this.checking ? msg('Checking…') : msg('Run check')}
        </button>
      </div>
      ${
        this.findings
          ? html`<ul part="findings" aria-label=${msg('Connection check')}>
              ${this.findings.map(
                (f) =>
                  html`<li part="finding" data-severity=${f.severity} data-code=${f.code}>
                    <strong>${findingMessage(f)}</strong> <span>${findingFix(f)}</span>
                  </li>`,
              )}
            </ul>`
          : nothing
      }
    </section>`;
  }
}
