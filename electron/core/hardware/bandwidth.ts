/**
 * Memory bandwidth: a short copy test of this machine's RAM, and a table of GPU classes. Token
 * generation reads every active weight once per token, so bandwidth bounds its speed.
 */

let measured: Promise<number> | undefined;

/** Copies timed for one measurement; the median of them is the figure. */
const COPIES = 11;

/**
 * Copies a buffer larger than any CPU cache several times, after one copy that warms the pages, and
 * takes the median run (GB/s counting read and write): the fastest single run swung by tens of
 * percent between launches, the median far less. One thread under-reads what llama.cpp's threads
 * reach together, so the estimator scales it. Cached for the process, and kept per machine in the
 * data folder (`kept-bandwidth.ts`). About 200 ms.
 */
export function measureRamBandwidth(): Promise<number> {
  measured ??= (async () => {
    const size = 64 * 1024 * 1024;
    const a = Buffer.alloc(size, 1);
    const b = Buffer.alloc(size);
    a.copy(b);
    const runs: number[] = [];
    for (let i = 0; i < COPIES; i++) {
      const t0 = process.hrtime.bigint();
      a.copy(b);
      runs.push(Number(process.hrtime.bigint() - t0) / 1e9);
      await new Promise((r) => setImmediate(r));
    }
    return Math.round(((2 * size) / median(runs) / 1e9) * 10) / 10;
  })();
  return measured;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Published peak memory bandwidth (GB/s) of common GPUs, matched against the reported name. */
const GPU_BANDWIDTH: [RegExp, number][] = [
  [/H200/i, 4800],
  [/H100.*(SXM|HBM3)/i, 3350],
  [/H100/i, 2000],
  [/B200/i, 8000],
  [/A100.*80/i, 2039],
  [/A100/i, 1555],
  [/L40S?/i, 864],
  [/RTX 6000 Ada/i, 960],
  [/A6000/i, 768],
  [/5090/, 1792],
  [/5080/, 960],
  [/5070 Ti/, 896],
  [/5070/, 672],
  [/4090/, 1008],
  [/4080/, 717],
  [/4070 Ti Super/i, 672],
  [/4070/, 504],
  [/4060 Ti/, 288],
  [/4060/, 272],
  [/3090/, 936],
  [/3080/, 760],
  [/3070/, 448],
  [/3060/, 360],
  [/7900 XTX/i, 960],
  [/7900/i, 800],
  [/M[1-4] Ultra/i, 800],
  [/M4 Max/i, 546],
  [/M[1-3] Max/i, 400],
  [/M4 Pro/i, 273],
  [/M[1-2] Pro/i, 200],
  [/M3 Pro/i, 150],
  [/M4/i, 120],
  [/M[2-3]/i, 100],
  [/M1/i, 68],
];

export function gpuBandwidthGBs(name: string): number | undefined {
  return GPU_BANDWIDTH.find(([pattern]) => pattern.test(name))?.[1];
}

/** When the GPU is not in the table: a mid-range discrete card. */
export const UNKNOWN_GPU_BANDWIDTH_GBS = 300;
/** When RAM was not measured: dual-channel DDR4/DDR5 desktop memory. */
export const DEFAULT_RAM_BANDWIDTH_GBS = 50;
