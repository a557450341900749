#!/usr/bin/env node
// `node server/dist/main.js`: one signaling node configured by environment variables (see config.ts and the
// README's "Running signaling in production"). SIGTERM/SIGINT: graceful shutdown (clients are told to reconnect).
import { ConfigError, describeConfig, loadConfig, type ServerConfig } from './config.js';
import { createLogger } from './log.js';
import { startServer } from './server.js';

let config: ServerConfig;
try {
  config = loadConfig();
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(2);
}

const log = createLogger(config.logLevel, config.nodeId);
log.info({ config: describeConfig(config) }, 'starting');
if (config.allowedOrigins === '*') log.warn('ALLOWED_ORIGINS is not set: pages of any origin may use this server');
if (config.key === 'peerjs') log.warn('PEERJS_KEY is the default "peerjs": set your own');

process.on('unhandledRejection', (reason) => log.error({ err: String(reason) }, 'unhandled rejection'));

try {
  const server = await startServer(config, log);
  let signals = 0;
  const shutdown = (signal: string) => {
    if (signals++ > 0) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    const force = setTimeout(() => {
      log.error('shutdown took too long: exiting');
      process.exit(1);
    }, config.shutdownGraceMs + 10_000);
    force.unref();
    server.stop().then(
      () => process.exit(0),
      (error: Error) => {
        log.error({ err: error.message }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // Under a supervisor that may die without signalling (a test runner): leave with it.
  if (process.env.EXIT_WITH_PARENT === '1') {
    const parent = process.ppid;
    setInterval(() => process.ppid !== parent && shutdown('parent exited'), 500).unref();
  }
} catch (error) {
  log.fatal({ err: (error as Error).message }, 'cannot start');
  process.exit(1);
}
