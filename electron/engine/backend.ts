import { getLlama, getLlamaGpuTypes, type Llama, LlamaLogLevel } from "node-llama-cpp";
import type { BackendChoice, BackendInfo, BackendKind } from "../shared/contract/engine.js";
import { AppError } from "../shared/errors.js";

const backendNames: Record<BackendKind, string> = { cuda: "CUDA", vulkan: "Vulkan", metal: "Metal", cpu: "CPU" };

function kindOf(gpu: Llama["gpu"]): BackendKind {
  return gpu === false ? "cpu" : gpu;
}

/**
 * Starts llama.cpp on the chosen backend, never building from source (`build: "never"`): the app
 * ships prebuilt binaries only. "auto" lets node-llama-cpp try CUDA → Vulkan → CPU (Metal on macOS),
 * each binary tested before use.
 */
export async function startLlama(choice: BackendChoice, log: (message: string) => void): Promise<Llama> {
  if (choice === "metal" && process.platform !== "darwin") {
    throw new AppError("backend-missing", "The Metal backend exists only on macOS. Choose Auto, CUDA, Vulkan or CPU in Settings.");
  }
  const gpu = choice === "auto" ? "auto" : choice === "cpu" ? false : choice;
  try {
    return await getLlama({
      gpu,
      build: "never",
      logLevel: LlamaLogLevel.warn,
      logger: (level, message) => {
        if (level === LlamaLogLevel.error || level === LlamaLogLevel.fatal || level === LlamaLogLevel.warn) log(message.trimEnd());
      },
    });
  } catch (err) {
    if (choice === "auto" || choice === "cpu") throw err;
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

export async function describeBackend(llama: Llama, requested: BackendChoice, threads: number): Promise<BackendInfo> {
  const [devices, vram, detected] = await Promise.all([llama.getGpuDeviceNames(), llama.getVramState(), getLlamaGpuTypes("supported")]);
  const available = [...new Set<BackendKind>([...detected.map(kindOf), "cpu"])];
  return {
    backend: kindOf(llama.gpu),
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
