// Call media on a link's own connection (real WebRTC, real PeerServer, Chromium's fake camera and microphone):
// negotiated once over the link, then replaceTrack only; frames decode both ways; the DTLS binding verifies;
// the media sample parser on a synthetic report.
import { expect } from '@open-wc/testing';
import { mediaSampleFrom } from './media-stats.js';
import { destroyServices, linkedPair, waitFor } from '../../test/harness.js';

/** Polls an async condition every 100 ms until it holds, or fails after `ms`. */
async function until(what: string, ms: number, ok: () => Promise<boolean>): Promise<void> {
  const end = performance.now() + ms;
  while (!(await ok())) {
    if (performance.now() > end) throw new Error(`${what} not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const camera = () => navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 320, height: 240, frameRate: 15 } });

describe('link media', () => {
  afterEach(destroyServices);

  it('parses media statistics: frames, sizes, bitrates, loss, audio level, encoder limits', () => {
    const report = (bytesIn: number, bytesOut: number, lost: number, received: number, frames: number) =>
      new Map<string, Record<string, unknown> & { type: string }>([
        [
          'v',
          {
            type: 'inbound-rtp',
            kind: 'video',
            bytesReceived: bytesIn,
            packetsLost: lost,
            packetsReceived: received,
            framesDecoded: frames,
            frameWidth: 640,
            frameHeight: 360,
            framesPerSecond: 24,
          },
        ],
        ['a', { type: 'inbound-rtp', kind: 'audio', bytesReceived: 0, packetsLost: 0, packetsReceived: 0, audioLevel: 0.25 }],
        [
          'o',
          {
            type: 'outbound-rtp',
            kind: 'video',
            bytesSent: bytesOut,
            frameWidth: 320,
            frameHeight: 180,
            framesPerSecond: 15,
            qualityLimitationReason: 'bandwidth',
          },
        ],
      ]);
    const first = mediaSampleFrom(report(1_000, 500, 0, 100, 10), undefined, 1_000);
    expect(first.sample.inbound).to.deep.include({ width: 640, height: 360, fps: 24, framesDecoded: 10, audioLevel: 0.25, bitsPerSecond: 0 });
    expect(first.sample.inbound.loss, 'no loss without a previous sample').to.equal(undefined);
    const second = mediaSampleFrom(report(126_000, 25_500, 5, 195, 34), first.counters, 2_000);
    expect(second.sample.inbound.bitsPerSecond).to.equal(1_000_000);
    expect(second.sample.outbound).to.deep.include({ width: 320, height: 180, fps: 15, bitsPerSecond: 200_000, limitedBy: 'bandwidth' });
    expect(second.sample.inbound.loss).to.be.closeTo(5 / 100, 1e-9);
  });

  it('negotiates audio and video on the link, decodes frames both ways, and verifies the DTLS binding', async () => {
    const [a, b] = await linkedPair();
    const pa = (await a.media(b.id!))!;
    const pb = (await b.media(a.id!))!;
    // Either side may start: here the side that did not dial asks first.
    await Promise.all([pb.ready(), pa.ready()]);
    expect(pa.connection, 'the link’s own connection').to.equal(a.peerConnection(b.id!));
    const [ma, mb] = [await camera(), await camera()];
    try {
      for (const t of ma.getTracks()) await pa.send(t.kind as 'audio' | 'video', t);
      for (const t of mb.getTracks()) await pb.send(t.kind as 'audio' | 'video', t);
      const frames = async (p: typeof pa) => (await p.sample())?.inbound.framesDecoded ?? 0;
      await until('frames decoded both ways', 10_000, async () => (await frames(pa)) > 5 && (await frames(pb)) > 5);
      expect(await pa.verify()).to.equal(true);
      expect(await pb.verify()).to.equal(true);
      expect(
        pa
          .remote!.getTracks()
          .map((t) => t.kind)
          .sort(),
      ).to.deep.equal(['audio', 'video']);
      // Still the link: messages flow beside the media.
      const got: unknown[] = [];
      b.channel('chat', { schema: (await import('valibot')).string() }).on((m) => got.push(m));
      a.channel('chat', { schema: (await import('valibot')).string() }).send(b.id!, 'beside the call');
      await waitFor(() => got.length === 1, 5_000, 'a message beside the media');
      // Camera off: replaceTrack(null), no renegotiation, the peer's decoded frames stop growing.
      const before = a.peerConnection(b.id!)!.localDescription!.sdp;
      await pa.send('video', null);
      await new Promise((r) => setTimeout(r, 600));
      const stopped = (await pb.sample())!.inbound.framesDecoded;
      await new Promise((r) => setTimeout(r, 800));
      expect((await pb.sample())!.inbound.framesDecoded, 'no frames while the camera is off').to.be.at.most(stopped + 1);
      await pa.send('video', ma.getVideoTracks()[0]!);
      await until('frames again after the camera is back', 10_000, async () => (await frames(pb)) > stopped + 5);
      expect(a.peerConnection(b.id!)!.localDescription!.sdp, 'no renegotiation').to.equal(before);
    } finally {
      for (const t of [...ma.getTracks(), ...mb.getTracks()]) t.stop();
    }
  });
});
