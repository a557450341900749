/**
 * Numbers, byte sizes, rates, durations and dates in the active language (see localize.ts `formatLocale()`):
 * every widget formats through here, so a German page reads `1.234,5` and `05.12.26, 14:03`. Unit symbols
 * (B, kB, MiB, ms, s, min, h, %) are the same in every shipped language; only the numbers change.
 */
import { formatLocale } from './localize.js';

const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function numberFormat(options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  const locale = formatLocale();
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = numberFormats.get(key);
  if (!f) numberFormats.set(key, (f = new Intl.NumberFormat(locale, options)));
  return f;
}

/** A number in the active language (`1,234.5` / `1.234,5`). */
export function formatNumber(n: number | bigint, options?: Intl.NumberFormatOptions): string {
  return numberFormat(options).format(n);
}

/** A number with exactly `digits` fraction digits. */
export function formatFixed(n: number, digits: number): string {
  return formatNumber(n, { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/**
 * An exact decimal text (`"1234.50000001"`, as the order book's integer-unit arithmetic produces it) in the active
 * language, every digit kept. English keeps the text as it is (amounts are typed back into inputs that way).
 */
export function formatDecimal(text: string): string {
  if (formatLocale().split('-')[0] === 'en' || !/^-?\d+(\.\d+)?$/.test(text)) return text;
  const digits = text.split('.')[1]?.length ?? 0;
  // Intl.NumberFormat formats a decimal string exactly (no float rounding).
  return numberFormat({ minimumFractionDigits: digits, maximumFractionDigits: Math.min(digits, 100) }).format(text as unknown as number);
}

/** Bytes in SI units: `512 B`, `2.5 kB`, `3.2 MB`, `1.0 GB`. */
export function formatBytes(n: number): string {
  if (n >= 1e9) return `${formatFixed(n / 1e9, 1)} GB`;
  if (n >= 1e6) return `${formatFixed(n / 1e6, 1)} MB`;
  if (n >= 1e3) return `${formatFixed(n / 1e3, 1)} kB`;
  return `${formatNumber(Math.round(n))} B`;
}

/** Bytes per second in SI units: `512 B/s`, `2.5 kB/s`. */
export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** Bytes in binary units (files): `1 B`, `1.0 MiB`, `120 GiB`. */
export function formatBinaryBytes(n: number): string {
  if (n < 1024) return `${formatNumber(n)} B`;
  let i = 0;
  let x = n;
  while (x >= 1024 && i < BINARY_UNITS.length - 1) {
    x /= 1024;
    i++;
  }
  return `${formatFixed(x, x >= 100 ? 0 : 1)} ${BINARY_UNITS[i]}`;
}

/** Bytes per second in binary units (file transfers). */
export function formatBinaryRate(bytesPerSecond: number): string {
  return `${formatBinaryBytes(Math.round(bytesPerSecond))}/s`;
}

/** `12 s`, `3 min 5 s`, `1 h 2 min`; `—` when unknown. */
export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.ceil(seconds);
  const n = (v: number) => formatNumber(v);
  if (s < 60) return `${n(s)} s`;
  if (s < 3600) return `${n(Math.floor(s / 60))} min ${n(s % 60)} s`;
  return `${n(Math.floor(s / 3600))} h ${n(Math.floor((s % 3600) / 60))} min`;
}

/** Milliseconds: `3.5 ms`, `42 ms`; `—` when unknown. */
export function formatMs(ms: number | undefined): string {
  return ms === undefined ? '—' : `${ms < 10 ? formatFixed(ms, 1) : formatNumber(Math.round(ms))} ms`;
}

/** A fraction (0–1) as a percentage with one decimal: `2.5 %`; `—` when unknown. */
export function formatPercent(fraction: number | undefined): string {
  return fraction === undefined ? '—' : `${formatFixed(fraction * 100, 1)} %`;
}

/** A date and/or time in the active language. */
export function formatDate(at: number | Date, options: Intl.DateTimeFormatOptions): string {
  const locale = formatLocale();
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = dateFormats.get(key);
  if (!f) dateFormats.set(key, (f = new Intl.DateTimeFormat(locale, options)));
  return f.format(at);
}

/** Short date and time: `12/5/26, 2:03 PM` / `05.12.26, 14:03`. */
export function formatDateTime(at: number | Date): string {
  return formatDate(at, { dateStyle: 'short', timeStyle: 'short' });
}

/** A time of day: `2:03:07 PM` / `14:03:07`. */
export function formatClock(at: number | Date): string {
  return formatDate(at, { timeStyle: 'medium' });
}
