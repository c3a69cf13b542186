import type { GenerationEngine } from "../generation/generation-engine.js";
import type { CapabilityModule, CoreContext } from "../kernel/context.js";
import { generationDefaults } from "../settings/generation-defaults.js";
import type { SettingsService } from "../settings/settings-service.js";
import { ChatService, type ChatHistorySource, type ChatPersistence } from "./chat-service.js";
import type { PassageSource } from "./collection-passages.js";
import type { LocalContext } from "./larger-context.js";

export interface ChatDeps {
  engine: GenerationEngine;
  settings: Pick<SettingsService, "get">;
  /** The conversation store's side of a chat, when the app keeps conversations. */
  history?: ChatHistorySource;
  persistence?: ChatPersistence;
  /** The local model's room (engine process and fit estimator), for the larger-context action. */
  localContext?: LocalContext;
  /** Passages of the collections a question names. */
  passages?: PassageSource;
}

/** Responses: chat.send starts a job that streams the engine's output (and keeps it, when wired). */
export function createChatModule(ctx: CoreContext, deps: ChatDeps): CapabilityModule<ChatService> {
  const service = new ChatService({
    engine: deps.engine,
    jobs: ctx.jobs,
    emit: ctx.emit,
    log: ctx.log,
    samplingDefaults: () => generationDefaults(deps.settings.get()),
    history: deps.history,
    persistence: deps.persistence,
    localContext: deps.localContext,
    passages: deps.passages,
  });
  return {
    service,
    handlers: {
      "chat.send": async (request) => ({ jobId: await service.send(request) }),
      "chat.measure": (request) => service.measure(request),
    },
  };
}
