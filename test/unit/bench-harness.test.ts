import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { defineBenchmark, formatTable, runBenchmark, summarize, writeResult } from "../bench/harness.js";

describe("bench harness", () => {
  it("summarizes samples as median, min and max", () => {
    expect(summarize([5, 1, 3])).toMatchObject({ median: 3, min: 1, max: 5 });
    expect(summarize([4, 1, 3, 2]).median).toBe(2.5);
  });

  it("warms up, alternates app and reference, and reports medians, ratio and secondary figures", async () => {
    const calls: string[] = [];
    const events: string[] = [];
    const benchmark = defineBenchmark<{ base: number }>({
      name: "toy",
      metric: "things per second",
      unit: "1/s",
      higherIsBetter: true,
      warmup: 2,
      repetitions: 3,
      setup: () => {
        events.push("setup");
        return { base: 10 };
      },
      app: (state, repetition) => {
        calls.push(`app${repetition}`);
        return { value: state.base * 2 + repetition, secondary: { latency_ms: 5 } };
      },
      reference: (state, repetition) => {
        calls.push(`ref${repetition}`);
        return { value: state.base + repetition, secondary: { latency_ms: 10 } };
      },
      teardown: () => void events.push("teardown"),
      extra: () => ({ list_ms: 42 }),
    });
    const result = await runBenchmark(benchmark, () => {});
    expect(calls).toEqual(["app-1", "ref-1", "app-1", "ref-1", "app0", "ref0", "ref1", "app1", "app2", "ref2"]);
    expect(events).toEqual(["setup", "teardown"]);
    expect(result).toMatchObject({
      name: "toy",
      metric: "things per second",
      unit: "1/s",
      app: 21,
      reference: 11,
      ratio: 21 / 11,
      app_min: 20,
      app_max: 22,
      reference_min: 10,
      reference_max: 12,
      list_ms: 42,
      warmup: 2,
      repetitions: 3,
    });
    // Rounds pair up: 20/10, 21/11, 22/12.
    expect(result.paired_ratio.median).toBeCloseTo(21 / 11);
    expect(result.paired_ratio.spread).toBeCloseTo(2 - 22 / 12);
    expect(result.secondary.latency_ms).toMatchObject({ app: { median: 5 }, reference: { median: 10 }, ratio: 0.5 });
    expect(formatTable([result])).toMatch(
      /toy\s+things per second \[1\/s\]\s+21\.0 \(20\.0–22\.0\)\s+11\.0 \(10\.0–12\.0\)\s+1\.909\s+1\.909 \(1\.833–2\.000\)/,
    );

    const directory = await mkdtemp(path.join(tmpdir(), "bench-"));
    try {
      const file = await writeResult(directory, result);
      expect(path.basename(file)).toBe("toy.json");
      expect(JSON.parse(await readFile(file, "utf8"))).toMatchObject({ name: "toy", app: 21, reference: 11, list_ms: 42 });
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it("tears down even when a repetition fails", async () => {
    let tornDown = false;
    const failing = defineBenchmark({
      name: "failing",
      metric: "m",
      unit: "u",
      higherIsBetter: true,
      warmup: 0,
      app: () => {
        throw new Error("boom");
      },
      reference: () => 1,
      teardown: () => void (tornDown = true),
    });
    await expect(runBenchmark(failing, () => {})).rejects.toThrow("boom");
    expect(tornDown).toBe(true);
  });
});
