import { z } from "zod";
import { call } from "./define.js";
import { ModelFamily } from "./engine.js";

/** Serving engines people run the 671B and R1-Zero on, plus DeepSeek's own API. */
export const RemotePreset = z.enum(["vllm", "sglang", "llama-server", "ktransformers", "deepseek-api", "custom"]);
export type RemotePreset = z.infer<typeof RemotePreset>;

export interface RemotePresetInfo {
  label: string;
  baseUrl: string;
  model: string;
  family: ModelFamily;
  /** What the server must be started with so reasoning comes back as its own field. */
  reasoningFlag: string;
}

/** What each preset fills in. Servers without a reasoning parser still work: `<think>` in content is split here. */
export const REMOTE_PRESETS: Record<RemotePreset, RemotePresetInfo> = {
  vllm: {
    label: "vLLM",
    baseUrl: "http://127.0.0.1:8000/v1",
    model: "deepseek-ai/DeepSeek-R1",
    family: "r1-distill",
    reasoningFlag: "--reasoning-parser deepseek_r1",
  },
  sglang: {
    label: "SGLang",
    baseUrl: "http://127.0.0.1:30000/v1",
    model: "deepseek-ai/DeepSeek-R1",
    family: "r1-distill",
    reasoningFlag: "--reasoning-parser deepseek-r1",
  },
  "llama-server": {
    label: "llama.cpp llama-server",
    baseUrl: "http://127.0.0.1:8080/v1",
    model: "DeepSeek-R1",
    family: "r1-distill",
    reasoningFlag: "--reasoning-format deepseek",
  },
  ktransformers: {
    label: "KTransformers",
    baseUrl: "http://127.0.0.1:10002/v1",
    model: "DeepSeek-R1",
    family: "r1-distill",
    reasoningFlag: "(splits <think> itself)",
  },
  "deepseek-api": {
    label: "DeepSeek API (V3.2, not R1)",
    baseUrl: "https://api.deepseek.com/v1",
    model: "deepseek-reasoner",
    family: "r1-0528",
    reasoningFlag: "(reasoning_content built in)",
  },
  custom: { label: "Other OpenAI-compatible server", baseUrl: "http://127.0.0.1:8000/v1", model: "", family: "r1-distill", reasoningFlag: "" },
};

/** Models this big (the 671B R1, R1-0528, R1-Zero) get "Run on a server" in the picker. */
export const SERVER_SCALE_PARAMS = 300e9;

/**
 * A server's address ending in /v1. A query or fragment is refused: the app joins paths to it
 * (`/models`, `/chat/completions`), and a `?` would let the address decide the whole request.
 */
const BaseUrl = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .refine((url) => !url.includes("?") && !url.includes("#"), {
    message: "A base URL cannot have a query (?…) or a fragment (#…); give the server's address ending in /v1.",
  });

/** An endpoint as the renderer sees it: the API key never leaves the core, only whether one is set and its last characters. */
export const RemoteEndpointView = z.object({
  id: z.string(),
  name: z.string(),
  baseUrl: z.string(),
  model: z.string(),
  preset: RemotePreset,
  /** Drives the R1 rules: the original R1 and its distills take no system prompt. */
  family: ModelFamily,
  hasKey: z.boolean(),
  /** e.g. "…x7Qa"; null without a key. */
  keyHint: z.string().nullable(),
  /** The person allowed the key over plain http to this (non-loopback) server. */
  sendKeyOverHttp: z.boolean(),
});
export type RemoteEndpointView = z.infer<typeof RemoteEndpointView>;

export const RemoteEndpointInput = z
  .object({
    /** Omitted: a new endpoint. */
    id: z.string().min(1).max(64).optional(),
    name: z.string().trim().min(1).max(100),
    baseUrl: BaseUrl,
    model: z.string().trim().min(1).max(300),
    preset: RemotePreset,
    family: ModelFamily,
    /** Omitted: keep the stored key (only while the address keeps its origin); null: remove it. */
    apiKey: z.string().max(4096).nullable().optional(),
    /** "Send the key over http": allow the key in clear text to a server that is not this machine. */
    sendKeyOverHttp: z.boolean().optional(),
  })
  .strict();
export type RemoteEndpointInput = z.input<typeof RemoteEndpointInput>;

export const RemoteTestResult = z.object({
  latencyMs: z.number(),
  /** What /v1/models lists. */
  models: z.array(z.string()),
  /** Whether the endpoint's model is among them. */
  modelServed: z.boolean(),
});
export type RemoteTestResult = z.infer<typeof RemoteTestResult>;

export const RemoteSelection = z.object({ selected: RemoteEndpointView.nullable() });

/** One way to run a model too big for this machine (plans from `remote.plans`). */
export const ServerRecipe = z.object({
  engine: z.enum(["vllm", "sglang", "llama-server", "deepseek-api"]),
  /** "FP8", "UD-IQ1_S", … */
  precision: z.string(),
  weightsBytes: z.number(),
  /** In words: "2 nodes × 8 × H100 80 GB", "1 GPU (24 GB) + 256 GB RAM". */
  hardware: z.string(),
  gpus: z.number().int(),
  nodes: z.number().int(),
  gpuMemoryGb: z.number(),
  /** Host RAM the recipe needs besides the GPUs (experts kept in RAM), bytes. */
  ramBytes: z.number(),
  /** Copyable launch command(s), one per node, then the SSH tunnel from this computer. */
  commands: z.array(z.string()),
  /** The `--api-key` the commands start the server with (new on every showing), for the endpoint form; null where the provider issues keys. */
  apiKey: z.string().nullable(),
  /** The model name the server answers to (the endpoint form's Model). */
  model: z.string(),
  preset: RemotePreset,
  note: z.string(),
});
export type ServerRecipe = z.infer<typeof ServerRecipe>;

export const remoteCalls = {
  "remote.list": call(z.object({}).strict(), z.object({ endpoints: z.array(RemoteEndpointView), selected: z.string().nullable() })),
  "remote.save": call(RemoteEndpointInput, RemoteEndpointView),
  "remote.remove": call(z.object({ id: z.string().min(1).max(64) }).strict(), z.object({ removed: z.boolean() })),
  /** Lists /v1/models of a saved endpoint, or of one being edited (its key given, or the saved one's by id). */
  "remote.test": call(
    z
      .object({
        id: z.string().min(1).max(64).optional(),
        baseUrl: BaseUrl.optional(),
        apiKey: z.string().max(4096).nullable().optional(),
        model: z.string().max(300).optional(),
        sendKeyOverHttp: z.boolean().optional(),
      })
      .strict()
      .refine((r) => r.id || r.baseUrl, { message: "Give a saved endpoint or a base URL." }),
    RemoteTestResult,
  ),
  /** Chat and the local API answer from this endpoint (null: the local engine again). */
  "remote.select": call(z.object({ id: z.string().min(1).max(64).nullable() }).strict(), RemoteSelection),
  /** How to run a catalog model on a server: the smallest hardware per precision, with commands. */
  "remote.plans": call(z.object({ modelId: z.string().min(1).max(200) }).strict(), z.object({ recipes: z.array(ServerRecipe) })),
};

export const remoteEvents = {
  /** The engine answering chat changed: a remote endpoint (its text leaves this machine) or the local one. */
  "remote.selected": RemoteSelection,
};
