// `npm run bench` runs every benchmark in test/bench/benchmarks/; `npm run bench -- <name>…` runs some.
// Results: a table on stdout and bench-results/<name>.json each.
import { readdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { exitWithUsageError, readCommandLine } from "../../electron/core/kernel/command-line.js";
import { formatTable, runBenchmark, writeResult } from "./harness.js";
import type { BenchmarkDefinition, BenchmarkResult } from "./harness.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const benchmarksDirectory = path.join(here, "benchmarks");
const resultsDirectory = path.resolve(here, "../..", "bench-results");

const available = (await readdir(benchmarksDirectory))
  .filter((file) => file.endsWith(".bench.ts"))
  .map((file) => file.slice(0, -".bench.ts".length))
  .sort();
const commandLine = {
  command: "npm run bench --",
  usage: `Usage: npm run bench [-- <name>...]

Runs the benchmarks (all, or those named), each against a reference measured in the same run.
Results: a table here and bench-results/<name>.json each.

Names:
${available.map((name) => `  ${name}`).join("\n")}

Options:
  -h, --help   show this help

Environment:
  BENCH_THREADS=<n>         llama.cpp threads for the engine benchmarks (default: up to 2)
  UI_STREAMING_TOKENS=<n>   tokens ui-streaming streams (default 20000)
  PARALLEL_BENCH_TOKENS=<n> tokens each client generates in parallel-throughput and queue-latency (default 128)
  PARALLEL_BENCH_ROUNDS=<n> their measured rounds (default 5)`,
  config: { allowPositionals: true },
} as const;
const requested = readCommandLine(commandLine).positionals;
const unknown = requested.filter((name) => !available.includes(name));
if (unknown.length > 0) exitWithUsageError(commandLine, `unknown benchmark ${unknown.map((name) => `"${name}"`).join(", ")}`);

const results: BenchmarkResult[] = [];
let failed = false;
for (const name of requested.length > 0 ? requested : available) {
  const module = (await import(pathToFileURL(path.join(benchmarksDirectory, `${name}.bench.ts`)).href)) as {
    default?: BenchmarkDefinition<unknown>;
  };
  const definition = module.default;
  if (!definition || definition.name !== name) {
    console.error(`${name}.bench.ts must default-export defineBenchmark({ name: "${name}", … })`);
    failed = true;
    continue;
  }
  console.log(`▶ ${name}: ${definition.metric}`);
  try {
    const result = await runBenchmark(definition);
    results.push(result);
    console.log(`  wrote ${path.relative(process.cwd(), await writeResult(resultsDirectory, result))}`);
  } catch (error) {
    failed = true;
    console.error(`✗ ${name} failed:`, error);
  }
}
if (results.length > 0) console.log("\n" + formatTable(results));
process.exit(failed ? 1 : 0);
