/**
 * ICE restart of an open link, so a change of ICE servers or transport policy, or a relay that died, moves
 * the link to a new candidate pair without dropping it: the connection, its DTLS session and identity
 * binding, and the link's acked streams all stay; only the candidate pair changes. PeerJS does not
 * renegotiate (a second offer through PeerJS would replace its connection), so the kit carries its own
 * `_ice` frames: the side that dialed the connection offers (the other asks with `{restart: true}`).
 *
 * Two paths, the first that works:
 * - **through the signaling server** (a relayed `CANDIDATE` message whose payload carries `ice`): the
 *   description leaves at once and the new candidates trickle behind it on the same ordered socket — the
 *   fast path, and the only one when the link's own path (a dead relay) carries nothing;
 * - **over the link itself** when signaling is down: each description waits for its candidates (up to
 *   `GATHER_WAIT_MS`) and carries them.
 *
 * `{lost: true}` tells the peer that the path went silent (a dead relay, turn-failover.ts): it checks its own
 * relay at once, and its side of the restart waits for that check, so both ends gather on servers that work.
 *
 * A description whose DTLS fingerprint is not the one the hello authenticated is refused, so neither the
 * server nor anyone else can move the link to another endpoint.
 *
 * The same offer/answer carries **media** for calls (link-media.ts): `{media: true}` asks the dialer to add an
 * audio and a video transceiver and offer them (no ICE restart). Those descriptions go over the link itself
 * (it is up, and the signaling server need not learn of calls); the answerer opens the new transceivers both
 * ways. A negotiation asked for while another runs waits for it to finish.
 */
import { dtlsFingerprint } from './identity.js';
import { addMediaTransceivers, mediaNegotiated, openMediaTransceivers } from './media-transceivers.js';
import type { IceFrame } from './link-ice-frame.js';

export { IceFrameSchema, type IceFrame } from './link-ice-frame.js';

/** How long a description sent over the link waits for its candidates before it goes with what there is. */
export const GATHER_WAIT_MS = 3_000;

