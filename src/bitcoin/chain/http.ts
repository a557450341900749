/**
 * The HTTP client under every chain adapter: a timeout on every request (AbortSignal), retries with exponential
 * backoff for idempotent reads only (network errors, timeouts, 5xx, 429 — never a POST), a short-lived cache
 * of successful reads, and lossless JSON (integers beyond 2^53 arrive as decimal strings, never rounded).
 * Framework-free; works wherever `fetch` does.
 */
import * as v from 'valibot';
import { ChainError } from './chain-error.js';

export interface HttpOptions {
  /** Per-attempt timeout, ms (default 10,000). */
  readonly timeoutMs?: number;
  /** Extra attempts for a read that failed in a way that may pass (default 2). */
  readonly retries?: number;
  /** First backoff delay, ms; doubles each retry, ±25 % jitter (default 250). */
  readonly backoffMs?: number;
  /** How long a successful read is reused, ms (default 5,000; 0 turns the cache off). */
  readonly cacheTtlMs?: number;
  /** Extra request headers (an API key, say). */
  readonly headers?: Readonly<Record<string, string>>;
  /** The fetch to use (default: the global one). */
  readonly fetch?: typeof fetch;
}

/** Cap on a body the adapters read (a misbehaving server cannot make the page hold gigabytes). */
const MAX_BODY_CHARS = 4_000_000;

/**
 * Puts every JSON integer literal too large for a double (more than 15 digits) in quotes, outside strings, so
 * `JSON.parse` keeps its exact digits. ord writes rune amounts (u128) as bare numbers.
 */
export function quoteBigIntegers(text: string): string {
  let out = '';
  let i = 0;
  let last = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      i++;
      while (i < text.length && text.charCodeAt(i) !== 34) i += text.charCodeAt(i) === 92 /* \ */ ? 2 : 1;
      i++;
      continue;
    }
    if ((c >= 48 && c <= 57) || c === 45 /* - */) {
      let j = i + 1;
      while (j < text.length && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
      const next = text[j];
      const digits = j - i - (c === 45 ? 1 : 0);
      if (digits > 15 && next !== '.' && next !== 'e' && next !== 'E') {
        out += `${text.slice(last, i)}"${text.slice(i, j)}"`;
        last = j;
      }
      i = j;
      continue;
    }
    i++;
  }
  return out + text.slice(last);
}

/** Parses JSON losslessly (see `quoteBigIntegers`); throws a `malformed` ChainError. */
export function parseJson(source: string, text: string, what: string): unknown {
  try {
    return JSON.parse(quoteBigIntegers(text));
  } catch {
    throw new ChainError(source, 'malformed', `${what}: the answer is not JSON (${preview(text)})`);
  }
}

