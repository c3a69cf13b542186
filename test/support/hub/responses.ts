import type { IncomingMessage, ServerResponse } from "node:http";

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader("content-type", "application/json");
  res.setHeader("content-length", String(Buffer.byteLength(text)));
  res.end(text);
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** A valid JSON array of about `bytes` bytes, streamed without a Content-Length (a hostile API answer). */
export async function sendHugeJson(res: ServerResponse, bytes: number): Promise<void> {
  res.writeHead(200, { "content-type": "application/json" });
  const item = JSON.stringify({ type: "file", path: "x".repeat(200), size: 1 }) + ",";
  const block = Buffer.from(item.repeat(Math.ceil((64 * 1024) / item.length)));
  res.write("[");
  for (let sent = 0; sent < bytes && !res.destroyed; sent += block.length) {
    if (!res.write(block)) await new Promise((ok) => res.once("drain", ok).once("close", ok));
  }
  res.end("{}]");
}
