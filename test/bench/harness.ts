// Benchmark harness: each benchmark measures the app's path and a reference in the same run,
// after a warm-up, alternating the two so machine drift hits both alike, and reports medians.
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

/** One repetition's result: the benchmark's metric, plus optional secondary figures (e.g. prompt tok/s). */
export type Measurement = number | { readonly value: number; readonly secondary?: Readonly<Record<string, number>> };

export interface BenchmarkDefinition<State = void> {
  readonly name: string;
  /** What is measured, e.g. "generation tokens per second". */
  readonly metric: string;
  readonly unit: string;
  readonly higherIsBetter: boolean;
  /** Discarded rounds (app and reference each) before measuring; default 1. */
  readonly warmup?: number;
  /** Measured rounds (app and reference each); default 5. */
  readonly repetitions?: number;
  /** Secondary figures' units, by name (e.g. { prompt_tokens_per_s: "tok/s" }). */
  readonly secondaryUnits?: Readonly<Record<string, string>>;
  setup?(): Promise<State> | State;
  app(state: State, repetition: number): Promise<Measurement> | Measurement;
  reference(state: State, repetition: number): Promise<Measurement> | Measurement;
  teardown?(state: State): Promise<void> | void;
  /** Extra fields for the result file (e.g. the model and threads used), computed after measuring. */
  extra?(state: State): Promise<Record<string, unknown>> | Record<string, unknown>;
}

export function defineBenchmark<State = void>(definition: BenchmarkDefinition<State>): BenchmarkDefinition<State> {
  return definition;
}

export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly samples: readonly number[];
}

export interface BenchmarkResult {
  readonly name: string;
  readonly metric: string;
  readonly unit: string;
  readonly higherIsBetter: boolean;
  /** Medians. */
  readonly app: number;
  readonly reference: number;
  /** app / reference (medians): above 1 means the app measured higher. */
  readonly ratio: number;
  /**
   * The median of each round's app / reference (the two sides run back to back, so drift of the
   * machine between rounds largely cancels), with its spread: what tells a few percent apart.
   */
  readonly paired_ratio: Summary & { readonly spread: number };
  readonly app_min: number;
  readonly app_max: number;
  readonly reference_min: number;
  readonly reference_max: number;
  readonly samples: { readonly app: readonly number[]; readonly reference: readonly number[] };
  readonly secondary: Record<string, { unit?: string; app: Summary; reference: Summary; ratio: number }>;
  readonly warmup: number;
  readonly repetitions: number;
  readonly machine: {
    readonly cpus: number;
    readonly cpuModel?: string;
    readonly node: string;
    readonly platform: string;
    /** 1-minute load average before and after: a busy machine explains noisy figures. */
    readonly loadAverage: { readonly before: number; readonly after: number };
  };
  readonly finishedAt: string;
  readonly [extra: string]: unknown;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)!, samples };
}

function split(measurement: Measurement): { value: number; secondary: Readonly<Record<string, number>> } {
  return typeof measurement === "number" ? { value: measurement, secondary: {} } : { value: measurement.value, secondary: measurement.secondary ?? {} };
}

