/**
 * While a widget does something that must not be cut short — a file transfer, a trade being signed — it holds a
 * busy guard: the page asks before it is closed or reloaded (`beforeunload`), and a screen wake lock keeps a phone
 * from sleeping (where the browser grants one; it is taken again when the page becomes visible, as browsers drop
 * it when hidden). A controller: it follows its host element and lets go when the element leaves the page.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

interface WakeLockSentinelLike {
  release(): Promise<void>;
  readonly released?: boolean;
}

export class BusyGuard implements ReactiveController {
  private busy = false;
  private lock: WakeLockSentinelLike | undefined;
  private requesting = false;

  constructor(host: ReactiveControllerHost) {
    host.addController(this);
  }

  /** Whether the page is being kept (busy). */
  get active(): boolean {
    return this.busy;
  }

  /** Start or stop keeping the page. */
  set(busy: boolean): void {
    if (busy === this.busy) return;
    this.busy = busy;
    if (busy) {
      window.addEventListener('beforeunload', this.onBeforeUnload);
      document.addEventListener('visibilitychange', this.onVisible);
      void this.wake();
    } else {
      this.release();
    }
  }

  hostDisconnected(): void {
    this.set(false);
  }

  private release(): void {
    window.removeEventListener('beforeunload', this.onBeforeUnload);
    document.removeEventListener('visibilitychange', this.onVisible);
    const lock = this.lock;
    this.lock = undefined;
    void lock?.release().catch(() => undefined);
  }

  private readonly onBeforeUnload = (e: BeforeUnloadEvent): void => {
    e.preventDefault();
    // Older browsers need a return value to show their (generic) question.
    e.returnValue = '';
  };

  private readonly onVisible = (): void => {
    if (document.visibilityState === 'visible') void this.wake();
  };

  private async wake(): Promise<void> {
    const wakeLock = (navigator as Navigator & { wakeLock?: { request(type: 'screen'): Promise<WakeLockSentinelLike> } }).wakeLock;
    if (!wakeLock || this.requesting || (this.lock && !this.lock.released) || document.visibilityState !== 'visible') return;
    this.requesting = true;
    try {
      const lock = await wakeLock.request('screen');
      if (this.busy) this.lock = lock;
      else void lock.release();
    } catch {
      // Not granted (no permission, battery saver, not visible): the page works the same, the screen may sleep.
    } finally {
      this.requesting = false;
    }
  }
}
