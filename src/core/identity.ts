import { bytesToHex, hexToBytes } from './bytes.js';

/**
 * A browser's long-lived identity: an Ed25519 key pair held by WebCrypto. The private key is
 * generated non-extractable and kept in IndexedDB as a CryptoKey, so page script (or an XSS)
 * can use it while the page is open but can never read it out. The public key (32 bytes, 64
 * hex chars) is what peers see, pin and compare. Signing and verifying run natively, off the
 * main thread.
 */
export interface Identity {
  /** Raw Ed25519 public key, 64 lower-case hex characters. */
  readonly publicKey: string;
  /** Ed25519 signature (64 bytes) over `message`. */
  sign(message: Uint8Array): Promise<Uint8Array>;
}

const ED25519 = { name: 'Ed25519' } as const;
const PUBLIC_KEY = /^[0-9a-f]{64}$/;
const encoder = new TextEncoder();

export function isPublicKey(value: unknown): value is string {
  return typeof value === 'string' && PUBLIC_KEY.test(value);
}

export { bytesToHex, hexToBytes } from './bytes.js';

/** The identity signing with `pair`'s private key (identity-store.ts keeps pairs in IndexedDB). */
export async function fromKeyPair(pair: CryptoKeyPair): Promise<Identity> {
  const publicKey = bytesToHex(new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)));
  const privateKey = pair.privateKey;
  return Object.freeze({
    publicKey,
    sign: async (message: Uint8Array) => new Uint8Array(await crypto.subtle.sign(ED25519, privateKey, message as Uint8Array<ArrayBuffer>)),
  });
}

/** A fresh non-extractable Ed25519 key pair. */
export function generate(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(ED25519, false, ['sign', 'verify']) as Promise<CryptoKeyPair>;
}

/**
 * A fresh identity that lives only as long as the page (tests, guests). Persistent identities, their pins and
 * records live in IndexedDB through identity-store.ts (loaded when a service first opens with one).
 */
export async function createIdentity(): Promise<Identity> {
  return fromKeyPair(await generate());
}

/** An identity from a known PKCS#8 private key and its public key (test vectors, imports). */
export async function importIdentity(pkcs8: Uint8Array, publicKeyHex: string): Promise<Identity> {
  const privateKey = await crypto.subtle.importKey('pkcs8', pkcs8 as Uint8Array<ArrayBuffer>, ED25519, false, ['sign']);
  const publicKey = await crypto.subtle.importKey('raw', hexToBytes(publicKeyHex), ED25519, true, ['verify']);
  return fromKeyPair({ privateKey, publicKey });
}

const verifyKeys = new Map<string, Promise<CryptoKey>>();

/** Check an Ed25519 signature; false (never a throw) for any malformed input. */
export async function verifySignature(publicKey: string, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  if (!isPublicKey(publicKey) || signature.length !== 64) return false;
  let key = verifyKeys.get(publicKey);
  if (!key) {
    if (verifyKeys.size >= 4096) verifyKeys.clear();
    key = crypto.subtle.importKey('raw', hexToBytes(publicKey), ED25519, true, ['verify']);
    verifyKeys.set(publicKey, key);
  }
  try {
    return await crypto.subtle.verify(ED25519, await key, signature as Uint8Array<ArrayBuffer>, message as Uint8Array<ArrayBuffer>);
  } catch {
    verifyKeys.delete(publicKey);
    return false;
  }
}

/**
 * Domain-separated bytes to sign: the tag and the parts joined by newlines (none of which
 * contain a newline), so a signature made for one purpose never verifies for another.
 */
export function domainMessage(tag: string, ...parts: string[]): Uint8Array {
  for (const part of [tag, ...parts]) if (part.includes('\n')) throw new Error('message parts must not contain a newline');
  return encoder.encode([tag, ...parts].join('\n'));
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
export function linkProofMessage(signerFingerprint: string, otherFingerprint: string): Uint8Array {
  return domainMessage('darkswap/link-proof/v1', signerFingerprint, otherFingerprint);
}

/**
 * A six-digit short authentication string for a link, the same on both ends: two people who
 * read the same digits to each other know no one sits between them. SHA-256 over both public
 * keys and both DTLS fingerprints, in an order that does not depend on who computes it.
 */
export async function shortAuthString(a: { publicKey: string; fingerprint: string }, b: { publicKey: string; fingerprint: string }): Promise<string> {
  const sides = [`${a.publicKey} ${a.fingerprint}`, `${b.publicKey} ${b.fingerprint}`].sort();
  const digest = await crypto.subtle.digest('SHA-256', domainMessage('darkswap/sas/v1', ...sides) as Uint8Array<ArrayBuffer>);
  const n = new DataView(digest).getUint32(0) % 1_000_000;
  const digits = String(n).padStart(6, '0');
  return `${digits.slice(0, 3)} ${digits.slice(3)}`;
}
