import { localized, msg, str } from '@lit/localize';
import { html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ConnectionApi } from '../../core/connection-api.js';
import { isConnectionError } from '../../core/errors.js';
import type { PeerEvent } from '../../core/events.js';
import { ConnectionController } from '../../context/connection-controller.js';
import { DarkswapElement } from '../../internal/base-element.js';
import { headingText, notConnected, panelHeader } from '../../internal/panel-header.js';
import { DarkswapConnectedEvent, DarkswapMessageEvent } from './demo.events.js';
import { demoStyles } from './demo.styles.js';
import { appendLog, DEMO_MAX_BYTES, DemoMessageSchema, peerIdProblem, peerStateLabel, setPeerState, textProblem, type DemoMessage } from './demo.model.js';
import { DEMO_CHANNEL, type LogEntry, type PeerEntry } from './demo.types.js';

const ALL = '*';

/**
 * Talk to other peers over WebRTC: shows your peer id, connects to a peer id, lists each peer's
 * link status, and sends and receives text messages on the `demo` channel. Peer text is rendered
 * as text, never HTML.
 *
 * @summary WebRTC demo: peer id, connect, per-peer status, text messages.
 * @tag darkswap-demo
 * @fires darkswap-connected - A link to a peer opened; `detail: { peer }`.
 * @fires darkswap-message - A message was received or sent; `detail: { peer, text, direction: 'in' | 'out' }`.
 * @csspart base - The widget's outer box.
 * @csspart header - Title and status row.
 * @csspart title - The heading.
 * @csspart status - Signaling status text.
 * @csspart not-connected - Shown when no connection service reached the widget.
 * @csspart identity - "Your peer id" row.
 * @csspart peer-id - My peer id.
 * @csspart copy-button - Copies my peer id.
 * @csspart connect-form - Form to connect to a peer.
 * @csspart peer-input - The peer id input.
 * @csspart dismiss-button - Removes a failed or closed peer's row.
 * @csspart peer-code - The short authentication string of an open link (six digits both people can compare).
 * @csspart connect-button - The connect button.
 * @csspart error - Error messages.
 * @csspart peers - List of peers.
 * @csspart peer - One peer row.
 * @csspart disconnect-button - Closes the link to one peer.
 * @csspart log - The message log.
 * @csspart message - One message in the log.
 * @csspart composer - Form to send a message.
 * @csspart target - Recipient selector.
 * @csspart message-input - The message text input.
 * @csspart send-button - The send button.
 * @cssprop --darkswap-demo-background - Background (default `--darkswap-color-surface`).
 * @cssprop --darkswap-demo-border-color - Border colour (default `--darkswap-color-border`).
 * @cssprop --darkswap-demo-radius - Corner radius (default `--darkswap-radius`).
 * @cssprop --darkswap-demo-padding - Inner spacing (default `--darkswap-space-4`).
 * @cssprop --darkswap-demo-log-height - Maximum height of the message log (default `16rem`).
 */
/** How long "Copied." stays. */
export const COPY_NOTE_MS = 3_000;

@localized()
export class DarkswapDemo extends DarkswapElement {
  static override styles = [...DarkswapElement.styles, ...demoStyles];

  /** Heading text. The default, "WebRTC Demo", is shown in the page's language. */
  @property() heading = 'WebRTC Demo';

  /** A connection service to use instead of the one from context. */
  @property({ attribute: false }) connection: ConnectionApi | undefined;

  @state() private peerStates = new Map<string, PeerEntry>();
  @state() private log: LogEntry[] = [];
  @state() private connectError = '';
  @state() private sendError = '';
  @state() private copyNote = '';
  @state() private connecting = false;

  @query('#peer-input') private peerInput!: HTMLInputElement;
  @query('#message-input') private messageInput!: HTMLInputElement;
  @query('#target') private targetSelect!: HTMLSelectElement;

  private seq = 0;

