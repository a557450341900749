import { localized, msg, str } from '@lit/localize';
import { html, nothing } from 'lit';
import { formatNumber } from '../../internal/format.js';
import { property, state } from 'lit/decorators.js';
import type { ConnectionApi } from '../../core/connection-api.js';
import { ConnectionController } from '../../context/connection-controller.js';
import { FeatureController } from '../../context/feature-controller.js';
import { CALL_FEATURE, CallEngine, CallEngineEvent, isCallMediaError } from '../../features/call/call.engine.js';
import { listDevices } from '../../features/call/call.media.js';
import { durationOf, liveLegs, members } from '../../features/call/call.model.js';
import { BusyGuard } from '../../internal/busy-guard.js';
import { DarkswapElement } from '../../internal/base-element.js';
import { headingText, notConnected, panelHeader, statusWord } from '../../internal/panel-header.js';
import { DarkswapCallEndedEvent, DarkswapCallIncomingEvent, DarkswapCallStartedEvent } from './av-call.events.js';
import { renderCall, renderHistory, renderIdle, renderIncoming, type AvCallRenderHost } from './av-call.render.js';
import { avCallStyles } from './av-call.styles.js';
import { endWords } from './av-call.view.js';
import { AudioLevel } from './audio-level.js';
import { Ringtone } from './ringtone.js';

/**
 * Audio and video calls with up to three other peers, on the shared connection service. Media travels on each
 * peer's authenticated link (its DTLS fingerprint checked against the link's hello); calls are signalled over the
 * link (invite, ringing, accept, decline, busy, cancel, hang-up). Controls: microphone and camera (`aria-pressed`),
 * device pickers that follow plugged-in devices, screen share, picture-in-picture, a microphone level meter,
 * optional push-to-talk, a live quality overlay per participant. An incoming call rings (a WebAudio tone) with
 * Accept and Decline. The history (peer, time, duration, outcome) is kept in IndexedDB. The screen is kept awake
 * and the page asks before closing during a call.
 *
 * @summary Audio/video calls over the kit's authenticated links, up to four participants.
 * @tag darkswap-av-call
 * @fires darkswap-call-incoming - A call rings here; `detail: { call, from, video }`.
 * @fires darkswap-call-started - A call was answered; `detail: { call, peers }`.
 * @fires darkswap-call-ended - A call ended; `detail: { call, reason, durationMs }` (`reason`: hangup, declined, busy, no-answer, cancelled, missed, unreachable, lost, failed, security).
 * @csspart base - The widget's outer box.
 * @csspart header - Title and status row.
 * @csspart title - The heading.
 * @csspart status - The call's state in words (a polite live region).
 * @csspart not-connected - Shown when no connection service reached the widget.
 * @csspart peer-select - The peer to call.
 * @csspart call-button - Starts a video call.
 * @csspart audio-call-button - Starts an audio-only call.
 * @csspart incoming - The incoming-call banner.
 * @csspart code - The six-digit code of the caller's link.
 * @csspart accept-button - Answers the incoming call.
 * @csspart decline-button - Declines the incoming call.
 * @csspart participants - The grid of participants.
 * @csspart participant - One other participant (`data-state`: inviting, ringing, connecting, active).
 * @csspart video - A participant's (or my own) video.
 * @csspart quality - A participant's quality overlay (resolution, frame rate, bitrate, loss, RTT, verdict).
 * @csspart self - My own preview.
 * @csspart level - My microphone's level meter.
 * @csspart controls - The call controls.
 * @csspart mic-button - Mutes my microphone (`aria-pressed` while muted).
 * @csspart camera-button - Turns my camera off (`aria-pressed` while off).
 * @csspart screen-button - Shares my screen (`aria-pressed` while sharing).
 * @csspart talk-button - Push-to-talk: hold to speak (with `push-to-talk`).
 * @csspart stats-button - Shows the quality overlays (`aria-pressed`).
 * @csspart mute-peer-button - Silences one participant here (`aria-pressed`).
 * @csspart pip-button - Shows a participant picture-in-picture.
 * @csspart device-select - A microphone or camera picker.
 * @csspart invite-select - A peer to add to the call.
 * @csspart invite-button - Adds that peer.
 * @csspart hangup-button - Leaves the call (or cancels it before an answer).
 * @csspart error - A camera/microphone problem in plain words.
 * @csspart retry-button - Tries the camera/microphone again.
 * @csspart history - The call history.
 * @csspart history-entry - One past call (`data-outcome`).
 * @cssprop --darkswap-av-call-background - Background (default `--darkswap-color-surface`).
 * @cssprop --darkswap-av-call-border-color - Border colour (default `--darkswap-color-border`).
 * @cssprop --darkswap-av-call-radius - Corner radius (default `--darkswap-radius`).
 * @cssprop --darkswap-av-call-padding - Inner spacing (default `--darkswap-space-4`).
 * @cssprop --darkswap-av-call-accent - The incoming-call banner's border (default `--darkswap-color-accent`).
 * @cssprop --darkswap-av-call-tile-background - Behind a participant's video.
 * @cssprop --darkswap-av-call-pressed-background - A pressed toggle's background.
 * @cssprop --darkswap-av-call-hangup-color - Hang-up and decline buttons (default `--darkswap-color-danger`).
 */
