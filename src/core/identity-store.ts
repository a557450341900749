// Persistent identities (IndexedDB database `darkswap-identity`, store `keys`): the key pair per identity name,
// its pinned peer keys and the records kept with it (backup, stable peer id, contacts). A module of its own so the
// runtime loads idb-keyval and this code only when a service opens with a persistent identity.
import { createStore, get, set, update } from 'idb-keyval';
import { fromKeyPair, generate, type Identity } from './identity.js';

let store: ReturnType<typeof createStore> | undefined;
const keyStore = () => (store ??= createStore('darkswap-identity', 'keys'));
const loaded = new Map<string, Promise<Identity>>();

function isKeyPair(value: unknown): value is CryptoKeyPair {
  const pair = value as CryptoKeyPair | undefined;
  return pair?.privateKey instanceof CryptoKey && pair.publicKey instanceof CryptoKey && pair.privateKey.algorithm.name === 'Ed25519';
}

/**
 * The persistent identity named `name` for this origin, created on first use and kept in
 * IndexedDB (database `darkswap-identity`). Atomic across tabs: two tabs loading at once get
 * the same key.
 */
export function loadIdentity(name = 'default'): Promise<Identity> {
  let promise = loaded.get(name);
  if (!promise) {
    promise = (async () => {
      const fresh = await generate();
      await update<CryptoKeyPair>(name, (old) => (isKeyPair(old) ? old : fresh), keyStore());
      const pair = await get<CryptoKeyPair>(name, keyStore());
      if (!isKeyPair(pair)) throw new Error('IndexedDB did not keep the identity key.');
      return fromKeyPair(pair);
    })();
    promise.catch(() => loaded.delete(name));
    loaded.set(name, promise);
  }
  return promise;
}

/**
 * Replaces the persistent identity `name` with `pair` (its private key non-extractable). Pages that already
 * loaded `name` keep the old one until they reload.
 */
export async function storeIdentity(name: string, pair: CryptoKeyPair): Promise<Identity> {
  if (!isKeyPair(pair)) throw new Error('Not an Ed25519 key pair.');
  await set(name, pair, keyStore());
  loaded.delete(name);
  return fromKeyPair(pair);
}

/** A value kept with the identity `name` (its encrypted backup). */
export function identityRecord<T>(key: string): Promise<T | undefined> {
  return get<T>(key, keyStore());
}

export async function setIdentityRecord(key: string, value: unknown): Promise<void> {
  await set(key, value, keyStore());
}

/** Pinned peer keys (peer id → public key) saved with the identity `name`. */
export async function loadPins(name = 'default'): Promise<Record<string, string>> {
  const pins = await get<Record<string, string>>(`pins:${name}`, keyStore());
  return pins && typeof pins === 'object' ? pins : {};
}

export async function savePins(name: string, pins: Readonly<Record<string, string>>): Promise<void> {
  await set(`pins:${name}`, { ...pins }, keyStore());
}
