import { localized, msg, str } from '@lit/localize';
import { html, nothing } from 'lit';
import { formatNumber } from '../../internal/format.js';
import { property, state } from 'lit/decorators.js';
import type { ConnectionApi } from '../../core/connection-api.js';
import { ConnectionController } from '../../context/connection-controller.js';
import { FeatureController } from '../../context/feature-controller.js';
import { DISCOVERY_FEATURE, DiscoveryEngine } from '../../features/discovery/discovery.engine.js';
import type { Announcement } from '../../features/discovery/discovery.protocol.js';
import { parseInvite } from '../../features/discovery/invite.js';
import { DarkswapElement } from '../../internal/base-element.js';
import { headingText, notConnected, panelHeader, statusWord } from '../../internal/panel-header.js';
import { DarkswapInviteAcceptedEvent, DarkswapPeerDiscoveredEvent } from './peer-discovery.events.js';
import {
  renderAdmissions,
  renderBlocked,
  renderContacts,
  renderInvite,
  renderRooms,
  type Admission,
  type DiscoveryRenderHost,
} from './peer-discovery.render.js';
import { peerDiscoveryStyles } from './peer-discovery.styles.js';

/**
 * Find and reach people: join rooms (peers in a room find each other through beacons on the signaling server and
 * peer exchange over links, and link up to `cap` of them, contacts first), the list of peers with their names,
 * six-digit codes, status and features, connect / disconnect / block, my invite link and its QR code, opening an
 * invite link (its key is pinned, so the code is verified by the link), contacts, and "reconnect to my last
 * peers". With `ask`, every peer discovery would dial waits for Allow / Deny.
 *
 * @summary Rooms, peer discovery, invites with QR codes, contacts and blocking.
 * @tag darkswap-peer-discovery
 * @fires darkswap-peer-discovered - A peer was discovered in a joined room; `detail: { room, peer, key, name, features }`.
 * @fires darkswap-invite-accepted - An invite link was opened; `detail: { peer, key, name }`.
 * @csspart base - The widget's outer box.
 * @csspart header - Title and status row.
 * @csspart title - The heading.
 * @csspart status - How many rooms and links (a polite live region).
 * @csspart not-connected - Shown when no connection service reached the widget.
 * @csspart room-form - Join a room.
 * @csspart room-input - The room name.
 * @csspart join-button - Joins the room.
 * @csspart room - One joined room.
 * @csspart leave-button - Leaves that room.
 * @csspart peers - The peers of a room.
 * @csspart peer - One peer (`data-status`: linked, dialing, known).
 * @csspart peer-name - Its announced name (or its key's start).
 * @csspart code - The six-digit code of the link, or "verified".
 * @csspart connect-button - Links to the peer.
 * @csspart disconnect-button - Closes the link.
 * @csspart contact-button - Saves the peer as a contact.
 * @csspart block-button - Blocks the peer's identity key.
 * @csspart invite - My invite link and QR code.
 * @csspart invite-button - Shows my invite link.
 * @csspart invite-link - The link (read-only field).
 * @csspart copy-button - Copies the link.
 * @csspart qr - The QR code of the link.
 * @csspart open-invite - Open someone's invite link.
 * @csspart open-invite-input - The pasted link.
 * @csspart open-invite-button - Opens it.
 * @csspart contacts - My contacts.
 * @csspart contact - One contact.
 * @csspart remove-button - Removes a contact.
 * @csspart reconnect-button - Dials the peers I was last linked to.
 * @csspart blocked - Blocked keys.
 * @csspart unblock-button - Unblocks a key.
 * @csspart admission - A peer waiting for Allow / Deny (`ask`).
 * @csspart allow-button - Lets discovery link it.
 * @csspart deny-button - Does not.
 * @csspart error - What went wrong, in plain words.
 * @cssprop --darkswap-peer-discovery-background - Background (default `--darkswap-color-surface`).
 * @cssprop --darkswap-peer-discovery-border-color - Border colour (default `--darkswap-color-border`).
 * @cssprop --darkswap-peer-discovery-radius - Corner radius (default `--darkswap-radius`).
 * @cssprop --darkswap-peer-discovery-padding - Inner spacing (default `--darkswap-space-4`).
 */
@localized()
export class DarkswapPeerDiscovery extends DarkswapElement {
  static override styles = [...DarkswapElement.styles, ...peerDiscoveryStyles];

  /** Heading text. The default, "People", is shown in the page's language. */
  @property() heading = 'People';

  /** A room to join as soon as the service is there. */
  @property() room = '';

  /** Links auto-connect keeps per room. */
  @property({ type: Number }) cap = 3;

  /** My name in announcements and invites. */
  @property({ attribute: 'display-name' }) displayName = '';

  /** Dial the peers I was last linked to when the service is there. */
  @property({ type: Boolean }) reconnect = false;

  /** Ask (Allow / Deny) before discovery links a peer. */
  @property({ type: Boolean }) ask = false;

  /** Open an invite link found in the page's address (`#darkswap-invite=…`) when the service is there. */
  @property({ type: Boolean, attribute: 'accept-invites' }) acceptInvites = false;

  /** A host's own admission check (takes precedence over `ask`). */
  @property({ attribute: false }) admit: ((ann: Announcement, room: string) => boolean | Promise<boolean>) | undefined;

  /** A connection service to use instead of the one from context. */
  @property({ attribute: false }) connection: ConnectionApi | undefined;