/** Runs one benchmark: setup, warm-up, alternating measured rounds, teardown. */
export async function runBenchmark<State>(definition: BenchmarkDefinition<State>, log: (line: string) => void = console.log): Promise<BenchmarkResult> {
  const loadBefore = os.loadavg()[0]!;
  const warmup = definition.warmup ?? 1;
  const repetitions = definition.repetitions ?? 5;
  const state = (await definition.setup?.()) as State;
  const samples = { app: [] as number[], reference: [] as number[] };
  const secondarySamples = { app: new Map<string, number[]>(), reference: new Map<string, number[]>() };
  let extra: Record<string, unknown> = {};
  try {
    for (let round = 0; round < warmup; round++) {
      log(`  warm-up ${round + 1}/${warmup}`);
      await definition.app(state, -1);
      await definition.reference(state, -1);
    }
    for (let round = 0; round < repetitions; round++) {
      // Alternate which side goes first, so neither always runs on a warmer (or hotter) machine.
      const order = round % 2 === 0 ? (["app", "reference"] as const) : (["reference", "app"] as const);
      for (const side of order) {
        const { value, secondary } = split(await definition[side](state, round));
        samples[side].push(value);
        for (const [key, figure] of Object.entries(secondary)) {
          secondarySamples[side].set(key, [...(secondarySamples[side].get(key) ?? []), figure]);
        }
      }
      const roundRatio = samples.app.at(-1)! / samples.reference.at(-1)!;
      log(
        `  round ${round + 1}/${repetitions}: app ${format(samples.app.at(-1)!)}, reference ${format(samples.reference.at(-1)!)} ${definition.unit} (ratio ${roundRatio.toFixed(3)})`,
      );
    }
    extra = (await definition.extra?.(state)) ?? {};
  } finally {
    await definition.teardown?.(state);
  }
  const app = summarize(samples.app);
  const reference = summarize(samples.reference);
  const paired = summarize(samples.app.map((value, round) => value / samples.reference[round]!));
  const secondary: BenchmarkResult["secondary"] = {};
  for (const [key, appSamples] of secondarySamples.app) {
    const appSummary = summarize(appSamples);
    const referenceSummary = summarize(secondarySamples.reference.get(key) ?? []);
    secondary[key] = {
      unit: definition.secondaryUnits?.[key],
      app: appSummary,
      reference: referenceSummary,
      ratio: appSummary.median / referenceSummary.median,
    };
  }
  return {
    ...extra,
    name: definition.name,
    metric: definition.metric,
    unit: definition.unit,
    higherIsBetter: definition.higherIsBetter,
    app: app.median,
    reference: reference.median,
    ratio: app.median / reference.median,
    paired_ratio: { ...paired, spread: paired.max - paired.min },
    app_min: app.min,
    app_max: app.max,
    reference_min: reference.min,
    reference_max: reference.max,
    samples: { app: samples.app, reference: samples.reference },
    secondary,
    warmup,
    repetitions,
    machine: {
      cpus: os.availableParallelism(),
      cpuModel: os.cpus()[0]?.model,
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      loadAverage: { before: loadBefore, after: os.loadavg()[0]! },
    },
    finishedAt: new Date().toISOString(),
  };
}

function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2);
}

/** The results as a table: one row per metric, medians with min–max, and the ratio. */
export function formatTable(results: readonly BenchmarkResult[]): string {
  const rows: string[][] = [["benchmark", "metric", "app median (min–max)", "reference median (min–max)", "ratio", "paired ratio (min–max)"]];
  const range = (summary: { median: number; min: number; max: number }) => `${format(summary.median)} (${format(summary.min)}–${format(summary.max)})`;
  for (const result of results) {
    rows.push([
      result.name,
      `${result.metric} [${result.unit}]${result.higherIsBetter ? "" : " (lower is better)"}`,
      range({ median: result.app, min: result.app_min, max: result.app_max }),
      range({ median: result.reference, min: result.reference_min, max: result.reference_max }),
      result.ratio.toFixed(3),
      `${result.paired_ratio.median.toFixed(3)} (${result.paired_ratio.min.toFixed(3)}–${result.paired_ratio.max.toFixed(3)})`,
    ]);
    for (const [key, figure] of Object.entries(result.secondary)) {
      rows.push(["", `${key}${figure.unit ? ` [${figure.unit}]` : ""}`, range(figure.app), range(figure.reference), figure.ratio.toFixed(3), ""]);
    }
  }
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: string[]) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join("  ")
      .trimEnd();
  return [line(rows[0]!), widths.map((width) => "─".repeat(width)).join("  "), ...rows.slice(1).map(line)].join("\n");
}

export async function writeResult(directory: string, result: BenchmarkResult): Promise<string> {
  await mkdir(directory, { recursive: true });
  const file = path.join(directory, `${result.name}.json`);
  await writeFile(file, JSON.stringify(result, null, 2) + "\n");
  return file;
}
