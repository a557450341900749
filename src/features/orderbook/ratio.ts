/**
 * Exact non-negative (or signed, for spreads) rationals on bigint: prices are `num / den` quote units
 * per base unit. No floating point touches a price or an amount.
 */
export interface Ratio {
  readonly num: bigint;
  /** Always > 0. */
  readonly den: bigint;
}

export function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** `num / den` in lowest terms with a positive denominator. Throws on a zero denominator. */
export function ratio(num: bigint, den: bigint): Ratio {
  if (den === 0n) throw new RangeError('Ratio with a zero denominator.');
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const g = gcd(num, den);
  return g > 1n ? { num: num / g, den: den / g } : { num, den };
}

/** Sign of `a - b`, by cross-multiplication (denominators are positive). */
export function compareRatio(a: Ratio, b: Ratio): -1 | 0 | 1 {
  if (a.den === b.den) return a.num < b.num ? -1 : a.num > b.num ? 1 : 0;
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

export function subRatio(a: Ratio, b: Ratio): Ratio {
  return ratio(a.num * b.den - b.num * a.den, a.den * b.den);
}

/** (a + b) / 2, exactly. */
export function midRatio(a: Ratio, b: Ratio): Ratio {
  return ratio(a.num * b.den + b.num * a.den, 2n * a.den * b.den);
}

/**
 * A decimal string of `r` with at most `digits` fraction digits, rounded half away from zero; trailing
 * zeros dropped. For display only.
 */
export function formatRatio(r: Ratio, digits = 8): string {
  if (!Number.isInteger(digits) || digits < 0) throw new RangeError('digits must be a non-negative integer.');
  const negative = r.num < 0n;
  const num = negative ? -r.num : r.num;
  const scale = 10n ** BigInt(digits);
  let scaled = (num * scale) / r.den;
  const rest = (num * scale) % r.den;
  if (rest * 2n >= r.den) scaled += 1n;
  const whole = scaled / scale;
  let fraction = digits > 0 ? (scaled % scale).toString().padStart(digits, '0').replace(/0+$/, '') : '';
  if (fraction !== '') fraction = `.${fraction}`;
  const text = `${whole}${fraction}`;
  return negative && scaled !== 0n ? `-${text}` : text;
}
