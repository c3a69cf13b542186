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
  /**
   * Whether to show DeepSeek's API beside the plans: it once served R1 as deepseek-reasoner, so
   * people look for it there; the recipe says what it serves today (never R1-Zero, so not offered for it).
   */
  onDeepSeekApi: boolean;
  /** F16 KV cache per token llama.cpp allocates for these GGUF files (their attention layout decides it). */
  ggufKvBytesPerToken: number;
}

/**
 * Server GPUs for the FP8 weights, smallest first; 8 per node is how they are sold. No A100: it has
 * no FP8 units, and SGLang serves R1 on A100 only as BF16, INT8 or AWQ weights (source: SGLang's
 * DeepSeek V3/R1 usage page, docs.sglang.ai/basic_usage/deepseek.html, "Recommended usage" table).
 */
const GPU_CLASSES = [
  { name: "H100 80 GB", gb: 80 },
  { name: "H200 141 GB", gb: 141 },
] as const;
const GPUS_PER_NODE = 8;
/** vLLM and SGLang take 90 % of each GPU by default; the rest is the CUDA context and graphs. */
const USABLE = 0.9;
/** The KV cache and activations per GPU at a 32K context (MLA keeps R1's cache small: ~70 KB/token). */
const RUNTIME_PER_GPU_BYTES = 6e9;
/** FP8: one byte per weight, plus the block scales and the MTP layer DeepSeek ships (688 GB for R1's 671B). */
const FP8_BYTES_PER_PARAM = 1.026;
/**
 * What stays on the GPU when the routed experts live in RAM: attention, the three dense blocks, the
 * shared experts and the output head. 37B are active per token (source: the DeepSeek-R1 model card);
 * eight routed experts of 58 MoE blocks are 8 × 58 × 3 × 7168 × 2048 ≈ 20.4B of them, which leaves
 * ≈ 16.6B weights besides the experts.
 */
const NON_EXPERT_PARAMS = 16.6e9;
/**
 * The bits those weights keep: Q4_K_M stores them at Q4_K with some Q6_K (≈ 5.1 bits), and unsloth's
 * dynamic quants keep them at 4–6 bits while squeezing only the experts (quant-recipes.ts#dynamicMix),
 * so the share is about 11 GB whatever the quant (16.6B × 5.1 / 8 = 10.6 GB), not a fixed fraction of
 * the file. Source: the tensor types llama.cpp's `llama_tensor_get_type` picks for these names.
 */
const NON_EXPERT_BITS = 5.1;
/** The port each server listens on by default (the endpoint form's presets use the same). */
const PORTS = { vllm: 8000, sglang: 30000, "llama-server": 8080 } as const;
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

/**
 * A key for one showing of the plans: every server recipe starts with `--api-key` set to it, and
 * "Use this server" fills it into the endpoint form, so nobody copies a recipe with no key.
 */
