// Types of scripts/sim/impairment.mjs (for the browser unit test that imports it).
export interface ImpairmentOptions {
  delayMs: number;
  jitterMs: number;
  loss: number;
  rateBps: number;
  burstBytes: number;
  queueMs: number;
}

export interface ImpairmentStats {
  packets: number;
  bytes: number;
  lost: number;
  queueDrops: number;
  blackoutDrops: number;
  delivered: number;
  deliveredBytes: number;
}

export interface Impairment {
  readonly options: ImpairmentOptions;
  readonly stats: ImpairmentStats;
  set(next: Partial<ImpairmentOptions>): void;
  blackout(from: number, until: number): void;
  admit(bytes: number, now: number): number | null;
}

export function impairmentOptions(options?: Partial<ImpairmentOptions>): ImpairmentOptions;
export function createImpairment(options?: Partial<ImpairmentOptions>, random?: () => number): Impairment;
export function legImpairment(path?: { lossPct?: number; rttMs?: number; jitterMs?: number; mbps?: number; queueMs?: number }): ImpairmentOptions;
