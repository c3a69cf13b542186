// A server on 127.0.0.1 that answers /v1/models and /v1/chat/completions as no honest server does:
// a line without end, a body without end, bytes dripped one at a time, a gzip bomb, a web page.
// It counts what it sent and says when its client went away, so tests can see the read stop.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { gzipSync } from "node:zlib";

export type HostileMode =
  /** An SSE stream whose first `data:` line never ends. */
  | { kind: "endless-line" }
  /** A 200 answer with `contentType` whose body never ends. */
  | { kind: "endless-body"; contentType: string }
  /** An error status whose body never ends. */
  | { kind: "endless-error"; status: number }
  /** `status` with `contentType`, one byte of `text` every `everyMs`. */
  | { kind: "drip"; status: number; contentType: string; everyMs: number }
  /** 200 with Content-Encoding: gzip, endless members that each unpack to 16 MiB of zeros. */
  | { kind: "gzip-bomb"; contentType: string }
  /** 200 with an HTML page (a login page, a proxy's front page). */
  | { kind: "html" };

export interface HostileServer {
  /** The base URL, ending in /v1. */
  url: string;
  /** Bytes written on the wire (compressed, for the bomb) since the last `set`. */
  readonly bytesSent: number;
  /** Resolves when the client of the current answer has gone away. */
  clientGone(): Promise<void>;
  set(mode: HostileMode): void;
  close(): Promise<void>;
}

export const HTML_PAGE = "<!doctype html><html><head><title>Sign in</title></head><body><form>Sign in to continue</form></body></html>";
const DRIP_TEXT = 'data: {"choices":[{"delta":{"content":"never whole"}}]}\n\n';
const ZEROS_MEMBER = gzipSync(Buffer.alloc(16 * 1024 * 1024));

export async function startHostileServer(): Promise<HostileServer> {
  let mode: HostileMode = { kind: "html" };
  let bytesSent = 0;
  let gone = deferred();
  const sockets = new Set<Socket>();

  /** Writes `next()` for as long as the client reads, honouring backpressure; stops when it leaves. */
  const pour = async (res: ServerResponse, next: () => Buffer | string) => {
    let open = true;
    res.on("close", () => (open = false));
    while (open) {
      const piece = next();
      bytesSent += Buffer.byteLength(piece);
      if (!res.write(piece)) await new Promise((resolve) => (res.once("drain", resolve), res.once("close", resolve)));
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    for await (const _ of req); // the request body is not looked at
    res.on("close", () => gone.resolve());
    const m = mode;
    if (m.kind === "html") return void res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(HTML_PAGE);
    if (m.kind === "endless-line") {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write('data: {"choices":[{"delta":{"content":"');
      const run = Buffer.alloc(64 * 1024, "a");
      return pour(res, () => run);
    }
    if (m.kind === "endless-body" || m.kind === "endless-error") {
      res.writeHead(m.kind === "endless-error" ? m.status : 200, { "content-type": m.kind === "endless-body" ? m.contentType : "application/json" });
      res.write('{"error":{"message":"');
      const run = Buffer.alloc(64 * 1024, "x");
      return pour(res, () => run);
    }
    if (m.kind === "gzip-bomb") {
      res.writeHead(200, { "content-type": m.contentType, "content-encoding": "gzip" });
      return pour(res, () => ZEROS_MEMBER);
    }
    res.writeHead(m.status, { "content-type": m.contentType });
    let at = 0;
    const timer = setInterval(() => {
      bytesSent++;
      res.write(DRIP_TEXT[at++ % DRIP_TEXT.length]!);
    }, m.everyMs);
    res.on("close", () => clearInterval(timer));
  };

  const server: Server = createServer((req, res) => void handle(req, res).catch(() => res.destroy()));
  server.on("connection", (socket) => (sockets.add(socket), socket.on("close", () => sockets.delete(socket))));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/v1`,
    get bytesSent() {
      return bytesSent;
    },
    clientGone: () => gone.promise,
    set: (next) => {
      mode = next;
      bytesSent = 0;
      gone = deferred();
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
