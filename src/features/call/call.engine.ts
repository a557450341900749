/**
 * The call feature on one connection service: owns the `call` and `call-beat` channels, runs at most one call at
 * a time (an invite while busy is answered `busy`), sets up media on each leg's link (core/link-media.ts), keeps
 * legs alive with beats, adapts each leg's video to the link and the page's media cap, samples quality, and
 * records the history. Shared by every `<darkswap-av-call>` on the service (`featureFor`).
 *
 * Events (`CallEngineEvent`): `change` (anything a view shows), `incoming`, `started` (first answer), `ended`.
 */
import type { ConnectionApi } from '../../core/connection-api.js';
import type { PeerEvent } from '../../core/events.js';
import type { MediaKind, MediaPath } from '../../core/link-media.js';
import type { Feature } from '../registry.js';
import { watchLeg, type LegQuality, type LegRuntime } from './call.quality.js';
import { addHistory, historyEntry, loadHistory, type HistoryEntry } from './call.history.js';
import { LocalMedia, type CallMediaError, type LocalMediaOptions } from './call.media.js';
import { incomingCall, legOf, liveLegs, members, outgoingCall, reduce, type Call, type CallEvent, type EndReason } from './call.model.js';
import {
  BEAT_MS,
  CALL_BEAT_CHANNEL,
  CALL_CHANNEL,
  CALL_MAX_BYTES,
  CallBeatSchema,
  CallMessageSchema,
  INVITE_ACK_MS,
  JOIN_WAIT_MS,
  LOST_MS,
  MAX_PARTICIPANTS,
  MEDIA_MS,
  newCallId,
  RING_MS,
  type CallBeat,
  type CallMessage,
} from './call.protocol.js';

export const CALL_FEATURE = 'call.v1';
export type { LegQuality } from './call.quality.js';

export type CallEngineEventType = 'change' | 'incoming' | 'started' | 'ended';

export class CallEngineEvent extends Event {
  constructor(
    type: CallEngineEventType,
    readonly call: Call | undefined,
  ) {
    super(type);
  }
}

export class CallEngine extends EventTarget implements Feature {
  /** The current call, or the last one (ended) until the next starts. */
  call: Call | undefined;
  history: HistoryEntry[] = [];
  /** My camera and microphone while a call runs. */
  local: LocalMedia | undefined;
  /** How to get my media (devices, capture constraints); set by widgets before a call starts. */
  mediaOptions: Omit<LocalMediaOptions, 'onTrack' | 'onChange'> = {};
  private readonly legs = new Map<string, LegRuntime>();
  /** Peers a member announced as joining my call (a `join` from them is answered). */
  private readonly announced = new Set<string>();
  private readonly pendingJoins = new Map<string, number>();
  private readonly control;
  private readonly beats;
  private tick: ReturnType<typeof setInterval> | undefined;
  private lastBeat = 0;
  private disposed = false;
  private readonly owner: string;

  constructor(
    private readonly service: ConnectionApi,
    private readonly now: () => number = Date.now,
  ) {
    super();
    this.control = service.channel<CallMessage>(CALL_CHANNEL, { schema: CallMessageSchema, maxBytes: CALL_MAX_BYTES, priority: 'high' });
    this.beats = service.channel<CallBeat>(CALL_BEAT_CHANNEL, { schema: CallBeatSchema, maxBytes: 128, reliable: false, priority: 'high' });
    this.control.on((m, from) => this.onMessage(m, from));
    this.beats.on((m, from) => {
      if (m.call === this.call?.id) this.heard(from);
    });
    service.addEventListener('peer-connected', this.onPeerConnected);
    service.addEventListener('peer-disconnected', this.onPeerGone);
    globalThis.addEventListener?.('pagehide', this.onPageHide);
    this.owner = service.identityName ?? 'default';
    void loadHistory(this.owner)
      .then((h) => {
        this.history = h;
        this.emit('change');
      })
      .catch(() => undefined);
  }

  /** Whether a call is placed, ringing or running. */
  get busy(): boolean {
    return !!this.call && this.call.phase !== 'ended';
  }

