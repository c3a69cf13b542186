/**
 * What turns passages into vectors. The index knows only this: the engine's GGUF embedding model
 * and the deterministic test embedder both fit behind it. `id` names the model and its settings; an
 * index built with another id is re-embedded, never mixed.
 */
export interface Embedder {
  readonly id: string;
  readonly dimensions: number;
  embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]>;
}
