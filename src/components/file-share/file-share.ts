import { localized, msg, str } from '@lit/localize';
import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ConnectionApi } from '../../core/connection-api.js';
import type { PeerEvent } from '../../core/events.js';
import { ConnectionController } from '../../context/connection-controller.js';
import { BusyGuard } from '../../internal/busy-guard.js';
import { DarkswapElement } from '../../internal/base-element.js';
import { headingText, notConnected, panelHeader } from '../../internal/panel-header.js';
import { FeatureController } from '../../context/feature-controller.js';
import type { FileProgress, FileShareEngine, FileShareListener, TransferInfo } from '../../features/file-share/file-share.engine.js';
import { FILE_SHARE_FEATURE, FileShareFeature } from '../../features/file-share/file-share.feature.js';
import { DarkswapFileFailedEvent, DarkswapFileOfferedEvent, DarkswapFileReceivedEvent, DarkswapFileSentEvent } from './file-share.events.js';
import { safeFileName } from '../../features/file-share/file-share.protocol.js';
import { fileProblemText, fileShareMessageText, storageProblemText } from './file-share.text.js';
import { formatBinaryBytes as formatBytes, formatBinaryRate as formatSpeed, formatEta, formatNumber } from '../../internal/format.js';
import { fileShareStyles } from './file-share.styles.js';
import {
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_FILES,
  MEMORY_WARNING_BYTES,
  type DisplayStatus,
  type StorageKind,
} from '../../features/file-share/file-share.types.js';

const RENDER_THROTTLE_MS = 120;
/** Transfer statuses during which leaving the page would interrupt something. */
const BUSY_STATUSES: ReadonlySet<DisplayStatus> = new Set(['hashing', 'sending', 'receiving', 'waiting']);

/** A transfer status in words, in the active language. */
function statusWord(status: DisplayStatus): string {
  switch (status) {
    case 'hashing':
      return msg('Hashing…');
    case 'offered':
      return msg('Waiting for the peer to accept');
    case 'incoming':
      return msg('Offered to you');
    case 'sending':
      return msg('Sending');
    case 'receiving':
      return msg('Receiving');
    case 'paused':
      return msg('Paused');
    case 'waiting':
      // The same word every widget uses for a link that is coming back (panel-header.ts statusWords()).
      return msg('Reconnecting…');
    case 'complete':
      return msg('Complete');
    case 'rejected':
      return msg('Rejected');
    case 'cancelled':
      return msg('Cancelled');
    case 'failed':
      return msg('Failed');
    case 'unavailable':
      return msg('Sender unavailable');
  }
}

/** `Hashing… 42 %`: whole percents, as the hash advances. */
const hashingText = (done: number, total: number) => msg(str`Hashing… ${formatNumber(Math.floor((done / total) * 100))} %`);