  /** The peer's audio and video in the current call. */
  remoteStream(peer: string): MediaStream | undefined {
    return this.legs.get(peer)?.path?.remote;
  }

  quality(peer: string): LegQuality | undefined {
    return this.legs.get(peer)?.quality;
  }

  /** Calls `peer` (video or audio only). Rejects with a `CallMediaError` when my camera/microphone cannot be used. */
  async start(peer: string, video = true): Promise<string> {
    if (this.busy) throw new Error('A call is already under way: hang up first.');
    if (!this.service.media) throw new Error('This connection service cannot carry calls (an older kit version).');
    if (this.service.linkStatus(peer) !== 'open') await this.service.connect(peer);
    await this.startMedia(video);
    if (this.busy) throw new Error('A call is already under way: hang up first.');
    const id = newCallId();
    this.call = outgoingCall(id, video, this.now());
    this.sendInvite(peer);
    this.startTicking();
    return id;
  }

  /** Adds a participant to the call I am in (at most `MAX_PARTICIPANTS` with me). */
  async invite(peer: string): Promise<void> {
    const call = this.call;
    if (!call || call.phase !== 'active') throw new Error('Start or answer a call first.');
    if (liveLegs(call).length + 1 >= MAX_PARTICIPANTS) throw new Error(`A call has at most ${MAX_PARTICIPANTS} participants.`);
    if (legOf(call, peer) && legOf(call, peer)!.state !== 'ended') return;
    if (this.service.linkStatus(peer) !== 'open') await this.service.connect(peer);
    this.sendInvite(peer);
  }

  /** Answers the ringing call. Rejects with a `CallMediaError` when my camera/microphone cannot be used. */
  async accept(video?: boolean): Promise<void> {
    const call = this.call;
    if (!call || call.phase !== 'ringing') return;
    try {
      await this.startMedia(video ?? call.video);
    } catch (e) {
      this.send(call.from!, { t: 'reject', call: call.id, reason: 'declined' });
      this.apply({ type: 'end', reason: 'failed' });
      throw e;
    }
    if (this.call !== call && this.call?.phase !== 'ringing') return;
    this.apply({ type: 'answer' });
    this.send(call.from!, { t: 'accept', call: call.id });
    this.setupLeg(call.from!);
    // The others already in the call: ask each to take me in.
    for (const leg of this.call!.legs) {
      if (leg.peer === call.from || leg.state !== 'ringing') continue;
      void this.joinMember(call.id, leg.peer);
    }
  }

  /** Declines the ringing call. */
  decline(): void {
    const call = this.call;
    if (!call || call.phase !== 'ringing') return;
    this.send(call.from!, { t: 'reject', call: call.id, reason: 'declined' });
    this.apply({ type: 'end', reason: 'declined' });
  }

  /** Leaves the call (or cancels it before an answer). */
  hangup(): void {
    const call = this.call;
    if (!call || call.phase === 'ended') return;
    if (call.phase === 'ringing') return this.decline();
    for (const leg of liveLegs(call)) {
      const t = leg.state === 'inviting' || leg.state === 'ringing' ? 'cancel' : 'hangup';
      this.send(leg.peer, { t, call: call.id });
    }
    this.apply({ type: 'end', reason: call.phase === 'calling' ? 'cancelled' : 'hangup' });
  }

  setMic(on: boolean): void {
    this.local?.setMic(on);
    this.sendState();
  }

  async setCamera(on: boolean): Promise<void> {
    await this.local?.setCameraOn(on);
    this.sendState();
  }

  async shareScreen(on: boolean): Promise<void> {
    if (on) await this.local?.shareScreen();
    else this.local?.stopShare();
    this.sendState();
  }

  async useDevice(kind: 'audioinput' | 'videoinput', deviceId: string): Promise<void> {
    await this.local?.useDevice(kind, deviceId);
  }

