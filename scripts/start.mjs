#!/usr/bin/env node
// `npm start`: builds the kit if needed, then runs a PeerServer and a static server for the repo root, both on
// 127.0.0.1 only. The demo (demo/index.html) loads the built cdn/ bundle and asks /demo/signaling.json where the
// PeerServer is and which key it wants.
//
//   node scripts/start.mjs [--port N] [--signaling-port N] [--no-build]
//   env: PORT, SIGNALING_PORT (defaults 8000 and 9000; 0 = any free port)
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { listen, startSignaling } from './signaling.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const HOST = '127.0.0.1';

const USAGE = `Usage: npm start -- [--port N] [--signaling-port N] [--no-build]
  --port N            static server port (env PORT, default 8000; 0 = any free port)
  --signaling-port N  PeerServer port (env SIGNALING_PORT, default 9000; 0 = any free port)
  --no-build          do not run \`npm run build\`, even if cdn/ is missing or older than the sources`;

function fail(message) {
  console.error(message);
  process.exit(1);
}

function parsePort(value, name) {
  const n = Number(value);
  if (value === undefined || value === '' || !Number.isInteger(n) || n < 0 || n > 65535) {
    fail(`Invalid ${name} "${value ?? ''}": expected a port number 0..65535.\n${USAGE}`);
  }
  return n;
}

function parseArgs(argv) {
  const opts = {
    port: parsePort(process.env.PORT ?? '8000', 'PORT'),
    signalingPort: parsePort(process.env.SIGNALING_PORT ?? '9000', 'SIGNALING_PORT'),
    build: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => (inline !== undefined ? inline : argv[++i]);
    if (flag === '--port') opts.port = parsePort(value(), '--port');
    else if (flag === '--signaling-port') opts.signalingPort = parsePort(value(), '--signaling-port');
    else if (flag === '--no-build') opts.build = false;
    else if (flag === '--help' || flag === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else fail(`Unknown option "${argv[i]}".\n${USAGE}`);
  }
  return opts;
}

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

function send(res, status, body, type = 'text/plain; charset=utf-8', extra = {}) {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...extra });
  res.end(body);
}

/** A plain static server for the repo root, plus the dynamic /demo/signaling.json. */
function createStaticServer(getSignaling) {
  return http.createServer(async (req, res) => {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed\n', undefined, { Allow: 'GET, HEAD' });
      const url = new URL(req.url ?? '/', `http://${HOST}`);
      let pathname;
      try {
        pathname = decodeURIComponent(url.pathname);
      } catch {
        return send(res, 400, 'Bad request\n');
      }
      if (pathname === '/') return send(res, 302, '', undefined, { Location: '/demo/' });
      if (pathname === '/demo/signaling.json') {
        const { url: signalingUrl, key } = getSignaling();
        return send(res, 200, `${JSON.stringify({ url: signalingUrl, key })}\n`, MIME['.json']);
      }
      const file = path.join(ROOT, pathname);
      if (pathname.includes('\0') || (file !== ROOT && !file.startsWith(ROOT + path.sep))) return send(res, 403, 'Forbidden\n');
      if (
        path
          .relative(ROOT, file)
          .split(path.sep)
          .some((seg) => seg.startsWith('.') && seg !== '.')
      )
        return send(res, 404, 'Not found\n');
      let target = file;
      let info = await stat(target).catch(() => undefined);
      if (info?.isDirectory()) {
        if (!pathname.endsWith('/')) return send(res, 301, '', undefined, { Location: `${pathname}/${url.search}` });
        target = path.join(file, 'index.html');
        info = await stat(target).catch(() => undefined);
      }
      if (!info?.isFile()) return send(res, 404, `Not found: ${pathname}\n`);
      res.writeHead(200, {
        'Content-Type': MIME[path.extname(target).toLowerCase()] ?? 'application/octet-stream',
        'Content-Length': info.size,
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      });
      if (req.method === 'HEAD') return res.end();
      createReadStream(target)
        .on('error', () => res.destroy())
        .pipe(res);
    } catch (error) {
      if (!res.headersSent) send(res, 500, 'Internal error\n');
      else res.destroy();
      console.error(`[start] ${req.url}: ${error?.message ?? error}`);
    }
  });
}

/** Newest modification time (ms) of the files under `dir` (recursively); 0 when it does not exist. */
function newest(dir) {
  if (!existsSync(dir)) return 0;
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return latest;
}

/** Why cdn/ must be built before serving (missing, or older than the sources), or undefined. */
function buildNeeded() {
  const bundle = path.join(ROOT, 'cdn', 'darkswap.js');
  if (!existsSync(bundle)) return 'cdn/darkswap.js is missing';
  const sources = Math.max(
    newest(path.join(ROOT, 'src')),
    statSync(path.join(ROOT, 'package.json')).mtimeMs,
    statSync(path.join(ROOT, 'rollup.config.mjs')).mtimeMs,
  );
  return sources > statSync(bundle).mtimeMs ? 'cdn/ is older than the sources' : undefined;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));

  const why = buildNeeded();
  if (why) {
    if (!opts.build) {
      console.warn(`${why} and --no-build was given: the demo serves what cdn/ holds (run \`npm run build\` to update it).`);
    } else {
      console.log(`${why}: running \`npm run build\` first…`);
      const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
      const result = spawnSync(npm, ['run', 'build'], { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
      if (result.status !== 0) fail(`The build failed (exit ${result.status ?? result.signal}); not starting.`);
    }
  }

  const key = randomBytes(12).toString('hex');
  let signaling;
  const web = createStaticServer(() => signaling);
  const sockets = new Set();
  web.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  let webPort;
  try {
    webPort = await listen(web, opts.port, HOST);
  } catch (error) {
    if (error.code === 'EADDRINUSE') fail(`Port ${opts.port} on ${HOST} is already in use: use --port <N> (or PORT=<N>; 0 = any free port).`);
    fail(`Cannot start the demo server on ${HOST}:${opts.port}: ${error.message}`);
  }
  try {
    signaling = await startSignaling({ host: HOST, port: opts.signalingPort, path: '/peerjs', key });
  } catch (error) {
    web.close();
    for (const s of sockets) s.destroy();
    if (error.code === 'EADDRINUSE') {
      fail(`Port ${opts.signalingPort} on ${HOST} is already in use: use --signaling-port <N> (or SIGNALING_PORT=<N>; 0 = any free port).`);
    }
    fail(`Cannot start the signaling server on ${HOST}:${opts.signalingPort}: ${error.message}`);
  }

  console.log(`DarkSwap demo: http://${HOST}:${webPort}/demo/`);
  console.log(`Signaling:     ${signaling.url} (key ${key})`);
  console.log("Open the demo in two tabs and paste one tab's peer id into the other. Ctrl-C stops both servers.");

  let stopping = false;
  const shutdown = async (signal) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the servers…`);
    const force = setTimeout(() => process.exit(0), 3000);
    force.unref();
    await Promise.all([
      new Promise((resolve) => {
        web.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
      signaling.stop(),
    ]);
    console.log('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  // Under `npm start`, npm forwards SIGTERM to the `sh -c` between it and us, which dies without passing it on:
  // stop when our parent goes away instead of lingering with both ports held.
  if (process.env.npm_lifecycle_event === 'start') {
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent) void shutdown('parent process exited');
    }, 500).unref();
  }
}

main().catch((error) => fail(`npm start failed: ${error?.message ?? error}`));
