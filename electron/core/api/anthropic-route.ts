import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { z } from "zod";
import { describeIssues } from "../kernel/zod-issues.js";
import type { ApiRoute, RouteDeps } from "./api-route.js";
import { AnthropicCountTokensRequest, AnthropicMessagesRequest } from "./anthropic-schemas.js";
import { toOpenAiPrompt, toOpenAiRequest } from "./anthropic-to-openai.js";
import { ApiFailure, parseChatRequest, startChat, type ChatFinish } from "./chat-completion.js";
import { clientGone, openEventStream, sendJson } from "./http-io.js";
import { AnthropicStreamTranslator, toAnthropicMessage, type AnthropicEvent } from "./openai-to-anthropic.js";
import { countPromptTokens } from "./prompt-tokens.js";

/** Anthropic's error type for each status, so its SDK raises the matching error class. */
function anthropicErrorType(status: number): string {
  if (status === 400 || status === 413) return status === 413 ? "request_too_large" : "invalid_request_error";
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 429) return "rate_limit_error";
  if (status === 503 || status === 529) return "overloaded_error";
  return "api_error";
}

export function failAnthropic(res: ServerResponse, status: number, _type: string, message: string): void {
  if (res.headersSent) return void res.end();
  sendJson(res, status, { type: "error", error: { type: anthropicErrorType(status), message } });
}

function parse<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ApiFailure(400, "invalid_request_error", describeIssues(parsed.error));
  return parsed.data;
}

const write = (res: ServerResponse, events: AnthropicEvent[]) => {
  for (const { event, data } of events) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
};

/**
 * Anthropic's Messages API (`POST /v1/messages`, `POST /v1/messages/count_tokens`), for Claude Code
 * and the Anthropic SDKs: each request is translated into a Chat Completions request and runs the
 * OpenAI endpoint's path; its deltas come back as Anthropic's events. Any model name is answered
 * by the loaded model (agents name their own for side requests); `anthropic-version` and
 * `anthropic-beta` headers are accepted and not needed.
 */
export function anthropicRoute(deps: RouteDeps): ApiRoute {
  return {
    owns: (path) => path === "/v1/messages" || path.startsWith("/v1/messages/"),
    fail: failAnthropic,
    async handle(path, body, _req, res) {
      if (path === "/v1/messages/count_tokens") {
        const source = parse(AnthropicCountTokensRequest, body);
        return sendJson(res, 200, { input_tokens: await countPromptTokens(deps.engine, toOpenAiPrompt(source)) });
      }
      if (path !== "/v1/messages") throw new ApiFailure(404, "not_found", `No route POST ${path}.`);
      const source = parse(AnthropicMessagesRequest, body);
      const translated = toOpenAiRequest(source);
      const request = parseChatRequest(translated.request);
      const { model, steps } = startChat(deps.engine, deps.defaults(), request, clientGone(res), { thinkingBudget: translated.thinkingBudget });
      const id = `msg_${randomUUID().replaceAll("-", "")}`;
      const stream = source.stream ? new AnthropicStreamTranslator(translated.showThinking) : null;
      try {
        let step = await steps.next();
        if (stream) {
          openEventStream(res);
          write(res, stream.start(id, model.name));
        }
        for (; !step.done; step = await steps.next()) {
          const event = step.value;
          if (event.type === "error") {
            if (!stream) throw new ApiFailure(500, "api_error", event.message);
            write(res, [{ event: "error", data: { type: "error", error: { type: "api_error", message: event.message } } }]);
            return void res.end();
          }
          if (event.type === "delta") {
            if (stream) write(res, stream.delta(event.delta));
            continue;
          }
          return finish(res, id, model.name, event, stream, translated.showThinking);
        }
      } finally {
        await steps.return(undefined);
      }
    },
  };
}

function finish(res: ServerResponse, id: string, model: string, done: ChatFinish, stream: AnthropicStreamTranslator | null, showThinking: boolean): void {
  if (!stream) return sendJson(res, 200, toAnthropicMessage(id, model, done, showThinking));
  write(res, stream.finish(done));
  res.end();
}
