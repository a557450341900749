// Signaling nodes (server/dist/main.js, built by `npm run build`) as child processes, for the tests, the load test
// and the benches: each on 127.0.0.1 with an ephemeral port, configured by environment variables, stopped
// gracefully (SIGTERM) or killed (SIGKILL) by its PID. Its JSON log lines are kept (the last 200) for failures.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SERVER_MAIN = path.join(ROOT, 'server', 'dist', 'main.js');

/** Why a node cannot start here, or undefined. */
export function nodeMissing() {
  return existsSync(SERVER_MAIN) ? undefined : 'server/dist/main.js is missing: run `npm run build` (or `npm run build:server`)';
}

/**
 * Starts a node; resolves to `{ nodeId, port, url, key, pid, logs, stop(), kill() }` once it listens.
 * `env` adds to (and overrides) the defaults: HOST=127.0.0.1, PORT=0, PEERJS_PATH=/peerjs, LOG_LEVEL=info (the
 * `listening` line it waits for is an info line).
 */
export async function startNode(env = {}, { timeoutMs = 10_000 } = {}) {
  const missing = nodeMissing();
  if (missing) throw new Error(missing);
  const child = spawn(process.execPath, [SERVER_MAIN], {
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: '0', PEERJS_PATH: '/peerjs', LOG_LEVEL: 'info', EXIT_WITH_PARENT: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs = [];
  const keep = (line) => {
    logs.push(line);
    if (logs.length > 200) logs.shift();
  };
  let listening;
  const ready = new Promise((resolve, reject) => {
    listening = { resolve, reject };
  });
  let buffer = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    buffer += chunk;
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      keep(line);
      try {
        const entry = JSON.parse(line);
        if (entry.msg === 'listening') listening.resolve(entry);
      } catch {
        // not JSON: kept as it is
      }
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk) => keep(chunk.trimEnd()));
  child.once('exit', (code, signal) => listening.reject(new Error(`signaling node exited (${signal ?? code}) before listening:\n${logs.join('\n')}`)));
  let timer;
  const entry = await Promise.race([
    ready,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`signaling node did not listen within ${timeoutMs} ms:\n${logs.join('\n')}`)), timeoutMs);
    }),
  ]).catch((error) => {
    child.kill('SIGKILL');
    throw error;
  });
  clearTimeout(timer);
  const exited = new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const pathPart = env.PEERJS_PATH ?? '/peerjs';
  return {
    nodeId: entry.node,
    port: entry.port,
    url: `http://127.0.0.1:${entry.port}${pathPart}`,
    origin: `http://127.0.0.1:${entry.port}`,
    key: env.PEERJS_KEY ?? 'peerjs',
    pid: child.pid,
    logs,
    exited,
    /** SIGTERM: the graceful shutdown (clients are told to reconnect); SIGKILL after `ms`. */
    async stop(ms = 15_000) {
      if (gone()) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), ms);
      await exited;
      clearTimeout(t);
    },
    /** SIGKILL: the node dies on the spot (its ids stay in Redis until their TTL). */
    async kill() {
      if (gone()) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}
