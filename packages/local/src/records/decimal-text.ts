/**
 * Exact decimal handling: a decimal column value is kept as its unscaled integer (a bigint), so text
 * such as "12.30" for DECIMAL(5,2) becomes 1230n. Nothing is rounded: digits beyond the column's scale
 * are accepted only when they are zeros, and a value needing more than the column's precision is an
 * error.
 */
import { clip, quote } from "../text/bounded-text.js";

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Parses decimal text (`-12.5`, `1e3`, `0.001`) into the unscaled value for a column of the given
 * precision and scale. Throws an `Error` describing the problem when the text is not a number, would
 * lose digits at this scale, or needs more than `precision` digits.
 */
export function parseDecimalText(text: string, precision: number, scale: number): bigint {
  const match = DECIMAL_TEXT.exec(text.trim());
  const intDigits = match?.[2] ?? "";
  const fracDigits = match?.[3] ?? "";
  if (match === null || intDigits.length + fracDigits.length === 0) {
    throw new Error(`${quote(text)} is not a decimal number`);
  }
  const exponent = match[4] === undefined ? 0 : Number(match[4]);
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 10_000) {
    throw new Error(`${quote(text)} has an out-of-range exponent`);
  }
  // digits × 10^(exponent - fracDigits.length) is the value; bring it to 10^-scale.
  let digits = (intDigits + fracDigits).replace(/^0+(?=\d)/, "");
  const shift = exponent - fracDigits.length + scale;
  if (shift >= 0) {
    digits = digits + "0".repeat(shift);
  } else {
    const dropped = digits.slice(Math.max(0, digits.length + shift));
    if (/[^0]/.test(dropped)) {
      throw new Error(`${quote(text)} has more than ${scale} digit(s) after the decimal point`);
    }
    digits = digits.slice(0, Math.max(0, digits.length + shift)) || "0";
  }
  const unscaled = BigInt(digits) * (match[1] === "-" ? -1n : 1n);
  const problem = decimalPrecisionProblem(unscaled, precision, scale);
  if (problem !== undefined) throw new Error(problem);
  return unscaled;
}

/** Returns why an unscaled value does not fit DECIMAL(precision, scale), or `undefined` if it fits. */
export function decimalPrecisionProblem(unscaled: bigint, precision: number, scale: number): string | undefined {
  const magnitude = unscaled < 0n ? -unscaled : unscaled;
  if (magnitude.toString().length > precision && magnitude !== 0n) {
    return `value ${clip(formatUnscaled(unscaled, scale))} needs more than ${precision} digit(s) of precision`;
  }
  return undefined;
}

/** Renders an unscaled value as decimal text at the given scale (for messages). */
export function formatUnscaled(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, "0");
  const whole = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${whole}` : whole;
}
