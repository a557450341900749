import { localized, msg, str } from '@lit/localize';
import { html, nothing, type PropertyValues } from 'lit';
import { formatNumber } from '../../internal/format.js';
import { property, state } from 'lit/decorators.js';
import { ContextConsumer } from '@lit/context';
import { virtualizerRef, type VirtualizerHostElement } from '@lit-labs/virtualizer/virtualize.js';
import type { ConnectionApi } from '../../core/connection-api.js';
import { ConnectionController } from '../../context/connection-controller.js';
import { FeatureController } from '../../context/feature-controller.js';
import { settingsContext } from '../../context/settings-context.js';
import { CHAT_FEATURE, ChatEngine, ChatEngineEvent } from '../../features/chat/chat.engine.js';
import { checkText, type ChatGroupSummary } from '../../features/chat/chat.types.js';
import { authorOf } from '../../features/chat/chat.model.js';
import { DarkswapElement } from '../../internal/base-element.js';
import { headingText, notConnected, panelHeader, statusWord } from '../../internal/panel-header.js';
import { DarkswapChatGroupJoinedEvent, DarkswapChatGroupLeftEvent, DarkswapChatMessageEvent } from './group-chat.events.js';
import { renderConversation, renderGroups, type ChatRenderHost } from './group-chat.render.js';
import { groupChatStyles } from './group-chat.styles.js';
import { announce, groupTitle } from './group-chat.view.js';

/**
 * Group chat and direct messages over the kit's authenticated links. Groups are created here; members invite
 * linked peers, who join or decline; anyone leaves (a leave stays, whatever a later sync brings). Every
 * message and membership change is signed by its author's identity key and checked by every peer before it is
 * stored or shown; messages are ordered by hybrid logical clock and id, so every member sees one order; they
 * cross peers that are not linked to each other (gossip), and a peer that joins late gets the history by
 * digest sync. Chats are kept in IndexedDB per identity (the newest 5,000 messages per group). Texts render as
 * text only. Names are metadata: a contact's name (the `names` property) shows as is, any other name with the
 * key's fingerprint, and a name that claims a contact's is refused.
 *
 * @summary Signed group chat and direct messages, peer to peer, with history sync.
 * @tag darkswap-group-chat
 * @fires darkswap-chat-message - A message entered a group; `detail: { group, id, author, text, source, at }` (`source`: local, live, sync).
 * @fires darkswap-chat-group-joined - I became a member of a group (created or joined); `detail: { group, name }`.
 * @fires darkswap-chat-group-left - I left a group or declined its invitation; `detail: { group, name }`.
 * @csspart base - The widget's outer box.
 * @csspart header - Title and status row.
 * @csspart title - The heading.
 * @csspart status - The connection's (or the chat's) state in words.
 * @csspart not-connected - Shown when no connection service reached the widget.
 * @csspart layout - The conversation list and the open conversation, side by side when there is room.
 * @csspart groups - The conversation list with its forms.
 * @csspart group-list - The list of conversations.
 * @csspart group-button - One conversation (`aria-current` when open; `data-status`: member, invited, left).
 * @csspart group-name - A conversation's name.
 * @csspart group-status - "Invited" or "Left" next to a conversation.
 * @csspart unread-badge - The number of unread messages of a conversation.
 * @csspart create-form - The new-group form.
 * @csspart create-input - The new group's name.
 * @csspart create-button - Creates the group.
 * @csspart direct-form - The direct-message form.
 * @csspart direct-select - The linked peer to message.
 * @csspart direct-button - Opens the direct conversation.
 * @csspart conversation - The open conversation.
 * @csspart conversation-header - Its title row.
 * @csspart conversation-title - Its title.
 * @csspart leave-button - Leaves the group.
 * @csspart join-button - Joins (an invitation, or again after leaving).
 * @csspart decline-button - Declines an invitation.
 * @csspart invitation - The invitation banner.
 * @csspart members - The member list (a disclosure).
 * @csspart member - One member (`data-status`).
 * @csspart member-status - Invited or left, next to a member.
 * @csspart invite-form - Invites a linked peer.
 * @csspart invite-select - The peer to invite.
 * @csspart invite-button - Sends the invitation.
 * @csspart messages - The virtualized, scrollable message list.
 * @csspart message - One message (`data-trusted`: the author is me or a contact).
 * @csspart my-message - A message of mine.
 * @csspart author - A message's author: You, a contact's name, or the name it claims.
 * @csspart fingerprint - The author key's short fingerprint, next to every name that is not a contact's.
 * @csspart name-warning - Shown when a claimed name was refused for looking like a contact's.
 * @csspart time - When the message was written.
 * @csspart text - The message text (plain text, never HTML).
 * @csspart composer - The message form.
 * @csspart message-input - The text area (Enter sends, Shift+Enter adds a line).
 * @csspart hint - How to send.
 * @csspart counter - Characters used of the 2,000 allowed (`data-over` past the limit).
 * @csspart send-button - Sends the message.
 * @csspart compose-error - Why the message cannot be sent.
 * @csspart error - Why an action failed.
 * @csspart empty - "No conversations / messages yet."
 * @csspart live - The polite live region announcing new messages.
 * @cssprop --darkswap-group-chat-background - Background (default `--darkswap-color-surface`).
 * @cssprop --darkswap-group-chat-border-color - Border colour (default `--darkswap-color-border`).
 * @cssprop --darkswap-group-chat-radius - Corner radius (default `--darkswap-radius`).
 * @cssprop --darkswap-group-chat-padding - Inner spacing (default `--darkswap-space-4`).
 * @cssprop --darkswap-group-chat-log-height - Height of the message list (default 20rem).
 * @cssprop --darkswap-group-chat-badge-background - The unread badge (default `--darkswap-color-accent`).
 * @cssprop --darkswap-group-chat-mine-background - Behind my messages.
 */
