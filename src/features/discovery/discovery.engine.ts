/**
 * Discovery on one connection service: rooms (beacons + peer exchange, discovery.protocol.ts), auto-connect up to
 * a mesh size (contacts first), stale announcements dropped, an admission hook, blocking by identity key,
 * contacts, the last peers to reconnect to, and invite links. Shared by every `<darkswap-peer-discovery>` on the
 * service (`featureFor`).
 *
 * Events (`DiscoveryEvent`): `change` (anything a view shows).
 */
import type { ConnectionApi } from '../../core/connection-api.js';
import type { PeerEvent } from '../../core/events.js';
import type { BeaconHandle } from '../../core/rendezvous.js';
import type { Feature } from '../registry.js';
import * as v from 'valibot';
import { loadBlocked, loadContacts, loadLastPeers, rememberPeer, saveBlocked, saveContacts, saveLastPeers, type Contact, type LastPeer } from './contacts.js';
import {
  ANNOUNCE_EVERY_MS,
  ANNOUNCE_REJECTS,
  ANNOUNCE_TTL_MS,
  BeaconAnswerSchema,
  beaconIds,
  checkAnnouncement,
  DISCOVERY_CHANNEL,
  DISCOVERY_MAX_BYTES,
  DiscoveryMessageSchema,
  MAX_ANNOUNCEMENTS,
  roomToken,
  signAnnouncement,
  type Announcement,
  type AnnounceReject,
  type DiscoveryMessage,
} from './discovery.protocol.js';
import { inviteLink, parseInvite, type Invite } from './invite.js';

export const DISCOVERY_FEATURE = 'discovery.v1';

/** A peer discovery knows of in a room. */
export interface RoomPeer {
  readonly ann: Announcement;
  /** linked: an open link; dialing: a connect under way; known: neither. */
  readonly status: 'linked' | 'dialing' | 'known';
  readonly contact?: Contact;
}

interface Room {
  readonly name: string;
  readonly token: string;
  readonly beacons: string[];
  held?: BeaconHandle;
  mine?: Announcement;
  /** Fresh announcements by identity key. */
  readonly anns: Map<string, Announcement>;
}

export interface DiscoveryOptions {
  /** Links a room's auto-connect keeps (default 3). */
  cap?: number;
  /** Features I announce (default: the kit's widgets' protocols). */
  features?: string[];
  now?: () => number;
}

export const DEFAULT_FEATURES = ['orderbook', 'trade', 'file-share', 'call', 'chat'];

export class DiscoveryEngine extends EventTarget implements Feature {
  cap: number;
  features: string[];
  /** My name in announcements. */
  displayName = '';
  /** Asked before auto-connecting to a discovered peer (a host callback or a widget's prompt); default yes. */
  admit: ((ann: Announcement, room: string) => boolean | Promise<boolean>) | undefined;
  contacts: Contact[] = [];
  lastPeers: LastPeer[] = [];
  blocked = new Set<string>();
  /** Announcements refused, by reason. */
  readonly rejects: Record<AnnounceReject, number> = Object.fromEntries(ANNOUNCE_REJECTS.map((r) => [r, 0])) as Record<AnnounceReject, number>;
  /** Peers whose link is verified by an invite I opened (peer id → key). */
  readonly invited = new Map<string, string>();
  private readonly rooms = new Map<string, Room>();
  private readonly dialing = new Set<string>();
  /** Peers discovery dialed (and their expected key): a link that proves another key is closed. */
  private readonly expected = new Map<string, string>();
  private readonly channel;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly now: () => number;
  /** Whose contacts these are: the persistent identity's name, else the identity key (known once open). */
  private owner = '';
  readonly loaded: Promise<void>;
  private disposed = false;

  constructor(
    private readonly service: ConnectionApi,
    options: DiscoveryOptions = {},
  ) {
    super();
    this.cap = options.cap ?? 3;
    this.features = options.features ?? DEFAULT_FEATURES;
    this.now = options.now ?? Date.now;

    this.channel = service.channel<DiscoveryMessage>(DISCOVERY_CHANNEL, { schema: DiscoveryMessageSchema, maxBytes: DISCOVERY_MAX_BYTES });
    this.channel.on((m, from) => void this.onMessage(m, from).catch(() => this.rejects.invalid++));
    service.addEventListener('peer-connected', this.onConnected);
    service.addEventListener('peer-disconnected', this.onChanged);
    this.loaded = (async () => {
      this.owner = service.identityName ?? `key:${service.publicKey ?? (await service.open().then(() => service.publicKey))}`;
      return Promise.all([loadContacts(this.owner), loadLastPeers(this.owner), loadBlocked(this.owner)]);
    })().then(
      ([contacts, last, blocked]) => {
        this.contacts = contacts;
        this.lastPeers = last;
        for (const k of blocked) this.blocked.add(k);
        this.emit();
      },
      () => undefined,
    );
  }

