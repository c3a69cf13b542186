import type { ServerResponse } from "node:http";
import { describeIssues } from "../kernel/zod-issues.js";
import type { ApiRoute, RouteDeps } from "./api-route.js";
import { ApiFailure, parseChatRequest, startChat } from "./chat-completion.js";
import { clientGone, openEventStream, sendJson } from "./http-io.js";
import { failOpenAi } from "./openai-chat-route.js";
import { ResponsesBuilder, type ResponsesEvent } from "./openai-to-responses.js";
import { ResponsesRequest } from "./responses-schemas.js";
import { responsesToOpenAiRequest } from "./responses-to-openai.js";

const write = (res: ServerResponse, events: ResponsesEvent[]) => {
  for (const event of events) res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
};

/**
 * OpenAI's Responses API, stateless (`POST /v1/responses`), as Codex speaks it: the request is
 * translated into Chat Completions and runs the same path; the reasoning comes back as a
 * reasoning item's summary, the answer as a message item.
 */
export function responsesRoute(deps: RouteDeps): ApiRoute {
  return {
    owns: (path) => path === "/v1/responses" || path.startsWith("/v1/responses/"),
    fail: failOpenAi,
    async handle(path, body, _req, res) {
      if (path !== "/v1/responses") throw new ApiFailure(404, "not_found", `No route POST ${path}: stored responses are not kept here.`);
      const parsed = ResponsesRequest.safeParse(body);
      if (!parsed.success) throw new ApiFailure(400, "invalid_request_error", describeIssues(parsed.error));
      const source = parsed.data;
      const request = parseChatRequest(responsesToOpenAiRequest(source));
      const { model, steps } = startChat(deps.engine, deps.defaults(), request, clientGone(res));
      const echo = {
        instructions: source.instructions ?? null,
        max_output_tokens: source.max_output_tokens ?? null,
        parallel_tool_calls: source.parallel_tool_calls ?? true,
        temperature: request.temperature ?? null,
        top_p: request.top_p ?? null,
        tool_choice: source.tool_choice ?? "auto",
        tools: source.tools ?? [],
        text: { format: { type: "text" } },
      };
      const builder = new ResponsesBuilder(model.name, echo);
      try {
        let step = await steps.next();
        if (source.stream) {
          openEventStream(res);
          write(res, builder.start());
        }
        for (; !step.done; step = await steps.next()) {
          const event = step.value;
          if (event.type === "delta") {
            const events = builder.delta(event.delta);
            if (source.stream) write(res, events);
          } else if (event.type === "error") {
            if (!source.stream) throw new ApiFailure(500, "engine_error", event.message);
            write(res, [{ type: "error", code: "engine_error", message: event.message, param: null, sequence_number: 0 }]);
            return void res.end();
          } else {
            const events = builder.finish(event);
            if (!source.stream) return sendJson(res, 200, builder.response("completed", event));
            write(res, events);
            return void res.end();
          }
        }
      } finally {
        await steps.return(undefined);
      }
    },
  };
}
