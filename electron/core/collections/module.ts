import path from "node:path";
import type { CapabilityModule, CoreContext } from "../kernel/context.js";
import { CollectionsService } from "./collections-service.js";
import type { Embedder } from "./embedder.js";

export interface CollectionsDeps {
  /** The embedding model, when one is set; null keeps retrieval lexical. */
  embedder?: Embedder | null;
  /** Re-scan every collection at start (off in tests that drive indexing themselves). */
  rescanOnOpen?: boolean;
}

/** Collections of the person's folders and files, indexed in the data folder and asked in chat. */
export async function createCollectionsModule(ctx: CoreContext, deps: CollectionsDeps = {}): Promise<CapabilityModule<CollectionsService>> {
  const service = new CollectionsService({ dir: path.join(ctx.dataDir, "collections"), jobs: ctx.jobs, emit: ctx.emit, embedder: deps.embedder ?? null });
  const { notice } = await service.init();
  if (notice) ctx.emit("app.notice", { level: "warning", message: notice });
  if (deps.rescanOnOpen ?? true) service.rescanAll();
  return {
    service,
    handlers: {
      "collections.list": () => ({ collections: service.list() }),
      "collections.create": ({ name, sources }) => service.create(name, sources),
      "collections.delete": ({ id }) => service.delete(id),
      "collections.reindex": ({ id }) => service.reindex(id),
      "collections.pause": ({ id }) => service.pause(id),
      "collections.query": ({ ids, question, limit }) => service.query(ids, question, limit),
    },
    close: () => service.close(),
  };
}
