/**
 * ICE restart over a link's own authenticated data channel (`_ice` control frames), so a change of ICE
 * servers or transport policy reaches links that are already open without dropping them: the connection,
 * its DTLS session and identity binding, and the link's acked streams all stay; only the candidate pair may
 * change. PeerJS does not renegotiate (a second offer through signaling would replace its connection), so
 * the offer and answer travel on the link: the side that dialed the connection offers (the other asks with
 * `{restart: true}`), each description is sent once its candidates are gathered (or after a short wait),
 * and a description whose DTLS fingerprint is not the one authenticated by the hello is refused.
 */
import * as v from 'valibot';
import { dtlsFingerprint } from './identity.js';

/** A data-channel SDP with its candidates is a few KB; allow ample room. */
const MAX_SDP = 32_768;
/** How long a description waits for its candidates before it is sent with what there is. */
export const GATHER_WAIT_MS = 3_000;

export const IceFrameSchema = v.union([
  v.strictObject({ restart: v.literal(true) }),
  v.strictObject({ offer: v.pipe(v.string(), v.maxLength(MAX_SDP)) }),
  v.strictObject({ answer: v.pipe(v.string(), v.maxLength(MAX_SDP)) }),
]);
export type IceFrame = v.InferOutput<typeof IceFrameSchema>;

/** What the restart needs from its link and wire. */
export interface IceRestartWire {
  readonly pc: RTCPeerConnection | undefined;
  /** Whether I dialed this connection (the dialer makes the offers). */
  readonly dialedByMe: boolean;
  /** The DTLS fingerprints the hello authenticated (mine, the peer's). */
  readonly fingerprints: { local: string; remote: string } | undefined;
  send(frame: IceFrame): void;
}

/** Resolves once ICE gathering is complete, or after `ms`. */
function gathered(pc: RTCPeerConnection, ms: number): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    };
    const check = () => {
      if (pc.iceGatheringState === 'complete') done();
    };
    const timer = setTimeout(done, ms);
    pc.addEventListener('icegatheringstatechange', check);
  });
}

/** Starts an ICE restart on `wire` (with the configuration already set on its peer connection). */
export async function restartIce(wire: IceRestartWire): Promise<void> {
  const pc = wire.pc;
  if (!pc || pc.connectionState === 'closed') return;
  if (!wire.dialedByMe) {
    wire.send({ restart: true });
    return;
  }
  if (pc.signalingState !== 'stable') return; // one restart at a time
  await pc.setLocalDescription(await pc.createOffer({ iceRestart: true }));
  await gathered(pc, GATHER_WAIT_MS);
  wire.send({ offer: pc.localDescription!.sdp });
}

/** Handles one `_ice` frame; resolves to a reason when the frame is refused. */
export async function receiveIce(wire: IceRestartWire, frame: IceFrame): Promise<string | undefined> {
  const pc = wire.pc;
  if (!pc || pc.connectionState === 'closed') return undefined;
  if ('restart' in frame) {
    if (!wire.dialedByMe) return 'only the dialer is asked to restart';
    await restartIce(wire);
    return undefined;
  }
  const sdp = 'offer' in frame ? frame.offer : frame.answer;
  // The same DTLS session or nothing: a description with another fingerprint would move the link to someone else.
  if (!wire.fingerprints || dtlsFingerprint(sdp) !== wire.fingerprints.remote) return 'the description is not for this DTLS session';
  if ('offer' in frame) {
    if (wire.dialedByMe) return 'only the dialer offers';
    if (pc.signalingState !== 'stable') return 'an offer while negotiating';
    await pc.setRemoteDescription({ type: 'offer', sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    await gathered(pc, GATHER_WAIT_MS);
    wire.send({ answer: pc.localDescription!.sdp });
    return undefined;
  }
  if (pc.signalingState !== 'have-local-offer') return 'an answer without an offer';
  await pc.setRemoteDescription({ type: 'answer', sdp });
  return undefined;
}
