import { createHash } from "node:crypto";
import { readFile, stat, writeFile } from "node:fs/promises";
import { readGgufFileInfo } from "node-llama-cpp";

/**
 * Writes an extra catalog file with one entry for a generated model served by the local hub, so
 * tests and e2e can pick, download and fit it like a catalog model. The architecture numbers are
 * read from the file's own header; size and sha256 are the file's.
 *
 *   const { catalogPath, variantId } = await writeFixtureCatalog(path.join(dir, "extra.json"), {
 *     modelFile: await ensureFixture("scripted-r1"), repo: "local/scripted-r1-GGUF", fileName: "scripted-r1.gguf" });
 *   // then R1_EXTRA_CATALOG=catalogPath (or the extraCatalogPath setting)
 */
export async function writeFixtureCatalog(
  catalogPath: string,
  options: { modelFile: string; repo: string; fileName: string; id?: string; name?: string },
): Promise<{ catalogPath: string; modelId: string; variantId: string }> {
  const info = await readGgufFileInfo(options.modelFile, { logWarnings: false });
  const md = info.architectureMetadata as {
    context_length?: number;
    embedding_length?: number;
    block_count?: number;
    feed_forward_length?: number;
    vocab_size?: number;
    attention?: { head_count?: number; head_count_kv?: number; key_length?: number };
  };
  const arch = info.metadata.general.architecture;
  if (arch !== "qwen2" && arch !== "llama" && arch !== "qwen3") throw new Error(`No catalog shape for ${arch}`);
  const tensors = info.fullTensorInfo ?? [];
  const embedding = md.embedding_length!;
  const heads = md.attention!.head_count!;
  const tokenEmbedding = tensors.find((t) => t.name === "token_embd.weight")!;
  const types = new Set(tensors.map((t) => t.ggmlType));
  const quant = types.has(8) ? "Q8_0" : types.has(1) ? "F16" : "F32";
  const id = options.id ?? options.fileName.replace(/\.gguf$/, "").toLowerCase();
  const bytes = await readFile(options.modelFile);
  const entry = {
    id,
    name: options.name ?? `${id} (generated test model)`,
    description: "A generated model for tests.",
    parameters: { total: tensors.reduce((n, t) => n + t.dimensions.reduce<number>((p, d) => p * Number(d), 1), 0), active: 0 },
    licenses: ["MIT"],
    uses: ["edge"],
    architecture: {
      type: "dense",
      arch,
      blocks: md.block_count!,
      embedding,
      heads,
      kvHeads: md.attention!.head_count_kv ?? heads,
      headDim: md.attention!.key_length ?? embedding / heads,
      ffn: md.feed_forward_length!,
      vocab: md.vocab_size ?? Number(tokenEmbedding.dimensions[1]),
      contextLength: md.context_length!,
      tiedEmbeddings: !tensors.some((t) => t.name === "output.weight"),
    },
    variants: [
      {
        id: `${id}.${quant.toLowerCase()}`,
        quant,
        repo: options.repo,
        files: [{ path: options.fileName, sizeBytes: (await stat(options.modelFile)).size, sha256: createHash("sha256").update(bytes).digest("hex") }],
        approximate: false,
      },
    ],
  };
  entry.parameters.active = entry.parameters.total;
  await writeFile(catalogPath, JSON.stringify({ version: 1, models: [entry] }, null, 2));
  return { catalogPath, modelId: id, variantId: entry.variants[0]!.id };
}
