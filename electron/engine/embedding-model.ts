import type { Llama, LlamaEmbeddingContext, LlamaModel } from "node-llama-cpp";

/**
 * A GGUF embedding model beside the chat model, in the engine process: loaded on first use and
 * kept, so indexing a collection embeds passage after passage without loading it again. The chat
 * model and its context are left alone.
 */
export class EmbeddingModelHost {
  #loaded: { path: string; model: LlamaModel; context: LlamaEmbeddingContext } | null = null;

  async embed(llama: Llama, modelPath: string, texts: string[], signal?: AbortSignal): Promise<number[][]> {
    const { context } = await this.#ensure(llama, modelPath);
    const vectors: number[][] = [];
    for (const text of texts) {
      signal?.throwIfAborted();
      vectors.push([...(await context.getEmbeddingFor(text)).vector]);
    }
    return vectors;
  }

  async close(): Promise<void> {
    const loaded = this.#loaded;
    this.#loaded = null;
    await loaded?.context.dispose();
    await loaded?.model.dispose();
  }

  async #ensure(llama: Llama, modelPath: string) {
    if (this.#loaded?.path === modelPath) return this.#loaded;
    await this.close();
    const model = await llama.loadModel({ modelPath });
    const context = await model.createEmbeddingContext();
    this.#loaded = { path: modelPath, model, context };
    return this.#loaded;
  }
}
