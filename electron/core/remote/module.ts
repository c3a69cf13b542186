import type { CatalogService } from "../catalog/module.js";
import type { CapabilityModule, CoreContext } from "../kernel/context.js";
import { AppError } from "../kernel/errors.js";
import { originOf } from "../kernel/loopback.js";
import { testConnection } from "./connection-test.js";
import { keyOverHttpRefusal } from "./key-origin.js";
import { EndpointStore } from "./endpoint-store.js";
import { DEFAULT_TIMEOUTS, RemoteEngine, remoteAgent, type RemoteTimeouts } from "./remote-engine.js";
import { needsServer, serverRecipes, type PlannableModel } from "./server-plans.js";

export interface RemoteDeps {
  catalog: Pick<CatalogService, "models">;
  /** Tests shorten them; people get DEFAULT_TIMEOUTS (see RemoteTimeouts for why each). */
  timeouts?: RemoteTimeouts;
  /** This app's instance id, which its own API echoes: an endpoint pointing at it is refused by name. */
  instanceId?: string;
}

/** The remote engine chat and the local API answer from when one is selected (null: the local engine). */
export interface RemoteService {
  active(): RemoteEngine | null;
  onSelect(listener: () => void): () => void;
}

const UPSTREAM_REPO: Record<string, string> = {
  r1: "deepseek-ai/DeepSeek-R1",
  "r1-0528": "deepseek-ai/DeepSeek-R1-0528",
  "r1-zero": "deepseek-ai/DeepSeek-R1-Zero",
};

/**
 * F16 KV cache bytes per token llama.cpp allocates for the released GGUF files: the compressed (MLA)
 * layout caches one latent per layer; the older per-head layout of the January R1 and R1-Zero files
 * caches every head's key and value (about 71 times more).
 */
function ggufKvBytesPerToken(a: ReturnType<CatalogService["models"]>[number]["architecture"]): number {
  if (a.type !== "mla-moe") return 0;
  const perLayer = a.attentionCache === "per-head" ? a.heads * (a.qkNopeHeadDim + a.qkRopeHeadDim + a.vHeadDim) : a.kvLoraRank + a.qkRopeHeadDim;
  return a.blocks * perLayer * 2;
}

/** The catalog model as the planner reads it; its upstream repo follows from the id's R1 release. */
function plannable(model: ReturnType<CatalogService["models"]>[number]): PlannableModel {
  const release = /zero/i.test(model.id) ? "r1-zero" : /0528/.test(model.id) ? "r1-0528" : "r1";
  return {
    id: model.id,
    name: model.name,
    totalParams: model.parameters.total,
    fp8Repo: UPSTREAM_REPO[release]!,
    onDeepSeekApi: release !== "r1-zero",
    ggufKvBytesPerToken: ggufKvBytesPerToken(model.architecture),
    quants: model.variants.map((v) => ({
      quant: v.quant,
      repo: v.repo,
      sizeBytes: v.files.reduce((sum, f) => sum + f.sizeBytes, 0),
      firstFile: v.files[0]?.path.split("/").at(-1) ?? `${v.quant}.gguf`,
    })),
  };
}

/** The host alone, for the log: a base URL may carry a path someone considers private. */
function hostOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).host;
  } catch {
    return "an unparsable address";
  }
}

/** Remote OpenAI-compatible servers: the list (keys kept in the core), "test connection", selection, and server plans. */
export function createRemoteModule(ctx: CoreContext, deps: RemoteDeps): CapabilityModule<RemoteService> {
  const timeouts = deps.timeouts ?? DEFAULT_TIMEOUTS;
  const agent = remoteAgent(timeouts);
  const store = new EndpointStore(ctx.dataDir);
  for (const message of store.notices) ctx.emit("app.notice", { level: "warning", message });
  const listeners = new Set<() => void>();
  let engine: RemoteEngine | null = null;
  const refresh = () => {
    const id = store.selectedId;
    engine = id ? new RemoteEngine(store.target(id), agent, timeouts, deps.instanceId) : null;
  };
  refresh();
  const selection = () => ({ selected: store.selectedId ? (store.list().find((e) => e.id === store.selectedId) ?? null) : null });
  const changed = () => {
    refresh();
    ctx.emit("remote.selected", selection());
    for (const listener of listeners) listener();
  };

  const service: RemoteService = {
    active: () => engine,
    onSelect: (listener) => (listeners.add(listener), () => listeners.delete(listener)),
  };

  return {
    service,
    handlers: {
      "remote.list": () => ({ endpoints: store.list(), selected: store.selectedId }),
      "remote.save": async (input) => {
        const view = await store.save(input);
        if (view.id === store.selectedId) changed();
        return view;
      },
      "remote.remove": async ({ id }) => {
        const wasSelected = id === store.selectedId;
        const removed = await store.remove(id);
        if (wasSelected) changed();
        return { removed };
      },
      "remote.test": async ({ id, baseUrl, apiKey, model, sendKeyOverHttp }) => {
        const saved = id ? store.target(id) : undefined;
        const address = (baseUrl ?? saved!.baseUrl).replace(/\/+$/, "");
        // The saved key goes only to the origin it was given for; at another address only a key given now.
        const key = apiKey !== undefined ? apiKey?.trim() || null : saved?.keyOrigin === originOf(address) ? saved.apiKey : null;
        const allowHttp = sendKeyOverHttp ?? saved?.sendKeyOverHttp ?? false;
        const refusal = key ? keyOverHttpRefusal(address, allowHttp) : null;
        if (refusal) throw new AppError("bad-request", refusal, { reason: "key-over-http" });
        const target = {
          name: saved?.name ?? "The server",
          baseUrl: address,
          apiKey: key,
          keyOrigin: key ? originOf(address) : null,
          sendKeyOverHttp: allowHttp,
          model: model ?? saved?.model ?? "",
        };
        try {
          return await testConnection(target, agent, timeouts, undefined, deps.instanceId);
        } catch (err) {
          ctx.log.warn(`Remote test of ${hostOf(target.baseUrl)} failed: ${err instanceof Error ? err.message : String(err)}`);
          throw err;
        }
      },
      "remote.select": async ({ id }) => {
        await store.select(id);
        changed();
        return selection();
      },
      "remote.plans": ({ modelId }) => {
        const model = deps.catalog.models().find((m) => m.id === modelId);
        if (!model) throw new AppError("not-found", `No model "${modelId}" in the catalog.`);
        return { recipes: needsServer(model.parameters.total) ? serverRecipes(plannable(model)) : [] };
      },
    },
    close: () => agent.close(),
  };
}
