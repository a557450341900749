/** The templates of `<darkswap-av-call>`: idle (pick a peer), incoming banner, the call itself, the history. */
import { msg, str } from '@lit/localize';
import { html, nothing, type TemplateResult } from 'lit';
import { formatNumber } from '../../internal/format.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ConnectionApi } from '../../core/connection-api.js';
import type { CallEngine } from '../../features/call/call.engine.js';
import { durationOf, liveLegs, type Call, type Leg } from '../../features/call/call.model.js';
import { MAX_PARTICIPANTS } from '../../features/call/call.protocol.js';
import { formatDuration, formatWhen, historyLine, legWord, qualityLines, remoteFlagsText } from './av-call.view.js';

export interface AvCallRenderHost {
  service: ConnectionApi | undefined;
  engine: CallEngine | undefined;
  peer: string;
  error: string;
  canRetry: boolean;
  showStats: boolean;
  devices: MediaDeviceInfo[];
  level: number;
  mutedPeers: ReadonlySet<string>;
  pushToTalk: boolean;
  actions: {
    call(peer: string, video: boolean): Promise<void>;
    accept(): Promise<void>;
    decline(): void;
    hangup(): void;
    retry(): void;
    toggleMic(): void;
    talk(on: boolean): void;
    toggleCamera(): void;
    toggleScreen(): void;
    toggleStats(): void;
    mutePeer(peer: string): void;
    pip(video: HTMLVideoElement | null): void;
    useDevice(kind: 'audioinput' | 'videoinput', id: string): void;
    invite(peer: string): void;
  };
}

function errorLine(h: AvCallRenderHost): TemplateResult | typeof nothing {
  if (!h.error) return nothing;
  return html`<div class="row">
    <p part="error" role="alert">${h.error}</p>
    ${h.canRetry ? html`<button part="retry-button" @click=${h.actions.retry}>${msg('Try again')}</button>` : nothing}
  </div>`;
}

const selected = (e: Event) => (e.currentTarget as HTMLSelectElement).value;

/** No call: pick a linked peer and call it. */
export function renderIdle(h: AvCallRenderHost): TemplateResult {
  const peers = [...(h.service?.peers ?? [])];
  if (h.peer && !peers.includes(h.peer)) peers.unshift(h.peer);
  const pick = (root: HTMLElement) => (root.closest('[part~="base"]')?.querySelector<HTMLSelectElement>('#call-peer')?.value ?? '').trim();
  const start = (e: Event, video: boolean) => {
    const peer = pick(e.currentTarget as HTMLElement);
    if (peer) void h.actions.call(peer, video);
  };
  return html`<div class="row">
      <label
        >${msg('Peer')}
        <select id="call-peer" part="peer-select" ?disabled=${peers.length === 0}>
          ${peers.length === 0 ? html`<option value="">${msg('No linked peers yet')}</option>` : nothing}
          ${peers.map((p) => html`<option value=${p} ?selected=${p === h.peer}>${p}</option>`)}
        </select>
      </label>
      <button part="call-button" ?disabled=${peers.length === 0} @click=${(e: Event) => start(e, true)}>${msg('Video call')}</button>
      <button part="audio-call-button" class="secondary" ?disabled=${peers.length === 0} @click=${(e: Event) => start(e, false)}>${msg('Audio call')}</button>
    </div>
    ${errorLine(h)}`;
}

/** A call rings here. */
export function renderIncoming(h: AvCallRenderHost, call: Call): TemplateResult {
  const from = call.from!;
  const code = h.service?.peerIdentity(from)?.sas;
  const others = call.legs.filter((l) => l.peer !== from).map((l) => l.peer);
  return html`<div part="incoming" role="group" aria-labelledby="incoming-title">
    <p id="incoming-title">
      ${call.video ? msg(html`Incoming video call from <code>${from}</code>`) : msg(html`Incoming audio call from <code>${from}</code>`)}${
        code ? html` · ${msg(html`code <code part="code">${code}</code>`)}` : nothing
      }
      ${others.length ? html`<br />${msg('with')} ${others.map((p, i) => html`${i ? ', ' : ''}<code>${p}</code>`)}` : nothing}
    </p>
    <div class="row">
      <button part="accept-button" @click=${() => void h.actions.accept()}>${msg('Accept')}</button>
      <button part="decline-button" @click=${h.actions.decline}>${msg('Decline')}</button>
    </div>
    ${errorLine(h)}
  </div>`;
}

function tile(h: AvCallRenderHost, leg: Leg): TemplateResult {
  const stream = h.engine?.remoteStream(leg.peer);
  const muted = h.mutedPeers.has(leg.peer);
  const flags = remoteFlagsText(leg);
  const pipVideo = (e: Event) => (e.currentTarget as HTMLElement).closest('li')?.querySelector('video') ?? null;
  return html`<li part="participant" data-state=${leg.state} data-peer=${leg.peer}>
    <video part="video" autoplay playsinline .srcObject=${stream ?? null} .muted=${muted} aria-label=${msg(str`Video of ${leg.peer}`)}></video>
    <div class="tile-info">
      <code>${leg.peer}</code>
      <span data-part="leg-state">${legWord(leg.state)}</span>
      ${flags ? html`<span>${flags}</span>` : nothing}
    </div>
    ${
      leg.state === 'active' || leg.state === 'connecting'
        ? html`<div class="row">
            <button part="mute-peer-button" class="secondary" aria-pressed=${muted ? 'true' : 'false'} @click=${() => h.actions.mutePeer(leg.peer)}>
              ${msg('Silence')} <span class="visually-hidden">${leg.peer}</span>
            </button>
            ${
              document.pictureInPictureEnabled
                ? html`<button part="pip-button" class="secondary" @click=${(e: Event) => h.actions.pip(pipVideo(e))}>
                    ${msg('Picture-in-picture')} <span class="visually-hidden">${leg.peer}</span>
                  </button>`
                : nothing
            }
          </div>`
        : nothing
    }
    ${
      h.showStats
        ? html`<dl part="quality" aria-label=${msg(str`Quality of the call with ${leg.peer}`)}>
            ${qualityLines(h.engine?.quality(leg.peer)).map(
              ([k, v]) =>
                html`<dt>${k}</dt>
                  <dd>${v}</dd>`,
            )}
          </dl>`
        : nothing
    }
  </li>`;
}

