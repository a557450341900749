// HTTP routes: PeerServer's (`<path>/`, `<path>/<key>/id`, `<path>/<key>/peers`), `/health`, `/metrics` and
// `/turn-credentials`. GET/HEAD only (OPTIONS for CORS); CORS answers only allowed origins.
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerConfig } from './config.js';
import type { Metrics } from './metrics.js';
import { DESCRIPTION } from './protocol.js';
import { addressKey, type AddressLimits } from './rate-limit.js';
import { clientAddress, originAllowed } from './sockets.js';
import { turnCredentials } from './turn.js';

export interface HttpContext {
  config: ServerConfig;
  metrics: Metrics;
  limits: AddressLimits;
  /** `/health`'s body and whether the node is healthy. */
  health(): Promise<{ ok: boolean; body: Record<string, unknown> }>;
}

function send(res: ServerResponse, status: number, body: string, type = 'application/json; charset=utf-8', headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

const json = (res: ServerResponse, status: number, value: unknown, headers?: Record<string, string>) =>
  send(res, status, `${JSON.stringify(value)}\n`, undefined, headers);

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '');
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

export function createHttpHandler(ctx: HttpContext): (req: IncomingMessage, res: ServerResponse) => void {
  const { config, metrics, limits } = ctx;
  const base = config.path === '/' ? '' : config.path;
  return (req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://signaling');
      const origin = req.headers.origin;
      const cors: Record<string, string> = {};
      if (origin !== undefined && originAllowed(config, origin)) {
        cors['Access-Control-Allow-Origin'] = config.allowedOrigins === '*' ? '*' : origin;
        cors.Vary = 'Origin';
      }
      if (req.method === 'OPTIONS') {
        if (!cors['Access-Control-Allow-Origin']) return send(res, 403, '', 'text/plain');
        return send(res, 204, '', 'text/plain', {
          ...cors,
          'Access-Control-Allow-Methods': 'GET, HEAD',
          'Access-Control-Allow-Headers': 'Authorization',
          'Access-Control-Max-Age': '600',
        });
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: 'Method not allowed' }, { Allow: 'GET, HEAD, OPTIONS' });
      const path = url.pathname;

      if (path === '/health') {
        const { ok, body } = await ctx.health();
        return json(res, ok ? 200 : 503, body, cors);
      }
      if (path === '/metrics') {
        if (config.metricsToken && !bearerMatches(req.headers.authorization, config.metricsToken)) {
          return json(res, 401, { error: 'A bearer token is required' }, { ...cors, 'WWW-Authenticate': 'Bearer' });
        }
        return send(res, 200, await metrics.registry.metrics(), metrics.registry.contentType, cors);
      }
      if (path === '/turn-credentials') {
        if (origin !== undefined && !originAllowed(config, origin)) {
          metrics.turnCredentials.inc({ result: 'origin' });
          return json(res, 403, { error: `Origin ${origin} is not allowed` });
        }
        const secret = config.turn.secret;
        if (!secret) {
          metrics.turnCredentials.inc({ result: 'disabled' });
          return json(res, 404, { error: 'TURN credentials are not configured on this server (TURN_SECRET)' }, cors);
        }
        if (!limits.credentials(addressKey(clientAddress(req, config.trustProxy)))) {
          metrics.turnCredentials.inc({ result: 'rate' });
          return json(
            res,
            429,
            { error: `Too many credential requests from your address (at most ${config.turn.perIpPerMinute} per minute)` },
            { ...cors, 'Retry-After': '60' },
          );
        }
        metrics.turnCredentials.inc({ result: 'ok' });
        return json(res, 200, turnCredentials({ ...config.turn, secret }, url.searchParams.get('user')), cors);
      }

      // PeerServer's API under its path.
      if (path === base || path === `${base}/`) return json(res, 200, DESCRIPTION, cors);
      if (path.startsWith(`${base}/`)) {
        const rest = path.slice(base.length + 1).split('/');
        if (rest.length === 2 && rest[1] === 'id') {
          // A fresh id for a client that brings none (PeerJS asks before it opens its socket).
          if (limits.connectRate(addressKey(clientAddress(req, config.trustProxy)))) {
            return json(res, 429, { error: 'Too many requests' }, { ...cors, 'Retry-After': '60' });
          }
          return send(res, 200, randomUUID(), 'text/html; charset=utf-8', cors);
        }
        if (rest.length === 2 && rest[1] === 'peers') return json(res, 401, { error: 'Peer discovery is disabled' }, cors);
      }
      return json(res, 404, { error: 'Not found' }, cors);
    })().catch((error: unknown) => {
      if (!res.headersSent) json(res, 500, { error: 'Internal error' });
      else res.destroy();
      void error;
    });
  };
}