@localized()
export class DarkswapAvCall extends DarkswapElement {
  static override styles = [...DarkswapElement.styles, ...avCallStyles];

  /** Heading text. The default, "Call", is shown in the page's language. */
  @property() heading = 'Call';

  /** The peer preselected in the picker. */
  @property() peer = '';

  /** No ringtone for incoming calls (the banner still shows). */
  @property({ type: Boolean, reflect: true }) silent = false;

  /** Push-to-talk: the microphone is muted except while the talk button (or Space on it) is held. */
  @property({ type: Boolean, attribute: 'push-to-talk', reflect: true }) pushToTalk = false;

  /** Camera capture constraints (default up to 1280×720 at 30 fps). */
  @property({ attribute: false }) videoConstraints: MediaTrackConstraints | undefined;

  /** Microphone capture constraints. */
  @property({ attribute: false }) audioConstraints: MediaTrackConstraints | undefined;

  /** Where cameras and microphones come from (default `navigator.mediaDevices`). */
  @property({ attribute: false }) mediaDevices: MediaDevices | undefined;

  /** A connection service to use instead of the one from context. */
  @property({ attribute: false }) connection: ConnectionApi | undefined;

  @state() private error = '';
  @state() private showStats = false;
  @state() private devices: MediaDeviceInfo[] = [];
  @state() private level = 0;
  @state() private mutedPeers = new Set<string>();
  @state() private notice = '';
  /** Bumped on every engine change so the view re-renders. */
  @state() private revision = 0;
  private retry: (() => Promise<void>) | undefined;
  private clock: ReturnType<typeof setInterval> | undefined;

  private readonly conn = new ConnectionController(this, {});
  private readonly busy = new BusyGuard(this);
  private readonly ringtone = new Ringtone();
  private readonly meter = new AudioLevel((level) => {
    if (Math.abs(level - this.level) > 0.02 || (level === 0) !== (this.level === 0)) this.level = level;
  });
  private readonly calls = new FeatureController<CallEngine>(this, this.conn, {
    key: CALL_FEATURE,
    create: (service) => new CallEngine(service),
    attach: (engine, service) => {
      const onEvent = (e: Event) => this.onEngine(e as CallEngineEvent);
      for (const type of ['change', 'incoming', 'started', 'ended']) engine.addEventListener(type, onEvent);
      const onPeers = () => this.requestUpdate();
      for (const type of ['peer-connected', 'peer-disconnected', 'status']) service.addEventListener(type, onPeers);
      return () => {
        for (const type of ['change', 'incoming', 'started', 'ended']) engine.removeEventListener(type, onEvent);
        for (const type of ['peer-connected', 'peer-disconnected', 'status']) service.removeEventListener(type, onPeers);
        this.ringtone.stop();
      };
    },
  });

