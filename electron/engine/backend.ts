import { getLlama, getLlamaGpuTypes, type Llama, LlamaLogLevel } from "node-llama-cpp";
import type { BackendChoice, BackendInfo, BackendKind } from "../shared/contract/engine.js";
import { AppError } from "../shared/errors.js";
import { BackendAttempts, backendNames } from "./backend-attempts.js";

/** "auto" tries the GPU backends in this order, then the CPU (as node-llama-cpp's own "auto" does). */
const GPU_ORDER: BackendKind[] = ["cuda", "vulkan", "metal"];

/**
 * The GPU backends this machine appears able to run. R1_TEST_GPU_TYPES replaces the list, and
 * R1_TEST_CRASH_BACKEND aborts the process when that backend starts: the tests' broken GPU backend
 * (there is no GPU where they run); R1_TEST_HANG_BACKEND one that never finishes starting. None is
 * set outside the tests.
 */
async function gpuCandidates(): Promise<BackendKind[]> {
  const forced = process.env.R1_TEST_GPU_TYPES;
  const detected = forced !== undefined ? forced.split(",").filter(Boolean) : (await getLlamaGpuTypes("supported")).filter((g) => g !== false);
  return GPU_ORDER.filter((kind) => detected.includes(kind));
}

/** R1_TEST_CRASH_BACKEND aborts as that backend starts; R1_TEST_HANG_BACKEND never finishes starting it. */
async function breakIfTestSaysSo(kind: BackendKind): Promise<void> {
  if (process.env.R1_TEST_CRASH_BACKEND === kind) process.abort();
  if (process.env.R1_TEST_HANG_BACKEND === kind) await new Promise<never>(() => undefined);
}

async function getLlamaOn(kind: BackendKind, log: (message: string) => void): Promise<Llama> {
  return getLlama({
    gpu: kind === "cpu" ? false : kind,
    build: "never",
    logLevel: LlamaLogLevel.warn,
    logger: (level, message) => {
      if (level === LlamaLogLevel.error || level === LlamaLogLevel.fatal || level === LlamaLogLevel.warn) log(message.trimEnd());
    },
  });
}

/** One backend, marked as starting until llama.cpp runs on it: a crash in between excludes it next time. */
async function tryBackend(kind: BackendKind, attempts: BackendAttempts, log: (message: string) => void): Promise<Llama> {
  attempts.starting(kind);
  await breakIfTestSaysSo(kind);
  try {
    const llama = await getLlamaOn(kind, log);
    attempts.started(kind);
    return llama;
  } catch (err) {
    attempts.failed();
    throw err;
  }
}

function kindOf(gpu: Llama["gpu"]): BackendKind {
  return gpu === false ? "cpu" : gpu;
}

/**
 * Starts llama.cpp on the chosen backend, never building from source (`build: "never"`): the app
 * ships prebuilt binaries only. "auto" tries CUDA → Vulkan → Metal → CPU, skipping the backends
 * that crashed the engine while starting (`BackendAttempts`); one that fails without crashing passes
 * to the next.
 */
export async function startLlama(choice: BackendChoice, log: (message: string) => void, attempts = BackendAttempts.open(undefined)): Promise<Llama> {
  if (choice === "metal" && process.platform !== "darwin") {
    throw new AppError("backend-missing", "The Metal backend exists only on macOS. Choose Auto, CUDA, Vulkan or CPU in Settings.");
  }
  if (choice === "auto") {
    for (const kind of (await gpuCandidates()).filter((k) => !attempts.isExcluded(k))) {
      try {
        return await tryBackend(kind, attempts, log);
      } catch (err) {
        log(`The ${backendNames[kind]} backend did not start (${err instanceof Error ? err.message : String(err)}); trying the next one.`);
      }
    }
    return tryBackend("cpu", attempts, log);
  }
  try {
    const llama = await tryBackend(choice, attempts, log);
    // Without node-llama-cpp's forked binary test (RunAsNode is off), a GPU binary that cannot run
    // here makes getLlama fall back to the CPU by itself: for a chosen backend that is a failure.
    // The fallback instance is left alone: disposing it tears down the binding a later CPU start reuses.
    if (kindOf(llama.gpu) !== choice) throw new Error(`its binary did not run here; llama.cpp fell back to ${backendNames[kindOf(llama.gpu)]}`);
    return llama;
  } catch (err) {
    if (choice === "cpu") throw err;
    const name = backendNames[choice];
    throw new AppError(
      "backend-missing",
      `The ${name} backend is not available here: its prebuilt binary is missing or does not run on this machine` +
        (choice === "cuda" ? " (it needs an NVIDIA GPU with a current driver)" : choice === "vulkan" ? " (it needs a GPU with a Vulkan driver)" : "") +
        `. Choose Auto or CPU in Settings. (${err instanceof Error ? err.message : String(err)})`,
      { cause: err },
    );
  }
}

export async function describeBackend(llama: Llama, requested: BackendChoice, threads: number, attempts?: BackendAttempts): Promise<BackendInfo> {
  const [devices, vram, detected] = await Promise.all([llama.getGpuDeviceNames(), llama.getVramState(), gpuCandidates()]);
  const available = [...new Set<BackendKind>([...detected, "cpu"])];
  const backend = kindOf(llama.gpu);
  const notice = attempts?.notice(backend);
  return {
    backend,
    ...(attempts && attempts.excluded.length > 0 && { excluded: attempts.excluded }),
    ...(notice && { notice }),
    requested,
    available,
    devices,
    vram: { totalBytes: vram.total, usedBytes: vram.used, freeBytes: vram.free },
    cpuMathCores: llama.cpuMathCores,
    threads,
    llamaCppRelease: llama.llamaCppRelease.release,
  };
}

export { kindOf as backendKindOf };
