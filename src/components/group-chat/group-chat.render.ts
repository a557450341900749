/**
 * The templates of `<darkswap-group-chat>`: the conversation list with unread badges and the create/direct
 * forms, the open conversation (members, invitation, invite form, the virtualized message list) and the
 * composer. Every peer-supplied string (texts, names) is bound as text: never as HTML.
 */
import { msg, str } from '@lit/localize';
import { html, nothing, type TemplateResult } from 'lit';
import { formatNumber } from '../../internal/format.js';
import { virtualize } from '@lit-labs/virtualizer/virtualize.js';
import type { ConnectionApi } from '../../core/connection-api.js';
import type { ChatEngine } from '../../features/chat/chat.engine.js';
import type { ChatGroupSummary } from '../../features/chat/chat.types.js';
import { authorOf } from '../../features/chat/chat.model.js';
import { MAX_TEXT, type ChatMessage } from '../../features/chat/chat.protocol.js';
import { authorText, formatTime, groupLine, groupTitle, memberStatusWord, unreadText } from './group-chat.view.js';

export interface ChatRenderHost {
  service: ConnectionApi | undefined;
  engine: ChatEngine;
  names: ReadonlyMap<string, string>;
  groups: readonly ChatGroupSummary[];
  /** The open conversation. */
  current: ChatGroupSummary | undefined;
  messages: readonly ChatMessage[];
  error: string;
  composeError: string;
  /** Characters in the composer. */
  count: number;
  busy: boolean;
  actions: {
    select(id: string): void;
    create(e: SubmitEvent): void;
    direct(e: SubmitEvent): void;
    invite(e: SubmitEvent): void;
    join(): void;
    leave(): void;
    send(e: SubmitEvent): void;
    composerKey(e: KeyboardEvent): void;
    composerInput(e: InputEvent): void;
    scrolled(e: Event): void;
  };
}

/** How a key is shown in a group: the page's contact name, else the name it claims there (with its fingerprint). */
const who = (h: ChatRenderHost, group: string, key: string) => authorOf(key, h.engine.claimedName(group, key), h.engine.me, h.names);

/** A conversation's title (a direct one: the other party, as it is shown). */
const titleOf = (h: ChatRenderHost, s: ChatGroupSummary) => groupTitle(s, h.engine.me, h.names, s.partner && h.engine.claimedName(s.id, s.partner));

/** Linked peers as options: a contact's name when the page gave one for the peer's key, else the peer id. */
function peerOptions(h: ChatRenderHost, peers: readonly string[]): TemplateResult[] {
  return peers.map((p) => {
    const key = h.service?.peerIdentity(p)?.publicKey;
    const name = key ? h.names.get(key) : undefined;
    return html`<option value=${p}>${name ? `${name} (${p})` : p}</option>`;
  });
}

export function renderGroups(h: ChatRenderHost): TemplateResult {
  const peers = h.service?.peers ?? [];
  return html`<nav part="groups" aria-label=${msg('Conversations')}>
    ${
      h.groups.length
        ? html`<ul part="group-list">
            ${h.groups.map((s) => {
              const title = titleOf(h, s);
              return html`<li>
                <button
                  part="group-button"
                  class="group"
                  type="button"
                  data-group=${s.id}
                  data-status=${s.status}
                  aria-current=${s.id === h.current?.id ? 'true' : 'false'}
                  aria-label=${groupLine(title, s)}
                  @click=${() => h.actions.select(s.id)}
                >
                  <span part="group-name">${title}</span>
                  ${s.status !== 'member' ? html`<span part="group-status">${memberStatusWord(s.status)}</span>` : nothing}
                  ${s.unread ? html`<span part="unread-badge">${unreadText(s.unread)}</span>` : nothing}
                </button>
              </li>`;
            })}
          </ul>`
        : html`<p part="empty">${msg('No conversations yet.')}</p>`
    }
    <form part="create-form" class="row" @submit=${h.actions.create}>
      <label
        >${msg('New group')}
        <input part="create-input" name="name" autocomplete="off" required />
      </label>
      <button part="create-button" type="submit" ?disabled=${h.busy}>${msg('Create')}</button>
    </form>
    <form part="direct-form" class="row" @submit=${h.actions.direct}>
      <label
        >${msg('Message a peer')}
        <select part="direct-select" name="peer" ?disabled=${!peers.length}>
          ${peers.length ? peerOptions(h, peers) : html`<option value="">${msg('No linked peers yet')}</option>`}
        </select>
      </label>
      <button part="direct-button" type="submit" class="secondary" ?disabled=${!peers.length || h.busy}>${msg('Open')}</button>
    </form>
  </nav>`;
}

function renderMembers(h: ChatRenderHost, s: ChatGroupSummary): TemplateResult {
  const present = s.members.filter((m) => m.status !== 'left');
  return html`<details part="members">
    <summary>${msg(str`Members (${formatNumber(present.filter((m) => m.status === 'member').length)})`)}</summary>
    <ul>
      ${s.members.map((m) => {
        const a = who(h, s.id, m.key);
        return html`<li part="member" data-status=${m.status}>
          <span>${a.label}</span>${a.trusted || a.label === a.fingerprint ? nothing : html` <code part="fingerprint">${a.fingerprint}</code>`}
          ${m.status !== 'member' ? html`<span part="member-status">${memberStatusWord(m.status)}</span>` : nothing}
        </li>`;
      })}
    </ul>
  </details>`;
}

