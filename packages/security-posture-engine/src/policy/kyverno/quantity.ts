/**
 * Kubernetes resource quantities (`500m`, `1.5Gi`, `2e3`) as exact decimals, with
 * the comparison, arithmetic and canonical formatting Kyverno relies on.
 */

/** How a quantity is written; decides its canonical string form. */
export type QuantityFormat = 'BinarySI' | 'DecimalSI' | 'DecimalExponent';

/** An exact quantity: `units × 10^-scale`. */
export interface Quantity {
  units: bigint;
  scale: number;
  format: QuantityFormat;
}

const BINARY_SUFFIXES: Record<string, number> = {
  Ki: 10,
  Mi: 20,
  Gi: 30,
  Ti: 40,
  Pi: 50,
  Ei: 60,
};

const DECIMAL_SUFFIXES: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

const DECIMAL_SUFFIX_BY_EXPONENT: Record<number, string> = Object.fromEntries(
  Object.entries(DECIMAL_SUFFIXES).map(([k, v]) => [v, k]),
);

/** Kubernetes keeps nano precision and rounds finer values up. */
const MAX_SCALE = 9;

const NUMBER_RE = /^([+-]?)(\d*)(?:\.(\d*))?(.*)$/;

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** Parses a quantity; `undefined` when the string is not one. */
export function parseQuantity(input: string): Quantity | undefined {
  if (typeof input !== 'string' || input.length === 0) return undefined;
  const m = NUMBER_RE.exec(input);
  if (!m) return undefined;
  const [, sign, intPart, fracPart = '', suffix] = m;
  if (intPart.length === 0 && fracPart.length === 0) return undefined;
  let format: QuantityFormat;
  let binaryExp = 0;
  let decimalExp = 0;
  if (suffix in BINARY_SUFFIXES) {
    format = 'BinarySI';
    binaryExp = BINARY_SUFFIXES[suffix];
  } else if (suffix in DECIMAL_SUFFIXES) {
    format = 'DecimalSI';
    decimalExp = DECIMAL_SUFFIXES[suffix];
  } else if (/^[eE][+-]?\d+$/.test(suffix)) {
    format = 'DecimalExponent';
    decimalExp = Number(suffix.slice(1));
    if (!Number.isFinite(decimalExp) || Math.abs(decimalExp) > 1000) {
      return undefined;
    }
  } else {
    return undefined;
  }
  let units = BigInt((intPart || '0') + fracPart);
  let scale = fracPart.length - decimalExp;
  if (binaryExp) units *= 1n << BigInt(binaryExp);
  if (scale < 0) {
    units *= pow10(-scale);
    scale = 0;
  }
  if (scale > MAX_SCALE) {
    const divisor = pow10(scale - MAX_SCALE);
    const q = units / divisor;
    units = q * divisor === units ? q : q + 1n; // round up, like Kubernetes
    scale = MAX_SCALE;
  }
  if (sign === '-') units = -units;
  return normalize({ units, scale, format });
}

function normalize(q: Quantity): Quantity {
  let { units, scale } = q;
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale--;
  }
  if (units === 0n) scale = 0;
  return { units, scale, format: q.format };
}

function align(a: Quantity, b: Quantity): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [
    a.units * pow10(scale - a.scale),
    b.units * pow10(scale - b.scale),
    scale,
  ];
}

/** -1, 0 or 1. */
export function compareQuantities(a: Quantity, b: Quantity): number {
  const [x, y] = align(a, b);
  if (x < y) return -1;
  return x > y ? 1 : 0;
}

/** a + b, keeping a's format (b's when a is zero), as Kubernetes does. */
export function addQuantities(a: Quantity, b: Quantity): Quantity {
  const [x, y, scale] = align(a, b);
  return normalize({
    units: x + y,
    scale,
    format: a.units === 0n ? b.format : a.format,
  });
}

/** a - b. */
export function subtractQuantities(a: Quantity, b: Quantity): Quantity {
  return addQuantities(a, { ...b, units: -b.units });
}

/** a × n for a plain number n (decimal-exact for decimals written in JavaScript). */
export function multiplyQuantity(a: Quantity, n: number): Quantity | undefined {
  const factor = parseQuantity(numberToPlainString(n));
  if (!factor) return undefined;
  const product = normalize({
    units: a.units * factor.units,
    scale: a.scale + factor.scale,
    format: a.format,
  });
  return roundToMaxScale(product);
}

/** a ÷ n rounded down to the larger scale of the operands (Kyverno's rule). */
export function divideQuantity(a: Quantity, n: number): Quantity | undefined {
  const divisor = parseQuantity(numberToPlainString(n));
  if (!divisor || divisor.units === 0n) return undefined;
  const scale = Math.max(a.scale, divisor.scale);
  // a.units/10^a.scale ÷ d.units/10^d.scale = (a.units × 10^(d.scale + scale - a.scale)) / d.units / 10^scale
  const shift = divisor.scale + scale - a.scale;
  const numerator =
    shift >= 0 ? a.units * pow10(shift) : a.units / pow10(-shift);
  return normalize({
    units: numerator / divisor.units,
    scale,
    format: a.format,
  });
}

function roundToMaxScale(q: Quantity): Quantity {
  if (q.scale <= MAX_SCALE) return q;
  const divisor = pow10(q.scale - MAX_SCALE);
  const r = q.units / divisor;
  return normalize({
    units: r * divisor === q.units ? r : r + (q.units > 0n ? 1n : -1n),
    scale: MAX_SCALE,
    format: q.format,
  });
}

/** The quantity as a JavaScript number (approximate for very large values). */
export function quantityToNumber(q: Quantity): number {
  return Number(q.units) / 10 ** q.scale;
}

/** A number written without exponent, for exact re-parsing as a quantity. */
function numberToPlainString(n: number): string {
  if (!Number.isFinite(n)) return 'NaN';
  if (Number.isInteger(n)) return BigInt(n).toString();
  const s = String(n);
  if (!/e/i.test(s)) return s;
  return n.toFixed(20).replace(/\.?0+$/, '');
}

/** Canonical string, as Kubernetes' `Quantity.String()` writes it. */
export function formatQuantity(q: Quantity): string {
  if (q.units === 0n) return '0';
  let format = q.format;
  if (format === 'BinarySI') {
    const isInteger = q.scale === 0;
    const absUnits = q.units < 0n ? -q.units : q.units;
    if (!isInteger || absUnits < 1024n) {
      format = 'DecimalSI';
    } else {
      let exp = 0;
      let mantissa = q.units;
      while (exp < 60 && mantissa % 1024n === 0n) {
        mantissa /= 1024n;
        exp += 10;
      }
      const suffix = Object.keys(BINARY_SUFFIXES).find(
        k => BINARY_SUFFIXES[k] === exp,
      );
      return `${mantissa}${suffix ?? ''}`;
    }
  }
  // Decimal: the largest exponent, a multiple of 3, that keeps the mantissa integral.
  let mantissa = q.units;
  let exp = -q.scale;
  // bring the exponent to a multiple of three (downwards)
  while (((exp % 3) + 3) % 3 !== 0) {
    mantissa *= 10n;
    exp--;
  }
  while (mantissa % 1000n === 0n && exp < 18) {
    mantissa /= 1000n;
    exp += 3;
  }
  if (format === 'DecimalExponent') {
    return exp === 0 ? `${mantissa}` : `${mantissa}e${exp}`;
  }
  if (exp > 18) {
    mantissa *= pow10(exp - 18);
    exp = 18;
  }
  return `${mantissa}${DECIMAL_SUFFIX_BY_EXPONENT[exp] ?? ''}`;
}
