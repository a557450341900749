/**
 * Digest-based sync, pure (no IO, no clock): what two peers exchange to find the items one of them lacks
 * without sending every id.
 *
 * - A group's **ops hash** is the SHA-256 of its sorted op ids (ops are few: on a mismatch the whole op set is
 *   fetched).
 * - Its messages are grouped in **buckets** of `floor(t / BUCKET_MS)`; a bucket's digest is its count and the
 *   SHA-256 of its sorted ids (first 16 hex); the **root** is the SHA-256 of every bucket's digest.
 * - Equal roots: nothing to do. Else the bucket lists are compared and, for each bucket that differs, the ids
 *   in it are offered (`have`), and the other side asks (`get`) for the ones it lacks.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { bytesToHex } from '../../core/bytes.js';
import type { ChatGroup } from './chat.model.js';
import { BUCKET_MS, shortId, type ChatMessage } from './chat.protocol.js';

export interface BucketDigest {
  readonly bucket: number;
  readonly count: number;
  /** First 16 hex of the SHA-256 of the bucket's sorted ids. */
  readonly hash: string;
}

export interface GroupDigest {
  /** SHA-256 (32 hex) of the group's sorted op ids. */
  readonly ops: string;
  /** SHA-256 (32 hex) over every bucket's digest. */
  readonly root: string;
  readonly count: number;
  /** Buckets in ascending order. */
  readonly buckets: readonly BucketDigest[];
}

const hashText = (text: string) => bytesToHex(sha256(utf8ToBytes(text)));

export const bucketOf = (t: number): number => Math.floor(t / BUCKET_MS);

/** Hash of a set of ids (order does not matter), 32 hex. */
export function idsHash(ids: Iterable<string>): string {
  return hashText([...ids].sort().join(',')).slice(0, 32);
}

/** The buckets of a sorted message list. */
export function bucketsOf(messages: readonly ChatMessage[]): BucketDigest[] {
  const out: BucketDigest[] = [];
  let i = 0;
  while (i < messages.length) {
    const bucket = bucketOf(messages[i]!.t);
    const ids: string[] = [];
    while (i < messages.length && bucketOf(messages[i]!.t) === bucket) ids.push(messages[i++]!.id);
    out.push({ bucket, count: ids.length, hash: hashText(ids.sort().join(',')).slice(0, 16) });
  }
  return out;
}

export function rootOf(buckets: readonly BucketDigest[]): string {
  return hashText(buckets.map((b) => `${b.bucket}:${b.count}:${b.hash}`).join(',')).slice(0, 32);
}

const cache = new WeakMap<ChatGroup, { version: number; digest: GroupDigest }>();

/** A group's digest, cached until the group changes. */
export function digestOf(group: ChatGroup): GroupDigest {
  const hit = cache.get(group);
  if (hit && hit.version === group.version) return hit.digest;
  const buckets = bucketsOf(group.messages);
  const digest: GroupDigest = { ops: idsHash(group.membership.applied), root: rootOf(buckets), count: group.messages.length, buckets };
  cache.set(group, { version: group.version, digest });
  return digest;
}

/** Buckets whose digest differs between mine and theirs (present on one side only included), ascending. */
export function differingBuckets(mine: readonly BucketDigest[], theirs: readonly (readonly [number, number, string])[]): number[] {
  const other = new Map(theirs.map(([bucket, count, hash]) => [bucket, `${count}:${hash}`]));
  const out = new Set<number>();
  for (const b of mine) {
    if (other.get(b.bucket) !== `${b.count}:${b.hash}`) out.add(b.bucket);
    other.delete(b.bucket);
  }
  for (const bucket of other.keys()) out.add(bucket);
  return [...out].sort((a, b) => a - b);
}

/** My short ids in each of `buckets` (buckets where I have none map to an empty list). */
export function idsInBuckets(messages: readonly ChatMessage[], buckets: readonly number[]): Map<number, string[]> {
  const wanted = new Set(buckets);
  const out = new Map<number, string[]>(buckets.map((b) => [b, []]));
  for (const m of messages) {
    const b = bucketOf(m.t);
    if (wanted.has(b)) out.get(b)!.push(shortId(m.id));
  }
  return out;
}

/** The short ids in `offered` that `have` does not hold. */
export function missingIds(offered: readonly string[], have: (short: string) => boolean): string[] {
  return [...new Set(offered)].filter((s) => !have(s));
}
