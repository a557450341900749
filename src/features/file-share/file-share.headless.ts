/**
 * File transfer without the element (apps with their own UI, and the benchmark): a hold on the
 * service's one file-share engine, the same one `<darkswap-file-share>` widgets on that service use.
 */
import type { ConnectionApi } from '../../core/connection-api.js';
import { featureFor } from '../registry.js';
import type { FileShareEngine, FileShareListener } from './file-share.engine.js';
import { FILE_SHARE_FEATURE, FileShareFeature } from './file-share.feature.js';
import type { FileShareLimits } from './file-share.protocol.js';

export interface FileShareSessionOptions {
  /** OPFS folder (default `default`); `memory: true` keeps received files in memory instead. Apply when this session creates the engine. */
  storageKey?: string;
  memory?: boolean;
  limits?: FileShareLimits;
  window?: number;
  listener?: FileShareListener;
}

export interface FileShareSession {
  readonly engine: FileShareEngine;
  /** Leave; the last user of the service's engine closes its channels. */
  close(): void;
}

export function createFileShareSession(service: ConnectionApi, options: FileShareSessionOptions = {}): FileShareSession {
  const lease = featureFor(service, FILE_SHARE_FEATURE, (s) => new FileShareFeature(s, options));
  const limits = options.limits;
  const leave = lease.feature.join({ ...(options.listener ? { listener: options.listener } : {}), ...(limits ? { limits: () => limits } : {}) });
  return {
    engine: lease.feature.engine,
    close() {
      leave();
      lease.release();
    },
  };
}
