import type { IncomingMessage, ServerResponse } from "node:http";

const MAX_BODY = 8 * 1024 * 1024;

/** The request body as JSON; a RangeError past 8 MiB, a SyntaxError when it is not JSON. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new RangeError("Request body is larger than 8 MiB.");
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

export function openEventStream(res: ServerResponse): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
}

/** An abort signal that fires when the client goes away. */
export function clientGone(res: ServerResponse): AbortSignal {
  const abort = new AbortController();
  res.on("close", () => abort.abort(new Error("The client went away.")));
  return abort.signal;
}
