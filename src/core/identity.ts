import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { createStore, get, set, update } from 'idb-keyval';

/**
 * A browser's long-lived identity: a BIP340 Schnorr key pair on secp256k1 (@noble/curves).
 * The public key (32-byte x-only, 64 hex chars) is what peers see, pin and compare; the secret
 * never leaves this module except into IndexedDB for persistence.
 */
export interface Identity {
  /** x-only public key, 64 lower-case hex characters. */
  readonly publicKey: string;
  /** BIP340 Schnorr signature (64 bytes) over a 32-byte message digest. */
  sign(digest: Uint8Array): Uint8Array;
}

const PUBLIC_KEY = /^[0-9a-f]{64}$/;

export function isPublicKey(value: unknown): value is string {
  return typeof value === 'string' && PUBLIC_KEY.test(value);
}

/** An identity from a 32-byte secret, or a fresh random one (not persisted). */
export function createIdentity(secretKey: Uint8Array = schnorr.utils.randomSecretKey()): Identity {
  const secret = Uint8Array.from(secretKey);
  const publicKey = bytesToHex(schnorr.getPublicKey(secret));
  return Object.freeze({
    publicKey,
    sign: (digest: Uint8Array) => schnorr.sign(digest, secret),
  });
}

let store: ReturnType<typeof createStore> | undefined;
const loaded = new Map<string, Promise<Identity>>();

/**
 * The persistent identity named `name` for this origin, created on first use and kept in
 * IndexedDB (database `darkswap-identity`). Atomic across tabs: two tabs loading at once get
 * the same key.
 */
export function loadIdentity(name = 'default'): Promise<Identity> {
  let promise = loaded.get(name);
  if (!promise) {
    promise = (async () => {
      store ??= createStore('darkswap-identity', 'keys');
      const fresh = schnorr.utils.randomSecretKey();
      await update<Uint8Array>(name, (old) => (old instanceof Uint8Array && old.length === 32 ? old : fresh), store);
      const secret = await get<Uint8Array>(name, store);
      if (!(secret instanceof Uint8Array)) throw new Error('IndexedDB did not keep the identity key.');
      return createIdentity(secret);
    })();
    promise.catch(() => loaded.delete(name));
    loaded.set(name, promise);
  }
  return promise;
}

/** Pinned peer keys (peer id → public key) saved with the identity `name`. */
export async function loadPins(name = 'default'): Promise<Record<string, string>> {
  store ??= createStore('darkswap-identity', 'keys');
  const pins = await get<Record<string, string>>(`pins:${name}`, store);
  return pins && typeof pins === 'object' ? pins : {};
}

export async function savePins(name: string, pins: Readonly<Record<string, string>>): Promise<void> {
  store ??= createStore('darkswap-identity', 'keys');
  await set(`pins:${name}`, { ...pins }, store);
}

/** Check a BIP340 signature; false (never a throw) for any malformed input. */
export function verifySignature(publicKey: string, digest: Uint8Array, signature: Uint8Array): boolean {
  if (!isPublicKey(publicKey) || signature.length !== 64 || digest.length !== 32) return false;
  try {
    return schnorr.verify(signature, digest, hexToBytes(publicKey));
  } catch {
    return false;
  }
}

/** BIP340 tagged hash of UTF-8 strings joined by "\n" (none of our parts contain a newline). */
export function taggedDigest(tag: string, ...parts: string[]): Uint8Array {
  return schnorr.utils.taggedHash(tag, utf8ToBytes(parts.join('\n')));
}

/**
 * The DTLS certificate fingerprint an SDP announces (`a=fingerprint:sha-256 AB:CD:…`),
 * normalised to `sha-256 AB:CD:…`, or undefined if it has none.
 */
export function dtlsFingerprint(sdp: string | undefined): string | undefined {
  const match = /^a=fingerprint:(\S+) ([0-9A-Fa-f:]+)\s*$/m.exec(sdp ?? '');
  return match ? `${match[1].toLowerCase()} ${match[2].toUpperCase()}` : undefined;
}

/**
 * What each side of a link signs: its own fingerprint then the other's. A man in the middle
 * terminates two DTLS sessions with different fingerprints, so its relayed proof cannot verify.
 */
export function linkProofDigest(signerFingerprint: string, otherFingerprint: string): Uint8Array {
  return taggedDigest('darkswap/link-proof/v1', signerFingerprint, otherFingerprint);
}

/**
 * A six-digit short authentication string for a link, the same on both ends: two people who
 * read the same digits to each other know no one sits between them. Derived from both public
 * keys and both DTLS fingerprints, in an order that does not depend on who computes it.
 */
export function shortAuthString(
  a: { publicKey: string; fingerprint: string },
  b: { publicKey: string; fingerprint: string },
): string {
  const sides = [`${a.publicKey} ${a.fingerprint}`, `${b.publicKey} ${b.fingerprint}`].sort();
  const digest = taggedDigest('darkswap/sas/v1', ...sides);
  const n = new DataView(digest.buffer, digest.byteOffset, 4).getUint32(0) % 1_000_000;
  const digits = String(n).padStart(6, '0');
  return `${digits.slice(0, 3)} ${digits.slice(3)}`;
}

export { bytesToHex, hexToBytes };
