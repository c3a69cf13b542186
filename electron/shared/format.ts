/**
 * Bytes as people read them, the same in every message the core writes and every figure the
 * renderer shows: binary units labelled as operating systems label RAM (1 GB = 1024³ bytes), one
 * decimal.
 */
export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
