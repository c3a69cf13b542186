import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import path from "node:path";
import type { Duplex } from "node:stream";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import { WireCall, type WireEvent, type WireResult } from "../../shared/contract/wire.js";
import { MAX_WS_MESSAGE_BYTES } from "../kernel/read-limits.js";
import { describeIssues } from "../kernel/zod-issues.js";
import type { CoreEndpoint } from "../kernel/endpoint.js";
import { checkRequest, checkUpgrade, isLoopback, WS_PROTOCOL, type GuardConfig } from "./serve-guard.js";
import { servePageCsp } from "./csp.js";
import { handleUploadRequest, isUploadRequest } from "./import-upload.js";

export const DEFAULT_PORT = 41741;

/**
 * The largest message the socket takes (MAX_WS_MESSAGE_BYTES, 16 MiB): calls and answers are small,
 * and a conversation export comes in by upload (`import-upload.ts`). Past this the socket closes
 * with 1009, before the message is read, and the server carries on.
 */
export const MAX_MESSAGE_BYTES = MAX_WS_MESSAGE_BYTES;

export interface ServeOptions {
  core: CoreEndpoint;
  /** Built renderer (index.html and assets). */
  staticDir: string;
  host?: string;
  port?: number;
  /** Required to bind a non-loopback address. */
  allowRemote?: boolean;
  token?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  host: string;
  token: string;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".ttf": "font/ttf",
  ".json": "application/json",
};

/** Serve mode: the built renderer plus a WebSocket carrying the contract, on loopback with a token. */
export async function startServeServer(options: ServeOptions): Promise<RunningServer> {
  const host = options.host ?? "127.0.0.1";
  if (!isLoopback(host) && !options.allowRemote) {
    throw new Error(`Refusing to bind ${host}: it is not a loopback address. Pass --allow-remote to expose R1 Local on your network.`);
  }
  const token = options.token ?? randomBytes(24).toString("base64url");
  const server = createServer();
  const port = await listen(server, host, options.port ?? DEFAULT_PORT, options.port !== undefined && options.port !== DEFAULT_PORT);
  const urlHost = host.includes(":") ? `[${host}]` : host;
  const allowedHosts = [`${urlHost}:${port}`];
  if (isLoopback(host)) allowedHosts.push(`localhost:${port}`, `127.0.0.1:${port}`);
  const guard: GuardConfig = { token, allowedHosts: [...new Set(allowedHosts)] };

  // One bad request, socket or stream must never end serve mode for everyone: every listener
  // catches, and every socket and stream has an error handler.
  server.on("clientError", (err, socket) => answerUnreadable(err, socket));
  server.on("request", (req, res) => {
    res.on("error", () => undefined);
    const work = isUploadRequest(req) ? handleUploadRequest(req, res, guard, options.core) : handleHttp(req, res, guard, options.staticDir, port);
    work.catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    handleProtocols: (protocols) => (protocols.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
  });
  wss.on("error", () => undefined);
  server.on("upgrade", (req, socket, head) => {
    socket.on("error", () => undefined);
    try {
      const verdict = checkUpgrade(req, guard);
      if (!verdict.ok || verdict.path !== "/ws") {
        const status = verdict.ok ? 404 : verdict.status;
        socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\n\r\n`);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => attachClient(ws, options.core));
    } catch {
      socket.destroy();
    }
  });

  return {
    // The token travels in the fragment, which browsers never send: the page reads it and presents it on its socket.
    url: `http://${urlHost}:${port}/#token=${token}`,
    port,
    host,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A request node:http cannot parse (a garbled request line, bad headers): a 400 with a short
 * sentence, never the parser's own error text; a socket already gone is simply closed.
 */
function answerUnreadable(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === "ECONNRESET" || !socket.writable) return void socket.destroy();
  const body = "Bad Request: the request could not be read.\n";
  socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
}

const STATUS_TEXT: Record<number, string> = { 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found" };

function attachClient(ws: WebSocket, core: CoreEndpoint): void {
  const send = (message: WireResult | WireEvent) => {
    if (ws.readyState !== ws.OPEN) return;
    try {
      ws.send(JSON.stringify(message));
    } catch {
      // A value that cannot be sent (too large to stringify) must not end the server.
    }
  };
  const unsubscribe = core.subscribe((name, payload) => send({ t: "event", name, payload }));
  ws.on("close", unsubscribe);
  // A protocol error (a frame over the limit, a bad opcode) closes this socket, not serve mode.
  ws.on("error", () => ws.terminate());
  ws.on("message", (data, isBinary) => void handleMessage(data, isBinary).catch(() => undefined));
  const handleMessage = async (data: RawData, isBinary: boolean): Promise<void> => {
    if (isBinary) {
      send({ t: "result", id: -1, ok: false, error: { code: "bad-request", message: "Binary messages are not part of the contract." } });
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(rawText(data));
    } catch (error) {
      // A message past V8's longest string cannot even be read as text: say so rather than "not JSON".
      const message = error instanceof RangeError ? "Message is too large to read." : "Message is not JSON.";
      send({ t: "result", id: -1, ok: false, error: { code: "bad-request", message } });
      return;
    }
    const envelope = WireCall.safeParse(raw);
    if (!envelope.success) {
      const id = typeof (raw as { id?: unknown })?.id === "number" ? (raw as { id: number }).id : -1;
      send({ t: "result", id, ok: false, error: { code: "bad-request", message: `Malformed message: ${describeIssues(envelope.error)}` } });
      return;
    }
    const outcome = await core.dispatch(envelope.data.name, envelope.data.payload);
    send({ t: "result", id: envelope.data.id, ...outcome });
  };
}

function rawText(data: RawData): string {
  return (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)).toString("utf8");
}

async function handleHttp(req: IncomingMessage, res: ServerResponse, guard: GuardConfig, staticDir: string, port: number): Promise<void> {
  const verdict = checkRequest(req, guard);
  if (!verdict.ok) {
    res.writeHead(verdict.status, { "content-type": "text/plain; charset=utf-8" }).end(`${STATUS_TEXT[verdict.status]}: ${verdict.reason}\n`);
    return;
  }
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405).end();
    return;
  }
  const relative = verdict.path === "/" ? "/index.html" : verdict.path;
  const file = path.resolve(staticDir, "." + relative);
  if (relative.includes("\0") || !file.startsWith(path.resolve(staticDir) + path.sep)) {
    res.writeHead(404).end();
    return;
  }
  const found = await stat(file).catch(() => undefined);
  const target = found?.isFile() ? file : path.join(staticDir, "index.html");
  const targetStat = found?.isFile() ? found : await stat(target).catch(() => undefined);
  if (!targetStat) {
    res.writeHead(503, { "content-type": "text/plain; charset=utf-8" }).end("The renderer is not built. Run `npm run build:renderer`.\n");
    return;
  }
  res.writeHead(200, {
    "content-type": MIME[path.extname(target)] ?? "application/octet-stream",
    "content-length": targetStat.size,
    "content-security-policy": servePageCsp(port),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": target.endsWith("index.html") ? "no-store" : "max-age=3600",
  });
  if (req.method === "HEAD") return void res.end();
  const stream = createReadStream(target);
  stream.on("error", () => res.destroy());
  stream.pipe(res);
}

function listen(server: Server, host: string, port: number, strict: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      if (err.code === "EADDRINUSE" && !strict) {
        server.listen(0, host); // the default port is taken: fall back to a free one
        return;
      }
      reject(err);
    };
    server.on("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : port);
    });
  });
}