  /** The shared call engine (for apps that drive calls themselves). */
  get engine(): CallEngine | undefined {
    return this.calls.feature;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    navigator.mediaDevices?.addEventListener?.('devicechange', this.onDeviceChange);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    navigator.mediaDevices?.removeEventListener?.('devicechange', this.onDeviceChange);
    this.ringtone.stop();
    this.meter.stop();
    clearInterval(this.clock);
    this.clock = undefined;
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('connection')) this.conn.inject(this.connection);
    const engine = this.engine;
    if (engine) engine.mediaOptions = { devices: this.mediaDevices, video: this.videoConstraints, audio: this.audioConstraints };
    const call = engine?.call;
    const live = !!call && call.phase !== 'ended';
    this.busy.set(live && call.phase !== 'ringing');
    if (call?.phase === 'ringing' && !this.silent) this.ringtone.start();
    else this.ringtone.stop();
    this.meter.follow(live ? engine?.local?.audio : undefined);
    // A running clock for the call's duration.
    if (live && call.phase === 'active' && !this.clock) this.clock = setInterval(() => (this.revision += 1), 1_000);
    if (!(live && call.phase === 'active') && this.clock) {
      clearInterval(this.clock);
      this.clock = undefined;
    }
  }

  private onEngine(e: CallEngineEvent): void {
    const call = e.call;
    if (e.type === 'incoming' && call) {
      this.notice = '';
      this.dispatchEvent(new DarkswapCallIncomingEvent({ call: call.id, from: call.from!, video: call.video }));
    } else if (e.type === 'started' && call) {
      void this.refreshDevices();
      this.dispatchEvent(new DarkswapCallStartedEvent({ call: call.id, peers: members(call) }));
    } else if (e.type === 'ended' && call) {
      this.notice = endWords(call.reason ?? 'hangup');
      this.mutedPeers = new Set();
      this.dispatchEvent(new DarkswapCallEndedEvent({ call: call.id, reason: call.reason ?? 'hangup', durationMs: durationOf(call, Date.now()) }));
    }
    this.revision += 1;
  }

  private readonly onDeviceChange = (): void => void this.refreshDevices();

  private async refreshDevices(): Promise<void> {
    this.devices = await listDevices(this.mediaDevices).catch(() => []);
  }

  /** Runs a media action; a camera/microphone problem is shown with a retry. */
  private async attempt(action: () => Promise<void>): Promise<void> {
    this.error = '';
    try {
      await action();
      this.retry = undefined;
    } catch (e) {
      this.error = isCallMediaError(e) ? e.message : e instanceof Error ? e.message : String(e);
      this.retry = isCallMediaError(e) ? action : undefined;
    }
  }

  // ---- actions (used by the templates) -------------------------------------------------------

  readonly actions: AvCallRenderHost['actions'] = {
    call: (peer: string, video: boolean) =>
      this.attempt(async () => {
        this.notice = '';
        await this.engine!.start(peer, video);
        if (this.pushToTalk) this.engine!.setMic(false);
      }),
    accept: () =>
      this.attempt(async () => {
        await this.engine!.accept();
        if (this.pushToTalk) this.engine!.setMic(false);
      }),
    decline: () => this.engine?.decline(),
    hangup: () => this.engine?.hangup(),
    retry: () => void (this.retry ? this.attempt(this.retry) : undefined),
    toggleMic: () => this.engine?.setMic(!this.engine.local?.micOn),
    talk: (on: boolean) => this.engine?.setMic(on),
    toggleCamera: () => void this.attempt(() => this.engine!.setCamera(!this.engine!.local?.cameraOn)),
    toggleScreen: () => void this.attempt(() => this.engine!.shareScreen(!this.engine!.local?.screen)),
    toggleStats: () => (this.showStats = !this.showStats),
    mutePeer: (peer: string) => {
      const next = new Set(this.mutedPeers);
      if (!next.delete(peer)) next.add(peer);
      this.mutedPeers = next;
    },
    pip: (video: HTMLVideoElement | null) =>
      void video?.requestPictureInPicture?.().catch((e: unknown) => (this.error = msg(str`Picture-in-picture failed: ${String(e)}`))),
    useDevice: (kind: 'audioinput' | 'videoinput', id: string) => void this.attempt(() => this.engine!.useDevice(kind, id)),
    invite: (peer: string) => void this.attempt(() => this.engine!.invite(peer)),
  };

  private statusText(): string {
    const service = this.conn.service;
    if (!service) return statusWord('none');
    const call = this.engine?.call;
    if (!call || call.phase === 'ended') return this.notice || statusWord(service.status);
    if (call.phase === 'ringing') return call.video ? msg('Incoming video call') : msg('Incoming audio call');
    if (call.phase === 'calling') return call.legs[0]?.state === 'ringing' ? msg('Ringing…') : msg('Calling…');
    return msg(str`In call · ${formatNumber(liveLegs(call).length + 1)} people`);
  }

  override render() {
    void this.revision;
    const service = this.conn.service;
    const engine = this.engine;
    const call = engine?.call;
    const live = !!call && call.phase !== 'ended';
    const host: AvCallRenderHost = {
      service,
      engine,
      actions: this.actions,
      peer: this.peer,
      error: this.error,
      canRetry: !!this.retry,
      showStats: this.showStats,
      devices: this.devices,
      level: this.level,
      mutedPeers: this.mutedPeers,
      pushToTalk: this.pushToTalk,
    };
    return html`<section part="base" aria-labelledby="title">
      ${panelHeader(headingText(this.heading, 'Call', msg('Call')), call?.phase ?? service?.status ?? 'none', this.statusText())} ${notConnected(!service)}
      ${
        service && engine
          ? html`${call?.phase === 'ringing' ? renderIncoming(host, call) : nothing} ${live && call.phase !== 'ringing' ? renderCall(host, call) : nothing}
            ${!live ? renderIdle(host) : nothing} ${renderHistory(host)}`
          : nothing
      }
    </section>`;
  }
}