@localized()
export class DarkswapGroupChat extends DarkswapElement {
  static override styles = [...DarkswapElement.styles, ...groupChatStyles];

  /** Heading text. The default, "Chat", is shown in the page's language. */
  @property() heading = 'Chat';

  /** The open conversation's id: set it to open one; it follows the user's choice (and is the first one until then). */
  @property() group = '';

  /**
   * The name sent with my messages (metadata: peers show it next to my key's fingerprint). Default: the display
   * name of the page's settings, if any.
   */
  @property({ attribute: 'display-name' }) displayName = '';

  /** Contacts: names the page gives public keys (64 hex). Shown as trusted; a claimed name that looks like one is refused. */
  @property({ attribute: false }) names: ReadonlyMap<string, string> = new Map();

  /** A connection service to use instead of the one from context. */
  @property({ attribute: false }) connection: ConnectionApi | undefined;

  @state() private error = '';
  @state() private composeError = '';
  @state() private count = 0;
  @state() private live = '';
  @state() private busy = false;
  /** Bumped on every engine change so the view re-renders. */
  @state() private revision = 0;
  /** The message list follows new messages while it is scrolled to the end. */
  private stick = true;
  private scrolledGroup = '';

  private readonly conn = new ConnectionController(this, {});
  private readonly settings = new ContextConsumer(this, { context: settingsContext, subscribe: true });
  private readonly chats = new FeatureController<ChatEngine>(this, this.conn, {
    key: CHAT_FEATURE,
    create: (service) => new ChatEngine(service),
    attach: (engine, service) => {
      const onChange = () => (this.revision += 1);
      const onMessage = (e: Event) => this.onMessage(engine, e as ChatEngineEvent);
      const onMembership = (e: Event) => this.onMembership(engine, e as ChatEngineEvent);
      const onPeers = () => this.requestUpdate();
      engine.addEventListener('change', onChange);
      engine.addEventListener('message', onMessage);
      engine.addEventListener('membership', onMembership);
      for (const type of ['peer-connected', 'peer-disconnected', 'status']) service.addEventListener(type, onPeers);
      void engine.ready.then(onChange, (e: unknown) => (this.error = e instanceof Error ? e.message : String(e)));
      return () => {
        engine.removeEventListener('change', onChange);
        engine.removeEventListener('message', onMessage);
        engine.removeEventListener('membership', onMembership);
        for (const type of ['peer-connected', 'peer-disconnected', 'status']) service.removeEventListener(type, onPeers);
      };
    },
  });

