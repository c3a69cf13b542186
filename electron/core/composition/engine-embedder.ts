import path from "node:path";
import type { Embedder } from "../collections/embedder.js";
import type { EngineService } from "../local-engine/engine-service.js";

/**
 * The collections' Embedder on a GGUF embedding model run by the engine process. Its size is asked
 * of the model once (one probe text), so an index knows its vectors' width before the first file.
 */
export async function engineEmbedder(engine: Pick<EngineService, "embed">, modelPath: string): Promise<Embedder> {
  const [probe] = await engine.embed(modelPath, ["dimensions"]);
  if (!probe?.length) throw new Error(`${path.basename(modelPath)} gave no embedding; it may not be an embedding model.`);
  return {
    id: `gguf:${path.basename(modelPath)}:${probe.length}`,
    dimensions: probe.length,
    embed: async (texts) => (texts.length === 0 ? [] : (await engine.embed(modelPath, texts)).map((vector) => Float32Array.from(vector))),
  };
}
