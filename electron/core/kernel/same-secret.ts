import { timingSafeEqual } from "node:crypto";

/** Constant-time comparison of a presented secret (a token, an API key) with the expected one. */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  // Compare equal-length buffers even when the lengths differ, so the time does not tell the length.
  return timingSafeEqual(a.length === b.length ? a : b, b) && a.length === b.length;
}
