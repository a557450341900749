// A real coturn for a test (scripts/coturn.mjs through the runner's `coturn-start` command) and TURN REST
// credentials for it, computed with WebCrypto: username `<expiry>:<name>`, credential base64(HMAC-SHA1).
// Outside CI a missing coturn skips the test with one line; in CI it fails.
import { executeServerCommand } from '@web/test-runner-commands';
import { toBase64 } from '../src/core/bytes.js';

export interface Coturn {
  port: number;
  secret: string;
  url: string;
  /** A TURN server entry with fresh REST credentials (`secret` overrides the right one: wrong credentials). */
  server(options?: { ttl?: number; secret?: string; name?: string }): Promise<RTCIceServer>;
  stop(): Promise<void>;
}

async function hmacSha1Base64(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
  return toBase64(new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(message))));
}

const started: Coturn[] = [];

/** Starts a coturn, or skips the calling test (`ctx.skip()`) when it is not installed outside CI. */
export async function coturn(ctx: Mocha.Context): Promise<Coturn> {
  const r = await executeServerCommand<{ port: number; secret: string } | { missing: string }, undefined>('coturn-start');
  if (!r || 'missing' in r) {
    const reason = r && 'missing' in r ? r.missing : 'the runner has no coturn command';
    if (await executeServerCommand<boolean, undefined>('ci-mode')) throw new Error(`CI: ${reason}`);
    console.warn(`skipped: ${reason}`);
    ctx.skip();
  }
  const { port, secret } = r as { port: number; secret: string };
  const c: Coturn = {
    port,
    secret,
    url: `turn:127.0.0.1:${port}?transport=udp`,
    async server(options = {}) {
      const username = `${Math.floor(Date.now() / 1000) + (options.ttl ?? 3600)}:${options.name ?? 'darkswap-test'}`;
      return {
        urls: [`turn:127.0.0.1:${port}?transport=udp`, `turn:127.0.0.1:${port}?transport=tcp`],
        username,
        credential: await hmacSha1Base64(options.secret ?? secret, username),
      };
    },
    stop: async () => {
      await executeServerCommand('coturn-stop', { port });
    },
  };
  started.push(c);
  return c;
}

export async function stopCoturns(): Promise<void> {
  await Promise.all(started.splice(0).map((c) => c.stop()));
}
