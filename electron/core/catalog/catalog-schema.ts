import { z } from "zod";
import { Benchmarks as ContractBenchmarks } from "../../shared/contract/catalog.js";

/**
 * The catalog file's shape (resources/catalog/catalog.json and any extra catalog file).
 * Architecture numbers are what the fit estimator builds a model's structure from until its file is here.
 */
export const DenseArchitecture = z
  .object({
    type: z.literal("dense"),
    arch: z.enum(["qwen2", "llama", "qwen3"]),
    blocks: z.number().int().positive(),
    embedding: z.number().int().positive(),
    heads: z.number().int().positive(),
    kvHeads: z.number().int().positive(),
    headDim: z.number().int().positive(),
    ffn: z.number().int().positive(),
    vocab: z.number().int().positive(),
    contextLength: z.number().int().positive(),
    /** The output projection reuses the token embedding (no `output.weight`). */
    tiedEmbeddings: z.boolean().default(false),
  })
  .strict();

/** DeepSeek-V3/R1: multi-head latent attention and a mixture of experts (llama.cpp `deepseek2`). */
export const MlaMoeArchitecture = z
  .object({
    type: z.literal("mla-moe"),
    arch: z.literal("deepseek2"),
    blocks: z.number().int().positive(),
    embedding: z.number().int().positive(),
    heads: z.number().int().positive(),
    qLoraRank: z.number().int().positive(),
    kvLoraRank: z.number().int().positive(),
    qkRopeHeadDim: z.number().int().positive(),
    qkNopeHeadDim: z.number().int().positive(),
    vHeadDim: z.number().int().positive(),
    /** The first blocks use a dense FFN of `denseFfn`; the rest are mixture-of-experts blocks. */
    denseBlocks: z.number().int().nonnegative(),
    denseFfn: z.number().int().positive(),
    expertFfn: z.number().int().positive(),
    experts: z.number().int().positive(),
    sharedExperts: z.number().int().nonnegative(),
    activeExperts: z.number().int().positive(),
    vocab: z.number().int().positive(),
    contextLength: z.number().int().positive(),
    /**
     * How the released GGUF files store attention, which decides the KV cache llama.cpp allocates.
     * "compressed": llama.cpp's MLA layout (split attn_k_b/attn_v_b, `key_length_mla`): one
     * 576-wide latent per token and layer. "per-head": the older layout (one attn_kv_b, no MLA keys)
     * of the January R1 and R1-Zero files: every head's key (192) and value (128) are cached,
     * about 4.77 MiB per token at F16, 71 times more.
     */
    attentionCache: z.enum(["compressed", "per-head"]).default("compressed"),
  })
  .strict();

export const Architecture = z.discriminatedUnion("type", [DenseArchitecture, MlaMoeArchitecture]);
export type Architecture = z.infer<typeof Architecture>;
export type DenseArchitecture = z.infer<typeof DenseArchitecture>;
export type MlaMoeArchitecture = z.infer<typeof MlaMoeArchitecture>;

/** Quantization recipes the fit estimator knows (see electron/core/fit/quant-recipes.ts). */
export const QuantRecipeName = z.enum(["F32", "F16", "Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "UD-IQ1_S", "UD-IQ1_M", "UD-IQ2_XXS", "UD-Q2_K_XL"]);
export type QuantRecipeName = z.infer<typeof QuantRecipeName>;

const RepoName = z.string().regex(/^[\w.-]+\/[\w.-]+$/, "a Hugging Face repository looks like owner/name");
const RepoPath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith("/") && !p.split("/").includes(".."), "a file path inside the repository")
  .refine((p) => p.endsWith(".gguf"), "a .gguf file");

export const CatalogFile = z
  .object({
    path: RepoPath,
    sizeBytes: z.number().int().positive(),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
  })
  .strict();

export const CatalogVariant = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
    quant: QuantRecipeName,
    /** What people call it when it differs from the recipe name (e.g. "Q4_K_M, 9 parts"). */
    label: z.string().optional(),
    repo: RepoName,
    /** One file, or the parts of a split model in order (`-00001-of-0000N.gguf`). */
    files: z.array(CatalogFile).min(1),
    /** Sizes were not verified against the hub; refreshed from its tree API when online. */
    approximate: z.boolean().default(false),
    /** Where the sizes come from (JSON has no comments): the page or listing they were read from. */
    source: z.string().max(500).optional(),
  })
  .strict();

export const Benchmarks = ContractBenchmarks.strict();

export const UseTag = z.enum(["edge", "coding", "math", "chat"]);

export const CatalogModel = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
    name: z.string().min(1),
    description: z.string().default(""),
    baseModel: z.string().optional(),
    /** Published parameter counts (total; active per token for mixtures of experts). */
    parameters: z.object({ total: z.number().positive(), active: z.number().positive() }).strict(),
    licenses: z.array(z.string().min(1)).min(1),
    benchmarks: Benchmarks.default({}),
    /** Shown with the model wherever it can be chosen. */
    warning: z.string().optional(),
    uses: z.array(UseTag).default([]),
    /** Trained on DeepSeek's tool-call format (R1-0528 and its distill); the API's `capabilities.tools` says the same. */
    toolCalls: z.enum(["trained", "untrained"]).default("untrained"),
    architecture: Architecture,
    variants: z.array(CatalogVariant).min(1),
  })
  .strict();

export const CatalogDocument = z
  .object({
    version: z.literal(1),
    models: z.array(CatalogModel),
  })
  .strict();

export type CatalogModel = z.infer<typeof CatalogModel>;
export type CatalogVariant = z.infer<typeof CatalogVariant>;
export type CatalogDocument = z.infer<typeof CatalogDocument>;
