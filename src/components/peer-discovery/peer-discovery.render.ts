/** The templates of `<darkswap-peer-discovery>`: rooms and their peers, my invite, contacts, blocked keys, admissions. */
import { msg, str } from '@lit/localize';
import { html, nothing, svg, type TemplateResult } from 'lit';
import { formatNumber } from '../../internal/format.js';
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

const statusWord = (s: RoomPeer['status']): string => (s === 'linked' ? msg('Linked') : s === 'dialing' ? msg('Connecting…') : msg('Not linked'));
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
  if (h.engine?.verified(peer)) return html`<span part="code" data-verified="true">${msg('Verified')}</span>`;
  return html`<span>${msg(html`code <code part="code">${identity.sas}</code>`)}</span>`;
}

function peerRow(h: DiscoveryRenderHost, p: RoomPeer): TemplateResult {
  const { peer, key, name, features } = p.ann;
  const engine = h.engine!;
  return html`<li part="peer" data-status=${p.status}>
    <div class="who">${nameOf(engine, key, name)} <code>${peer}</code> ${codeOf(h, peer)}</div>
    <div class="muted">${statusWord(p.status)}${features.length ? ` · ${features.join(', ')}` : ''}</div>
    <div class="row">
      ${
        p.status === 'linked'
          ? html`<button part="disconnect-button" class="secondary" @click=${() => h.actions.disconnect(peer)}>${msg('Disconnect')}</button>`
          : html`<button part="connect-button" ?disabled=${p.status === 'dialing'} @click=${() => h.actions.connect(peer, key)}>${msg('Connect')}</button>`
      }
      ${
        p.status === 'linked' && !p.contact
          ? html`<button part="contact-button" class="secondary" @click=${() => h.actions.addContact(peer, name)}>${msg('Add to contacts')}</button>`
          : nothing
      }
      <button part="block-button" class="secondary" @click=${() => h.actions.block(key)}>${msg('Block')}</button>
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
        >${msg('Room')}
        <input id="room-input" part="room-input" autocomplete="off" maxlength="64" .value=${h.room} />
      </label>
      <button part="join-button" type="submit">${msg('Join')}</button>
    </form>
    ${repeat(
      engine.joined,
      (room) => room,
      (room) => {
        const peers = engine.peersIn(room);
        return html`<section part="room" aria-label=${msg(str`Room ${room}`)}>
          <div class="row">
            <h3>${room}</h3>
            <span class="muted">${peers.length === 1 ? msg('1 peer') : msg(str`${formatNumber(peers.length)} peers`)}</span>
            <button part="leave-button" class="secondary" @click=${() => h.actions.leave(room)}>${msg('Leave')}</button>
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
              : html`<p class="muted">${msg('Nobody else here yet.')}</p>`
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
          ${msg('My invite link')}
        </button>
        <button part="reconnect-button" class="secondary" ?disabled=${!engine.lastPeers.length} @click=${h.actions.reconnect}>
          ${msg('Reconnect to my last peers')}
        </button>
      </div>
      ${
        link
          ? html`<div class="row">
                <label
                  >${msg('Invite link (opens a link to me, already verified)')}
                  <input part="invite-link" readonly .value=${link} />
                </label>
                <button part="copy-button" class="secondary" @click=${() => h.actions.copy(link)}>${h.copied ? msg('Copied') : msg('Copy')}</button>
              </div>
              <svg part="qr" viewBox="0 0 ${qr!.size} ${qr!.size}" role="img" aria-label=${msg('QR code of my invite link')}>
                ${svg`<path d=${qr!.d} fill="currentColor"></path>`}
              </svg>`
          : nothing
      }
    </div>
    <form part="open-invite" @submit=${open}>
      <label
        >${msg('Open an invite link')}
        <input id="open-invite-input" part="open-invite-input" autocomplete="off" />
      </label>
      <button part="open-invite-button" type="submit">${msg('Open')}</button>
    </form>`;
}

export function renderContacts(h: DiscoveryRenderHost): TemplateResult | typeof nothing {
  const engine = h.engine!;
  if (!engine.contacts.length) return nothing;
  return html`<section aria-label=${msg('Contacts')}>
    <h3>${msg('Contacts')}</h3>
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
                >${c.verified === 'invite' ? msg('verified by invite') : c.verified === 'code' ? msg('code compared') : ''}${linked ? ` · ${msg('linked')}` : ''}</span
              >
            </div>
            <div class="row">
              ${linked ? nothing : html`<button part="connect-button" @click=${() => h.actions.connect(c.peer, c.key)}>${msg('Connect')}</button>`}
              <button part="remove-button" class="secondary" @click=${() => h.actions.removeContact(c.key)}>${msg('Remove')}</button>
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
    <summary>${msg(str`Blocked (${formatNumber(keys.length)})`)}</summary>
    <ul>
      ${keys.map(
        (k) =>
          html`<li class="row">
            <code>${shortKey(k)}</code> <button part="unblock-button" class="secondary" @click=${() => h.actions.unblock(k)}>${msg('Unblock')}</button>
          </li>`,
      )}
    </ul>
  </details>`;
}

export function renderAdmissions(h: DiscoveryRenderHost): TemplateResult | typeof nothing {
  if (!h.admissions.length) return nothing;
  return html`<div role="group" aria-label=${msg('Waiting for your answer')}>
    ${h.admissions.map(
      (a) =>
        html`<div part="admission" role="group" aria-label=${msg(str`Link ${a.ann.name || a.ann.peer}?`)}>
          <div class="who">${msg(html`Link ${nameOf(h.engine!, a.ann.key, a.ann.name)} <code>${a.ann.peer}</code> in ${a.room}?`)}</div>
          <div class="row">
            <button part="allow-button" @click=${() => h.actions.decide(a, true)}>${msg('Allow')}</button>
            <button part="deny-button" class="secondary" @click=${() => h.actions.decide(a, false)}>${msg('Deny')}</button>
          </div>
        </div>`,
    )}
  </div>`;
}
