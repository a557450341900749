/**
 * A stable peer id per persistent identity: the id and the signaling token it registered with are kept with the
 * identity (IndexedDB), so a reload registers the same id again. PeerServer gives an id whose old socket it still
 * holds (a reload or a dropped network before the server noticed) to whoever presents the same token, so the page
 * reclaims its id at once instead of being locked out with "ID is taken".
 *
 * One tab at a time: a Web Lock per identity (`navigator.locks`) is held while the id is in use, so a second tab
 * (or a second service in the page) with the same identity gets a fresh random id instead of taking the first
 * one's registration over — two holders of one token would push each other off the server in turn.
 */
import { isConnectionError } from './errors.js';
import type { ServiceStatus } from './events.js';
import { identityRecord, setIdentityRecord } from './identity-store.js';

interface StoredId {
  peerId: string;
  token: string;
}

export interface StableIdClaim {
  readonly peerId: string;
  readonly token: string;
  /** Lets go of the id (the next service with this identity may use it). */
  release(): void;
}

const recordKey = (name: string) => `peer-id:${name}`;
const LOCK_PREFIX = 'darkswap-peer-id:';
/** How long to wait for the id's lock before taking a fresh id. */
const LOCK_WAIT_MS = 1_000;

/** A new id in the shape PeerServer gives. */
const newPeerId = () => crypto.randomUUID();

/**
 * Claims the stable id of identity `name` (made and stored with `token` the first time); undefined when another
 * tab or service holds it (for over a second), or the browser has no Web Locks — then use a fresh id.
 */
export async function claimStableId(name: string, token: string): Promise<StableIdClaim | undefined> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks?.request) return undefined;
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  // Wait a moment for it: a page that is reloading lets go of it as its old document goes away.
  const granted = await new Promise<boolean>((resolve) => {
    void locks
      .request(LOCK_PREFIX + name, { signal: AbortSignal.timeout(LOCK_WAIT_MS) }, () => {
        resolve(true);
        return held;
      })
      .catch(() => resolve(false));
  });
  if (!granted) return undefined;
  try {
    let stored = await identityRecord<StoredId>(recordKey(name));
    if (!stored || typeof stored.peerId !== 'string' || typeof stored.token !== 'string') {
      stored = { peerId: newPeerId(), token };
      await setIdentityRecord(recordKey(name), stored);
    }
    return { peerId: stored.peerId, token: stored.token, release };
  } catch (e) {
    release();
    throw e;
  }
}

/** The stored id was taken by someone else (another token): make and store a new one for this identity. */
export async function renewStableId(name: string, token: string): Promise<{ peerId: string; token: string }> {
  const next = { peerId: newPeerId(), token };
  await setIdentityRecord(recordKey(name), next);
  return next;
}

/** What `registerStable` needs of the service. */
export interface StableIdOwner {
  stableId: StableIdClaim | undefined;
  readonly status: ServiceStatus;
  readonly config: { readonly token: string };
  setStatus(status: ServiceStatus): void;
}

/**
 * Registers `owner` with its identity's stable id (claimed the first time); an id someone else holds with another
 * token (our record was lost, or someone guessed it) is renewed once and kept from then on.
 */
export async function registerStable(owner: StableIdOwner, name: string, register: () => Promise<string>): Promise<string> {
  if (!owner.stableId) {
    owner.stableId = await claimStableId(name, owner.config.token).catch(() => undefined);
    if (owner.status === 'closed') owner.stableId?.release();
  }
  try {
    return await register();
  } catch (error) {
    const claim = owner.stableId;
    if (!claim || !isConnectionError(error) || error.code !== 'peer-id-taken') throw error;
    owner.stableId = { ...(await renewStableId(name, owner.config.token)), release: claim.release };
    owner.setStatus('connecting');
    return register();
  }
}
