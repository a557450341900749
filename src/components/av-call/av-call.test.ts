// <darkswap-av-call> on two real services (real PeerServer, real WebRTC, Chromium's fake camera, microphone and
// screen): driven through its own UI — call, ring, accept, remote video rendered, mute/camera/screen/device
// controls, hang-up seen within 1 s, history; the permission-denied path with a retry; no provider; 320 px; axe.
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { ConnectionService } from '../../core/connection-service.js';
import { destroyServices, linkedPair, waitFor } from '../../../test/harness.js';
import type { DarkswapAvCall } from './av-call.js';
import './darkswap-av-call.js';
import type { DarkswapCallEndedEvent, DarkswapCallIncomingEvent } from './av-call.events.js';

const SMALL: MediaTrackConstraints = { width: 320, height: 240, frameRate: 15 };
const part = <T extends Element = HTMLElement>(el: DarkswapAvCall, name: string) => el.shadowRoot!.querySelector<T>(`[part~="${name}"]`);
const parts = (el: DarkswapAvCall, name: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>(`[part~="${name}"]`)];

async function pair(a: ConnectionService, b: ConnectionService, width = '40rem'): Promise<[DarkswapAvCall, DarkswapAvCall]> {
  const box = await fixture<HTMLDivElement>(
    html`<div style="inline-size:${width}">
      <darkswap-av-call heading="A" silent .connection=${a} .videoConstraints=${SMALL}></darkswap-av-call>
      <darkswap-av-call heading="B" silent .connection=${b} .videoConstraints=${SMALL}></darkswap-av-call>
    </div>`,
  );
  const [ea, eb] = [...box.querySelectorAll<DarkswapAvCall>('darkswap-av-call')] as [DarkswapAvCall, DarkswapAvCall];
  await waitFor(() => !!part(ea, 'call-button') && !!part(eb, 'call-button'), 5_000, 'widgets ready');
  return [ea, eb];
}

/** A calls B through the UI and B accepts; resolves when both show an active participant. */
async function callAndAccept(ea: DarkswapAvCall, eb: DarkswapAvCall, video = true): Promise<void> {
  const incoming = new Promise<DarkswapCallIncomingEvent>((r) => eb.addEventListener('darkswap-call-incoming', r, { once: true }));
  await waitFor(() => !(part<HTMLButtonElement>(ea, 'call-button')?.disabled ?? true), 5_000, 'a peer to call');
  part(ea, video ? 'call-button' : 'audio-call-button')!.click();
  await incoming;
  await waitFor(() => !!part(eb, 'accept-button'), 5_000, 'the incoming banner');
  part(eb, 'accept-button')!.click();
  await waitFor(
    () => part(ea, 'participant')?.dataset.state === 'active' && part(eb, 'participant')?.dataset.state === 'active',
    15_000,
    'both sides in the call',
  );
}

const remoteVideo = (el: DarkswapAvCall) => el.shadowRoot!.querySelector<HTMLVideoElement>('[part~="participant"] video')!;

