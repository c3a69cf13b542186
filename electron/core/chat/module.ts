import type { CoreContext, CoreModule } from "../core-context.js";
import { ChatService } from "./chat-service.js";

declare module "../services.js" {
  interface CoreServices {
    /** Responses: chat.send's job, plus the hooks the conversation store plugs into. */
    chat: ChatService;
  }
}

/** The chat capability's handlers. */
export async function createChatModule(ctx: CoreContext): Promise<CoreModule> {
  const service = new ChatService(
    () => ctx.services.get("engine"),
    ctx.jobs,
    ctx.emit,
    () => {
      if (!ctx.services.has("settings")) return {};
      const settings = ctx.services.get("settings").get();
      return {
        temperature: settings.sampling.temperature,
        topP: settings.sampling.topP,
        seed: settings.sampling.seed ?? undefined,
        maxTokens: settings.sampling.maxTokens,
        thinkingBudget: settings.thinkingBudget === "off" ? undefined : settings.thinkingBudget,
      };
    },
  );
  ctx.services.provide("chat", service);
  return {
    handlers: {
      "chat.send": async (request) => ({ jobId: await service.send(request) }),
    },
  };
}
