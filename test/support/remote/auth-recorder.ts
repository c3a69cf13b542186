import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface SeenRequest {
  method: string;
  path: string;
  /** The Authorization header as it arrived; undefined when none was sent. */
  authorization: string | undefined;
}

export interface AuthRecorder {
  /** http://127.0.0.1:<port>: one origin per recorder. */
  readonly url: string;
  readonly seen: SeenRequest[];
  /** What every later answer is, /models too: status and body text (null: back to the defaults). */
  answer(reply: { status: number; body: string; contentType?: string } | null): void;
  close(): Promise<void>;
}

/**
 * A server on 127.0.0.1 that records the Authorization header of every request it receives, so a
 * test can see where a secret went. `/…/models` answers an OpenAI model list; the rest a 404.
 */
export async function startAuthRecorder(): Promise<AuthRecorder> {
  const seen: SeenRequest[] = [];
  let reply: { status: number; body: string; contentType?: string } | null = null;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    seen.push({ method: req.method ?? "", path: req.url ?? "", authorization: req.headers.authorization });
    req.resume();
    if (reply) return void res.writeHead(reply.status, { "content-type": reply.contentType ?? "application/json" }).end(reply.body);
    if (req.url?.endsWith("/models")) return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ data: [{ id: "m" }] }));
    res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "Not here." } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    answer: (next) => void (reply = next),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