/**
 * Send files to connected peers: pick files (or drop them), choose peers, offer. The receiver
 * accepts or rejects; chunks stream into the Origin Private File System with per-chunk and
 * whole-file SHA-256 checks; transfers pause, resume and cancel from either side and resume by
 * themselves after a link drop or a reload of the receiving page. Verified files are listed with
 * their hash and a download link; a file whose hash does not match is never offered. Names and
 * texts from peers are rendered as text.
 *
 * @summary Verified, resumable peer-to-peer file transfer.
 * @tag darkswap-file-share
 * @attr heading - Heading text.
 * @attr max-bytes - Largest offer accepted (all files together, bytes; default 8 GiB). Larger offers are refused with a reason.
 * @attr max-files - Most files accepted per offer (default 100).
 * @attr storage-key - Names this widget's folder in the Origin Private File System (default `default`); use distinct keys for several widgets on one origin.
 * @fires darkswap-file-offered - Files were offered: `detail: { transferId, peer, direction: 'in' | 'out', files }`. Cancelable when `direction` is `in`: `preventDefault()` rejects the offer.
 * @fires darkswap-file-received - A file arrived and its SHA-256 matched: `detail: { transferId, peer, name, size, type, sha256, file }`.
 * @fires darkswap-file-sent - The receiver verified a file I sent: `detail: { transferId, peer, name, size, type, sha256 }`.
 * @fires darkswap-file-failed - A file failed its integrity check, or a transfer was refused, cancelled or lost: `detail: { transferId, peer, direction, name, reason, message }`.
 * @csspart base - The widget's outer box.
 * @csspart header - Title and status row.
 * @csspart title - The heading.
 * @csspart status - Connection status text.
 * @csspart not-connected - Shown when no connection service reached the widget.
 * @csspart composer - The form that offers files.
 * @csspart drop-zone - Where files can be dropped (holds the file input).
 * @csspart file-label - "Choose files" label of the file input.
 * @csspart file-input - The file input.
 * @csspart selection - List of chosen files.
 * @csspart selected-file - One chosen file.
 * @csspart selected-hash - Hashing progress of a chosen file (it is hashed as soon as it is chosen), then its SHA-256 prefix.
 * @csspart unselect-button - Removes a chosen file.
 * @csspart peers - The "Send to" group of peers.
 * @csspart peer - One peer choice (checkbox and id).
 * @csspart no-peers - Shown when no peer is connected.
 * @csspart send-button - Sends the offer.
 * @csspart error - Errors of the composer.
 * @csspart warning - Storage warning (no private file system: memory only).
 * @csspart transfers - List of transfers.
 * @csspart transfer - One transfer (`data-status`, `data-role`).
 * @csspart transfer-header - Direction, peer, status and actions of a transfer.
 * @csspart transfer-status - Status text of a transfer.
 * @csspart actions - The buttons of a transfer.
 * @csspart accept-button - Accepts an offer.
 * @csspart reject-button - Rejects an offer.
 * @csspart pause-button - Pauses a transfer.
 * @csspart resume-button - Resumes a paused transfer.
 * @csspart cancel-button - Cancels a transfer.
 * @csspart retry-button - Dials the sender again for a waiting, restored transfer.
 * @csspart remove-button - Removes a finished transfer (and deletes its stored data).
 * @csspart reason - Why a transfer stopped or waits.
 * @csspart files - Files of a transfer.
 * @csspart file - One file (`data-status`).
 * @csspart file-name - A file's name.
 * @csspart file-size - A file's size.
 * @csspart progress - A file's progress bar.
 * @csspart progress-text - Bytes, speed and time left.
 * @csspart hash - The verified SHA-256 of a file.
 * @csspart download - Download link of a verified file.
 * @csspart integrity-error - Shown when a file's hash does not match (nothing is offered for download).
 * @cssprop --darkswap-file-share-background - Background (default `--darkswap-color-surface`).
 * @cssprop --darkswap-file-share-border-color - Border colour (default `--darkswap-color-border`).
 * @cssprop --darkswap-file-share-radius - Corner radius (default `--darkswap-radius`).
 * @cssprop --darkswap-file-share-padding - Inner spacing (default `--darkswap-space-4`).
 * @cssprop --darkswap-file-share-drop-border-color - Drop zone border (default `--darkswap-color-border`).
 * @cssprop --darkswap-file-share-progress-color - Progress bar colour (default `--darkswap-color-accent`).
 * @cssprop --darkswap-file-share-progress-height - Progress bar height (default `0.5rem`).
 */
@localized()
export class DarkswapFileShare extends DarkswapElement {
  static override styles = [...DarkswapElement.styles, ...fileShareStyles];

  /** Heading text. The default, "Share files", is shown in the page's language. */
  @property() heading = 'Share files';

  /** Largest offer accepted, all files together, in bytes. */
  @property({ type: Number, attribute: 'max-bytes' }) maxBytes = DEFAULT_MAX_BYTES;

  /** Most files accepted per offer. */
  @property({ type: Number, attribute: 'max-files' }) maxFiles = DEFAULT_MAX_FILES;

  /** Folder name in the Origin Private File System; set before the element connects. */
  @property({ attribute: 'storage-key' }) storageKey = 'default';

  /** A connection service to use instead of the one from context. */
  @property({ attribute: false }) connection: ConnectionApi | undefined;

  @state() private selected: File[] = [];
  @state() private chosen = new Set<string>();
  @state() private composeError = '';
  @state() private dragging = false;
  @state() private storage: StorageKind | undefined;
  @state() private storageWhy: string | undefined;
  /** Files whose hashing failed, with the reason (shown in place of the progress). */
  private readonly hashErrors = new WeakMap<File, string>();
  @state() private announcement = '';

