// Structured logs: pino, one JSON object per line on stdout, with the node's id on every line.
import { pino, type Logger } from 'pino';

export function createLogger(level: string, nodeId: string): Logger {
  return pino({
    level,
    base: { node: nodeId },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Never log a secret even if a caller passes one along.
    redact: ['token', 'secret', 'credential', 'req.headers.authorization', 'req.headers.cookie'],
  });
}
