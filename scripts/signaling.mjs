// A real PeerServer (the `peer` package) on loopback, used by `npm start`, the tests and the benches.
// Binds 127.0.0.1 by default, takes port 0 for an ephemeral port, and can be stopped and restarted on
// the same port (the reconnection tests need that).
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import express from 'express';
import { ExpressPeerServer } from 'peer';

export class PortInUseError extends Error {
  constructor(host, port) {
    super(`Port ${port} on ${host} is already in use. Pick another one (e.g. --signaling-port 0 for a free port).`);
    this.code = 'EADDRINUSE';
  }
}

/** Listen an http.Server, turning EADDRINUSE into a clear error. */
export function listen(server, port, host) {
  return new Promise((resolve, reject) => {
    const onError = (error) => {
      server.off('listening', onListening);
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(host, port) : error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve(server.address().port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/**
 * Start a PeerServer. Resolves with { host, port, path, key, url, stop(), start() }.
 * `key` defaults to a random one, so only pages that were told the key can register.
 */
export async function startSignaling({ host = '127.0.0.1', port = 0, path = '/peerjs', key = randomBytes(12).toString('hex') } = {}) {
  const info = { host, port, path, key, url: '' };
  let server;
  const sockets = new Set();

  /** Start listening (again, on the same port); does nothing while it runs. */
  async function start() {
    if (server) return info;
    const app = express();
    server = http.createServer(app);
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    const peerApp = ExpressPeerServer(server, { key, path: '/', allow_discovery: false, alive_timeout: 60_000 });
    // PeerServer re-emits listen errors on its app; listen() below reports them.
    peerApp.on('error', () => {});
    app.use(path, peerApp);
    info.port = await listen(server, info.port, host);
    info.url = `http://${host}:${info.port}${path}`;
    return info;
  }

  /** Close the server and every socket it holds (clients see the signaling connection drop). */
  function stop() {
    if (!server) return Promise.resolve();
    const s = server;
    server = undefined;
    return new Promise((resolve) => {
      s.close(() => resolve());
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    });
  }

  await start();
  return Object.assign(info, { stop, start });
}