  private readonly conn = new ConnectionController(this, {
    'peer-connecting': (e: PeerEvent) => this.track(e.peer, 'connecting'),
    'peer-reconnecting': (e: PeerEvent) => this.track(e.peer, 'reconnecting'),
    'peer-connected': (e: PeerEvent) => {
      this.track(e.peer, 'open', undefined, this.conn.service?.peerIdentity(e.peer)?.sas);
      this.dispatchEvent(new DarkswapConnectedEvent({ peer: e.peer }));
    },
    'peer-disconnected': (e: PeerEvent) => this.track(e.peer, 'closed', e.reason === 'local' ? undefined : describeReason(e.reason)),
  });

  private readonly channel = this.conn.channel<DemoMessage>(DEMO_CHANNEL, { schema: DemoMessageSchema, maxBytes: DEMO_MAX_BYTES }, (message, from) =>
    this.record(from, message.text, 'in'),
  );

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('connection')) this.conn.inject(this.connection);
  }

  /** Connect to a peer by id. Resolves when the link is open; errors are shown in the widget too. */
  async connectTo(peerId: string): Promise<void> {
    const service = this.conn.service;
    const problem = peerIdProblem(peerId, service?.id);
    if (problem || !service) {
      this.connectError = problem ?? msg('Not connected to a signaling server.');
      throw new Error(this.connectError);
    }
    const id = peerId.trim();
    this.connectError = '';
    this.connecting = true;
    this.track(id, 'connecting');
    try {
      await service.connect(id);
      // The code too: the dialing side (and both sides of crossed dials) shows it like the other.
      this.track(id, 'open', undefined, service.peerIdentity(id)?.sas);
    } catch (e) {
      const message = isConnectionError(e) ? e.message : String(e);
      this.track(id, 'failed', message);
      this.connectError = message;
      throw e;
    } finally {
      this.connecting = false;
    }
  }

  /** Send text to one peer, or to every connected peer when `peer` is omitted. */
  send(text: string, peer?: string): void {
    const service = this.conn.service;
    const problem = textProblem(text, service?.peers.length ?? 0);
    if (problem || !service) throw new Error(problem ?? msg('Not connected.'));
    if (peer) {
      this.channel.send(peer, { text });
      this.record(peer, text, 'out');
    } else {
      this.channel.broadcast({ text });
      for (const p of service.peers) this.record(p, text, 'out');
    }
  }

  private track(peer: string, state: PeerEntry['state'], reason?: string, sas?: string): void {
    const current = this.peerStates.get(peer);
    if (current?.state === state && current.reason === reason && current.sas === sas) return;
    this.peerStates = setPeerState(this.peerStates, peer, state, reason, sas);
  }

  private record(peer: string, text: string, direction: LogEntry['direction']): void {
    this.log = appendLog(this.log, { seq: ++this.seq, peer, text, direction, at: Date.now() });
    this.dispatchEvent(new DarkswapMessageEvent({ peer, text, direction }));
  }

  private onConnectSubmit(event: SubmitEvent): void {
    event.preventDefault();
    this.connectTo(this.peerInput.value).then(
      () => (this.peerInput.value = ''),
      () => this.peerInput.focus(),
    );
  }

  private onSendSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const target = this.targetSelect.value;
    try {
      this.send(this.messageInput.value, target === ALL ? undefined : target);
      this.messageInput.value = '';
      this.sendError = '';
    } catch (e) {
      this.sendError = e instanceof Error ? e.message : String(e);
    }
    this.messageInput.focus();
  }

  private copyNoteTimer: ReturnType<typeof setTimeout> | undefined;

  private async copyId(): Promise<void> {
    const id = this.conn.service?.id;
    if (!id) return;
    try {
      await navigator.clipboard.writeText(id);
      this.copyNote = msg('Copied.');
    } catch {
      const code = this.renderRoot.querySelector('[part~="peer-id"]');
      if (code) getSelection()?.selectAllChildren(code);
      this.copyNote = msg('Selected: press Ctrl+C (⌘C) to copy.');
    }
    // The note is news, not state: it goes after a few seconds.
    clearTimeout(this.copyNoteTimer);
    this.copyNoteTimer = setTimeout(() => (this.copyNote = ''), COPY_NOTE_MS);
  }

  /** Removes a failed or closed peer's row. */
  private dismiss(peer: string): void {
    const next = new Map(this.peerStates);
    next.delete(peer);
    this.peerStates = next;
  }

  private disconnectPeer(peer: string): void {
    this.conn.service?.disconnect(peer);
    this.track(peer, 'closed');
  }

  protected override render() {
    const service = this.conn.service;
    const status = this.conn.status;
    return html`<section part="base" aria-labelledby="title">
      ${panelHeader(headingText(this.heading, 'WebRTC Demo', msg('WebRTC Demo')), status)} ${service ? this.renderConnected(service) : notConnected()}
    </section>`;
  }

  private renderConnected(service: ConnectionApi) {
    const open = service.peers;
    const id = service.id;
    return html`
      <div part="identity" class="row">
        <span>${msg('Your peer id:')}</span>
        <code part="peer-id">${id ?? '…'}</code>
        <button part="copy-button" type="button" class="secondary" ?disabled=${!id} @click=${this.copyId}>
          ${msg(html`Copy<span class="visually-hidden"> your peer id</span>`)}
        </button>
        <span role="status" class="note">${this.copyNote}</span>
      </div>
      <form part="connect-form" @submit=${this.onConnectSubmit} aria-label=${msg('Connect to a peer')}>
        <label for="peer-input">${msg('Peer id')}</label>
        <input
          part="peer-input"
          id="peer-input"
          autocomplete="off"
          spellcheck="false"
          maxlength="64"
          aria-describedby="connect-error"
          aria-invalid=${this.connectError ? 'true' : 'false'}
        />
        <button part="connect-button" type="submit" ?disabled=${!id || this.connecting}>${msg('Connect')}</button>
      </form>
      <p part="error" id="connect-error" role="alert">${this.connectError}</p>
      ${
        this.peerStates.size
          ? html`<ul part="peers" aria-label=${msg('Peers')}>
              ${repeat(
                this.peerStates,
                ([peer]) => peer,
                ([peer, entry]) =>
                  html`<li part="peer" data-state=${entry.state}>
                    <code>${peer}</code>
                    <span class="state">${peerStateLabel(entry)}</span>
                    ${
                      entry.state === 'open' && entry.sas
                        ? html`<span part="peer-code" title=${msg('Compare these digits with the other person: equal digits mean no one sits between you.')}
                            >${msg(str`Code ${entry.sas}`)}</span
                          >`
                        : nothing
                    }
                    ${
                      entry.state === 'open'
                        ? html`<button part="disconnect-button" type="button" class="secondary" @click=${() => this.disconnectPeer(peer)}>
                            ${msg(html`Disconnect<span class="visually-hidden"> ${peer}</span>`)}
                          </button>`
                        : entry.state === 'failed' || entry.state === 'closed'
                          ? html`<button part="dismiss-button" type="button" class="secondary" @click=${() => this.dismiss(peer)}>
                              ${msg(html`Dismiss<span class="visually-hidden"> ${peer}</span>`)}
                            </button>`
                          : nothing
                    }
                  </li>`,
              )}
            </ul>`
          : nothing
      }
      <div part="log" role="log" aria-live="polite" aria-label=${msg('Messages')} tabindex="0">
        ${repeat(
          this.log,
          (m) => m.seq,
          // One line: the message text is pre-wrap, so template whitespace would show.
          (m) =>
            html`<p part="message" data-direction=${m.direction}>
              <span class="who">${m.direction === 'in' ? m.peer : msg(str`me → ${m.peer}`)}:</span>${m.text}
            </p>`,
        )}
      </div>
      <form part="composer" @submit=${this.onSendSubmit} aria-label=${msg('Send a message')}>
        <label for="target">${msg('To')}</label>
        <select part="target" id="target">
          <option value=${ALL}>${msg('All connected peers')}</option>
          ${open.map((p) => html`<option value=${p}>${p}</option>`)}
        </select>
        <label for="message-input">${msg('Message')}</label>
        <input part="message-input" id="message-input" autocomplete="off" aria-describedby="send-error" />
        <button part="send-button" type="submit" ?disabled=${open.length === 0}>${msg('Send')}</button>
      </form>
      <p part="error" id="send-error" role="alert">${this.sendError}</p>
    `;
  }
}

function describeReason(reason: string | undefined): string | undefined {
  if (!reason || reason === 'remote') return msg('the peer left');
  return reason;
}
