/**
 * Reaching the maker of an order I take (`<darkswap-trade>.takeProposal`). The orderbook tells where the maker is:
 * `peer` when I have a link to it (its key checked), `makerPeer` from the order's gossip (an unsigned hint any relay
 * may have written). Without a link, the hint is dialed, and the take goes on only when the peer there proves the
 * order's maker key: a lying hint costs a dial, never a trade. Framework-free.
 */
import type { ConnectionApi } from '../../core/connection-api.js';
import type { TradeProposal } from './trade.proposal.js';

/** Shown while the maker is being dialed. */
export const CONNECTING_TO_MAKER = 'Connecting to the maker…';

/**
 * The peer to propose to: the one named, or the linked peer with the maker's key; else `makerPeer`, dialed and
 * checked (a link opened for it and found to be someone else is closed again). Throws with a plain-words reason.
 * `progress` is told what is happening (`CONNECTING_TO_MAKER`, then `''`).
 */
export async function reachMaker(
  service: ConnectionApi | undefined,
  proposal: Pick<TradeProposal, 'order' | 'peer' | 'makerPeer'>,
  progress: (text: string) => void = () => undefined,
): Promise<string> {
  const maker = proposal.order.maker;
  const keyOf = (peer: string) => service?.peerIdentity(peer)?.publicKey;
  const linked = proposal.peer ?? service?.peers.find((p) => keyOf(p) === maker);
  if (linked) {
    if (keyOf(linked) !== maker) throw new Error('That peer is not the maker of the order (identity key differs).');
    return linked;
  }
  const address = proposal.makerPeer;
  if (!service || !address) throw new Error('The maker is not connected: connect to its peer first.');
  // No link to that address yet: opened here, so closed again if it is not the maker.
  const opened = service.linkStatus(address) === undefined;
  progress(CONNECTING_TO_MAKER);
  try {
    await service.connect(address);
  } catch (e) {
    throw new Error(`Could not reach the maker at ${address}: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    progress('');
  }
  if (keyOf(address) !== maker) {
    if (opened) service.disconnect(address);
    throw new Error(`The peer at that address is not the order's maker (${address} has another identity key): nothing was proposed.`);
  }
  return address;
}
