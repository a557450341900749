/**
 * The kit's one Trusted Types policy, `darkswap`: it turns into a TrustedScriptURL exactly the `blob:` URLs the kit
 * made itself for its own worker (the file share's OPFS writer), and nothing else. A page that requires Trusted
 * Types lists it: `trusted-types darkswap lit-html` (Lit's own policy renders templates). Shared by every copy of
 * the kit on a page (a second `createPolicy` of one name would be refused).
 */
interface PolicyFactory {
  createPolicy(name: string, rules: { createScriptURL(input: string): string }): { createScriptURL(input: string): unknown };
}

interface Shared {
  allowed: Set<string>;
  policy?: { createScriptURL(input: string): unknown } | null;
}

const SHARED = Symbol.for('darkswap.trusted-types.v1');

function shared(): Shared {
  const g = globalThis as Record<symbol, unknown>;
  return (g[SHARED] ??= { allowed: new Set<string>() }) as Shared;
}

/**
 * The URL to give `new Worker()` for a `blob:` URL the kit just made for its own worker: a TrustedScriptURL where
 * the page has Trusted Types, the URL itself otherwise. Throws a plain error when the page's CSP does not allow
 * the `darkswap` policy.
 */
export function kitWorkerUrl(url: string): string {
  const s = shared();
  s.allowed.add(url);
  const tt = (globalThis as { trustedTypes?: PolicyFactory }).trustedTypes;
  if (!tt) return url;
  if (s.policy === undefined) {
    try {
      s.policy = tt.createPolicy('darkswap', {
        createScriptURL: (input) => {
          if (!shared().allowed.has(input)) throw new TypeError(`darkswap: ${input.slice(0, 60)} is not a worker of the kit.`);
          return input;
        },
      });
    } catch {
      s.policy = null;
    }
  }
  if (!s.policy) throw new Error('this page’s Content-Security-Policy does not allow the `darkswap` Trusted Types policy (add it to `trusted-types`)');
  return s.policy.createScriptURL(url) as string;
}

/** Forgets a worker URL once it is revoked. */
export function forgetKitWorkerUrl(url: string): void {
  shared().allowed.delete(url);
}
