// A real coturn (Debian package `coturn`) for tests and benches: 127.0.0.1 only, ephemeral listening port, a
// small relay port range, TURN REST credentials (`use-auth-secret`), loopback peers allowed. Started and
// stopped by the test setup itself; stopped by the child's PID, its pidfile removed.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** Why coturn cannot run here, or undefined when `turnserver` is installed. */
export function coturnMissing() {
  const found = spawnSync('sh', ['-c', 'command -v turnserver'], { encoding: 'utf8' });
  return found.status === 0 && found.stdout.trim() ? undefined : 'coturn is not installed (Debian package `coturn`: apt-get install coturn)';
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function waitForPort(port, ms) {
  const end = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > end) reject(new Error(`coturn did not listen on 127.0.0.1:${port} within ${ms} ms`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/** Starts one coturn; resolves to `{ port, secret, realm, stop() }`. */
export async function startCoturn() {
  const missing = coturnMissing();
  if (missing) throw new Error(missing);
  const port = await freePort();
  const secret = randomBytes(16).toString('hex');
  const realm = 'darkswap.test';
  // A 200-port relay range somewhere in 40000–59999 (several coturns may run at once).
  const minPort = 40_000 + Math.floor(Math.random() * 99) * 200;
  const pidfile = path.join(os.tmpdir(), `darkswap-coturn-${port}.pid`);
  const child = spawn(
    'turnserver',
    [
      '-n',
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${port}`,
      `--min-port=${minPort}`,
      `--max-port=${minPort + 199}`,
      '--allow-loopback-peers',
      '--no-tls',
      '--no-dtls',
      '--no-cli',
      '--fingerprint',
      '--use-auth-secret',
      `--static-auth-secret=${secret}`,
      `--realm=${realm}`,
      `--pidfile=${pidfile}`,
      '--no-stdout-log',
      '--log-file=/dev/null',
    ],
    { stdio: 'ignore' },
  );
  let exited = false;
  child.once('exit', () => (exited = true));
  try {
    await waitForPort(port, 5_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    port,
    secret,
    realm,
    async stop() {
      if (!exited) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 2_000))]);
        if (!exited) child.kill('SIGKILL');
      }
      rmSync(pidfile, { force: true });
    },
  };
}