  dispose(): void {
    if (this.disposed) return;
    this.hangup();
    this.disposed = true;
    this.stopTicking();
    this.control.close();
    this.beats.close();
    this.service.removeEventListener('peer-connected', this.onPeerConnected);
    this.service.removeEventListener('peer-disconnected', this.onPeerGone);
    globalThis.removeEventListener?.('pagehide', this.onPageHide);
  }

  // ---- internals ------------------------------------------------------------------------------

  private emit(type: CallEngineEventType): void {
    this.dispatchEvent(new CallEngineEvent(type, this.call));
  }

  private async startMedia(video: boolean): Promise<void> {
    this.local?.stop();
    const local = new LocalMedia({
      ...this.mediaOptions,
      onTrack: (kind, track) => this.sendTrack(kind, track),
      onChange: () => this.emit('change'),
    });
    this.local = local;
    await local.start(video);
  }

  private sendInvite(peer: string): void {
    const call = this.call!;
    this.apply({ type: 'invited', peer });
    this.legs.set(peer, { lastHeard: this.now(), invited: true });
    this.send(peer, { t: 'invite', call: call.id, video: call.video, members: members(call).filter((m) => m !== peer) });
  }

  private send(peer: string, message: CallMessage): void {
    try {
      this.control.send(peer, message);
    } catch {
      // The link is gone: the leg's deadlines or the peer events end it.
    }
  }

  private apply(event: CallEvent): void {
    const before = this.call;
    if (!before) return;
    const after = reduce(before, event, this.now());
    if (after === before) return;
    this.call = after;
    for (const leg of after.legs) {
      const was = legOf(before, leg.peer);
      if (leg.state === 'ended' && was && was.state !== 'ended') this.stopLeg(leg.peer);
      // Liveness counts from the answer, not from the invite.
      const rt = this.legs.get(leg.peer);
      if (rt && leg.state === 'connecting' && was?.state !== 'connecting') rt.lastHeard = this.now();
    }
    if (before.phase !== 'active' && after.phase === 'active') this.emit('started');
    if (after.phase === 'ended') this.finish(after);
    this.emit('change');
  }

  private finish(call: Call): void {
    this.stopTicking();
    this.local?.stop();
    this.announced.clear();
    this.pendingJoins.clear();
    void addHistory(this.owner, historyEntry(call))
      .then((h) => {
        this.history = h;
        this.emit('change');
      })
      .catch(() => undefined);
    this.emit('ended');
  }

  private heard(peer: string): void {
    const rt = this.legs.get(peer);
    if (rt) rt.lastHeard = this.now();
  }

  private onMessage(m: CallMessage, from: string): void {
    const call = this.call;
    const mine = !!call && call.phase !== 'ended' && m.call === call.id;
    if (mine) this.heard(from);
    switch (m.t) {
      case 'invite':
        if (mine) return;
        if (this.busy) return this.send(from, { t: 'reject', call: m.call, reason: 'busy' });
        this.call = incomingCall(m.call, from, m.video, m.members, this.now());
        for (const peer of [from, ...m.members]) this.legs.set(peer, { lastHeard: this.now() });
        this.send(from, { t: 'ringing', call: m.call });
        this.startTicking();
        this.emit('incoming');
        this.emit('change');
        return;
      case 'ringing':
        if (mine) this.apply({ type: 'ringing', peer: from });
        return;
      case 'accept': {
        if (!mine) return;
        const leg = legOf(call, from);
        if (!leg || (leg.state !== 'inviting' && leg.state !== 'ringing')) return;
        const others = members(call);
        this.apply({ type: 'accepted', peer: from });
        this.setupLeg(from);
        // Tell the others who joins when I invited it (they answer its `join`).
        if (this.legs.get(from)?.invited) for (const peer of others) this.send(peer, { t: 'member', call: call.id, peer: from });
        return;
      }
      case 'reject':
        if (mine) this.apply({ type: 'leg-ended', peer: from, reason: m.reason });
        return;
      case 'cancel':
        if (mine) this.apply({ type: 'leg-ended', peer: from, reason: 'cancelled' });
        return;
      case 'hangup':
        if (mine) this.apply({ type: 'leg-ended', peer: from, reason: 'hangup' });
        return;
      case 'member':
        if (!mine || !members(call).includes(from) || m.peer === this.service.id) return;
        this.announced.add(m.peer);
        if (this.pendingJoins.has(m.peer)) this.admit(m.peer);
        return;
      case 'join':
        if (!mine || call.phase !== 'active') return;
        if (this.announced.has(from) || legOf(call, from)?.state === 'ringing') return this.admit(from);
        this.pendingJoins.set(from, this.now());
        return;
      case 'state':
        if (mine) this.apply({ type: 'remote-state', peer: from, flags: { audio: m.audio, video: m.video, screen: m.screen } });
        return;
    }
  }

