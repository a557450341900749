/**
 * The file-share feature on one connection service: owns the `file-share` control channel and the
 * `file-chunks` bulk channel, follows the service's peer events, restores persisted transfers once
 * the service is open, and runs one FileShareEngine that every `<darkswap-file-share>` widget and
 * the headless `createFileShareSession` on that service share (see `featureFor`).
 */
import type { ConnectionApi } from '../../core/connection-api.js';
import type { PeerEvent } from '../../core/events.js';
import type { Feature } from '../registry.js';
import { FileShareEngine, type FileShareListener, type TransferInfo } from './file-share.engine.js';
import { DEFAULT_LIMITS, ChunkHeaderSchema, ControlMessageSchema, type ChunkHeader, type ControlMessage, type FileShareLimits } from './file-share.protocol.js';
import { createStorage, MemoryStorage } from './file-share.storage.js';
import { CHUNK_HEADER_MAX_BYTES, FILE_CHUNK_CHANNEL, FILE_SHARE_CHANNEL, FILE_SHARE_MAX_BYTES } from './file-share.types.js';

/** Registry key of the file-share feature (one engine per connection service). */
export const FILE_SHARE_FEATURE = 'file-share.v1';

export interface FileShareFeatureOptions {
  /** OPFS folder (default `default`); `memory: true` keeps received files in memory instead. */
  storageKey?: string;
  memory?: boolean;
  /** Outstanding chunks per receiving transfer. */
  window?: number;
  /** Limits when no user sets any. */
  limits?: FileShareLimits;
}

/** One user of the shared engine: its listener and the limits it accepts offers under. */
export interface FileShareUser {
  listener?: FileShareListener;
  limits?: () => FileShareLimits;
}

export class FileShareFeature implements Feature {
  readonly engine: FileShareEngine;
  /** The OPFS folder the engine stores in (set by whoever created it). */
  readonly storageKey: string;
  private readonly users = new Set<FileShareUser>();
  private readonly cleanup: (() => void)[] = [];
  private restored = false;
  private readonly defaults: FileShareLimits | undefined;

  constructor(
    private readonly service: ConnectionApi,
    options: FileShareFeatureOptions = {},
  ) {
    this.storageKey = options.storageKey ?? 'default';
    this.defaults = options.limits;
    const control = service.channel<ControlMessage>(FILE_SHARE_CHANNEL, { schema: ControlMessageSchema, maxBytes: FILE_SHARE_MAX_BYTES });
    const bulk = service.bulkChannel<ChunkHeader>(FILE_CHUNK_CHANNEL, { schema: ChunkHeaderSchema, maxHeaderBytes: CHUNK_HEADER_MAX_BYTES });
    this.engine = new FileShareEngine({
      transport: {
        send: (peer, m) => control.send(peer, m),
        sendChunk: (peer, h, d) => bulk.send(peer, h, d),
        maxChunkBytes: (peer) => bulk.maxChunkBytes(peer),
        peerKey: (peer) => service.peerIdentity(peer)?.publicKey,
        isOpen: (peer) => service.linkStatus(peer) === 'open',
        connect: async (peer) => {
          await service.open();
          await service.connect(peer);
        },
      },
      storage: options.memory ? new MemoryStorage() : createStorage(this.storageKey),
      limits: () => this.limits(),
      ...(options.window ? { window: options.window } : {}),
      listener: this.fanOut(),
    });
    control.on((m, from) => this.engine.handleControl(m, from));
    bulk.on((h, d, from) => this.engine.handleChunk(h, d, from));
    const up = (e: Event) => this.engine.peerUp((e as PeerEvent).peer);
    const down = (e: Event) => this.engine.peerDown((e as PeerEvent).peer);
    const status = () => this.restoreWhenOpen();
    service.addEventListener('peer-connected', up);
    service.addEventListener('peer-reconnecting', down);
    service.addEventListener('peer-disconnected', down);
    service.addEventListener('status', status);
    this.cleanup.push(
      () => control.close(),
      () => bulk.close(),
      () => service.removeEventListener('peer-connected', up),
      () => service.removeEventListener('peer-reconnecting', down),
      () => service.removeEventListener('peer-disconnected', down),
      () => service.removeEventListener('status', status),
    );
    this.restoreWhenOpen();
  }

  /** Join as a user (a widget or a headless session); returns the function that leaves. */
  join(user: FileShareUser): () => void {
    this.users.add(user);
    return () => this.users.delete(user);
  }

  dispose(): void {
    for (const undo of this.cleanup.splice(0)) undo();
    this.users.clear();
    this.engine.dispose();
  }

  /** The strictest limits of the users that set any (an offer must suit every widget showing it). */
  private limits(): FileShareLimits {
    let result: FileShareLimits | undefined;
    for (const user of this.users) {
      const l = user.limits?.();
      if (!l) continue;
      result = result ? { maxBytes: Math.min(result.maxBytes, l.maxBytes), maxFiles: Math.min(result.maxFiles, l.maxFiles) } : { ...l };
    }
    return result ?? this.defaults ?? DEFAULT_LIMITS;
  }

  /** Persisted transfers are resumed once per engine, when the service is open. */
  private restoreWhenOpen(): void {
    if (this.restored || this.service.status !== 'open') return;
    this.restored = true;
    this.engine.restore().catch((error: unknown) => console.warn('[darkswap] file share could not restore transfers:', error));
  }

  /** One listener for the engine that tells every user; an offer is refused if any user refuses it. */
  private fanOut(): FileShareListener {
    const each = (call: (l: FileShareListener) => void) => {
      for (const user of [...this.users]) if (user.listener) call(user.listener);
    };
    return {
      changed: () => each((l) => l.changed?.()),
      offered: (t: TransferInfo) => {
        let accept = true;
        each((l) => {
          if (l.offered?.(t) === false) accept = false;
        });
        return accept;
      },
      offerSent: (t) => each((l) => l.offerSent?.(t)),
      fileReceived: (t, i, file) => each((l) => l.fileReceived?.(t, i, file)),
      fileSent: (t, i) => each((l) => l.fileSent?.(t, i)),
      failed: (t, i, reason, message) => each((l) => l.failed?.(t, i, reason, message)),
    };
  }
}