  private emit(): void {
    this.dispatchEvent(new Event('change'));
  }

  /** Rooms I am in, by name. */
  get joined(): string[] {
    return [...this.rooms.values()].map((r) => r.name);
  }

  /** The peers known in a room (fresh announcements, contacts first, then newest), me left out. */
  peersIn(name: string): RoomPeer[] {
    const room = [...this.rooms.values()].find((r) => r.name === name);
    if (!room) return [];
    const me = this.service.publicKey;
    const list = [...room.anns.values()].filter((a) => a.key !== me && !this.blocked.has(a.key));
    return list
      .map((ann) => ({ ann, status: this.statusOf(ann.peer), contact: this.contactOf(ann.key) }))
      .sort((a, b) => Number(!!b.contact) - Number(!!a.contact) || b.ann.at - a.ann.at);
  }

  private statusOf(peer: string): RoomPeer['status'] {
    return this.service.linkStatus(peer) === 'open' ? 'linked' : this.dialing.has(peer) ? 'dialing' : 'known';
  }

  contactOf(key: string | undefined): Contact | undefined {
    return key ? this.contacts.find((c) => c.key === key) : undefined;
  }

  /** Joins a room: asks its beacons, holds a free one, announces to linked peers, links up to the cap. */
  async join(name: string): Promise<void> {
    const token = await roomToken(name);
    if (this.rooms.has(token)) return;
    await this.service.open();
    const room: Room = { name: name.trim(), token, beacons: await beaconIds(token), anns: new Map() };
    this.rooms.set(token, room);
    this.emit();
    await this.announce(room);
    // Hold a beacon first, then ask the others: two peers joining at once each find the other's beacon.
    await this.holdBeacon(room);
    await this.askBeacons(room);
    this.startTicking();
    await this.autoConnect(room);
  }

  /** Leaves a room: lets its beacon go and forgets its announcements (links stay). */
  async leave(name: string): Promise<void> {
    const token = await roomToken(name);
    const room = this.rooms.get(token);
    if (!room) return;
    room.held?.close();
    this.rooms.delete(token);
    if (!this.rooms.size) this.stopTicking();
    this.emit();
  }

  private async announce(room: Room): Promise<void> {
    const identity = this.service.identity;
    const id = this.service.id;
    if (!identity || !id) return;
    room.mine = await signAnnouncement(identity, { peer: id, name: this.displayName.slice(0, 64), features: this.features, room: room.token, at: this.now() });
    for (const peer of this.service.peers) this.sendTo(peer, { t: 'announce', ann: room.mine });
  }

  private sendTo(peer: string, m: DiscoveryMessage): void {
    try {
      this.channel.send(peer, m);
    } catch {
      // The link went away: its peer event follows.
    }
  }

  /** Fresh announcements of a room to hand out (mine first), at most `MAX_ANNOUNCEMENTS`. */
  private handout(room: Room): Announcement[] {
    const now = this.now();
    const others = [...room.anns.values()].filter((a) => a.at > now - ANNOUNCE_TTL_MS).sort((a, b) => b.at - a.at);
    return [...(room.mine ? [room.mine] : []), ...others].slice(0, MAX_ANNOUNCEMENTS);
  }

  /** Asks the room's other beacons; resolves at the first answer (the rest are taken as they come) or when all are done. */
  private askBeacons(room: Room): Promise<void> {
    const ask = this.service.askBeacon?.bind(this.service);
    if (!ask) return Promise.resolve();
    const others = room.beacons.filter((id) => id !== room.held?.id);
    return new Promise<void>((resolve) => {
      let left = others.length;
      if (!left) resolve();
      for (const id of others) {
        void ask(id, 1_500)
          .catch(() => undefined)
          .then(async (answer) => {
            const parsed = v.safeParse(BeaconAnswerSchema, answer);
            if (answer !== undefined && !parsed.success) this.rejects.invalid++;
            let took = false;
            if (parsed.success) for (const ann of parsed.output.anns) took = !!(await this.take(room, ann)) || took;
            if (took) {
              resolve();
              void this.autoConnect(room);
            }
            if (--left === 0) resolve();
          });
      }
    });
  }

  /** Holds the first free beacon of the room (one per member), answering with the room's announcements. */
  private async holdBeacon(room: Room): Promise<void> {
    const hold = this.service.holdBeacon?.bind(this.service);
    if (!hold || room.held) return;
    for (const id of room.beacons) {
      try {
        const handle = await hold(id, () => ({ anns: this.handout(room) }));
        if (this.rooms.get(room.token) !== room || this.disposed) return handle.close();
        room.held = handle;
        void handle.closed.then(() => {
          if (room.held === handle) room.held = undefined;
        });
        return;
      } catch {
        // Held by another member: try the next.
      }
    }
  }