export function newServerKey(): string {
  // Web Crypto (global in Node and browsers): the UI harness runs this planner in Chromium.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `sk-r1-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/**
 * The server listens on its own loopback only, with a key; this computer reaches it through an SSH
 * tunnel, so neither the key nor the conversations cross the network in clear, and the endpoint
 * form's base URL is http://127.0.0.1:<port>/v1.
 */
function listen(port: number, key: string): string {
  return `--host 127.0.0.1 --port ${port} --api-key ${key}`;
}

function tunnel(port: number): string {
  return `# on this computer, keep open while you chat (then Base URL http://127.0.0.1:${port}/v1):\nssh -N -L ${port}:127.0.0.1:${port} <user>@<server>`;
}

// DeepSeek-V3's architecture is built into vLLM and SGLang: no --trust-remote-code (it would run the
// repository's own Python).
function vllmCommands(repo: string, gpus: number, nodes: number, key: string): string[] {
  const tp = Math.min(gpus, GPUS_PER_NODE);
  const serve = `vllm serve ${repo} --tensor-parallel-size ${tp}${nodes > 1 ? ` --pipeline-parallel-size ${nodes}` : ""} --max-model-len ${CONTEXT} --reasoning-parser deepseek_r1 ${listen(PORTS.vllm, key)}`;
  if (nodes === 1) return [serve, tunnel(PORTS.vllm)];
  return [
    "# node 0 (head): ray start --head --port 6379",
    ...Array.from({ length: nodes - 1 }, (_, i) => `# node ${i + 1}: ray start --address <head-ip>:6379`),
    `# then, on the head node:\n${serve}`,
    tunnel(PORTS.vllm),
  ];
}

function sglangCommands(repo: string, gpus: number, nodes: number, key: string): string[] {
  const base = `python3 -m sglang.launch_server --model-path ${repo} --tp ${gpus} --reasoning-parser deepseek-r1 --context-length ${CONTEXT} ${listen(PORTS.sglang, key)}`;
  if (nodes === 1) return [base, tunnel(PORTS.sglang)];
  return [
    ...Array.from({ length: nodes }, (_, rank) => `# node ${rank}:\n${base} --dist-init-addr <head-ip>:5000 --nnodes ${nodes} --node-rank ${rank}`),
    tunnel(PORTS.sglang),
  ];
}

function llamaServerCommands(firstFile: string, extra: string, key: string): string[] {
  return [
    `llama-server -m ${firstFile} --n-gpu-layers 99${extra} --ctx-size ${GGUF_CONTEXT} --jinja --reasoning-format deepseek ${listen(PORTS["llama-server"], key)}`,
    tunnel(PORTS["llama-server"]),
  ];
}

/**
 * How to run a model that does not fit this machine on a server people can rent or own: for each
 * precision, the fewest GPUs of each server class (tensor parallel in a node, pipeline parallel
 * across nodes with vLLM, one tensor-parallel group across nodes with SGLang), llama-server on GPUs
 * for the GGUF quants, llama-server with the experts in RAM for a big-RAM box with one GPU, and
 * DeepSeek's API. Weights plus a working margin per GPU; a plan, not a promise: say so in the UI.
 */
export function serverRecipes(model: PlannableModel, key: string = newServerKey()): ServerRecipe[] {
  const recipes: ServerRecipe[] = [];
  const fp8Bytes = model.totalParams * FP8_BYTES_PER_PARAM;
  for (const gpu of GPU_CLASSES) {
    const { gpus, nodes } = gpusNeeded(fp8Bytes, gpu.gb);
    if (!Number.isFinite(gpus)) continue;
    const hardware = nodes > 1 ? `${nodes} nodes × ${GPUS_PER_NODE} × ${gpu.name}` : `${gpus} × ${gpu.name}`;
    const common = { precision: "FP8", weightsBytes: fp8Bytes, hardware, gpus, nodes, gpuMemoryGb: gpu.gb, ramBytes: 0, apiKey: key, model: model.fp8Repo };
    const why = `${gb(fp8Bytes)} of FP8 weights${nodes > 1 ? `: more than one node of ${GPUS_PER_NODE} × ${gpu.gb} GB holds` : ""}.`;
    recipes.push({ ...common, engine: "vllm", preset: "vllm", commands: vllmCommands(model.fp8Repo, gpus, nodes, key), note: why });
    recipes.push({ ...common, engine: "sglang", preset: "sglang", commands: sglangCommands(model.fp8Repo, gpus, nodes, key), note: why });
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
        apiKey: key,
        model: quant.firstFile,
        commands: llamaServerCommands(quant.firstFile, gpus > 1 ? " --split-mode layer" : "", key),
        note: `${gb(quant.sizeBytes)} GGUF (${quant.repo}); llama-server splits the layers over the GPUs.${kvNote}`,
      });
    const nonExpertBytes = (NON_EXPERT_PARAMS * NON_EXPERT_BITS) / 8;
    const onGpu = nonExpertBytes + ggufKvBytes + RUNTIME_PER_GPU_BYTES;
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
      apiKey: key,
      // llama-server answers to the path given with -m.
      model: quant.firstFile,
      commands: llamaServerCommands(quant.firstFile, ' -ot ".ffn_.*_exps.=CPU" --threads <physical cores>', key),
      note: `The experts stay in RAM and run on the CPU; attention, the shared expert and the KV cache are on the GPU (about ${gb(nonExpertBytes)} of weights there). Speed follows RAM bandwidth.${kvNote}`,
    });
  }
  if (model.onDeepSeekApi)
    recipes.push({
      engine: "deepseek-api",
      preset: "deepseek-api",
      precision: "Not R1: DeepSeek's API serves V3.2 today",
      weightsBytes: 0,
      hardware: "none: a provider runs it",
      gpus: 0,
      nodes: 0,
      gpuMemoryGb: 0,
      ramBytes: 0,
      apiKey: null,
      model: "deepseek-reasoner",
      // Source: api-docs.deepseek.com, "Models & Pricing" and the news of 2025-08-21 (V3.1) and
      // 2025-09-29 / 2025-12-01 (V3.2): deepseek-reasoner is the thinking mode of the current V3 model.
      commands: [
        "R1 itself: any provider that still serves DeepSeek-R1 over an OpenAI-compatible API (Settings → Remote servers → Other OpenAI-compatible server: its base URL, its model name, your key)",
        "DeepSeek's own API (not R1): Base URL https://api.deepseek.com/v1, model deepseek-reasoner, your key from platform.deepseek.com",
      ],
      note: "DeepSeek's API no longer serves R1: since August 2025 deepseek-reasoner has been DeepSeek-V3.1, then V3.2, in thinking mode. Your conversations are sent to the provider.",
    });
  return recipes;
}

/** Whether a catalog model is one people run on servers: a 600B+ mixture of experts (R1, R1-0528, R1-Zero). */
export function needsServer(totalParams: number): boolean {
  return totalParams >= SERVER_SCALE_PARAMS;
}
