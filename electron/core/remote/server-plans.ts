import { DEFAULT_CONTEXT_SIZE } from "../../shared/contract/engine.js";
import { SERVER_SCALE_PARAMS, type ServerRecipe } from "../../shared/contract/remote.js";
import { formatBytes } from "../../shared/format.js";

/** What the planner needs of a catalog model. */
export interface PlannableModel {
  id: string;
  name: string;
  totalParams: number;
  /** The upstream safetensors repo the FP8 recipes serve, e.g. deepseek-ai/DeepSeek-R1. */
  fp8Repo: string;
  /** The GGUF quants the catalog lists. */
  quants: { quant: string; sizeBytes: number; repo: string; firstFile: string }[];
  /** DeepSeek's API serves R1 (as deepseek-reasoner), not R1-Zero. */
  onDeepSeekApi: boolean;
  /** F16 KV cache per token llama.cpp allocates for these GGUF files (their attention layout decides it). */
  ggufKvBytesPerToken: number;
}

/** Server GPUs, smallest first; 8 per node is how they are sold. */
const GPU_CLASSES = [
  { name: "H100 / A100 80 GB", gb: 80 },
  { name: "H200 141 GB", gb: 141 },
] as const;
const GPUS_PER_NODE = 8;
/** vLLM and SGLang take 90 % of each GPU by default; the rest is the CUDA context and graphs. */
const USABLE = 0.9;
/** The KV cache and activations per GPU at a 32K context (MLA keeps R1's cache small: ~70 KB/token). */
const RUNTIME_PER_GPU_BYTES = 6e9;
/** FP8: one byte per weight, plus the block scales and the MTP layer DeepSeek ships (688 GB for R1's 671B). */
const FP8_BYTES_PER_PARAM = 1.026;
/** What stays on the GPU when the experts live in RAM: attention, shared experts, embeddings (≈17B weights, quantized). */
const NON_EXPERT_SHARE = 0.06;
const CONTEXT = 32768;
/** llama-server's recipes run the default context: the older GGUF layout's cache is 38 GiB at 8K already. */
const GGUF_CONTEXT = DEFAULT_CONTEXT_SIZE;

const GB = 1e9;
/** Weights and caches as every other figure in the app shows them. */
const gb = formatBytes;

/** The fewest GPUs of a class that hold `bytes` of weights with room to run: a single GPU count, or whole nodes beyond eight. */
export function gpusNeeded(weightsBytes: number, gpuGb: number): { gpus: number; nodes: number } {
  for (let gpus = 1; gpus <= 64; gpus = gpus < GPUS_PER_NODE ? gpus * 2 : gpus + GPUS_PER_NODE) {
    if (weightsBytes + gpus * RUNTIME_PER_GPU_BYTES <= gpus * gpuGb * GB * USABLE) return { gpus, nodes: Math.ceil(gpus / GPUS_PER_NODE) };
  }
  return { gpus: Infinity, nodes: Infinity };
}

function vllmCommands(repo: string, gpus: number, nodes: number): string[] {
  const tp = Math.min(gpus, GPUS_PER_NODE);
  const serve = `vllm serve ${repo} --tensor-parallel-size ${tp}${nodes > 1 ? ` --pipeline-parallel-size ${nodes}` : ""} --max-model-len ${CONTEXT} --trust-remote-code --reasoning-parser deepseek_r1 --host 0.0.0.0 --port 8000`;
  if (nodes === 1) return [serve];
  return [
    "# node 0 (head): ray start --head --port 6379",
    ...Array.from({ length: nodes - 1 }, (_, i) => `# node ${i + 1}: ray start --address <head-ip>:6379`),
    `# then, on the head node:\n${serve}`,
  ];
}

function sglangCommands(repo: string, gpus: number, nodes: number): string[] {
  const base = `python3 -m sglang.launch_server --model-path ${repo} --tp ${gpus} --trust-remote-code --reasoning-parser deepseek-r1 --context-length ${CONTEXT} --host 0.0.0.0 --port 30000`;
  if (nodes === 1) return [base];
  return Array.from({ length: nodes }, (_, rank) => `# node ${rank}:\n${base} --dist-init-addr <head-ip>:5000 --nnodes ${nodes} --node-rank ${rank}`);
}

function llamaServerCommand(firstFile: string, extra: string): string {
  return `llama-server -m ${firstFile} --n-gpu-layers 99${extra} --ctx-size ${GGUF_CONTEXT} --jinja --reasoning-format deepseek --host 0.0.0.0 --port 8080`;
}

