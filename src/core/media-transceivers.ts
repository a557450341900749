/**
 * The audio and video transceivers a call adds to a link's own RTCPeerConnection (see link-media.ts): one of
 * each, made by the side that dialed the link (the only side that offers, link-ice.ts), opened both ways by
 * the answering side. Pure helpers over a peer connection; no state of their own.
 */

export type MediaKind = 'audio' | 'video';
export const MEDIA_KINDS: readonly MediaKind[] = ['audio', 'video'];

/** The connection's live transceiver of this kind (the first one; the kit never makes a second). */
export function mediaTransceiver(pc: RTCPeerConnection, kind: MediaKind): RTCRtpTransceiver | undefined {
  return pc.getTransceivers().find((t) => t.receiver.track.kind === kind && t.currentDirection !== 'stopped' && t.direction !== 'stopped');
}

/** Adds an audio and a video transceiver (send and receive) where there is none; true when one was added. */
export function addMediaTransceivers(pc: RTCPeerConnection): boolean {
  let added = false;
  for (const kind of MEDIA_KINDS) {
    if (mediaTransceiver(pc, kind)) continue;
    pc.addTransceiver(kind, { direction: 'sendrecv' });
    added = true;
  }
  return added;
}

/** After an offer with media is applied: the answer sends too (an answerer's new transceivers start receive-only). */
export function openMediaTransceivers(pc: RTCPeerConnection): void {
  for (const kind of MEDIA_KINDS) {
    const t = mediaTransceiver(pc, kind);
    if (t && t.direction === 'recvonly') t.direction = 'sendrecv';
  }
}

/** Whether both transceivers are negotiated to send and receive. */
export function mediaNegotiated(pc: RTCPeerConnection): boolean {
  return MEDIA_KINDS.every((kind) => mediaTransceiver(pc, kind)?.currentDirection === 'sendrecv');
}
