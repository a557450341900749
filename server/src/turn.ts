// TURN REST credentials for coturn's `use-auth-secret` mode: username `<expiry unix seconds>:<user>`,
// credential base64(HMAC-SHA1(static-auth-secret, username)). coturn recomputes the HMAC and refuses the
// username once its expiry has passed. The answer is the `{username, credential, ttl, urls}` the kit's
// `ice-credentials-url` (src/core/ice-credentials.ts) reads.
import { createHmac, randomBytes } from 'node:crypto';
import type { TurnConfig } from './config.js';

export interface TurnCredentials {
  username: string;
  credential: string;
  ttl: number;
  urls: string[];
}

const USER = /^[\w-]{1,64}$/;

/** Credentials for `user` (a label coturn logs; random when missing or not letters, digits, - and _). */
export function turnCredentials(turn: TurnConfig & { secret: string }, user?: string | null, now = Date.now()): TurnCredentials {
  const label = user && USER.test(user) ? user : randomBytes(6).toString('hex');
  const username = `${Math.floor(now / 1000) + turn.ttlS}:${label}`;
  const credential = createHmac('sha1', turn.secret).update(username).digest('base64');
  return { username, credential, ttl: turn.ttlS, urls: [...turn.urls] };
}