/** What the restart needs from its link and wire. */
export interface IceRestartWire {
  readonly pc: RTCPeerConnection | undefined;
  /** Whether I dialed this connection (the dialer makes the offers). */
  readonly dialedByMe: boolean;
  /** The DTLS fingerprints the hello authenticated (mine, the peer's). */
  readonly fingerprints: { local: string; remote: string } | undefined;
  /** Sends through the signaling server; false when signaling is down. */
  signal(frame: IceFrame): boolean;
  /** Sends over the link itself. */
  send(frame: IceFrame): void;
  /** Resolves when checks of my own relay for this link are done (a restart waits: they change my servers). */
  settled(): Promise<void>;
  /** The peer says this connection's path carries nothing any more (`{lost: true}`). */
  lost(): void;
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

/** Candidate trickles per peer connection (one listener each, kept while the connection lives). */
const trickling = new WeakSet<RTCPeerConnection>();

/** Sends each new local candidate through signaling (PeerJS's own trickle stops once ICE completes). */
function trickle(wire: IceRestartWire, pc: RTCPeerConnection): void {
  if (trickling.has(pc)) return;
  trickling.add(pc);
  pc.addEventListener('icecandidate', (e) => {
    const c = e.candidate;
    if (c?.candidate) wire.signal({ candidate: c.candidate, mid: c.sdpMid, ufrag: c.usernameFragment });
  });
}

/**
 * Sends my new description: through signaling at once (candidates follow), else — or when `viaLink` — over the
 * link with its candidates.
 */
async function sendDescription(wire: IceRestartWire, pc: RTCPeerConnection, type: 'offer' | 'answer', viaLink = false): Promise<void> {
  const sdp = pc.localDescription!.sdp;
  if (!viaLink && wire.signal(type === 'offer' ? { offer: sdp } : { answer: sdp })) return;
  await gathered(pc, GATHER_WAIT_MS);
  const full = pc.localDescription!.sdp;
  wire.send(type === 'offer' ? { offer: full } : { answer: full });
}

/** Peer connections with a restart of mine under way (marked before the first await, so two never overlap). */
const restarting = new WeakSet<RTCPeerConnection>();
/** An offer with no answer for this long is rolled back, so later restarts are not blocked by it. */
export const ANSWER_WAIT_MS = 10_000;

/**
 * Resolves true when `pc` has no negotiation of mine under way and is back to `stable` (a negotiation finished or
 * was rolled back); false when it closed or `ms` passed first.
 */
async function idle(pc: RTCPeerConnection, ms: number): Promise<boolean> {
  const end = performance.now() + ms;
  while (restarting.has(pc) || pc.signalingState !== 'stable') {
    if (pc.signalingState === 'closed' || performance.now() > end) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/** Starts an ICE restart on `wire` (with the configuration already set on its peer connection). */
export function restartIce(wire: IceRestartWire): Promise<void> {
  return negotiate(wire, 'ice');
}

/**
 * Renegotiates the connection of `wire`: `ice` restarts ICE (dropped when a negotiation already runs — the one
 * running picks up the new configuration), `media` adds the call transceivers (waits for a running negotiation).
 */
export async function negotiate(wire: IceRestartWire, why: 'ice' | 'media'): Promise<void> {
  const pc = wire.pc;
  if (!pc || pc.connectionState === 'closed') return;
  const media = why === 'media';
  if (!wire.dialedByMe) {
    if (media) wire.send({ media: true });
    else if (!wire.signal({ restart: true })) wire.send({ restart: true });
    return;
  }
  if (restarting.has(pc) || pc.signalingState !== 'stable') {
    if (!media) return; // one restart at a time
    if (!(await idle(pc, ANSWER_WAIT_MS + 1_000))) return;
    if (mediaNegotiated(pc)) return; // the negotiation that ran carried the media
    return negotiate(wire, why);
  }
  restarting.add(pc);
  try {
    if (!media) await wire.settled();
    if ((pc.signalingState as string) !== 'stable' || (pc.connectionState as string) === 'closed') return;
    if (media) {
      if (!addMediaTransceivers(pc) && mediaNegotiated(pc)) return;
    } else {
      trickle(wire, pc);
    }
    await pc.setLocalDescription(await pc.createOffer({ iceRestart: !media }));
    await sendDescription(wire, pc, 'offer', media);
  } finally {
    restarting.delete(pc);
  }
  // No answer (lost on the way, or refused): roll the offer back so the next negotiation can run.
  setTimeout(() => {
    if (pc.signalingState === 'have-local-offer' && pc.connectionState !== 'closed') void pc.setLocalDescription({ type: 'rollback' }).catch(() => undefined);
  }, ANSWER_WAIT_MS);
}

/**
 * Handles one `_ice` frame (`relayed`: it came through the signaling server, else over the link); resolves to a
 * reason when the frame is refused. An answer goes back the way its offer came.
 */
export async function receiveIce(wire: IceRestartWire, frame: IceFrame, relayed = true): Promise<string | undefined> {
  const pc = wire.pc;
  if (!pc || pc.connectionState === 'closed') return undefined;
  if ('restart' in frame) {
    if (!wire.dialedByMe) return 'only the dialer is asked to restart';
    await restartIce(wire);
    return undefined;
  }
  if ('lost' in frame) {
    wire.lost();
    return undefined;
  }
  if ('media' in frame) {
    if (!wire.dialedByMe) return 'only the dialer is asked to add media';
    await negotiate(wire, 'media');
    return undefined;
  }
  if ('candidate' in frame) {
    // A candidate of a restart that was refused or superseded fails on its username fragment: harmless.
    await pc.addIceCandidate({ candidate: frame.candidate, sdpMid: frame.mid, usernameFragment: frame.ufrag }).catch(() => undefined);
    return undefined;
  }
  const sdp = 'offer' in frame ? frame.offer : frame.answer;
  // The same DTLS session or nothing: a description with another fingerprint would move the link to someone else.
  if (!wire.fingerprints || dtlsFingerprint(sdp) !== wire.fingerprints.remote) return 'the description is not for this DTLS session';
  if ('offer' in frame) {
    if (wire.dialedByMe) return 'only the dialer offers';
    if (pc.signalingState !== 'stable') return 'an offer while negotiating';
    trickle(wire, pc);
    // Called before any await: candidates that arrive right behind the offer queue after it on the connection.
    await pc.setRemoteDescription({ type: 'offer', sdp });
    openMediaTransceivers(pc);
    await wire.settled();
    await pc.setLocalDescription(await pc.createAnswer());
    await sendDescription(wire, pc, 'answer', !relayed);
    return undefined;
  }
  if (pc.signalingState !== 'have-local-offer') return 'an answer without an offer';
  await pc.setRemoteDescription({ type: 'answer', sdp });
  return undefined;
}
