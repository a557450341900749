// A real redis-server (Debian package `redis-server`; `valkey-server` works too) for tests, benches and the load
// test: 127.0.0.1 only, an ephemeral port, nothing written to disk (`--save '' --appendonly no`), stopped by the
// child's PID.
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';

/** The server binary found on PATH, or undefined. */
function redisBinary() {
  for (const name of ['redis-server', 'valkey-server']) {
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (found.status === 0 && found.stdout.trim()) return found.stdout.trim();
  }
  return undefined;
}

/** Why Redis cannot run here, or undefined when `redis-server` (or `valkey-server`) is installed. */
export function redisMissing() {
  return redisBinary() ? undefined : 'redis-server is not installed (Debian package `redis-server`: apt-get install redis-server)';
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function waitForPort(port, ms, child) {
  const end = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null) return reject(new Error(`redis-server exited (${child.exitCode}) before listening on ${port}`));
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > end) reject(new Error(`redis-server did not listen on 127.0.0.1:${port} within ${ms} ms`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/** Starts one redis-server; resolves to `{ port, url, pid, stop() }`. */
export async function startRedis() {
  const binary = redisBinary();
  if (!binary) throw new Error(redisMissing());
  const port = await freePort();
  const child = spawn(
    binary,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--protected-mode',
      'yes',
      '--loglevel',
      'warning',
      '--daemonize',
      'no',
    ],
    { stdio: 'ignore' },
  );
  try {
    await waitForPort(port, 5_000, child);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 2_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
