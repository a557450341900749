/**
 * File transfer without the element: wires a connection service's `file-share` channels and peer
 * events into a FileShareEngine (apps with their own UI, and the benchmark). Talks the same
 * protocol as `<darkswap-file-share>`; use one of the two per service.
 */
import type { ConnectionApi } from '../../core/connection-api.js';
import type { PeerEvent } from '../../core/events.js';
import { FileShareEngine, type FileShareListener } from './file-share.engine.js';
import { ChunkHeaderSchema, ControlMessageSchema, type ChunkHeader, type ControlMessage, type FileShareLimits } from './file-share.protocol.js';
import { createStorage, MemoryStorage } from './file-share.storage.js';
import { CHUNK_HEADER_MAX_BYTES, FILE_CHUNK_CHANNEL, FILE_SHARE_CHANNEL, FILE_SHARE_MAX_BYTES } from './file-share.types.js';

export interface FileShareSessionOptions {
  /** OPFS folder (default `default`); `memory: true` keeps received files in memory instead. */
  storageKey?: string;
  memory?: boolean;
  limits?: FileShareLimits;
  window?: number;
  listener?: FileShareListener;
}

export interface FileShareSession {
  readonly engine: FileShareEngine;
  close(): void;
}

export function createFileShareSession(service: ConnectionApi, options: FileShareSessionOptions = {}): FileShareSession {
  const control = service.channel<ControlMessage>(FILE_SHARE_CHANNEL, { schema: ControlMessageSchema, maxBytes: FILE_SHARE_MAX_BYTES });
  const bulk = service.bulkChannel<ChunkHeader>(FILE_CHUNK_CHANNEL, { schema: ChunkHeaderSchema, maxHeaderBytes: CHUNK_HEADER_MAX_BYTES });
  const limits = options.limits;
  const engine = new FileShareEngine({
    transport: {
      send: (peer, m) => control.send(peer, m),
      sendChunk: (peer, h, d) => bulk.send(peer, h, d),
      maxChunkBytes: (peer) => bulk.maxChunkBytes(peer),
      peerKey: (peer) => service.peerIdentity(peer)?.publicKey,
      isOpen: (peer) => service.linkStatus(peer) === 'open',
      connect: (peer) => service.connect(peer),
    },
    storage: options.memory ? new MemoryStorage() : createStorage(options.storageKey ?? 'default'),
    ...(limits ? { limits: () => limits } : {}),
    ...(options.window ? { window: options.window } : {}),
    ...(options.listener ? { listener: options.listener } : {}),
  });
  const offControl = control.on((m, from) => engine.handleControl(m, from));
  const offBulk = bulk.on((h, d, from) => engine.handleChunk(h, d, from));
  const up = (e: Event) => engine.peerUp((e as PeerEvent).peer);
  const down = (e: Event) => engine.peerDown((e as PeerEvent).peer);
  service.addEventListener('peer-connected', up);
  service.addEventListener('peer-reconnecting', down);
  service.addEventListener('peer-disconnected', down);
  return {
    engine,
    close() {
      offControl();
      offBulk();
      control.close();
      bulk.close();
      service.removeEventListener('peer-connected', up);
      service.removeEventListener('peer-reconnecting', down);
      service.removeEventListener('peer-disconnected', down);
      engine.dispose();
    },
  };
}
