// Token buckets and the per-address books: open sockets, new sockets per minute, credential requests.
import { isIPv6 } from 'node:net';

/** A token bucket: `perSecond` steady, `burst` at once. Time in ms from `now`. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /** Takes one token; false when empty. */
  take(now: number, n = 1): boolean {
    this.refill(now);
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }

  /** Whether the bucket is full again (its owner may be forgotten). */
  full(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.burst;
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
  }
}

/**
 * The key an address is limited by: IPv4 as is (IPv4-mapped IPv6 unwrapped), IPv6 by its /64 (one subscriber's
 * prefix: a host can change the low 64 bits at will).
 */
export function addressKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (v4) return v4[1]!;
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

interface AddressBook {
  open: number;
  connects: TokenBucket;
  messages?: TokenBucket;
  credentials?: TokenBucket;
}

/** Entries kept at most (idle ones are forgotten first). */
const MAX_ADDRESSES = 200_000;

export type ConnectRefusal = 'ip-connections' | 'ip-rate';

/** Per-address limits, bounded in memory: entries with no socket open and full buckets are swept. */
export class AddressLimits {
  private readonly book = new Map<string, AddressBook>();

  constructor(
    private readonly limits: {
      maxConnectionsPerIp: number;
      connectionsPerIpPerMinute: number;
      credentialsPerIpPerMinute: number;
      messagesPerIpPerSecond: number;
      messageBurstPerIp: number;
    },
    private readonly now: () => number = () => performance.now(),
  ) {}

  private entry(key: string): AddressBook {
    let e = this.book.get(key);
    if (!e) {
      if (this.book.size >= MAX_ADDRESSES) this.sweep();
      const perMinute = this.limits.connectionsPerIpPerMinute;
      e = { open: 0, connects: new TokenBucket(perMinute / 60, Math.max(10, Math.ceil(perMinute / 4)), this.now()) };
      this.book.set(key, e);
    }
    return e;
  }

  /** A new socket from `key`: a refusal, or undefined (then call `closed(key)` when it closes). */
  connect(key: string): ConnectRefusal | undefined {
    const e = this.entry(key);
    if (e.open >= this.limits.maxConnectionsPerIp) return 'ip-connections';
    if (!e.connects.take(this.now())) return 'ip-rate';
    e.open++;
    return undefined;
  }

  /** A request that costs a connection attempt without opening one (`GET <path>/<key>/id`): true when refused. */
  connectRate(key: string): boolean {
    return !this.entry(key).connects.take(this.now());
  }

  closed(key: string): void {
    const e = this.book.get(key);
    if (e && e.open > 0) e.open--;
  }

  /** A message from a socket of `key`: whether the address is within its message rate. */
  message(key: string): boolean {
    const e = this.entry(key);
    e.messages ??= new TokenBucket(this.limits.messagesPerIpPerSecond, this.limits.messageBurstPerIp, this.now());
    return e.messages.take(this.now());
  }

  /** A `/turn-credentials` request from `key`: whether it may have one now. */
  credentials(key: string): boolean {
    const e = this.entry(key);
    const perMinute = this.limits.credentialsPerIpPerMinute;
    e.credentials ??= new TokenBucket(perMinute / 60, Math.max(3, Math.ceil(perMinute / 4)), this.now());
    return e.credentials.take(this.now());
  }

  /** Forgets addresses with nothing open and nothing spent (called periodically and when the book is full). */
  sweep(): void {
    const now = this.now();
    for (const [key, e] of this.book) {
      const idle = e.connects.full(now) && (!e.credentials || e.credentials.full(now)) && (!e.messages || e.messages.full(now));
      if (e.open === 0 && idle) this.book.delete(key);
    }
    // Still full (a flood from very many addresses): forget the oldest idle-or-not entries without open sockets.
    if (this.book.size >= MAX_ADDRESSES) {
      for (const [key, e] of this.book) {
        if (this.book.size < MAX_ADDRESSES * 0.9) break;
        if (e.open === 0) this.book.delete(key);
      }
    }
  }

  get size(): number {
    return this.book.size;
  }
}