  private keyWarned = false;
  private renderTimer: ReturnType<typeof setTimeout> | undefined;

  private readonly conn = new ConnectionController(this, {
    'peer-disconnected': (e: PeerEvent) => {
      if (this.chosen.has(e.peer)) {
        const next = new Set(this.chosen);
        next.delete(e.peer);
        this.chosen = next;
      }
    },
  });

  /** The one file-share engine of the current service, shared with other widgets and headless sessions on it. */
  private readonly shared = new FeatureController(this, this.conn, {
    key: FILE_SHARE_FEATURE,
    create: (service) => new FileShareFeature(service, { storageKey: this.storageKey }),
    attach: (feature) => {
      if (feature.storageKey !== this.storageKey && !this.keyWarned) {
        this.keyWarned = true;
        console.warn(
          `[darkswap] <darkswap-file-share storage-key="${this.storageKey}"> shares its service's file-share engine, which stores in "${feature.storageKey}" (the first widget's key).`,
        );
      }
      this.storage = undefined;
      void feature.engine.storageKind().then((kind) => {
        if (this.shared.feature === feature) this.storage = kind;
      });
      void feature.engine.storageProblem().then((why) => {
        if (this.shared.feature === feature) this.storageWhy = why;
      });
      return feature.join({ listener: this.listener, limits: () => ({ maxBytes: this.maxBytes, maxFiles: this.maxFiles }) });
    },
  });

  private get engine(): FileShareEngine | undefined {
    return this.shared.feature?.engine;
  }

  private readonly listener: FileShareListener = {
    changed: () => this.scheduleRender(),
    offered: (t) => this.onOffered(t),
    offerSent: (t) => this.dispatchEvent(new DarkswapFileOfferedEvent({ transferId: t.id, peer: t.peer, direction: 'out', files: describe(t.files) })),
    fileReceived: (t, i, file) => {
      this.announce(msg(str`Received ${t.files[i].info.name}, verified.`));
      this.dispatchEvent(new DarkswapFileReceivedEvent({ transferId: t.id, peer: t.peer, ...describe([t.files[i]])[0], file }));
    },
    fileSent: (t, i) => {
      this.announce(msg(str`${t.peer} verified ${t.files[i].info.name}.`));
      this.dispatchEvent(new DarkswapFileSentEvent({ transferId: t.id, peer: t.peer, ...describe([t.files[i]])[0] }));
    },
    failed: (t, i, reason, message) => {
      this.announce(fileShareMessageText(message));
      this.dispatchEvent(
        new DarkswapFileFailedEvent({
          transferId: t.id,
          peer: t.peer,
          direction: t.role === 'send' ? 'out' : 'in',
          name: i === undefined ? undefined : t.files[i].info.name,
          reason,
          message,
        }),
      );
    },
  };

  /** Every transfer, newest last. */
  get transfers(): readonly TransferInfo[] {
    return this.engine?.transfers ?? [];
  }

