/** The templates of `<darkswap-peer-discovery>`: rooms and their peers, my invite, contacts, blocked keys, admissions. */
import { html, nothing, svg, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { ConnectionApi } from '../../core/connection-api.js';
import type { DiscoveryEngine, RoomPeer } from '../../features/discovery/discovery.engine.js';
import type { Announcement } from '../../features/discovery/discovery.protocol.js';
import { qrPath } from '../../features/discovery/invite.js';

export interface Admission {
  ann: Announcement;
  room: string;
  resolve(ok: boolean): void;
}

export interface DiscoveryRenderHost {
  service: ConnectionApi | undefined;
  engine: DiscoveryEngine | undefined;
  room: string;
  inviteShown: boolean;
  copied: boolean;
  admissions: Admission[];
  actions: {
    join(name: string): void;
    leave(name: string): void;
    connect(peer: string, key: string): void;
    disconnect(peer: string): void;
    addContact(peer: string, name: string): void;
    removeContact(key: string): void;
    block(keyOrPeer: string): void;
    unblock(key: string): void;
    reconnect(): void;
    showInvite(): void;
    copy(text: string): void;
    openInvite(link: string): void;
    decide(admission: Admission, ok: boolean): void;
  };
}

const STATUS_WORDS: Record<RoomPeer['status'], string> = { linked: 'Linked', dialing: 'Connecting…', known: 'Not linked' };
const shortKey = (key: string) => `${key.slice(0, 8)}…`;
const value = (root: EventTarget | null, selector: string) =>
  ((root as HTMLElement | null)?.closest('form, .row')?.querySelector<HTMLInputElement>(selector)?.value ?? '').trim();

/** A name people can trust: a contact's own name for its key first; an announced name is only a claim. */
function nameOf(engine: DiscoveryEngine, key: string, announced: string): TemplateResult {
  const contact = engine.contactOf(key);
  if (contact?.name) return html`<strong part="peer-name">${contact.name}</strong>`;
  return announced
    ? html`<span part="peer-name">${announced}</span> <span class="muted">(${shortKey(key)})</span>`
    : html`<code part="peer-name">${shortKey(key)}</code>`;
}

function codeOf(h: DiscoveryRenderHost, peer: string): TemplateResult | typeof nothing {
  const identity = h.service?.peerIdentity(peer);
  if (!identity) return nothing;
  if (h.engine?.verified(peer)) return html`<span part="code" data-verified="true">Verified</span>`;
  return html`<span>code <code part="code">${identity.sas}</code></span>`;
}

function peerRow(h: DiscoveryRenderHost, p: RoomPeer): TemplateResult {
  const { peer, key, name, features } = p.ann;
  const engine = h.engine!;
  return html`<li part="peer" data-status=${p.status}>
    <div class="who">${nameOf(engine, key, name)} <code>${peer}</code> ${codeOf(h, peer)}</div>
    <div class="muted">${STATUS_WORDS[p.status]}${features.length ? ` · ${features.join(', ')}` : ''}</div>
    <div class="row">
      ${
        p.status === 'linked'
          ? html`<button part="disconnect-button" class="secondary" @click=${() => h.actions.disconnect(peer)}>Disconnect</button>`
          : html`<button part="connect-button" ?disabled=${p.status === 'dialing'} @click=${() => h.actions.connect(peer, key)}>Connect</button>`
      }
      ${
        p.status === 'linked' && !p.contact
          ? html`<button part="contact-button" class="secondary" @click=${() => h.actions.addContact(peer, name)}>Add to contacts</button>`
          : nothing
      }
      <button part="block-button" class="secondary" @click=${() => h.actions.block(key)}>Block</button>
    </div>
  </li>`;
}

export function renderRooms(h: DiscoveryRenderHost): TemplateResult {
  const engine = h.engine!;
  const join = (e: Event) => {
    e.preventDefault();
    const name = value(e.currentTarget, '#room-input');
    if (name) h.actions.join(name);
  };
  return html`<form part="room-form" @submit=${join}>
      <label
        >Room
        <input id="room-input" part="room-input" autocomplete="off" maxlength="64" .value=${h.room} />
      </label>
      <button part="join-button" type="submit">Join</button>
    </form>
    ${repeat(
      engine.joined,
      (room) => room,
      (room) => {
        const peers = engine.peersIn(room);
        return html`<section part="room" aria-label=${`Room ${room}`}>
          <div class="row">
            <h3>${room}</h3>
            <span class="muted">${peers.length} ${peers.length === 1 ? 'peer' : 'peers'}</span>
            <button part="leave-button" class="secondary" @click=${() => h.actions.leave(room)}>Leave</button>
          </div>
          ${
            peers.length
              ? html`<ul part="peers">
                  ${repeat(
                    peers,
                    (p) => p.ann.key,
                    (p) => peerRow(h, p),
                  )}
                </ul>`
              : html`<p class="muted">Nobody else here yet.</p>`
          }
        </section>`;
      },
    )}`;
}

export function renderInvite(h: DiscoveryRenderHost): TemplateResult {
  const engine = h.engine!;
  let link = '';
  try {
    link = h.inviteShown ? engine.inviteLink(location.href) : '';
  } catch {
    link = '';
  }
  const qr = link ? qrPath(link) : undefined;
  const open = (e: Event) => {
    e.preventDefault();
    const text = value(e.currentTarget, '#open-invite-input');
    if (text) h.actions.openInvite(text);
  };
  return html`<div part="invite">
      <div class="row">
        <button
          part="invite-button"
          class="secondary"
          aria-expanded=${h.inviteShown ? 'true' : 'false'}
          ?disabled=${!h.service?.id}
          @click=${h.actions.showInvite}
        >
          My invite link
        </button>
        <button part="reconnect-button" class="secondary" ?disabled=${!engine.lastPeers.length} @click=${h.actions.reconnect}>
          Reconnect to my last peers
        </button>
      </div>
      ${
        link
          ? html`<div class="row">
                <label
                  >Invite link (opens a link to me, already verified)
                  <input part="invite-link" readonly .value=${link} />
                </label>
                <button part="copy-button" class="secondary" @click=${() => h.actions.copy(link)}>${h.copied ? 'Copied' : 'Copy'}</button>
              </div>
              <svg part="qr" viewBox="0 0 ${qr!.size} ${qr!.size}" role="img" aria-label="QR code of my invite link">
                ${svg`<path d=${qr!.d} fill="currentColor"></path>`}
              </svg>`
          : nothing
      }
    </div>
    <form part="open-invite" @submit=${open}>
      <label
        >Open an invite link
        <input id="open-invite-input" part="open-invite-input" autocomplete="off" />
      </label>
      <button part="open-invite-button" type="submit">Open</button>
    </form>`;
}

export function renderContacts(h: DiscoveryRenderHost): TemplateResult | typeof nothing {
  const engine = h.engine!;
  if (!engine.contacts.length) return nothing;
  return html`<section aria-label="Contacts">
    <h3>Contacts</h3>
    <ul part="contacts">
      ${repeat(
        engine.contacts,
        (c) => c.key,
        (c) => {
          const linked = h.service?.linkStatus(c.peer) === 'open';
          return html`<li part="contact" data-linked=${linked ? 'true' : 'false'}>
            <div class="who">
              <strong>${c.name || shortKey(c.key)}</strong> <code>${c.peer}</code>
              <span class="muted"
                >${c.verified === 'invite' ? 'verified by invite' : c.verified === 'code' ? 'code compared' : ''}${linked ? ' · linked' : ''}</span
              >
            </div>
            <div class="row">
              ${linked ? nothing : html`<button part="connect-button" @click=${() => h.actions.connect(c.peer, c.key)}>Connect</button>`}
              <button part="remove-button" class="secondary" @click=${() => h.actions.removeContact(c.key)}>Remove</button>
            </div>
          </li>`;
        },
      )}
    </ul>
  </section>`;
}

export function renderBlocked(h: DiscoveryRenderHost): TemplateResult | typeof nothing {
  const keys = [...(h.engine?.blocked ?? [])];
  if (!keys.length) return nothing;
  return html`<details part="blocked">
    <summary>Blocked (${keys.length})</summary>
    <ul>
      ${keys.map(
        (k) =>
          html`<li class="row">
            <code>${shortKey(k)}</code> <button part="unblock-button" class="secondary" @click=${() => h.actions.unblock(k)}>Unblock</button>
          </li>`,
      )}
    </ul>
  </details>`;
}

export function renderAdmissions(h: DiscoveryRenderHost): TemplateResult | typeof nothing {
  if (!h.admissions.length) return nothing;
  return html`<div role="group" aria-label="Waiting for your answer">
    ${h.admissions.map(
      (a) =>
        html`<div part="admission" role="group" aria-label=${`Link ${a.ann.name || a.ann.peer}?`}>
          <div class="who">Link ${nameOf(h.engine!, a.ann.key, a.ann.name)} <code>${a.ann.peer}</code> in ${a.room}?</div>
          <div class="row">
            <button part="allow-button" @click=${() => h.actions.decide(a, true)}>Allow</button>
            <button part="deny-button" class="secondary" @click=${() => h.actions.decide(a, false)}>Deny</button>
          </div>
        </div>`,
    )}
  </div>`;
}
