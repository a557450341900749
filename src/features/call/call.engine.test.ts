// The call engine on two real services (real PeerServer, real WebRTC, Chromium's fake camera and microphone):
// invite → ringing → accept → media both ways; mute silences the remote audio; hang-up is seen within 1 s;
// decline and busy; the history is kept.
import { expect } from '@open-wc/testing';
import { destroyServices, linkedPair, waitFor } from '../../../test/harness.js';
import type { ConnectionService } from '../../core/connection-service.js';
import { CallEngine } from './call.engine.js';
import { loadHistory } from './call.history.js';
import { LinkMediaPath } from '../../core/link-media.js';
import type { ConnectionApi } from '../../core/connection-api.js';

// Small video for a 2-CPU machine; no audio processing, which treats the fake microphone's steady beep as noise.
const SMALL = { video: { width: 320, height: 240, frameRate: 15 }, audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } };

async function until(what: string, ms: number, ok: () => boolean | Promise<boolean>): Promise<void> {
  const end = performance.now() + ms;
  while (!(await ok())) {
    if (performance.now() > end) throw new Error(`${what} not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('call engine', () => {
  const engines: CallEngine[] = [];
  const engine = (s: ConnectionService) => {
    const e = new CallEngine(s);
    e.mediaOptions = SMALL;
    engines.push(e);
    return e;
  };
  afterEach(() => {
    for (const e of engines.splice(0)) e.dispose();
    destroyServices();
  });

  it('calls, answers, decodes video both ways, mutes, and the hang-up is seen within 1 s', async () => {
    const [a, b] = await linkedPair({ identity: `call-a-${Date.now()}` }, { identity: `call-b-${Date.now()}` });
    const [ea, eb] = [engine(a), engine(b)];
    const incoming = new Promise<void>((resolve) => eb.addEventListener('incoming', () => resolve(), { once: true }));
    await ea.start(b.id!, true);
    await incoming;
    expect(eb.call).to.deep.include({ phase: 'ringing', direction: 'incoming', from: a.id });
    await until('ringing seen by the caller', 5_000, () => ea.call?.legs[0]?.state === 'ringing');
    await eb.accept();
    await until('both legs active', 10_000, () => ea.call?.legs[0]?.state === 'active' && eb.call?.legs[0]?.state === 'active');
    await until('frames decoded both ways', 15_000, () => (ea.quality(b.id!)?.framesDecoded ?? 0) > 5 && (eb.quality(a.id!)?.framesDecoded ?? 0) > 5);
    expect(eb.remoteStream(a.id!)!.getVideoTracks()).to.have.length(1);
    // A drop of the media budget (bandwidth.mediaBps, 25 kB/s = 200 kbit/s): within 2 s the video to the peer is
    // held to a lower ladder step — less bitrate and a quarter of the resolution — and the peer receives that.
    const pathAB = (await a.media(b.id!))!;
    expect(pathAB.encoding?.maxBitrate, 'the top step before').to.equal(2_500_000);
    const dropped = performance.now();
    a.setBandwidth({ mediaBps: 25_000 });
    await until('the video step follows the drop', 2_000, () => (pathAB.encoding?.maxBitrate ?? Infinity) <= 200_000);
    expect(performance.now() - dropped).to.be.below(2_000);
    expect(pathAB.encoding!.scaleResolutionDownBy).to.equal(4);
    await until('the overlay names the step', 1_500, () => ea.quality(b.id!)?.step === '180p8'); // 170 kbit/s usable (85 %) → the 100 kbit/s step
    await until('the peer receives the smaller video', 10_000, () => (eb.quality(a.id!)?.width ?? 320) <= 80);
    a.setBandwidth({ mediaBps: null });
    await until('back to the top step', 3_000, () => pathAB.encoding?.maxBitrate === 2_500_000);
    // My muted microphone sends silence: the remote audio's power drops to nothing (measured while it plays).
    const player = document.createElement('audio');
    player.srcObject = eb.remoteStream(a.id!)!;
    document.body.append(player);
    await player.play();
    await until('audio heard', 10_000, () => (eb.quality(a.id!)?.audioPower ?? 0) > 1e-4);
    ea.setMic(false);
    await until('mute seen as state', 3_000, () => eb.call?.legs[0]?.remote.audio === false);
    await new Promise((r) => setTimeout(r, 1_200)); // a full sample after the mute
    await until('silence after mute', 5_000, () => (eb.quality(a.id!)?.audioPower ?? 1) < 1e-6);
    player.remove();
    // Hang-up.
    const t0 = performance.now();
    ea.hangup();
    await until('the hang-up seen by the other side', 1_000, () => eb.call?.phase === 'ended');
    const seenMs = performance.now() - t0;
    expect(eb.call!.reason).to.equal('hangup');
    expect(seenMs).to.be.below(1_000);
    await until('history written', 3_000, async () => (await loadHistory(b.identityName!)).length === 1);
    const [entry] = await loadHistory(b.identityName!);
    expect(entry).to.deep.include({ direction: 'incoming', outcome: 'completed', peers: [a.id] });
    expect(entry!.durationMs).to.be.above(0);
    expect(ea.local!.audio, 'my tracks are released').to.equal(null);
  });

  it('declined and busy end the call with those reasons, and nothing is left running', async () => {
    const [a, b] = await linkedPair();
    const [ea, eb] = [engine(a), engine(b)];
    await ea.start(b.id!, false);
    await until('ringing', 5_000, () => eb.call?.phase === 'ringing');
    eb.decline();
    await until('declined seen', 2_000, () => ea.call?.phase === 'ended');
    expect(ea.call!.reason).to.equal('declined');
    expect(eb.call!.reason).to.equal('declined');
    // B is in a call with A; a third service calling B hears busy.
    const c = (await import('../../../test/harness.js')).openService();
    const sc = await c;
    await sc.connect(b.id!);
    const ec = engine(sc);
    await ea.start(b.id!, false);
    await until('ringing again', 5_000, () => eb.call?.phase === 'ringing');
    await ec.start(b.id!, false);
    await until('busy', 5_000, () => ec.call?.phase === 'ended');
    expect(ec.call!.reason).to.equal('busy');
    expect(eb.call!.phase, 'B still rings for A').to.equal('ringing');
    ea.hangup();
    await until('cancel seen as missed', 2_000, () => eb.call?.phase === 'ended');
    expect(eb.call!.reason).to.equal('missed');
    await waitFor(() => !ea.busy && !eb.busy && !ec.busy);
  });

  it('a media connection that is not the authenticated one ends the call as a security stop, on both sides', async () => {
    const [a, b] = await linkedPair();
    // A's view of the link claims another DTLS fingerprint than the connection has: what a man in the middle
    // who swapped the media endpoint would look like to verify().
    const forged = new LinkMediaPath(b.id!, {
      current: () => ({ pc: a.peerConnection(b.id!), remoteFingerprint: `sha-256 ${Array(32).fill('AB').join(':')}` }),
      negotiate: () => void a.media(b.id!).then((p) => (p as unknown as { host: { negotiate(): void } }).host.negotiate()),
    });
    const wrapped = new Proxy(a, {
      get: (target, key) => {
        if (key === 'media') return () => Promise.resolve(forged);
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    }) as unknown as ConnectionApi;
    const ea = new CallEngine(wrapped);
    const eb = engine(b);
    ea.mediaOptions = SMALL;
    engines.push(ea);
    await ea.start(b.id!, false);
    await until('ringing', 5_000, () => eb.call?.phase === 'ringing');
    await eb.accept();
    await until('the call ends', 15_000, () => ea.call?.phase === 'ended' && eb.call?.phase === 'ended');
    expect(ea.call!.reason).to.equal('security');
    expect(eb.call!.legs[0]!.reason, 'the peer was told').to.equal('hangup');
    expect(await (await a.media(b.id!))!.verify(), 'the real path verifies').to.equal(true);
  });
});