/**
 * How to run a model that does not fit this machine on a server people can rent or own: for each
 * precision, the fewest GPUs of each server class (tensor parallel in a node, pipeline parallel
 * across nodes with vLLM, one tensor-parallel group across nodes with SGLang), llama-server on GPUs
 * for the GGUF quants, llama-server with the experts in RAM for a big-RAM box with one GPU, and
 * DeepSeek's API. Weights plus a working margin per GPU; a plan, not a promise: say so in the UI.
 */
export function serverRecipes(model: PlannableModel): ServerRecipe[] {
  const recipes: ServerRecipe[] = [];
  const fp8Bytes = model.totalParams * FP8_BYTES_PER_PARAM;
  for (const gpu of GPU_CLASSES) {
    const { gpus, nodes } = gpusNeeded(fp8Bytes, gpu.gb);
    if (!Number.isFinite(gpus)) continue;
    const hardware = nodes > 1 ? `${nodes} nodes × ${GPUS_PER_NODE} × ${gpu.name}` : `${gpus} × ${gpu.name}`;
    const common = { precision: "FP8", weightsBytes: fp8Bytes, hardware, gpus, nodes, gpuMemoryGb: gpu.gb, ramBytes: 0 };
    const why = `${gb(fp8Bytes)} of FP8 weights${nodes > 1 ? `: more than one node of ${GPUS_PER_NODE} × ${gpu.gb} GB holds` : ""}.`;
    recipes.push({ ...common, engine: "vllm", preset: "vllm", commands: vllmCommands(model.fp8Repo, gpus, nodes), note: why });
    recipes.push({ ...common, engine: "sglang", preset: "sglang", commands: sglangCommands(model.fp8Repo, gpus, nodes), note: why });
  }
  const ggufKvBytes = model.ggufKvBytesPerToken * GGUF_CONTEXT;
  const kvNote = ggufKvBytes > 0 ? ` The ${GGUF_CONTEXT / 1024}K KV cache takes ${gb(ggufKvBytes)} on the GPUs.` : "";
  for (const quant of model.quants) {
    const gpu = GPU_CLASSES[0];
    const { gpus, nodes } = gpusNeeded(quant.sizeBytes + ggufKvBytes, gpu.gb);
    if (nodes === 1)
      recipes.push({
        engine: "llama-server",
        preset: "llama-server",
        precision: quant.quant,
        weightsBytes: quant.sizeBytes,
        hardware: `${gpus} × ${gpu.name}`,
        gpus,
        nodes,
        gpuMemoryGb: gpu.gb,
        ramBytes: 0,
        commands: [llamaServerCommand(quant.firstFile, gpus > 1 ? " --split-mode layer" : "")],
        note: `${gb(quant.sizeBytes)} GGUF (${quant.repo}); llama-server splits the layers over the GPUs.${kvNote}`,
      });
    const onGpu = quant.sizeBytes * NON_EXPERT_SHARE + ggufKvBytes + RUNTIME_PER_GPU_BYTES;
    const ram = quant.sizeBytes * 1.1;
    recipes.push({
      engine: "llama-server",
      preset: "llama-server",
      precision: quant.quant,
      weightsBytes: quant.sizeBytes,
      hardware: `1 GPU with ${Math.max(16, Math.ceil(onGpu / GB / 8) * 8)} GB + ${Math.ceil(ram / GB / 64) * 64} GB RAM`,
      gpus: 1,
      nodes: 1,
      gpuMemoryGb: Math.max(16, Math.ceil(onGpu / GB / 8) * 8),
      ramBytes: ram,
      commands: [llamaServerCommand(quant.firstFile, ' -ot ".ffn_.*_exps.=CPU" --threads <physical cores>')],
      note: `The experts stay in RAM and run on the CPU; attention, the shared expert and the KV cache are on the GPU. Speed follows RAM bandwidth.${kvNote}`,
    });
  }
  if (model.onDeepSeekApi)
    recipes.push({
      engine: "deepseek-api",
      preset: "deepseek-api",
      precision: "FP8 (DeepSeek's servers)",
      weightsBytes: 0,
      hardware: "none: DeepSeek runs it",
      gpus: 0,
      nodes: 0,
      gpuMemoryGb: 0,
      ramBytes: 0,
      commands: ["Base URL https://api.deepseek.com/v1, model deepseek-reasoner, your API key from platform.deepseek.com"],
      note: "Your conversations are sent to DeepSeek.",
    });
  return recipes;
}

/** Whether a catalog model is one people run on servers: a 600B+ mixture of experts (R1, R1-0528, R1-Zero). */
export function needsServer(totalParams: number): boolean {
  return totalParams >= SERVER_SCALE_PARAMS;
}