  /** Takes a checked announcement into a room (newer replaces older; a contact's name claimed by another key is dropped). */
  private async take(room: Room, value: unknown, from?: string): Promise<Announcement | undefined> {
    const { ann, reject } = await checkAnnouncement(value, this.now());
    if (!ann) {
      this.rejects[reject!]++;
      return undefined;
    }
    if (ann.room !== room.token) return undefined;
    if (from !== undefined && (ann.peer !== from || ann.key !== this.service.peerIdentity(from)?.publicKey)) {
      this.rejects['not-the-link']++;
      return undefined;
    }
    if (this.blocked.has(ann.key)) {
      this.rejects.blocked++;
      return undefined;
    }
    const known = room.anns.get(ann.key);
    if (known && known.at >= ann.at) {
      if (known.at > ann.at) this.rejects.replay++;
      return undefined;
    }
    let taken = ann;
    const claimed = ann.name && this.contacts.find((c) => c.key !== ann.key && c.name.trim().toLowerCase() === ann.name.trim().toLowerCase());
    if (claimed) {
      this.rejects['name-claim']++;
      taken = { ...ann, name: '' };
    }
    if (ann.key === this.service.publicKey) return undefined;
    room.anns.set(ann.key, taken);
    this.emit();
    return taken;
  }

  private async onMessage(m: DiscoveryMessage, from: string): Promise<void> {
    const room = this.rooms.get(m.t === 'announce' ? m.ann.room : m.room);
    if (!room) return; // not my room: I cannot even tell its name
    const fresh: Announcement[] = [];
    if (m.t === 'announce') {
      const taken = await this.take(room, m.ann, from);
      if (taken) {
        fresh.push(m.ann);
        this.sendTo(from, { t: 'peers', room: room.token, anns: this.handout(room) });
      }
    } else {
      for (const ann of m.anns) if (await this.take(room, ann)) fresh.push(ann);
    }
    // Gossip what was new to me on to the room's other members I am linked to (a newer `at` only: floods end).
    if (fresh.length) {
      for (const peer of this.service.peers) {
        if (peer !== from && [...room.anns.values()].some((a) => a.peer === peer)) this.sendTo(peer, { t: 'peers', room: room.token, anns: fresh });
      }
    }
    await this.autoConnect(room);
  }

  /** Links up to the cap in a room: contacts first, then the newest; the admission hook is asked first. */
  private async autoConnect(room: Room): Promise<void> {
    const peers = this.peersIn(room.name);
    let linked = peers.filter((p) => p.status !== 'known').length;
    for (const p of peers) {
      if (linked >= this.cap) break;
      if (p.status !== 'known') continue;
      const ok = this.admit ? await Promise.resolve(this.admit(p.ann, room.name)).catch(() => false) : true;
      if (!ok || this.statusOf(p.ann.peer) !== 'known') continue;
      linked++;
      void this.dial(p.ann.peer, p.ann.key);
    }
  }

  /** Dials `peer` expecting identity `key`: a link that proves another key is closed. */
  async dial(peer: string, key: string): Promise<void> {
    if (this.blocked.has(key) || this.dialing.has(peer)) return;
    this.dialing.add(peer);
    this.expected.set(peer, key);
    this.emit();
    try {
      await this.service.connect(peer);
    } catch {
      // Unreachable now: it stays known; a later announcement may try again.
    } finally {
      this.dialing.delete(peer);
      this.emit();
    }
  }

  private readonly onConnected = (e: Event): void => {
    const peer = (e as PeerEvent).peer;
    const key = this.service.peerIdentity(peer)?.publicKey;
    const expected = this.expected.get(peer);
    this.expected.delete(peer);
    if (key && (this.blocked.has(key) || (expected && expected !== key))) {
      if (expected && expected !== key) this.rejects.forged++;
      this.service.disconnect(peer);
      return;
    }
    for (const room of this.rooms.values()) if (room.mine) this.sendTo(peer, { t: 'announce', ann: room.mine });
    if (key) {
      void this.loaded.then(() => {
        this.lastPeers = rememberPeer(this.lastPeers, { peer, key, at: this.now() });
        void saveLastPeers(this.owner, this.lastPeers).catch(() => undefined);
        const contact = this.contactOf(key);
        if (contact && contact.peer !== peer) void this.saveContact({ ...contact, peer });
      });
    }
    this.emit();
  };

  private readonly onChanged = (): void => this.emit();

  // ---- contacts, blocking, invites -----------------------------------------------------------------

  /** Saves a linked peer as a contact under `name` (its key is pinned to its peer id). */
  async addContact(peer: string, name: string, verified?: Contact['verified']): Promise<Contact> {
    const key = this.service.peerIdentity(peer)?.publicKey;
    if (!key) throw new Error(`Peer ${peer} is not linked: link it first.`);
    await this.service.pin(peer, key);
    return this.saveContact({ key, name: name.trim().slice(0, 64), peer, addedAt: this.now(), verified: verified ?? this.contactOf(key)?.verified });
  }

