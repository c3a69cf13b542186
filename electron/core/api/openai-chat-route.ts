import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { ApiRoute, RouteDeps } from "./api-route.js";
import { ApiFailure, parseChatRequest, startChat } from "./chat-completion.js";
import { clientGone, openEventStream, sendJson } from "./http-io.js";

/** OpenAI's error body: `{error: {message, type, …}}`. */
export function failOpenAi(res: ServerResponse, status: number, type: string, message: string, extra: Record<string, unknown> = {}): void {
  if (res.headersSent) return void res.end();
  sendJson(res, status, { error: { message, type, ...extra } });
}

/** `POST /v1/chat/completions`, streamed or not, with the reasoning in `reasoning_content` as DeepSeek's own API returns it. */
export function openAiChatRoute(deps: RouteDeps): ApiRoute {
  return {
    // The shape of last resort: its 404 answers any path no other shape owns.
    owns: () => true,
    fail: failOpenAi,
    async handle(path, body, _req, res) {
      if (path !== "/v1/chat/completions") throw new ApiFailure(404, "not_found", `No route POST ${path}.`);
      const request = parseChatRequest(body);
      const { model, steps } = startChat(deps.engine, deps.defaults(), request, clientGone(res));
      const id = `chatcmpl-${randomUUID()}`;
      const created = Math.floor(Date.now() / 1000);
      const chunk = (fields: Record<string, unknown>) =>
        `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: model.name, ...fields })}\n\n`;
      const choice = (delta: object, finish: string | null = null) => chunk({ choices: [{ index: 0, delta, finish_reason: finish }] });
      try {
        let step = await steps.next();
        if (request.stream) {
          openEventStream(res);
          res.write(choice({ role: "assistant", content: "" }));
        }
        for (; !step.done; step = await steps.next()) {
          const event = step.value;
          if (event.type === "delta") {
            if (request.stream) res.write(choice(event.delta));
          } else if (event.type === "error") {
            if (request.stream) return void res.end(`data: ${JSON.stringify({ error: { message: event.message, type: "engine_error" } })}\n\n`);
            throw new ApiFailure(500, "engine_error", event.message);
          } else if (request.stream) {
            // The usage chunk only when asked for, as OpenAI sends it.
            const usage = event.usage && request.stream_options?.include_usage ? chunk({ choices: [], usage: event.usage }) : "";
            return void res.end(choice({}, event.finishReason) + usage + "data: [DONE]\n\n");
          } else {
            const choices = [{ index: 0, message: event.message, finish_reason: event.finishReason }];
            return sendJson(res, 200, { id, object: "chat.completion", created, model: model.name, choices, usage: event.usage });
          }
        }
      } finally {
        await steps.return(undefined);
      }
    },
  };
}