  /** The shared chat engine (for apps that drive the chat themselves). */
  get engine(): ChatEngine | undefined {
    return this.chats.feature;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('connection')) this.conn.inject(this.connection);
    const engine = this.engine;
    if (engine) {
      engine.names = this.names;
      engine.displayName = this.myName();
      // Keep one conversation open (the list reorders by activity): the first one, until the user picks another.
      const open = this.current();
      if (open && !this.group) this.group = open.id;
    }
    if (changed.has('group')) this.stick = true;
  }

  protected override updated(): void {
    const engine = this.engine;
    const current = this.current();
    if (!engine || !current) return;
    if (current.unread && document.visibilityState === 'visible') engine.markRead(current.id);
    if (this.stick || this.scrolledGroup !== current.id) {
      this.scrolledGroup = current.id;
      this.scrollToEnd();
    }
  }

  private myName(): string {
    return this.displayName || this.settings.value?.value.general.displayName || '';
  }

  private current(): ChatGroupSummary | undefined {
    const groups = this.engine?.groups() ?? [];
    return groups.find((g) => g.id === this.group) ?? groups.find((g) => g.status !== 'left') ?? groups[0];
  }

  /** Scroll the message list to its end (again once the virtualizer has measured what it rendered). */
  private scrollToEnd(): void {
    const list = this.renderRoot.querySelector<VirtualizerHostElement>('[part~="messages"]');
    if (!list) return;
    const go = () => {
      list.scrollTop = list.scrollHeight;
    };
    go();
    list[virtualizerRef]?.layoutComplete.then(go, () => undefined);
  }

  private onMessage(engine: ChatEngine, e: ChatEngineEvent): void {
    const m = e.message;
    if (!m || !e.group || !e.source) return;
    this.dispatchEvent(new DarkswapChatMessageEvent({ group: e.group, id: m.id, author: m.a, text: m.text, source: e.source, at: m.t }));
    if (e.source === 'live' && m.a !== engine.me) {
      const summary = engine.group(e.group);
      const where = summary ? groupTitle(summary, engine.me, this.names, m.a === summary.partner ? m.n : undefined) : msg('a group');
      this.live = announce(authorOf(m.a, m.n, engine.me, this.names), m.text, where);
    }
  }

  private onMembership(engine: ChatEngine, e: ChatEngineEvent): void {
    if (!e.group) return;
    const name = engine.group(e.group)?.name ?? '';
    if (e.status === 'member') this.dispatchEvent(new DarkswapChatGroupJoinedEvent({ group: e.group, name }));
    else if (e.status === 'left') this.dispatchEvent(new DarkswapChatGroupLeftEvent({ group: e.group, name }));
  }

  /** Runs a user action; a failure is shown in plain words. */
  private async attempt(action: (engine: ChatEngine) => Promise<void>): Promise<void> {
    const engine = this.engine;
    if (!engine) return;
    this.error = '';
    this.busy = true;
    try {
      await action(engine);
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    } finally {
      this.busy = false;
    }
  }

  private field(e: Event, name: string): HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement | null {
    return (e.currentTarget as HTMLFormElement).elements.namedItem(name) as HTMLInputElement | null;
  }

  // ---- actions (used by the templates) -------------------------------------------------------

  private readonly actions: ChatRenderHost['actions'] = {
    select: (id) => {
      this.group = id;
      this.composeError = '';
    },
    create: (e) => {
      e.preventDefault();
      const input = this.field(e, 'name') as HTMLInputElement;
      void this.attempt(async (engine) => {
        this.group = await engine.createGroup(input.value);
        input.value = '';
      });
    },
    direct: (e) => {
      e.preventDefault();
      const peer = this.field(e, 'peer')?.value;
      if (peer) void this.attempt(async (engine) => void (this.group = await engine.openDirect(peer)));
    },
    invite: (e) => {
      e.preventDefault();
      const peer = this.field(e, 'peer')?.value;
      const group = this.current()?.id;
      if (peer && group) void this.attempt((engine) => engine.invite(group, peer));
    },
    join: () => {
      const group = this.current()?.id;
      if (group) void this.attempt((engine) => engine.join(group));
    },
    leave: () => {
      const group = this.current()?.id;
      if (group) void this.attempt((engine) => engine.leave(group));
    },
    send: (e) => {
      e.preventDefault();
      this.sendFrom(this.field(e, 'text') as HTMLTextAreaElement);
    },
    composerKey: (e) => {
      if (e.key !== 'Enter' || e.shiftKey || e.isComposing) return;
      e.preventDefault();
      this.sendFrom(e.currentTarget as HTMLTextAreaElement);
    },
    composerInput: (e) => {
      const text = (e.currentTarget as HTMLTextAreaElement).value;
      this.count = text.length;
      const problem = checkText(text);
      this.composeError = problem?.code === 'too-long' ? problem.message : '';
    },
    scrolled: (e) => {
      const el = e.currentTarget as HTMLElement;
      this.stick = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
    },
  };

  private sendFrom(input: HTMLTextAreaElement): void {
    const engine = this.engine;
    const group = this.current()?.id;
    if (!engine || !group) return;
    const text = input.value;
    const problem = checkText(text);
    if (problem) {
      this.composeError = problem.message;
      return;
    }
    engine.displayName = this.myName();
    this.composeError = '';
    this.stick = true;
    input.value = '';
    this.count = 0;
    engine.send(group, text).catch((err: unknown) => {
      // Not sent: give the text back.
      if (!input.value) input.value = text;
      this.count = input.value.length;
      this.composeError = err instanceof Error ? err.message : String(err);
    });
  }

  private statusText(): string {
    const service = this.conn.service;
    if (!service) return statusWord('none');
    const unread = (this.engine?.groups() ?? []).reduce((n, g) => n + g.unread, 0);
    return service.status === 'open' && unread ? `${statusWord('open')} · ${msg(str`${formatNumber(unread)} unread`)}` : statusWord(service.status);
  }

  override render() {
    void this.revision;
    const service = this.conn.service;
    const engine = this.engine;
    const current = engine ? this.current() : undefined;
    const host: ChatRenderHost | undefined = engine
      ? {
          service,
          engine,
          names: this.names,
          groups: engine.groups(),
          current,
          messages: current ? engine.messages(current.id) : [],
          error: this.error,
          composeError: this.composeError,
          count: this.count,
          busy: this.busy,
          actions: this.actions,
        }
      : undefined;
    return html`<section part="base" aria-labelledby="title">
      ${panelHeader(headingText(this.heading, 'Chat', msg('Chat')), service?.status ?? 'none', this.statusText())} ${notConnected(!service)}
      ${
        service && host
          ? html`<div part="layout">${renderGroups(host)} ${renderConversation(host)}</div>
              ${this.error ? html`<p part="error" role="alert">${this.error}</p>` : nothing}`
          : nothing
      }
      <p part="live" class="visually-hidden" aria-live="polite">${this.live}</p>
    </section>`;
  }
}