  private async saveContact(contact: Contact): Promise<Contact> {
    await this.loaded;
    this.contacts = [contact, ...this.contacts.filter((c) => c.key !== contact.key)];
    await saveContacts(this.owner, this.contacts);
    this.emit();
    return contact;
  }

  async removeContact(key: string): Promise<void> {
    await this.loaded;
    const c = this.contactOf(key);
    this.contacts = this.contacts.filter((x) => x.key !== key);
    if (c) await this.service.unpin(c.peer).catch(() => undefined);
    await saveContacts(this.owner, this.contacts);
    this.emit();
  }

  /** Blocks an identity key (or the key of a linked peer id): its link closes; it is never dialed or listed again. */
  async block(keyOrPeer: string): Promise<void> {
    await this.loaded;
    const key = this.service.peerIdentity(keyOrPeer)?.publicKey ?? keyOrPeer;
    this.blocked.add(key);
    for (const peer of this.service.peers) if (this.service.peerIdentity(peer)?.publicKey === key) this.service.disconnect(peer);
    for (const room of this.rooms.values()) room.anns.delete(key);
    await saveBlocked(this.owner, this.blocked);
    this.emit();
  }

  async unblock(key: string): Promise<void> {
    await this.loaded;
    this.blocked.delete(key);
    await saveBlocked(this.owner, this.blocked);
    this.emit();
  }

  /** Dials the peers I was last linked to (newest first, at most `max`); resolves with how many it tried. */
  async reconnectLast(max = 8): Promise<number> {
    await this.loaded;
    await this.service.open();
    const todo = this.lastPeers.filter((p) => this.service.linkStatus(p.peer) !== 'open' && !this.blocked.has(p.key)).slice(0, max);
    await Promise.all(todo.map((p) => this.dial(p.peer, p.key)));
    return todo.length;
  }

  /** My invite link on page `base`. */
  inviteLink(base: string): string {
    const id = this.service.id;
    const key = this.service.publicKey;
    if (!id || !key) throw new Error('Not registered yet: the invite link needs my peer id.');
    return inviteLink(base, { p: id, k: key, ...(this.displayName ? { n: this.displayName.slice(0, 64) } : {}) });
  }

  /**
   * Opens an invite link: pins its key to its peer id (so the link only opens with that key: the code is verified
   * by the link), saves it as a contact, and dials it. Throws a `TypeError` for a damaged link.
   */
  async acceptInvite(link: string): Promise<Invite> {
    const invite = parseInvite(link);
    if (!invite) throw new TypeError('That is not a DarkSwap invite link.');
    await this.service.open();
    if (invite.p === this.service.id) throw new TypeError('This is my own invite link.');
    await this.service.pin(invite.p, invite.k);
    this.invited.set(invite.p, invite.k);
    await this.saveContact({ key: invite.k, name: invite.n ?? '', peer: invite.p, addedAt: this.now(), verified: 'invite' });
    await this.dial(invite.p, invite.k);
    return invite;
  }

  /** Whether the link to `peer` is verified by an invite or a contact I marked verified. */
  verified(peer: string): boolean {
    const key = this.service.peerIdentity(peer)?.publicKey;
    if (!key) return false;
    return this.invited.get(peer) === key || !!this.contactOf(key)?.verified;
  }

  // ---- upkeep ---------------------------------------------------------------------------------------

  private startTicking(): void {
    this.timer ??= setInterval(() => void this.tick(), ANNOUNCE_EVERY_MS / 3);
  }

  private stopTicking(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Drops stale announcements, re-announces, re-claims a beacon, and links up again. */
  private async tick(): Promise<void> {
    const now = this.now();
    for (const room of this.rooms.values()) {
      let dropped = false;
      for (const [key, ann] of room.anns) {
        if (ann.at < now - ANNOUNCE_TTL_MS) {
          room.anns.delete(key);
          dropped = true;
        }
      }
      if (dropped) this.emit();
      if (!room.mine || now - room.mine.at >= ANNOUNCE_EVERY_MS) await this.announce(room);
      if (!room.held) await this.holdBeacon(room);
      // Alone in the room (everyone joined at once, or all left): ask the beacons again.
      if (!room.anns.size) await this.askBeacons(room);
      await this.autoConnect(room);
    }
  }

  dispose(): void {
    this.disposed = true;
    this.stopTicking();
    for (const room of this.rooms.values()) room.held?.close();
    this.rooms.clear();
    this.channel.close();
    this.service.removeEventListener('peer-connected', this.onConnected);
    this.service.removeEventListener('peer-disconnected', this.onChanged);
  }
}