describe('<darkswap-av-call>', () => {
  afterEach(destroyServices);

  it('without a provider shows "not connected", and is accessible', async () => {
    const el = await fixture<DarkswapAvCall>(html`<darkswap-av-call></darkswap-av-call>`);
    expect(part(el, 'not-connected')).to.exist;
    expect(part(el, 'call-button')).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('calls through the UI: rings with the code, renders remote video both ways, controls work, the hang-up is seen within 1 s', async () => {
    // Own identities: the history is kept per identity, so this test sees only its own call.
    const [a, b] = await linkedPair({ identity: `av-a-${Date.now()}` }, { identity: `av-b-${Date.now()}` });
    const [ea, eb] = await pair(a, b);
    const started: string[] = [];
    for (const el of [ea, eb]) el.addEventListener('darkswap-call-started', () => started.push(el.heading));
    // The incoming banner names the caller and the link's six-digit code.
    const incoming = new Promise<DarkswapCallIncomingEvent>((r) => eb.addEventListener('darkswap-call-incoming', r, { once: true }));
    part(ea, 'call-button')!.click();
    const ring = await incoming;
    expect(ring.detail).to.deep.include({ from: a.id, video: true });
    await waitFor(() => !!part(eb, 'incoming'), 5_000, 'banner');
    expect(part(eb, 'code')!.textContent).to.equal(b.peerIdentity(a.id!)!.sas);
    expect(part(eb, 'status')!.textContent).to.equal('Incoming video call');
    await expect(eb).to.be.accessible();
    part(eb, 'accept-button')!.click();
    await waitFor(() => part(ea, 'participant')?.dataset.state === 'active' && part(eb, 'participant')?.dataset.state === 'active', 15_000, 'active');
    expect(started.sort()).to.deep.equal(['A', 'B']);
    // During a call the page asks before it unloads (and holds a wake lock where granted).
    const leave = () => {
      const e = new Event('beforeunload', { cancelable: true });
      window.dispatchEvent(e);
      return e.defaultPrevented;
    };
    expect(leave(), 'asks during a call').to.equal(true);
    // Real decoded frames in both remote <video> elements.
    await waitFor(() => remoteVideo(ea).videoWidth > 0 && remoteVideo(eb).videoWidth > 0, 10_000, 'remote video rendered');
    expect(remoteVideo(eb).videoWidth).to.equal(320);
    await expect(ea).to.be.accessible();
    // Mute by keyboard: aria-pressed, and the other side shows it.
    const mic = part<HTMLButtonElement>(ea, 'mic-button')!;
    expect(mic.getAttribute('aria-pressed')).to.equal('false');
    mic.focus();
    await sendKeys({ press: 'Enter' });
    await waitFor(() => mic.getAttribute('aria-pressed') === 'true', 2_000, 'mute pressed');
    await waitFor(() => /muted/.test(part(eb, 'participant')!.textContent!), 3_000, 'muted shown remotely');
    // Camera off and on: the remote side is told, and video comes back.
    part(ea, 'camera-button')!.click();
    await waitFor(() => /camera off/.test(part(eb, 'participant')!.textContent!), 3_000, 'camera off shown remotely');
    expect(part(ea, 'camera-button')!.getAttribute('aria-pressed')).to.equal('true');
    part(ea, 'camera-button')!.click();
    await waitFor(() => !/camera off/.test(part(eb, 'participant')!.textContent!), 5_000, 'camera back');
    // The quality overlay shows live numbers.
    part(eb, 'stats-button')!.click();
    await waitFor(() => /320×240/.test(part(eb, 'quality')?.textContent ?? ''), 5_000, 'quality overlay with the resolution');
    expect(part(eb, 'quality')!.textContent).to.match(/RTT\s*\d+ ms/);
    // Hang-up.
    const ended = new Promise<DarkswapCallEndedEvent>((r) => eb.addEventListener('darkswap-call-ended', r, { once: true }));
    const t0 = performance.now();
    part(ea, 'hangup-button')!.click();
    const end = await ended;
    expect(performance.now() - t0, 'hang-up seen within 1 s').to.be.below(1_000);
    expect(end.detail.reason).to.equal('hangup');
    expect(end.detail.durationMs).to.be.above(0);
    await waitFor(() => parts(eb, 'history-entry').length === 1 && parts(ea, 'history-entry').length === 1, 3_000, 'history');
    expect(parts(eb, 'history-entry')[0]!.dataset.outcome).to.equal('completed');
    expect(part(eb, 'status')!.textContent).to.equal('Call ended.');
    expect(leave(), 'no question after the call').to.equal(false);
  });

  it('switching the microphone and sharing the screen keep the call (replaceTrack, no renegotiation)', async () => {
    const [a, b] = await linkedPair();
    const [ea, eb] = await pair(a, b);
    await callAndAccept(ea, eb);
    const sdp = a.peerConnection(b.id!)!.currentLocalDescription!.sdp;
    await waitFor(() => parts(ea, 'device-select').some((s) => s.dataset.kind === 'audioinput'), 5_000, 'microphone picker');
    const picker = parts(ea, 'device-select').find((s) => s.dataset.kind === 'audioinput') as HTMLSelectElement;
    const other = [...picker.options].find((o) => !o.selected)!;
    const before = ea.engine!.local!.audio;
    picker.value = other.value;
    picker.dispatchEvent(new Event('change'));
    await waitFor(() => ea.engine!.local!.audio !== before && ea.engine!.local!.audio?.getSettings().deviceId === other.value, 5_000, 'microphone switched');
    // Screen share: the other side sees a screen, not the 320×240 camera.
    part(ea, 'screen-button')!.click();
    await waitFor(() => part(ea, 'screen-button')!.getAttribute('aria-pressed') === 'true', 5_000, 'sharing');
    await waitFor(() => /sharing screen/.test(part(eb, 'participant')!.textContent!), 3_000, 'screen share shown remotely');
    await waitFor(() => remoteVideo(eb).videoWidth > 0 && remoteVideo(eb).videoWidth !== 320, 10_000, 'the screen arrives');
    part(ea, 'screen-button')!.click();
    await waitFor(() => remoteVideo(eb).videoWidth === 320, 10_000, 'the camera is back');
    expect(part(eb, 'participant')!.dataset.state).to.equal('active');
    expect(a.peerConnection(b.id!)!.currentLocalDescription!.sdp, 'no renegotiation').to.equal(sdp);
    part(eb, 'hangup-button')!.click();
    await waitFor(() => !part(ea, 'participant'), 2_000, 'call over');
  });

  it('declined and busy calls say so; a blocked camera shows plain words and a retry, and no call starts', async () => {
    const [a, b] = await linkedPair();
    const [ea, eb] = await pair(a, b);
    part(ea, 'audio-call-button')!.click();
    await waitFor(() => !!part(eb, 'decline-button'), 5_000, 'ringing');
    part(eb, 'decline-button')!.click();
    await waitFor(() => part(ea, 'status')!.textContent === 'Declined.', 3_000, 'declined shown');
    // A page whose permissions policy blocks camera and microphone (a real NotAllowedError from the browser).
    const frame = document.createElement('iframe');
    frame.setAttribute('allow', "camera 'none'; microphone 'none'");
    document.body.append(frame);
    try {
      ea.mediaDevices = frame.contentWindow!.navigator.mediaDevices;
      await ea.updateComplete;
      part(ea, 'call-button')!.click();
      await waitFor(() => !!part(ea, 'error'), 5_000, 'error shown');
      expect(part(ea, 'error')!.textContent).to.match(/blocked for this page/);
      expect(part(ea, 'retry-button')).to.exist;
      expect(ea.engine!.busy, 'no call placed').to.equal(false);
      expect(eb.engine!.call?.phase, 'nothing rang').to.equal('ended');
      // Allowed again: Retry places the call.
      ea.mediaDevices = undefined;
      await ea.updateComplete;
      part(ea, 'retry-button')!.click();
      await waitFor(() => !!part(eb, 'accept-button'), 5_000, 'rings after retry');
      expect(part(ea, 'error')).to.equal(null);
      part(ea, 'hangup-button')!.click();
      await waitFor(() => part(eb, 'status')!.textContent === 'Missed call.', 3_000, 'missed');
    } finally {
      frame.remove();
    }
  });

  it('fits 320 px during a call', async () => {
    const [a, b] = await linkedPair();
    const [ea, eb] = await pair(a, b, '320px');
    await callAndAccept(ea, eb, false);
    for (const el of [ea, eb]) {
      const base = part(el, 'base')!;
      expect(base.scrollWidth, `${el.heading} scrolls sideways`).to.be.at.most(base.clientWidth);
      for (const button of parts(el, 'controls')[0]!.querySelectorAll('button')) expect(button.getBoundingClientRect().height).to.be.at.least(44);
    }
    part(ea, 'hangup-button')!.click();
  });
});
