/**
 * Published benchmark figures, each named with its metric and, where DeepSeek's tables differ, its
 * window: the R1 paper and the R1-0528 card report Codeforces and LiveCodeBench differently (overall
 * rating vs Div1 rating; problems from 2024-08 to 2025-01 vs to 2025-05), so figures from the two
 * tables are only compared under the same label.
 */
export const BENCHMARK_LABELS = {
  aime2024: "AIME 2024 (pass@1)",
  aime2024Cons64: "AIME 2024 (cons@64)",
  math500: "MATH-500 (pass@1)",
  gpqaDiamond: "GPQA Diamond (pass@1)",
  liveCodeBench: "LiveCodeBench 2408–2501 (pass@1)",
  liveCodeBench2505: "LiveCodeBench 2408–2505 (pass@1)",
  codeforces: "Codeforces rating (overall)",
  codeforcesDiv1: "Codeforces Div1 rating",
} as const;

export type BenchmarkKey = keyof typeof BENCHMARK_LABELS;
export const BENCHMARK_KEYS = Object.keys(BENCHMARK_LABELS) as BenchmarkKey[];