/** The first characters of a body, on one line, for an error message. */
export function preview(text: string, max = 120): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max)}…` : one || '(empty)';
}

/** Checks a parsed body against a schema; the error names the first wrong field. */
export function validate<const S extends v.GenericSchema>(source: string, schema: S, value: unknown, what: string): v.InferOutput<S> {
  const r = v.safeParse(schema, value);
  if (r.success) return r.output;
  const issue = r.issues[0];
  const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
  throw new ChainError(source, 'malformed', `${what}: unexpected answer${path ? ` at ${path}` : ''} (${issue.message})`);
}

/** A non-negative integer that may arrive as a JSON number or (when huge) a decimal string → bigint. */
export const UIntSchema = v.pipe(
  v.union([v.pipe(v.number(), v.safeInteger()), v.pipe(v.string(), v.regex(/^-?[0-9]{1,40}$/))]),
  v.transform((n) => BigInt(n)),
  v.check((n) => n >= 0n, 'a negative amount'),
);
export const TxidSchema = v.pipe(v.string(), v.regex(/^[0-9a-fA-F]{64}$/), v.toLowerCase());
export const HexSchema = v.pipe(v.string(), v.regex(/^([0-9a-fA-F]{2})*$/), v.maxLength(20_000), v.toLowerCase());

interface CacheEntry {
  readonly at: number;
  readonly ttl: number;
  readonly value: Promise<unknown>;
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(signal.reason);
      },
      { once: true },
    );
  });

export interface ReadOptions {
  readonly signal?: AbortSignal | undefined;
  readonly accept?: string;
  /** Overrides the client's cache lifetime for this read (0: not cached). */
  readonly ttlMs?: number;
  /** A JSON body: the read is a POST (a read-only JSON-RPC call). */
  readonly body?: string;
}

export interface Reply {
  readonly status: number;
  readonly text: string;
}

/** HTTP against one base URL for one adapter (`source` names it in errors). */
export class ChainHttp {
  readonly base: string;
  readonly source: string;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #backoffMs: number;
  readonly #ttl: number;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #fetch: typeof fetch;
  readonly #cache = new Map<string, CacheEntry>();

  constructor(source: string, baseUrl: string, options: HttpOptions = {}) {
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch {
      throw new ChainError(source, 'bad-request', `"${baseUrl}" is not a URL`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ChainError(source, 'bad-request', `${baseUrl}: only http(s) URLs`);
    this.source = source;
    this.base = url.href.replace(/\/+$/, '');
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#retries = options.retries ?? 2;
    this.#backoffMs = options.backoffMs ?? 250;
    this.#ttl = options.cacheTtlMs ?? 5_000;
    this.#headers = options.headers ?? {};
    this.#fetch = options.fetch ?? ((...args) => fetch(...args));
  }

  /** Forgets cached reads (after a broadcast, spent states and UTXO lists change). */
  clearCache(): void {
    this.#cache.clear();
  }

  /** One attempt: the status and body text, or a `timeout`/`unreachable` ChainError. */
  async #once(path: string, init: RequestInit, signal: AbortSignal | undefined): Promise<Reply> {
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const both = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const url = `${this.base}${path}`;
    try {
      const res = await this.#fetch(url, { ...init, signal: both, headers: { ...this.#headers, ...(init.headers as Record<string, string>) } });
      const text = await res.text();
      if (text.length > MAX_BODY_CHARS) throw new ChainError(this.source, 'malformed', `${path}: the answer is larger than ${MAX_BODY_CHARS} characters`);
      return { status: res.status, text };
    } catch (e) {
      if (e instanceof ChainError) throw e;
      if (signal?.aborted) throw signal.reason;
      if (timeout.aborted) throw new ChainError(this.source, 'timeout', `${path}: no answer within ${this.#timeoutMs} ms`, { cause: e });
      throw new ChainError(this.source, 'unreachable', `${path}: cannot reach ${this.base} (${e instanceof Error ? e.message : String(e)})`, { cause: e });
    }
  }

  /**
   * A GET with retries: network errors, timeouts, 5xx and 429 are retried with backoff; any other status is
   * returned to the caller (404 often means "unknown", which is an answer). `parse` turns a 2xx/4xx reply
   * into the value; a parse failure is not retried (a lying server tells the same lie again). `body` makes it
   * a JSON POST, for read-only JSON-RPC calls (idempotent, so retried and cached like a GET).
   */
  async get<T>(path: string, parse: (reply: Reply) => T, options: ReadOptions = {}): Promise<T> {
    // A client with its cache off (cacheTtlMs 0) caches nothing, whatever a read would keep.
    const ttl = this.#ttl === 0 ? 0 : (options.ttlMs ?? this.#ttl);
    const key = `${options.accept ?? ''} ${path} ${options.body ?? ''}`;
    const hit = this.#cache.get(key);
    if (hit && performance.now() - hit.at < hit.ttl) return hit.value as Promise<T>;
    const value = this.#getFresh(path, parse, options);
    if (ttl > 0) {
      this.#cache.set(key, { at: performance.now(), ttl, value });
      value.catch(() => {
        if (this.#cache.get(key)?.value === value) this.#cache.delete(key);
      });
    }
    return value;
  }

  async #getFresh<T>(path: string, parse: (reply: Reply) => T, options: ReadOptions): Promise<T> {
    const headers: Record<string, string> = options.accept ? { Accept: options.accept } : {};
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    const init: RequestInit = options.body !== undefined ? { method: 'POST', body: options.body, headers } : { method: 'GET', headers };
    for (let attempt = 0; ; attempt++) {
      let reply: Reply | undefined;
      let failure: unknown;
      try {
        reply = await this.#once(path, init, options.signal);
      } catch (e) {
        if (!(e instanceof ChainError)) throw e;
        failure = e;
      }
      const transient = !reply || reply.status >= 500 || reply.status === 429;
      if (!transient) return parse(reply!);
      if (attempt >= this.#retries) {
        if (failure) throw failure;
        throw new ChainError(this.source, 'http', `${path}: HTTP ${reply!.status} ${preview(reply!.text)}`, { status: reply!.status });
      }
      const delay = this.#backoffMs * 2 ** attempt;
      await sleep(delay * (0.75 + Math.random() * 0.5), options.signal);
    }
  }

  /** A POST, once: never retried (a broadcast may have reached the node even when its answer did not). */
  post(path: string, body: string, options: { signal?: AbortSignal; contentType?: string; accept?: string } = {}): Promise<Reply> {
    const headers: Record<string, string> = { 'Content-Type': options.contentType ?? 'text/plain' };
    if (options.accept) headers['Accept'] = options.accept;
    return this.#once(path, { method: 'POST', body, headers }, options.signal);
  }
}
