import { DarkswapEvent } from '../../internal/events.js';
import type { ReasonCode } from '../../features/file-share/file-share.types.js';

export interface OfferedFile {
  name: string;
  size: number;
  type: string;
  sha256: string;
}

export interface FileOfferedDetail {
  transferId: string;
  peer: string;
  /** `in`: a peer offers files to me (cancelable: `preventDefault()` rejects it); `out`: I offered. */
  direction: 'in' | 'out';
  files: OfferedFile[];
}

export interface FileReceivedDetail extends OfferedFile {
  transferId: string;
  peer: string;
  /** The verified file (backed by the Origin Private File System where available). */
  file: File;
}

export interface FileSentDetail extends OfferedFile {
  transferId: string;
  peer: string;
}

export interface FileFailedDetail {
  transferId: string;
  peer: string;
  direction: 'in' | 'out';
  /** The file concerned, or undefined when the whole transfer stopped. */
  name: string | undefined;
  reason: ReasonCode;
  message: string;
}

/** Files were offered, by a peer (`in`, cancelable) or by me (`out`). */
export class DarkswapFileOfferedEvent extends DarkswapEvent<FileOfferedDetail> {
  static readonly type = 'darkswap-file-offered';
  constructor(detail: FileOfferedDetail) {
    super(DarkswapFileOfferedEvent.type, detail, { cancelable: detail.direction === 'in' });
  }
}

/** A file arrived and its whole-file SHA-256 matched the offer. */
export class DarkswapFileReceivedEvent extends DarkswapEvent<FileReceivedDetail> {
  static readonly type = 'darkswap-file-received';
  constructor(detail: FileReceivedDetail) {
    super(DarkswapFileReceivedEvent.type, detail);
  }
}

/** The receiver verified a file I sent. */
export class DarkswapFileSentEvent extends DarkswapEvent<FileSentDetail> {
  static readonly type = 'darkswap-file-sent';
  constructor(detail: FileSentDetail) {
    super(DarkswapFileSentEvent.type, detail);
  }
}

/** A file failed (integrity) or a transfer stopped (rejected, cancelled, sender gone, error). */
export class DarkswapFileFailedEvent extends DarkswapEvent<FileFailedDetail> {
  static readonly type = 'darkswap-file-failed';
  constructor(detail: FileFailedDetail) {
    super(DarkswapFileFailedEvent.type, detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'darkswap-file-offered': DarkswapFileOfferedEvent;
    'darkswap-file-received': DarkswapFileReceivedEvent;
    'darkswap-file-sent': DarkswapFileSentEvent;
    'darkswap-file-failed': DarkswapFileFailedEvent;
  }
}
