// `node test/support/catalog/measure-llama-memory.mjs <file.gguf> <contextSize> [keyType valueType flashAttention]`:
// loads the model on the CPU and prints llama.cpp's own accounting of what it allocated (weights, KV
// cache, compute and output buffers) as JSON. Types are ggml names (F16, Q8_0, Q4_0); flashAttention
// is "true", "false" or "auto". Run in a child process: llama.cpp aborts the process on some model shapes.
import { getLlama, LlamaLogLevel } from "node-llama-cpp";

const [file, contextSize, keyType, valueType, flash] = [process.argv[2], Number(process.argv[3]), process.argv[4], process.argv[5], process.argv[6]];
const llama = await getLlama({ build: "never", gpu: false, logLevel: LlamaLogLevel.error });
const model = await llama.loadModel({ modelPath: file, gpuLayers: 0, useMmap: false });
const cache = keyType
  ? {
      experimentalKvCacheKeyType: keyType,
      experimentalKvCacheValueType: valueType,
      flashAttention: flash === "auto" ? "auto" : flash === "true",
    }
  : {};
const context = await model.createContext({ contextSize, threads: 1, ...cache });
// Not public API: node-llama-cpp's native handles report llama.cpp's buffer sizes.
const modelMemory = model._model.getMemoryBreakdown();
const contextMemory = context._ctx.getMemoryBreakdown();
console.log(JSON.stringify({ cpuRamBytes: modelMemory.cpuRam + contextMemory.cpuRam }));
await context.dispose();
await model.dispose();
