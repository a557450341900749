/**
 * Whole-file hashing of local files before they are offered: one job per File object, started when
 * the file is chosen (or offered) and shared by every offer of it; progress for the page; aborted
 * when the file leaves the selection or the engine is disposed.
 */
import { hashBlob } from './file-share.hash.js';

export interface HashJob {
  readonly promise: Promise<string>;
  readonly abort: AbortController;
  readonly listeners: Set<(bytes: number) => void>;
  bytes: number;
  sha256?: string;
}

export class HashJobs {
  /** Whole-file hashing of local files: started when a file is chosen or offered, shared by every offer of it. */
  private readonly hashes = new WeakMap<File, HashJob>();
  /** Hash jobs still running (aborted on dispose). */
  private readonly hashing = new Set<HashJob>();

  /** `changed`: anything visible changed (hashing progress, a hash finished). */
  constructor(private readonly changed: () => void) {}

  /**
   * Start hashing a local file now (e.g. as soon as it is chosen), so that offering it later does not
   * wait for it. Every offer of the same File object shares the one result.
   */
  prehash(file: File): Promise<string> {
    return this.hashJob(file).promise;
  }

  /** How far hashing a local file has got: bytes hashed and, once done, its SHA-256. */
  hashProgress(file: File): { bytes: number; sha256?: string } | undefined {
    const job = this.hashes.get(file);
    return job && { bytes: job.bytes, ...(job.sha256 ? { sha256: job.sha256 } : {}) };
  }

  /** Stop hashing a file no offer is waiting for (it left the selection); a finished hash is kept. */
  forgetHash(file: File): void {
    const job = this.hashes.get(file);
    // Each offer waiting for the hash follows its progress: while any does, the job stays.
    if (!job || job.listeners.size > 0 || job.sha256) return;
    this.hashes.delete(file);
    this.hashing.delete(job);
    job.abort.abort();
  }

  /** The file's hash job, started if there is none. */
  hashJob(file: File): HashJob {
    let job = this.hashes.get(file);
    if (job) return job;
    const abort = new AbortController();
    const created: HashJob = {
      bytes: 0,
      abort,
      listeners: new Set(),
      promise: hashBlob(
        file,
        (bytes) => {
          created.bytes = bytes;
          for (const listener of created.listeners) listener(bytes);
          this.changed();
        },
        abort.signal,
      ),
    };
    job = created;
    this.hashes.set(file, job);
    this.hashing.add(job);
    job.promise.then(
      (sha256) => {
        this.hashing.delete(created);
        created.sha256 = sha256;
        this.changed();
      },
      () => {
        this.hashing.delete(created);
        if (this.hashes.get(file) === created) this.hashes.delete(file);
      },
    );
    return job;
  }

  /** Abort every running job (the engine is disposed). */
  dispose(): void {
    for (const job of this.hashing) job.abort.abort();
    this.hashing.clear();
  }
}
