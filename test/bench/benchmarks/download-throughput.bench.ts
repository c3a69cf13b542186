// The app's download path (HEAD, transfer into a .part file, sha256 verification, rename) against
// curl fetching the same file to a file from the same local hub on loopback, in the same run. The
// hub runs in its own process, so this process's CPU time is the app's alone; the app's time and
// CPU per GB include the hashing, since a download is finished for the user only once verified.
import { spawnSync } from "node:child_process";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineBenchmark } from "../harness.js";
import { BENCH_FILE, BENCH_REPO, appOnce, ensureBenchFile, startHubProcess, warmHub, type HubProcess } from "../../support/hub/throughput.js";

const FILE_MIB = 384;

interface State {
  hub: HubProcess;
  size: number;
}

export default defineBenchmark<State>({
  name: "download-throughput",
  metric: "download throughput from a local hub on loopback",
  unit: "MB/s",
  higherIsBetter: true,
  warmup: 1,
  repetitions: 5,
  secondaryUnits: { cpu_seconds_per_gb: "s/GB" },
  async setup() {
    const { dir, size } = await ensureBenchFile(FILE_MIB);
    const hub = await startHubProcess(dir);
    await warmHub(hub.url);
    return { hub, size };
  },
  async app({ hub, size }) {
    const { seconds, cpuSeconds } = await appOnce(hub.url);
    return { value: size / seconds / 1e6, secondary: { cpu_seconds_per_gb: cpuSeconds / (size / 1e9) } };
  },
  async reference({ hub, size }) {
    const out = join(tmpdir(), `bench-curl-${process.pid}.bin`);
    const url = `${hub.url}/${BENCH_REPO}/resolve/main/${BENCH_FILE}`;
    // bash's `time` reports curl's own CPU (user and system) on stderr.
    const started = performance.now();
    const run = spawnSync("bash", ["-c", `TIMEFORMAT='%U %S'; time curl -sS --fail -o "$0" "$1"`, out, url], { encoding: "utf8" });
    const seconds = (performance.now() - started) / 1000;
    await rm(out, { force: true });
    if (run.status !== 0) throw new Error(`curl failed: ${run.stderr}`);
    const [user, system] = run.stderr.trim().split(/\s+/).slice(-2).map(Number);
    return { value: size / seconds / 1e6, secondary: { cpu_seconds_per_gb: ((user ?? 0) + (system ?? 0)) / (size / 1e9) } };
  },
  async teardown({ hub }) {
    await hub.stop();
  },
  // For context (not the ratio): curl followed by sha256sum, i.e. the same work the app does.
  extra({ hub, size }) {
    const out = join(tmpdir(), `bench-curl-${process.pid}.bin`);
    const url = `${hub.url}/${BENCH_REPO}/resolve/main/${BENCH_FILE}`;
    const started = performance.now();
    const run = spawnSync("bash", ["-c", `curl -sS --fail -o "$0" "$1" && sha256sum "$0" > /dev/null`, out, url]);
    const seconds = (performance.now() - started) / 1000;
    spawnSync("rm", ["-f", out]);
    return {
      fileBytes: size,
      target: "ratio >= 0.9",
      app_measures:
        "DownloadManager.add() until the download is done: HEAD, free-space check, transfer into a .part file, sha256 verified against the hub's x-linked-etag, rename (the user-visible finish)",
      reference_measures: "curl -o <file> in the same temp folder (no hashing), with bash and curl start-up included",
      hashing: "sha256 on the download's own thread as the bytes arrive (SHA-NI), included in the app's time and CPU",
      fairness: "the hub runs in its own process, so CPU figures are the client's alone; app and curl rounds alternate which goes first",
      curl_then_sha256sum_mb_s: run.status === 0 ? size / seconds / 1e6 : null,
    };
  },
});
