import type { IncomingMessage, ServerResponse } from "node:http";
import { FaultSpec, type FaultInjector } from "./faults.js";
import { readBody, sendJson } from "./responses.js";
import type { HubRequestLog } from "./server.js";

/**
 * /__hub/…: lets a process that only speaks HTTP (the standalone mirror's users) set faults and
 * read the request log. `parts`: the path after /__hub/, split.
 */
export async function serveControl(
  req: IncomingMessage,
  res: ServerResponse,
  parts: string[],
  hub: { faults: FaultInjector; requests: HubRequestLog[] },
): Promise<void> {
  const { faults } = hub;
  if (parts[0] === "faults") {
    if (req.method === "POST") {
      const body = JSON.parse(await readBody(req)) as unknown;
      const specs = Array.isArray(body) ? body : [body];
      for (const spec of specs) faults.add(FaultSpec.parse(spec));
      return sendJson(res, 200, { pending: faults.pending() });
    }
    if (req.method === "DELETE") {
      faults.clear();
      return sendJson(res, 200, { pending: [] });
    }
    return sendJson(res, 200, { pending: faults.pending() });
  }
  if (parts[0] === "requests") return sendJson(res, 200, hub.requests);
  sendJson(res, 404, { error: "Unknown control endpoint" });
}
