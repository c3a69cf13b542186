/**
 * Bytes as people read them, the same in every message the core writes and every figure the
 * renderer shows: binary units, labelled as such (1 GiB = 1024³ bytes), one decimal. Binary because
 * memory is sold that way (a "16 GB" card holds 16 GiB), so a machine's RAM and VRAM, a download and
 * the memory a model needs are all counted in the one unit, and 32 typed into the planner is 32 GiB.
 */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/** The bytes `formatBytes` calls one GiB: what the planner's typed RAM and VRAM are counted in. */
export const GIB = 1024 ** 3;

/** Tokens per second as people compare them: one decimal below 10 ("0.3", "8.2"), whole above ("27"). */
export function formatSpeed(tokensPerSecond: number): string {
  return tokensPerSecond < 10 ? tokensPerSecond.toFixed(1) : tokensPerSecond.toFixed(0);
}
