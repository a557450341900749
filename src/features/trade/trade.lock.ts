/**
 * One writer per trade store across the site's tabs: a Web Lock named after the store, held until released.
 * When another tab holds it, `standby(true)` is called and the request waits in the queue (abortable by
 * `signal`) until that tab lets go; `standby(false)` then, and the lock is ours.
 */
export interface WriterLock {
  /** Lets the lock go (the next tab in the queue gets it). */
  release(): void;
}

/** Resolves once the lock is held (at once without Web Locks: one writer per page is all there is then). */
export function acquireWriterLock(name: string, options: { signal: AbortSignal; standby(waiting: boolean): void }): Promise<WriterLock> {
  let release = (): void => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const lock: WriterLock = { release: () => release() };
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (!locks) return Promise.resolve(lock);
  return new Promise<WriterLock>((granted, failed) => {
    const hold = async (): Promise<void> => {
      granted(lock);
      await held;
    };
    locks
      .request(name, { ifAvailable: true }, async (available) => {
        if (available) return hold();
        options.standby(true);
        locks
          .request(name, { signal: options.signal }, async () => {
            options.standby(false);
            if (options.signal.aborted) return;
            return hold();
          })
          .catch((e: unknown) => (options.signal.aborted ? undefined : failed(e)));
      })
      .catch(failed);
  });
}