function devicePicker(h: AvCallRenderHost, kind: 'audioinput' | 'videoinput', label: string, current: string | undefined): TemplateResult | typeof nothing {
  const list = h.devices.filter((d) => d.kind === kind);
  if (list.length < 2) return nothing;
  return html`<label
    >${label}
    <select part="device-select" data-kind=${kind} @change=${(e: Event) => h.actions.useDevice(kind, selected(e))}>
      ${list.map((d, i) => html`<option value=${d.deviceId} ?selected=${d.deviceId === current}>${d.label || `${label} ${i + 1}`}</option>`)}
    </select>
  </label>`;
}

/** The call: participants, my preview and level, controls. */
export function renderCall(h: AvCallRenderHost, call: Call): TemplateResult {
  const local = h.engine?.local;
  const legs = liveLegs(call);
  const answered = call.phase === 'active';
  const candidates = (h.service?.peers ?? []).filter((p) => !legs.some((l) => l.peer === p));
  const talkKey = (on: boolean) => (e: KeyboardEvent) => {
    if (e.key !== ' ' || e.repeat) return;
    e.preventDefault();
    h.actions.talk(on);
  };
  return html`<ul part="participants" aria-label=${msg('Participants')}>
      ${repeat(
        legs,
        (l) => l.peer,
        (l) => tile(h, l),
      )}
    </ul>
    <div part="self">
      <video part="video self-video" autoplay playsinline .muted=${true} .srcObject=${local?.preview ?? null} aria-label=${msg('My video')}></video>
      <label class="tile-info"
        >${msg('Microphone level')}
        <meter part="level" min="0" max="1" .value=${h.level}></meter>
      </label>
      ${answered ? html`<span class="tile-info" role="timer">${formatDuration(durationOf(call, Date.now()))}</span>` : nothing}
    </div>
    <div part="controls">
      ${
        h.pushToTalk
          ? html`<button
              part="talk-button"
              aria-pressed=${local?.micOn ? 'true' : 'false'}
              @pointerdown=${() => h.actions.talk(true)}
              @pointerup=${() => h.actions.talk(false)}
              @pointerleave=${() => h.actions.talk(false)}
              @keydown=${talkKey(true)}
              @keyup=${talkKey(false)}
            >
              ${msg('Hold to talk')}
            </button>`
          : html`<button part="mic-button" aria-pressed=${local && !local.micOn ? 'true' : 'false'} ?disabled=${!local?.audio} @click=${h.actions.toggleMic}>
              ${msg('Mute')}
            </button>`
      }
      <button part="camera-button" aria-pressed=${local?.cameraOn ? 'false' : 'true'} @click=${h.actions.toggleCamera}>${msg('Camera off')}</button>
      <button part="screen-button" aria-pressed=${local?.screen ? 'true' : 'false'} @click=${h.actions.toggleScreen}>${msg('Share screen')}</button>
      <button part="stats-button" class="secondary" aria-pressed=${h.showStats ? 'true' : 'false'} @click=${h.actions.toggleStats}>${msg('Stats')}</button>
      <button part="hangup-button" @click=${h.actions.hangup}>${answered ? msg('Hang up') : msg('Cancel')}</button>
    </div>
    <div class="row">
      ${devicePicker(h, 'audioinput', msg('Microphone'), local?.audioDevice ?? local?.audio?.getSettings().deviceId)}
      ${devicePicker(h, 'videoinput', msg('Camera'), local?.videoDevice ?? local?.camera?.getSettings().deviceId)}
    </div>
    ${
      answered && legs.length + 1 < MAX_PARTICIPANTS && candidates.length
        ? html`<div class="row">
            <label
              >${msg('Add someone')}
              <select id="invite-peer" part="invite-select">
                ${candidates.map((p) => html`<option value=${p}>${p}</option>`)}
              </select>
            </label>
            <button
              part="invite-button"
              class="secondary"
              @click=${(e: Event) => {
                const peer = (e.currentTarget as HTMLElement).closest('.row')?.querySelector<HTMLSelectElement>('#invite-peer')?.value;
                if (peer) h.actions.invite(peer);
              }}
            >
              ${msg('Add')}
            </button>
          </div>`
        : nothing
    }
    ${errorLine(h)}`;
}

/** Past calls, newest first. */
export function renderHistory(h: AvCallRenderHost): TemplateResult | typeof nothing {
  const list = h.engine?.history ?? [];
  if (!list.length) return nothing;
  return html`<details>
    <summary>${msg(str`History (${formatNumber(list.length)})`)}</summary>
    <ul part="history">
      ${list.slice(0, 20).map((e) => {
        const line = historyLine(e);
        return html`<li part="history-entry" data-outcome=${e.outcome}>
          <span>${line.direction}</span> <code>${line.peers}</code> <time datetime=${new Date(e.at).toISOString()}>${formatWhen(e.at)}</time>
          <span>${line.outcome}</span>${line.duration ? html` <span>${line.duration}</span>` : nothing}
        </li>`;
      })}
    </ul>
  </details>`;
}