  /** A member announced by another joins: take it in. */
  private admit(peer: string): void {
    const call = this.call;
    this.pendingJoins.delete(peer);
    if (!call || call.phase !== 'active') return;
    if (liveLegs(call).filter((l) => l.peer !== peer).length + 2 > MAX_PARTICIPANTS) return this.send(peer, { t: 'reject', call: call.id, reason: 'busy' });
    if (!this.legs.has(peer)) this.legs.set(peer, { lastHeard: this.now() });
    this.apply({ type: 'joined', peer });
    this.send(peer, { t: 'accept', call: call.id });
    this.setupLeg(peer);
  }

  /** I joined a call: ask a member who was already in it to take me in (it answers `accept`). */
  private async joinMember(callId: string, peer: string): Promise<void> {
    try {
      if (this.service.linkStatus(peer) !== 'open') await this.service.connect(peer);
    } catch {
      return this.apply({ type: 'leg-ended', peer, reason: 'unreachable' });
    }
    if (this.call?.id !== callId) return;
    const rt = this.legs.get(peer);
    if (rt) rt.lastHeard = this.now();
    this.send(peer, { t: 'join', call: callId });
  }

  /** Sets up (or again, after a re-dial) media with `peer` and sends my tracks. */
  private setupLeg(peer: string): void {
    const rt = this.legs.get(peer) ?? { lastHeard: this.now() };
    this.legs.set(peer, rt);
    if (rt.settingUp) return;
    const callId = this.call?.id;
    rt.settingUp = true;
    void (async () => {
      try {
        const path = await this.service.media?.(peer);
        if (!path) throw new Error('no link');
        rt.path = path;
        this.emit('change');
        await path.ready({ timeoutMs: MEDIA_MS });
        if (this.call?.id !== callId || legOf(this.call!, peer)?.state === 'ended') return;
        if (!(await path.verify())) return this.failLeg(peer, 'security');
        rt.mediaOn = path.connection;
        await path.send('audio', this.local?.audio ?? null);
        await path.send('video', this.videoTrack());
        this.apply({ type: 'media-ready', peer });
        this.sendState(peer);
        this.watch(peer, path, rt);
      } catch {
        if (this.call?.id === callId) this.failLeg(peer, 'failed');
      } finally {
        rt.settingUp = false;
      }
    })();
  }

  private failLeg(peer: string, reason: EndReason): void {
    const call = this.call;
    if (!call) return;
    this.send(peer, { t: 'hangup', call: call.id });
    this.apply({ type: 'leg-ended', peer, reason });
  }

  private videoTrack(): MediaStreamTrack | null {
    const l = this.local;
    return l ? (l.screen ?? (l.cameraOn ? l.camera : null)) : null;
  }

  /** My track of a kind changed: every leg with media gets it. */
  private sendTrack(kind: MediaKind, track: MediaStreamTrack | null): void {
    for (const rt of this.legs.values()) {
      if (rt.mediaOn) void rt.path?.send(kind, track).catch(() => undefined);
    }
    this.sendState();
  }

  private sendState(only?: string): void {
    const call = this.call;
    if (!call || call.phase !== 'active' || !this.local) return;
    const flags = this.local.flags;
    for (const peer of only ? [only] : members(call)) this.send(peer, { t: 'state', call: call.id, ...flags });
  }

