/**
 * Contacts (identity keys I pinned, with a name I gave them), the peers I was last linked to, and the keys I
 * blocked — kept with my identity in IndexedDB (core/identity.ts records), validated on the way back in.
 */
import * as v from 'valibot';
import { isPublicKey } from '../../core/identity.js';
import { identityRecord, setIdentityRecord } from '../../core/identity-store.js';
import { isValidPeerId } from '../../core/config.js';

export const ContactSchema = v.strictObject({
  key: v.pipe(
    v.string(),
    v.check((s: string) => isPublicKey(s)),
  ),
  name: v.pipe(v.string(), v.maxLength(64)),
  /** The peer id it was last reached at. */
  peer: v.pipe(
    v.string(),
    v.check((s: string) => isValidPeerId(s)),
  ),
  addedAt: v.number(),
  /** How I know the key is theirs: an invite link I opened, or the six-digit code we compared. */
  verified: v.optional(v.picklist(['invite', 'code'])),
});
export type Contact = v.InferOutput<typeof ContactSchema>;

export const LastPeerSchema = v.strictObject({
  peer: v.pipe(
    v.string(),
    v.check((s: string) => isValidPeerId(s)),
  ),
  key: v.pipe(
    v.string(),
    v.check((s: string) => isPublicKey(s)),
  ),
  at: v.number(),
});
export type LastPeer = v.InferOutput<typeof LastPeerSchema>;

export const MAX_CONTACTS = 500;
export const MAX_LAST_PEERS = 20;

async function readList<T>(key: string, schema: v.GenericSchema<unknown, T>): Promise<T[]> {
  const raw: unknown = await identityRecord(key);
  return Array.isArray(raw) ? raw.flatMap((x: unknown) => (v.is(schema, x) ? [x as T] : [])) : [];
}

export const loadContacts = (owner: string) => readList(`contacts:${owner}`, ContactSchema);
export const saveContacts = (owner: string, list: readonly Contact[]) => setIdentityRecord(`contacts:${owner}`, list.slice(0, MAX_CONTACTS));
export const loadLastPeers = (owner: string) => readList(`last-peers:${owner}`, LastPeerSchema);
export const saveLastPeers = (owner: string, list: readonly LastPeer[]) => setIdentityRecord(`last-peers:${owner}`, list.slice(0, MAX_LAST_PEERS));
export const loadBlocked = async (owner: string) =>
  new Set(
    await readList(
      `blocked-keys:${owner}`,
      v.pipe(
        v.string(),
        v.check((s: string) => isPublicKey(s)),
      ),
    ),
  );
export const saveBlocked = (owner: string, keys: ReadonlySet<string>) => setIdentityRecord(`blocked-keys:${owner}`, [...keys]);

/** `list` with `peer` (key) moved to the front as the latest, at most `MAX_LAST_PEERS`. Pure. */
export function rememberPeer(list: readonly LastPeer[], entry: LastPeer): LastPeer[] {
  return [entry, ...list.filter((p) => p.key !== entry.key)].slice(0, MAX_LAST_PEERS);
}
