import { createHash } from "node:crypto";
import http from "node:http";
import https from "node:https";

export interface OddServerOptions {
  data: Buffer;
  /** Send no Content-Length, so the body is chunked. */
  chunked?: boolean;
  /** Cut the first GET's connection after this many bytes (a dropped download). */
  dropFirstAfter?: number;
  tls?: { key: string; cert: string };
}

/**
 * A file server unlike the hub: chunked bodies, TLS, a dropped first connection. It answers any
 * path with the same file and honours Range, as a CDN does.
 */
export async function startOddFileServer(options: OddServerOptions): Promise<{ url: string; sha256: string; gets: number; close(): Promise<void> }> {
  const { data } = options;
  const sha256 = createHash("sha256").update(data).digest("hex");
  const state = { gets: 0 };
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (req.method === "HEAD") return void res.writeHead(200, { "content-length": data.length, etag: `"${sha256}"`, "accept-ranges": "bytes" }).end();
    state.gets++;
    const start = Number(/bytes=(\d+)-/.exec(req.headers.range ?? "")?.[1] ?? 0);
    const headers: Record<string, string | number> = start ? { "content-range": `bytes ${start}-${data.length - 1}/${data.length}` } : {};
    if (!options.chunked) headers["content-length"] = data.length - start;
    res.writeHead(start ? 206 : 200, headers);
    const cutAt = state.gets === 1 && options.dropFirstAfter !== undefined ? start + options.dropFirstAfter : data.length;
    let offset = start;
    const pump = (): void => {
      while (offset < cutAt) {
        const end = Math.min(offset + 64 * 1024, cutAt);
        const more = res.write(data.subarray(offset, end));
        offset = end;
        if (!more) return void res.once("drain", pump);
      }
      if (cutAt < data.length) res.socket?.destroy();
      else res.end();
    };
    pump();
  };
  const server = options.tls ? https.createServer(options.tls, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `${options.tls ? "https" : "http"}://127.0.0.1:${port}/model.gguf`,
    sha256,
    get gets() {
      return state.gets;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
