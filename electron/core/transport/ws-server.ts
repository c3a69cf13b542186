import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import path from "node:path";
import { WebSocketServer, type WebSocket } from "ws";
import { WireCall, type WireEvent, type WireResult } from "../../shared/contract/wire.js";
import { describeIssues } from "../kernel/dispatcher.js";
import type { CoreEndpoint } from "../kernel/endpoint.js";
import { checkRequest, isLoopback, TOKEN_COOKIE, type GuardConfig } from "./serve-guard.js";
import { servePageCsp } from "./csp.js";

export const DEFAULT_PORT = 41741;

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

  server.on("request", (req, res) => void handleHttp(req, res, guard, options.staticDir, port));

  const wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 * 1024 });
  server.on("upgrade", (req, socket, head) => {
    const verdict = checkRequest(req, guard, true);
    if (!verdict.ok || new URL(req.url ?? "/", "http://x").pathname !== "/ws") {
      const status = verdict.ok ? 404 : verdict.status;
      socket.end(`HTTP/1.1 ${status} ${status === 401 ? "Unauthorized" : status === 403 ? "Forbidden" : "Not Found"}\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attachClient(ws, options.core));
  });

  return {
    url: `http://${urlHost}:${port}/?token=${token}`,
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

function attachClient(ws: WebSocket, core: CoreEndpoint): void {
  const send = (message: WireResult | WireEvent) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };
  const unsubscribe = core.subscribe((name, payload) => send({ t: "event", name, payload }));
  ws.on("close", unsubscribe);
  ws.on("message", async (data) => {
    let raw: unknown;
    try {
      raw = JSON.parse(data.toString());
    } catch {
      send({ t: "result", id: -1, ok: false, error: { code: "bad-request", message: "Message is not JSON." } });
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
  });
}

async function handleHttp(req: IncomingMessage, res: ServerResponse, guard: GuardConfig, staticDir: string, port: number): Promise<void> {
  const verdict = checkRequest(req, guard);
  if (!verdict.ok) {
    res
      .writeHead(verdict.status, { "content-type": "text/plain; charset=utf-8" })
      .end(`${verdict.status === 401 ? "Unauthorized" : "Forbidden"}: ${verdict.reason}\n`);
    return;
  }
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405).end();
    return;
  }
  const url = new URL(req.url ?? "/", "http://x");
  if (verdict.viaQuery) {
    // Trade the token in the address bar for a cookie, so it does not linger in history or logs.
    res
      .writeHead(302, {
        "set-cookie": `${TOKEN_COOKIE}=${guard.token}; HttpOnly; SameSite=Strict; Path=/`,
        location: url.pathname === "/" ? "/" : url.pathname,
        "cache-control": "no-store",
      })
      .end();
    return;
  }
  const relative = decodeURIComponent(url.pathname === "/" ? "/index.html" : url.pathname);
  const file = path.resolve(staticDir, "." + relative);
  if (!file.startsWith(path.resolve(staticDir) + path.sep)) {
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
  if (req.method === "HEAD") res.end();
  else createReadStream(target).pipe(res);
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