  /** Link statistics and media statistics of a leg, and its video step (call.quality.ts). */
  private watch(peer: string, path: MediaPath, rt: LegRuntime): void {
    rt.stopStats?.();
    rt.stopStats = watchLeg(this.service, peer, path, rt, () => this.emit('change'));
  }

  private stopLeg(peer: string): void {
    const rt = this.legs.get(peer);
    this.legs.delete(peer);
    rt?.stopStats?.();
    if (rt?.mediaOn) {
      void rt.path?.send('audio', null).catch(() => undefined);
      void rt.path?.send('video', null).catch(() => undefined);
    }
  }

  private startTicking(): void {
    this.tick ??= setInterval(() => this.onTick(), 250);
  }

  private stopTicking(): void {
    clearInterval(this.tick);
    this.tick = undefined;
  }

  /** Deadlines, liveness and beats. */
  private onTick(): void {
    const call = this.call;
    if (!call || call.phase === 'ended') return this.stopTicking();
    const now = this.now();
    if (call.phase === 'ringing' && now - call.createdAt > RING_MS) return this.apply({ type: 'end', reason: 'missed' });
    for (const leg of liveLegs(call)) {
      const rt = this.legs.get(leg.peer);
      const age = now - leg.since;
      if (call.direction === 'outgoing' || call.phase === 'active') {
        if (leg.state === 'inviting' && age > INVITE_ACK_MS) this.endLeg(leg.peer, 'unreachable', 'cancel');
        else if ((leg.state === 'inviting' || leg.state === 'ringing') && call.phase !== 'ringing' && now - Math.max(leg.since, call.createdAt) > RING_MS)
          this.endLeg(leg.peer, 'no-answer', 'cancel');
        else if (leg.state === 'connecting' && age > MEDIA_MS) this.failLeg(leg.peer, 'failed');
        else if ((leg.state === 'connecting' || leg.state === 'active') && rt && now - rt.lastHeard > LOST_MS) this.endLeg(leg.peer, 'lost');
      }
    }
    for (const [peer, at] of this.pendingJoins) if (now - at > JOIN_WAIT_MS) this.pendingJoins.delete(peer);
    if (now - this.lastBeat >= BEAT_MS && call.phase === 'active') {
      this.lastBeat = now;
      for (const peer of members(call)) {
        try {
          this.beats.send(peer, { t: 'beat', call: call.id });
        } catch {
          // Not linked now: the leg's liveness deadline decides.
        }
      }
    }
  }

  private endLeg(peer: string, reason: EndReason, tell?: 'cancel' | 'hangup'): void {
    if (tell && this.call) this.send(peer, { t: tell, call: this.call.id });
    this.apply({ type: 'leg-ended', peer, reason });
  }

  /** A link came (back): a leg whose media was on the old connection sets it up again. */
  private readonly onPeerConnected = (e: Event): void => {
    const peer = (e as PeerEvent).peer;
    const call = this.call;
    const leg = call && legOf(call, peer);
    const rt = this.legs.get(peer);
    if (!leg || !rt || (leg.state !== 'connecting' && leg.state !== 'active')) return;
    if (rt.mediaOn && rt.mediaOn !== rt.path?.connection) {
      rt.mediaOn = undefined;
      this.setupLeg(peer);
    }
  };

  /** A link ended for good: its leg is over (`hangup` when the peer left, `lost` otherwise). */
  private readonly onPeerGone = (e: Event): void => {
    const { peer, reason } = e as PeerEvent;
    const leg = this.call && legOf(this.call, peer);
    if (!leg || leg.state === 'ended') return;
    this.apply({ type: 'leg-ended', peer, reason: reason === 'left' ? 'hangup' : 'lost' });
  };

  /** The page goes away: say so to everyone in the call (best effort; the links' own goodbye follows). */
  private readonly onPageHide = (): void => {
    if (this.busy) this.hangup();
  };
}

/** Reads a `CallMediaError`'s kind without importing the class (errors may come from another copy of the kit). */
export function isCallMediaError(e: unknown): e is CallMediaError {
  return e instanceof Error && e.name === 'CallMediaError' && 'kind' in e;
}
