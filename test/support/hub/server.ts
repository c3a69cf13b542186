import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { ApiRoutes } from "./api-routes.js";
import { serveControl } from "./control-route.js";
import { FaultInjector } from "./faults.js";
import { FileRoute } from "./file-route.js";
import { fileDigests } from "./hashes.js";
import { RepoFolder } from "./repo-folder.js";
import { RepoGate } from "./repo-gate.js";
import { sendHugeJson, sendJson } from "./responses.js";

export { parseRange } from "./file-route.js";

/**
 * A local, Hugging-Face-shaped model hub on 127.0.0.1 serving a folder laid out as
 * `<owner>/<repo>/<path>`: resolve downloads with Range and the hub's LFS headers, the tree API,
 * the GGUF manifest endpoint node-llama-cpp asks for `hf:` URIs, gated repositories, and faults
 * injected per request. Used by the download tests, the e2e test and `npm run mirror`.
 */
export interface HubOptions {
  dir: string;
  port?: number;
  /** Gated repositories: "owner/repo" → the token that opens it. A repo folder with a `.gated` file
   *  (holding the token) is gated too. */
  gated?: Record<string, string>;
  /** Answer resolve requests for LFS files with a 302 to `/cdn/...` on the same server, as the
   *  real hub redirects to its CDN (the x-linked-* headers are on the 302). */
  cdnRedirect?: boolean;
  /** false: behave like a plain mirror that passes no x-linked-* headers and no sha256 ETag, so
   *  clients must find the sha256 in the tree API. Default true. */
  lfsHeaders?: boolean;
}

export interface HubRequestLog {
  method: string;
  path: string;
  range?: string;
  authorization?: string;
  status: number;
}

export interface Hub {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:41234 — what HF_ENDPOINT takes. */
  url: string;
  port: number;
  dir: string;
  faults: FaultInjector;
  /** Every request served, in order (file requests, API calls). */
  requests: HubRequestLog[];
  /** The resolve URL of a file: `${url}/${repo}/resolve/main/${path}`. */
  fileUrl(repo: string, path: string, revision?: string): string;
  /** Published digests of a file (what x-linked-etag / lfs.oid say). */
  digests(repo: string, path: string): Promise<{ size: number; sha256: string }>;
  close(): Promise<void>;
}

export async function startHub(options: HubOptions): Promise<Hub> {
  const dir = resolve(options.dir);
  const faults = new FaultInjector();
  const requests: HubRequestLog[] = [];
  const repos = new RepoFolder(dir);
  const gate = new RepoGate(dir, options.gated);
  const files = new FileRoute({ repos, gate, faults, cdnRedirect: options.cdnRedirect, lfsHeaders: options.lfsHeaders });
  const apis = new ApiRoutes(repos, gate);

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: `hub error: ${String(err)}` });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = req.method ?? "GET";
    const log: HubRequestLog = {
      method,
      path: url.pathname,
      range: req.headers.range,
      authorization: req.headers.authorization,
      status: 0,
    };
    requests.push(log);
    if (requests.length > 20_000) requests.splice(0, 10_000); // a long-running mirror stays small
    res.on("finish", () => (log.status = res.statusCode));
    res.on("close", () => (log.status ||= res.statusCode));

    const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    if (parts[0] === "__hub") return serveControl(req, res, parts.slice(1), { faults, requests });

    // Per-request fault from a header (standalone mirror, plain HTTP clients).
    const headerFault = req.headers["x-hub-fault"];
    if (typeof headerFault === "string") faults.add({ match: url.pathname, method: method as "GET" | "HEAD", fault: JSON.parse(headerFault) });

    if (parts[0] === "api" || parts[0] === "v2") {
      const huge = faults.take(method, url.pathname, ["huge-json"])[0];
      if (huge?.kind === "huge-json") return sendHugeJson(res, huge.bytes);
    }
    if (parts[0] === "api" && parts[1] === "models" && parts.length >= 4) return apis.models(req, res, parts.slice(2));
    if (parts[0] === "v2" && parts[3] === "manifests" && parts.length === 5) return apis.manifest(req, res, `${parts[1]}/${parts[2]}`, parts[4]!);
    if (parts[0] === "cdn" && parts.length >= 4) {
      return files.serve(req, res, `${parts[1]}/${parts[2]}`, parts.slice(3).join("/"), { viaCdn: true });
    }
    if (parts.length >= 5 && parts[2] === "resolve") {
      return files.serve(req, res, `${parts[0]}/${parts[1]}`, parts.slice(4).join("/"), { viaCdn: false });
    }
    sendJson(res, 404, { error: "Not found" });
  }

  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(options.port ?? 0, "127.0.0.1", () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    port,
    dir,
    faults,
    requests,
    fileUrl: (repo, path, revision = "main") => `${url}/${repo}/resolve/${revision}/${path.split("/").map(encodeURIComponent).join("/")}`,
    digests: async (repo, path) => {
      const d = await fileDigests(join(dir, repo, path));
      return { size: d.size, sha256: d.sha256 };
    },
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}