function renderInvite(h: ChatRenderHost, s: ChatGroupSummary): TemplateResult | typeof nothing {
  if (s.kind !== 'group' || s.status !== 'member') return nothing;
  const inGroup = new Set(s.members.filter((m) => m.status !== 'left').map((m) => m.key));
  const peers = (h.service?.peers ?? []).filter((p) => {
    const key = h.service?.peerIdentity(p)?.publicKey;
    return key && !inGroup.has(key);
  });
  if (!peers.length) return nothing;
  return html`<form part="invite-form" class="row" @submit=${h.actions.invite}>
    <label
      >${msg('Invite')}
      <select part="invite-select" name="peer">
        ${peerOptions(h, peers)}
      </select>
    </label>
    <button part="invite-button" type="submit" class="secondary" ?disabled=${h.busy}>${msg('Invite')}</button>
  </form>`;
}

function renderMessage(h: ChatRenderHost, m: ChatMessage, index: number, size: number): TemplateResult {
  const a = authorOf(m.a, m.n, h.engine.me, h.names);
  const fp = a.trusted || a.label === a.fingerprint ? nothing : html`<code part="fingerprint">${a.fingerprint}</code>`;
  return html`<div
    part=${a.me ? 'message my-message' : 'message'}
    class="message"
    role="listitem"
    aria-posinset=${index + 1}
    aria-setsize=${size}
    data-id=${m.id}
    data-trusted=${a.trusted ? 'true' : 'false'}
  >
    <div class="meta">
      <span part="author" title=${m.a}>${a.label}</span>${fp}
      ${a.impostor ? html`<span part="name-warning">${msg('claimed a contact’s name')}</span>` : nothing}
      <time part="time" datetime=${new Date(m.t).toISOString()}>${formatTime(m.t)}</time>
    </div>
    <p part="text" dir="auto">${m.text}</p>
  </div>`;
}

export function renderConversation(h: ChatRenderHost): TemplateResult {
  const s = h.current;
  if (!s) return html`<section part="conversation"><p part="empty">Create a group or open a direct conversation.</p></section>`;
  const title = titleOf(h, s);
  const inviter = s.invitedBy ? authorText(who(h, s.id, s.invitedBy)) : msg('A member');
  const canWrite = s.kind === 'dm' || s.status === 'member';
  return html`<section part="conversation" aria-labelledby="conversation-title">
    <div part="conversation-header" class="row">
      <h3 part="conversation-title" id="conversation-title">${title}</h3>
      ${s.kind === 'group' && s.status === 'member' ? html`<button part="leave-button" type="button" class="secondary" @click=${h.actions.leave}>${msg('Leave')}</button>` : nothing}
      ${s.kind === 'group' && s.status === 'left' ? html`<button part="join-button" type="button" @click=${h.actions.join}>${msg('Join again')}</button>` : nothing}
    </div>
    ${
      s.status === 'invited'
        ? html`<div part="invitation" class="row" role="group" aria-label=${msg('Invitation')}>
            <p>${msg(str`${inviter} invited you to this group.`)}</p>
            <button part="join-button" type="button" @click=${h.actions.join}>${msg('Join')}</button>
            <button part="decline-button" type="button" class="secondary" @click=${h.actions.leave}>${msg('Decline')}</button>
          </div>`
        : nothing
    }
    ${s.kind === 'group' ? renderMembers(h, s) : nothing} ${renderInvite(h, s)}
    ${
      h.messages.length
        ? html`<div part="messages" class="messages" role="list" aria-label=${msg(str`Messages in ${title}`)} tabindex="0" @scroll=${h.actions.scrolled}>
            ${virtualize({
              items: h.messages as ChatMessage[],
              keyFunction: (m: ChatMessage | undefined, i: number) => m?.id ?? `gone-${i}`,
              renderItem: (m: ChatMessage | undefined, i: number) => (m ? renderMessage(h, m, i, h.messages.length) : html``),
              scroller: true,
            })}
          </div>`
        : html`<p part="empty" class="messages-empty">${msg('No messages yet.')}</p>`
    }
    ${canWrite ? renderComposer(h) : nothing}
  </section>`;
}

function renderComposer(h: ChatRenderHost): TemplateResult {
  const over = h.count > MAX_TEXT;
  return html`<form part="composer" @submit=${h.actions.send}>
    <label for="message-input" class="visually-hidden">${msg('Message')}</label>
    <textarea
      part="message-input"
      id="message-input"
      name="text"
      rows="2"
      aria-describedby="composer-hint composer-count${h.composeError ? ' composer-error' : ''}"
      aria-invalid=${over || h.composeError ? 'true' : 'false'}
      @keydown=${h.actions.composerKey}
      @input=${h.actions.composerInput}
    ></textarea>
    <div class="row composer-row">
      <span part="hint" id="composer-hint">${msg('Enter sends, Shift+Enter adds a line.')}</span>
      <span part="counter" id="composer-count" data-over=${over ? 'true' : 'false'}>${formatNumber(h.count)} / ${formatNumber(MAX_TEXT)}</span>
      <button part="send-button" type="submit">${msg('Send')}</button>
    </div>
    ${h.composeError ? html`<p part="compose-error" id="composer-error" role="alert">${h.composeError}</p>` : nothing}
  </form>`;
}
