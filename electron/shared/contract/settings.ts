import { z } from "zod";
import { call } from "./define.js";
import { KvCacheChoice, MAX_SEQUENCES } from "./engine.js";

// Calls and events of the settings capability. Owned by the settings work; see index.ts.

export const GpuBackend = z.enum(["auto", "cuda", "vulkan", "metal", "cpu"]);
export type GpuBackend = z.infer<typeof GpuBackend>;

export const Theme = z.enum(["system", "light", "dark"]);
export type Theme = z.infer<typeof Theme>;

/** Each field's own schema: a settings file is repaired field by field against these. */
export const HubSettings = z.object({
  /** Hugging Face or a mirror of it; HF_ENDPOINT sets the default. */
  endpoint: z.url({ protocol: /^https?$/ }),
  /** Sent for gated models; HF_TOKEN sets the default. */
  token: z.string().max(4096).nullable(),
  /**
   * The origin (scheme://host:port) the token was given for: it is sent there only. The core sets it
   * when a token is given; an endpoint moved to another origin without a new token drops the token.
   */
  tokenOrigin: z.string().max(2100).nullable(),
});

export const SamplingSettings = z.object({
  /** DeepSeek recommends 0.5–0.7 (0.6) for R1; outside that, outputs repeat or ramble. */
  temperature: z.number().min(0).max(2),
  topP: z.number().gt(0).max(1),
  /** null: a fresh random seed per answer. */
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .nullable(),
  /** Upper bound on generated tokens (reasoning and answer together). */
  maxTokens: z.number().int().min(16).max(1_048_576),
});

export const ApiServerSettings = z.object({
  enabled: z.boolean(),
  port: z.number().int().min(1024).max(65_535),
});

export const UpdateSettings = z.object({
  /** Off by default: the app asks GitHub for a newer version only when the person wants it to. */
  checkOnStart: z.boolean(),
});

export const DownloadSettings = z.object({
  concurrency: z.number().int().min(1).max(8),
});

/** A full path on any platform (/…, C:\…, \\server\…): a relative one would depend on the working folder. */
const FullPath = z
  .string()
  .min(1)
  .max(4096)
  .regex(/^(\/|[A-Za-z]:[\\/]|\\\\)/, "must be a full path");

export const Settings = z.object({
  version: z.number().int(),
  modelsDir: FullPath,
  hub: HubSettings,
  gpuBackend: GpuBackend,
  /** "auto": the library picks from the CPU's math cores. */
  threads: z.union([z.literal("auto"), z.number().int().min(1).max(512)]),
  /** "auto": room to reason, the largest of 64K/32K/16K/8K the fit estimator says runs here at the same placement as 8K. */
  contextSize: z.union([z.literal("auto"), z.number().int().min(512).max(1_048_576)]),
  /** "auto": q8_0, or q4_0 where that buys the larger context. */
  kvCacheType: KvCacheChoice,
  /** Speculative decoding: a smaller model of the library with the same tokenizer drafts tokens the loaded one checks. */
  speculativeDecoding: z.boolean(),
  /**
   * Requests answered at once: sequences in the loaded model's context, each with the whole context
   * (the app's window has one of its own). "auto": up to 4, as many as fit at the same placement.
   */
  parallelRequests: z.union([z.literal("auto"), z.number().int().min(1).max(MAX_SEQUENCES)]),
  sampling: SamplingSettings,
  /** "off": reasoning runs until the model closes it; a number caps the reasoning tokens. */
  thinkingBudget: z.union([z.literal("off"), z.number().int().min(1).max(1_048_576)]),
  theme: Theme,
  apiServer: ApiServerSettings,
  downloads: DownloadSettings,
  updates: UpdateSettings,
  /** A JSON catalog file merged with the built-in one; null: none. */
  extraCatalogPath: FullPath.nullable(),
});
export type Settings = z.infer<typeof Settings>;

/** A partial change: any subset of fields, groups partially too. Unknown fields are refused. */
export const SettingsPatch = z
  .object({
    modelsDir: Settings.shape.modelsDir,
    /** The token's origin is the core's to set, never a client's. */
    hub: HubSettings.omit({ tokenOrigin: true }).partial().strict(),
    gpuBackend: GpuBackend,
    threads: Settings.shape.threads,
    contextSize: Settings.shape.contextSize,
    kvCacheType: Settings.shape.kvCacheType,
    speculativeDecoding: Settings.shape.speculativeDecoding,
    parallelRequests: Settings.shape.parallelRequests,
    sampling: SamplingSettings.partial().strict(),
    thinkingBudget: Settings.shape.thinkingBudget,
    theme: Theme,
    apiServer: ApiServerSettings.partial().strict(),
    downloads: DownloadSettings.partial().strict(),
    updates: UpdateSettings.partial().strict(),
    extraCatalogPath: Settings.shape.extraCatalogPath,
  })
  .partial()
  .strict();
export type SettingsPatch = z.infer<typeof SettingsPatch>;

/**
 * The hub as clients see it: whether a token is set and its last four characters, never the token
 * (a renderer, a browser tab in serve mode or a log would otherwise hold the person's credential).
 */
export const HubSettingsView = z.object({
  endpoint: HubSettings.shape.endpoint,
  tokenSet: z.boolean(),
  tokenHint: z.string().max(4).nullable(),
});

/** Settings as they leave the core: the same, with the hub token redacted. */
export const ClientSettings = Settings.extend({ hub: HubSettingsView });
export type ClientSettings = z.infer<typeof ClientSettings>;

export const SettingsView = z.object({
  settings: ClientSettings,
  /** What each field is when the user has not set it (models folder, env-derived hub, …). */
  defaults: ClientSettings,
  /** Repairs made when settings.json was read (unknown or invalid fields), for people to read. */
  notices: z.array(z.string()),
});
export type SettingsView = z.infer<typeof SettingsView>;

export const settingsCalls = {
  "settings.get": call(z.object({}).strict(), SettingsView),
  "settings.update": call(z.object({ patch: SettingsPatch }).strict(), z.object({ settings: ClientSettings })),
} satisfies Record<string, ReturnType<typeof call>>;

export const settingsEvents = {
  "settings.changed": z.object({ settings: ClientSettings }),
} satisfies Record<string, z.ZodType>;
