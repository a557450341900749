import { expect } from '@open-wc/testing';
import { applySendConstraints, ladderStepFor, MEDIA_HEADROOM, MEDIA_LADDER, type MediaLadderStep } from './media-constraints.js';
import { waitFor } from '../../test/harness.js';

const step = (name: string) => MEDIA_LADDER.find((s) => s.name === name)!;

/** Two RTCPeerConnections in this page, connected by handing descriptions and candidates across directly. */
async function callPair(track: MediaStreamTrack): Promise<{ sender: RTCRtpSender; close: () => void }> {
  const caller = new RTCPeerConnection();
  const callee = new RTCPeerConnection();
  caller.onicecandidate = (e) => void (e.candidate && callee.addIceCandidate(e.candidate));
  callee.onicecandidate = (e) => void (e.candidate && caller.addIceCandidate(e.candidate));
  const sender = caller.addTrack(track, new MediaStream([track]));
  await caller.setLocalDescription();
  await callee.setRemoteDescription(caller.localDescription!);
  await callee.setLocalDescription();
  await caller.setRemoteDescription(callee.localDescription!);
  await waitFor(() => caller.connectionState === 'connected' && callee.connectionState === 'connected', 10_000, 'the call to connect');
  return {
    sender,
    close: () => {
      caller.close();
      callee.close();
    },
  };
}

/** A 1280×720 canvas that changes every 33 ms, captured as a video track. */
function canvasTrack(): { track: MediaStreamTrack; stop: () => void } {
  const canvas = document.createElement('canvas');
  canvas.width = 1280;
  canvas.height = 720;
  const ctx = canvas.getContext('2d')!;
  let n = 0;
  const timer = setInterval(() => {
    ctx.fillStyle = `hsl(${(n += 7) % 360} 80% 50%)`;
    ctx.fillRect(0, 0, 1280, 720);
    ctx.fillStyle = '#fff';
    ctx.fillRect((n * 13) % 1200, (n * 7) % 680, 80, 40);
  }, 33);
  const track = canvas.captureStream(30).getVideoTracks()[0]!;
  return {
    track,
    stop: () => {
      clearInterval(timer);
      track.stop();
    },
  };
}

async function sentFrameWidth(sender: RTCRtpSender): Promise<number | undefined> {
  for (const s of (await sender.getStats()).values()) if (s.type === 'outbound-rtp' && typeof s.frameWidth === 'number') return s.frameWidth;
  return undefined;
}

describe('Media constraints: ladder and RTCRtpSender.setParameters', () => {
  it('picks the best step that fits the headroom of the available bytes/s, the lowest when unknown', () => {
    const fits = (s: MediaLadderStep) => (s.maxBitrate / 8 / MEDIA_HEADROOM) * 1.0001;
    expect(ladderStepFor(fits(step('720p30')))).to.equal(step('720p30'));
    expect(ladderStepFor(fits(step('720p30')) * 0.99)).to.equal(step('540p30'));
    expect(ladderStepFor(fits(step('360p15')))).to.equal(step('360p15'));
    expect(ladderStepFor(10_000_000)).to.equal(MEDIA_LADDER[0]);
    for (const unknown of [undefined, 0, -5, Number.NaN, 1]) expect(ladderStepFor(unknown)).to.equal(MEDIA_LADDER.at(-1));
    const custom = [{ name: 'only', maxBitrate: 1e6, scaleResolutionDownBy: 1, maxFramerate: 24 }];
    expect(ladderStepFor(1, custom).name).to.equal('only');
    expect(() => ladderStepFor(1e6, [])).to.throw(/at least one step/);
    expect(() => ladderStepFor(1e6, [{ ...custom[0], scaleResolutionDownBy: 0.5 }]))
      .to.throw(/scaleResolutionDownBy must be ≥ 1/)
      .with.property('code', 'invalid-config');
  });

  it('applies a step to every encoding of a real video sender, and the encoder follows it', async function () {
    this.timeout(30_000);
    const video = canvasTrack();
    const call = await callPair(video.track);
    try {
      let width: number | undefined;
      const start = performance.now();
      while (!(width = await sentFrameWidth(call.sender)) && performance.now() - start < 10_000) await new Promise((r) => setTimeout(r, 100));
      expect(width, 'frames are being sent, wider than a quarter of the canvas').to.be.a('number').and.greaterThan(320);

      const params = await applySendConstraints(call.sender, step('180p15'));
      expect(params.encodings.length).to.be.greaterThan(0);
      for (const e of call.sender.getParameters().encodings) {
        expect(e).to.include({ maxBitrate: 200_000, scaleResolutionDownBy: 4, maxFramerate: 15 });
      }
      const until = performance.now() + 10_000;
      while (((width = await sentFrameWidth(call.sender)) ?? Infinity) > 320 && performance.now() < until) await new Promise((r) => setTimeout(r, 100));
      expect(width, 'the encoder sends at most 1280 / 4 pixels wide').to.be.at.most(320);

      await applySendConstraints(call.sender, step('720p30'));
      expect(call.sender.getParameters().encodings[0]).to.include({ maxBitrate: 2_500_000, scaleResolutionDownBy: 1, maxFramerate: 30 });
    } finally {
      call.close();
      video.stop();
    }
  });

  it('sets only the bitrate on an audio sender, and reports a refusal as a webrtc error', async () => {
    const audio = new AudioContext();
    const track = audio.createMediaStreamDestination().stream.getAudioTracks()[0]!;
    const call = await callPair(track);
    try {
      await applySendConstraints(call.sender, step('180p15'));
      const [encoding] = call.sender.getParameters().encodings;
      expect(encoding.maxBitrate).to.equal(200_000);
      expect(encoding.scaleResolutionDownBy).to.equal(undefined);
    } finally {
      call.close();
      track.stop();
      await audio.close();
    }
    let error: unknown;
    await applySendConstraints(call.sender, step('180p15')).catch((e: unknown) => (error = e));
    expect(error).to.have.property('code', 'webrtc');
  });
});