  @state() private error = '';
  @state() private inviteShown = false;
  @state() private copied = false;
  @state() private admissions: Admission[] = [];
  @state() private revision = 0;
  private readonly seen = new Set<string>();
  private started: DiscoveryEngine | undefined;

  private readonly conn = new ConnectionController(this, {});
  private readonly discovery = new FeatureController<DiscoveryEngine>(this, this.conn, {
    key: DISCOVERY_FEATURE,
    create: (service) => new DiscoveryEngine(service),
    attach: (engine, service) => {
      const onChange = () => this.onEngineChange();
      engine.addEventListener('change', onChange);
      for (const type of ['status', 'peer-connected', 'peer-disconnected']) service.addEventListener(type, onChange);
      return () => {
        engine.removeEventListener('change', onChange);
        for (const type of ['status', 'peer-connected', 'peer-disconnected']) service.removeEventListener(type, onChange);
      };
    },
  });

  /** The shared discovery engine (for apps that drive it themselves). */
  get engine(): DiscoveryEngine | undefined {
    return this.discovery.feature;
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('connection')) this.conn.inject(this.connection);
    const engine = this.engine;
    if (!engine) return;
    engine.cap = this.cap;
    if (this.displayName) engine.displayName = this.displayName;
    engine.admit = this.admit ?? (this.ask ? (ann, room) => this.askAdmission(ann, room) : undefined);
    if (engine !== this.started) {
      this.started = engine;
      void this.start(engine);
    }
  }

  private async start(engine: DiscoveryEngine): Promise<void> {
    await this.attempt(async () => {
      await engine.loaded;
      if (this.acceptInvites && parseInvite(location.hash)) await this.openInvite(location.hash);
      if (this.room) await engine.join(this.room);
      if (this.reconnect) await engine.reconnectLast();
    });
  }

  private onEngineChange(): void {
    const engine = this.engine;
    if (engine) {
      for (const room of engine.joined) {
        for (const p of engine.peersIn(room)) {
          const id = `${room}\n${p.ann.key}`;
          if (this.seen.has(id)) continue;
          this.seen.add(id);
          this.dispatchEvent(new DarkswapPeerDiscoveredEvent({ room, peer: p.ann.peer, key: p.ann.key, name: p.ann.name, features: [...p.ann.features] }));
        }
      }
    }
    this.revision += 1;
  }

  private askAdmission(ann: Announcement, room: string): Promise<boolean> {
    return new Promise((resolve) => {
      this.admissions = [...this.admissions, { ann, room, resolve }];
    });
  }

  private async attempt(action: () => Promise<unknown>): Promise<void> {
    this.error = '';
    try {
      await action();
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
  }

  private async openInvite(link: string): Promise<void> {
    const invite = await this.engine!.acceptInvite(link);
    this.dispatchEvent(new DarkswapInviteAcceptedEvent({ peer: invite.p, key: invite.k, name: invite.n }));
  }

  /** Actions the templates call. */
  readonly actions: DiscoveryRenderHost['actions'] = {
    join: (name) => void this.attempt(() => this.engine!.join(name)),
    leave: (name) => void this.attempt(() => this.engine!.leave(name)),
    connect: (peer, key) => void this.attempt(() => this.engine!.dial(peer, key)),
    disconnect: (peer) => this.conn.service?.disconnect(peer),
    addContact: (peer, name) => void this.attempt(() => this.engine!.addContact(peer, name)),
    removeContact: (key) => void this.attempt(() => this.engine!.removeContact(key)),
    block: (keyOrPeer) => void this.attempt(() => this.engine!.block(keyOrPeer)),
    unblock: (key) => void this.attempt(() => this.engine!.unblock(key)),
    reconnect: () => void this.attempt(() => this.engine!.reconnectLast()),
    showInvite: () => (this.inviteShown = !this.inviteShown),
    copy: (text) =>
      void navigator.clipboard?.writeText(text).then(
        () => {
          this.copied = true;
          setTimeout(() => (this.copied = false), 2_000);
        },
        () => (this.error = msg('Could not copy: select the link and copy it by hand.')),
      ),
    openInvite: (link) => void this.attempt(() => this.openInvite(link)),
    decide: (admission, ok) => {
      this.admissions = this.admissions.filter((a) => a !== admission);
      admission.resolve(ok);
    },
  };

  private statusText(): string {
    const service = this.conn.service;
    if (!service) return statusWord('none');
    if (service.status !== 'open') return statusWord(service.status);
    const rooms = this.engine?.joined.length ?? 0;
    const roomsText = rooms === 1 ? msg('1 room') : msg(str`${formatNumber(rooms)} rooms`);
    return msg(str`${roomsText} · ${formatNumber(service.peers.length)} linked`);
  }

  override render() {
    void this.revision;
    const service = this.conn.service;
    const engine = this.engine;
    const host: DiscoveryRenderHost = {
      service,
      engine,
      room: this.room,
      inviteShown: this.inviteShown,
      copied: this.copied,
      admissions: this.admissions,
      actions: this.actions,
    };
    return html`<section part="base" aria-labelledby="title">
      ${panelHeader(headingText(this.heading, 'People', msg('People')), service?.status ?? 'none', this.statusText())} ${notConnected(!service)}
      ${
        service && engine
          ? html`${renderAdmissions(host)} ${renderRooms(host)} ${renderInvite(host)} ${renderContacts(host)} ${renderBlocked(host)}
            ${this.error ? html`<p part="error" role="alert">${this.error}</p>` : nothing}`
          : nothing
      }
    </section>`;
  }
}