  /** Chunks refused since the element connected (unknown transfer, wrong peer, not requested). */
  get refusedChunks(): number {
    return this.engine?.refusedChunks ?? 0;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.renderTimer);
    this.renderTimer = undefined;
  }

  /** Asks before the page closes, and keeps the screen on, while a transfer runs (or its files are hashed). */
  private readonly busy = new BusyGuard(this);

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('connection')) this.conn.inject(this.connection);
    this.busy.set(this.transfers.some((t) => BUSY_STATUSES.has(t.status)));
  }

  /**
   * Offer files to peers (each peer gets its own transfer). Resolves with the transfer ids once
   * the files are hashed and the offers sent.
   */
  async sendFiles(files: readonly File[], peers: readonly string[]): Promise<string[]> {
    const engine = this.engine;
    const open = this.conn.service?.peers ?? [];
    if (!engine || !this.conn.service) throw new Error(msg('Not connected: this widget has no connection service.'));
    if (files.length === 0) throw new Error(msg('Choose at least one file.'));
    if (peers.length === 0) throw new Error(msg('Choose at least one connected peer.'));
    const missing = peers.find((p) => !open.includes(p));
    if (missing) throw new Error(msg(str`Not connected to ${missing}.`));
    return Promise.all(peers.map((peer) => engine.offer(peer, files)));
  }

  accept(id: string): Promise<void> {
    return this.engine?.accept(id) ?? Promise.resolve();
  }

  reject(id: string): void {
    this.engine?.reject(id);
  }

  pause(id: string): void {
    this.engine?.pause(id);
  }

  resume(id: string): void {
    this.engine?.resume(id);
  }

  cancel(id: string): Promise<void> {
    return this.engine?.cancel(id) ?? Promise.resolve();
  }

  /** Forget a transfer and delete whatever it stored. */
  removeTransfer(id: string): Promise<void> {
    return this.engine?.remove(id) ?? Promise.resolve();
  }

  private onOffered(t: TransferInfo): boolean {
    const event = new DarkswapFileOfferedEvent({ transferId: t.id, peer: t.peer, direction: 'in', files: describe(t.files) });
    this.dispatchEvent(event);
    if (event.defaultPrevented) return false;
    this.announce(`${t.peer} offers ${t.files.length === 1 ? `“${t.files[0].info.name}”` : `${t.files.length} files`}.`);
    return true;
  }

  private announce(text: string): void {
    this.announcement = text;
  }

  private scheduleRender(): void {
    if (this.renderTimer !== undefined) return;
    this.renderTimer = setTimeout(() => {
      this.renderTimer = undefined;
      this.requestUpdate();
    }, RENDER_THROTTLE_MS);
  }

  private addFiles(list: FileList | null | undefined): void {
    if (!list?.length) return;
    const files = Array.from(list);
    this.selected = [...this.selected, ...files];
    this.composeError = '';
    // Hash while the user picks peers, so "Send offer" goes out at once; a failure shows at once.
    for (const f of files) {
      this.engine?.prehash(f).catch((e: unknown) => {
        if (e instanceof DOMException && e.name === 'AbortError') return;
        this.hashErrors.set(f, e instanceof Error ? e.message : String(e));
        this.composeError = msg(str`Could not hash ${f.name}: ${this.hashErrors.get(f)}`);
      });
    }
  }

  private unselect(index: number): void {
    const file = this.selected[index];
    this.selected = this.selected.filter((_, j) => j !== index);
    if (file && !this.selected.includes(file)) this.engine?.forgetHash(file);
  }

  private hashText(file: File): string {
    const failed = this.hashErrors.get(file);
    if (failed) return msg(str`Could not hash: ${failed}`);
    const p = this.engine?.hashProgress(file);
    if (!p) return '';
    if (p.sha256) return `SHA-256 ${p.sha256.slice(0, 16)}…`;
    return file.size > 0 ? hashingText(p.bytes, file.size) : msg('Hashing…');
  }

  private onFileInput(e: Event): void {
    const input = e.target as HTMLInputElement;
    this.addFiles(input.files);
    input.value = '';
  }

  private onDragOver(e: DragEvent): void {
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    this.dragging = true;
  }

  private onDragLeave(): void {
    this.dragging = false;
  }

  private onDrop(e: DragEvent): void {
    e.preventDefault();
    this.dragging = false;
    this.addFiles(e.dataTransfer?.files);
  }

  private togglePeer(peer: string, on: boolean): void {
    const next = new Set(this.chosen);
    if (on) next.add(peer);
    else next.delete(peer);
    this.chosen = next;
  }

  private async onSubmit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const open = this.conn.service?.peers ?? [];
    const peers = [...this.chosen].filter((p) => open.includes(p));
    const files = this.selected;
    try {
      const sending = this.sendFiles(files, peers);
      this.selected = [];
      this.composeError = '';
      await sending;
    } catch (error) {
      this.selected = files;
      this.composeError = error instanceof Error ? error.message : String(error);
    }
  }

  protected override render() {
    const service = this.conn.service;
    const status = this.conn.status;
    return html`<section part="base" aria-labelledby="title">
      ${panelHeader(headingText(this.heading, 'Share files', msg('Share files')), status)} ${service ? this.renderConnected(service) : notConnected()}
    </section>`;
  }

  private renderConnected(service: ConnectionApi) {
    const peers = service.peers;
    const transfers = this.transfers;
    const canSend = this.selected.length > 0 && [...this.chosen].some((p) => peers.includes(p));
    return html`
      <form part="composer" aria-label=${msg('Offer files')} @submit=${this.onSubmit}>
        <div part="drop-zone" ?data-dragging=${this.dragging} @dragover=${this.onDragOver} @dragleave=${this.onDragLeave} @drop=${this.onDrop}>
          <label part="file-label" for="file-input">${msg('Choose files')}</label>
          <input part="file-input" id="file-input" type="file" multiple @change=${this.onFileInput} />
          <span aria-hidden="true">${msg('or drop them here')}</span>
        </div>
        ${
          this.selected.length
            ? html`<ul part="selection" aria-label=${msg('Chosen files')}>
                ${this.selected.map(
                  (f, i) =>
                    html`<li part="selected-file">
                      <span>${f.name}</span> <span part="file-size">${formatBytes(f.size)}</span>
                      <span part="selected-hash">${this.hashText(f)}</span>
                      <button part="unselect-button" type="button" class="secondary" @click=${() => this.unselect(i)}>
                        ${msg(html`Remove<span class="visually-hidden"> ${f.name}</span>`)}
                      </button>
                    </li>`,
                )}
              </ul>`
            : nothing
        }
        <fieldset part="peers">
          <legend>${msg('Send to')}</legend>
          ${
            peers.length
              ? peers.map(
                  (p) =>
                    html`<label part="peer">
                      <input
                        type="checkbox"
                        .checked=${this.chosen.has(p)}
                        @change=${(e: Event) => this.togglePeer(p, (e.target as HTMLInputElement).checked)}
                      />
                      <code>${p}</code>
                    </label>`,
                )
              : html`<span part="no-peers">${msg('No connected peers yet.')}</span>`
          }
        </fieldset>
        <div>
          <button part="send-button" type="submit" ?disabled=${!canSend} aria-describedby="compose-error">${msg('Send offer')}</button>
        </div>
      </form>
      <p part="error" id="compose-error" role="alert">${this.composeError}</p>
      ${
        this.storage === 'memory'
          ? html`<p part="warning">
              ${msg(
                str`Downloads in progress are held in memory (${this.storageWhy !== undefined ? storageProblemText(this.storageWhy) : msg('this browser has no private file system')}): files above ${formatBytes(MEMORY_WARNING_BYTES)} may exhaust it.`,
              )}
            </p>`
          : nothing
      }
      ${
        transfers.length
          ? html`<ul part="transfers" aria-label=${msg('Transfers')}>
              ${repeat(
                transfers,
                (t) => t.id,
                (t) => this.renderTransfer(t),
              )}
            </ul>`
          : nothing
      }
      <p class="visually-hidden" aria-live="polite">${this.announcement}</p>
    `;
  }

  private renderTransfer(t: TransferInfo) {
    const who = t.role === 'send' ? msg(str`To ${t.peer}`) : msg(str`From ${t.peer}`);
    const label = t.role === 'send' ? msg(str`to ${t.peer}`) : msg(str`from ${t.peer}`);
    const statusText = t.status === 'hashing' && t.totalBytes > 0 ? hashingText(t.hashedBytes, t.totalBytes) : statusWord(t.status);
    const danger = t.status === 'failed' || t.status === 'unavailable' || t.status === 'rejected';
    return html`<li part="transfer" data-status=${t.status} data-role=${t.role} data-id=${t.id}>
      <div part="transfer-header">
        <span>${who}</span>
        <span part="transfer-status"
          >${statusText}${t.state.pausedRemote && t.status === 'paused' && !t.state.pausedLocal ? msg(' by the other side') : ''}</span
        >
        <span part="actions">${this.renderActions(t, label)}</span>
      </div>
      ${
        t.reason && t.status !== 'complete'
          ? html`<p part="reason" data-tone=${danger ? 'danger' : 'info'} role=${danger ? 'alert' : 'status'}>${fileShareMessageText(t.reason.message)}</p>`
          : nothing
      }
      ${
        t.status === 'incoming' && this.storage === 'memory' && t.totalBytes > MEMORY_WARNING_BYTES
          ? html`<p part="warning">${msg(str`${formatBytes(t.totalBytes)} will be held in memory: this may crash the tab.`)}</p>`
          : nothing
      }
      <ul part="files" aria-label=${msg(str`Files ${label}`)}>
        ${t.files.map((f) => this.renderFile(t, f))}
      </ul>
    </li>`;
  }

  private renderActions(t: TransferInfo, label: string) {
    const hidden = html`<span class="visually-hidden"> ${msg(str`transfer ${label}`)}</span>`;
    switch (t.status) {
      case 'incoming':
        return html`<button part="accept-button" type="button" @click=${() => this.accept(t.id)}>${msg('Accept')}${hidden}</button>
          <button part="reject-button" type="button" class="secondary" @click=${() => this.reject(t.id)}>${msg('Reject')}${hidden}</button>`;
      case 'sending':
      case 'receiving':
      case 'paused':
      case 'waiting':
      case 'offered':
      case 'hashing': {
        const running = t.state.phase === 'running';
        const retry = t.status === 'waiting' && t.role === 'receive';
        return html`${
            running && !t.state.pausedLocal
              ? html`<button part="pause-button" type="button" class="secondary" @click=${() => this.pause(t.id)}>${msg('Pause')}${hidden}</button>`
              : nothing
          }
          ${
            running && t.state.pausedLocal
              ? html`<button part="resume-button" type="button" @click=${() => this.resume(t.id)}>${msg('Resume')}${hidden}</button>`
              : nothing
          }
          ${
            retry
              ? html`<button part="retry-button" type="button" class="secondary" @click=${() => this.engine?.retry(t.id).catch(() => undefined)}>
                  ${msg(html`Retry<span class="visually-hidden"> connecting to ${t.peer}</span>`)}
                </button>`
              : nothing
          } <button part="cancel-button" type="button" class="secondary" @click=${() => this.cancel(t.id)}>${msg('Cancel')}${hidden}</button>`;
      }
      case 'unavailable':
        return html`<button part="remove-button" type="button" class="secondary" @click=${() => this.removeTransfer(t.id)}>
          ${msg('Discard partial data')}${hidden}
        </button>`;
      default:
        return html`<button part="remove-button" type="button" class="secondary" @click=${() => this.removeTransfer(t.id)}>${msg('Remove')}${hidden}</button>`;
    }
  }

  private renderFile(t: TransferInfo, f: FileProgress) {
    const size = f.info.size;
    const flowing = t.status === 'sending' || t.status === 'receiving';
    const speed = flowing && f.status === 'active' && t.speed > 0 ? t.speed : 0;
    const details = [msg(str`${formatBytes(f.bytes)} of ${formatBytes(size)}`)];
    if (speed) details.push(formatSpeed(speed), msg(str`${formatEta((size - f.bytes) / speed)} left`));
    const showHash = t.status === 'incoming' || t.status === 'offered';
    return html`<li part="file" data-status=${f.status}>
      <span part="file-name">${f.info.name}</span>
      <span part="file-size">${formatBytes(size)}</span>
      <progress
        part="progress"
        max=${Math.max(1, size)}
        .value=${size === 0 && f.status === 'complete' ? 1 : f.bytes}
        aria-label=${msg(str`${f.info.name}: progress`)}
      ></progress>
      <span part="progress-text">${details.join(' · ')}</span>
      ${
        f.status === 'complete' && f.verified
          ? html`<code part="hash">${msg(str`SHA-256 verified: ${f.verified}`)}</code>`
          : showHash
            ? html`<code part="hash">SHA-256: ${f.info.sha256}</code>`
            : nothing
      }
      ${
        f.status === 'complete' && f.url
          ? html`<a part="download" href=${f.url} download=${safeFileName(f.info.name)}
              >${msg(html`Download<span class="visually-hidden"> ${f.info.name}</span>`)}</a
            >`
          : nothing
      }
      ${f.status === 'failed' && f.problem ? html`<p part="integrity-error" role="alert">${fileProblemText(f.problem)}</p>` : nothing}
    </li>`;
  }
}

function describe(files: readonly FileProgress[]) {
  return files.map((f) => ({ name: f.info.name, size: f.info.size, type: f.info.type, sha256: f.info.sha256 }));
}
