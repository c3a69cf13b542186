import { createHash } from "node:crypto";
import { createReadStream, type Stats } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join, posix, resolve, sep } from "node:path";
import { FaultInjector, FaultSpec, type FaultKind } from "./faults.js";
import { fileDigests } from "./hashes.js";

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

const LFS_EXTENSIONS = [".gguf", ".bin", ".safetensors", ".pt", ".onnx"];
const LFS_MIN_SIZE = 10 * 1024 * 1024;

export async function startHub(options: HubOptions): Promise<Hub> {
  const dir = resolve(options.dir);
  const faults = new FaultInjector();
  const requests: HubRequestLog[] = [];

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
    if (parts[0] === "__hub") return control(req, res, parts.slice(1));

    // Per-request fault from a header (standalone mirror, plain HTTP clients).
    const headerFault = req.headers["x-hub-fault"];
    if (typeof headerFault === "string") faults.add({ match: url.pathname, method: method as "GET" | "HEAD", fault: JSON.parse(headerFault) });

    if (parts[0] === "api" && parts[1] === "models" && parts.length >= 4) return api(req, res, parts.slice(2));
    if (parts[0] === "v2" && parts[3] === "manifests" && parts.length === 5) return manifest(req, res, `${parts[1]}/${parts[2]}`, parts[4]!);
    if (parts[0] === "cdn" && parts.length >= 4) {
      return serveFile(req, res, `${parts[1]}/${parts[2]}`, parts.slice(3).join("/"), { viaCdn: true });
    }
    if (parts.length >= 5 && parts[2] === "resolve") {
      return serveFile(req, res, `${parts[0]}/${parts[1]}`, parts.slice(4).join("/"), { viaCdn: false });
    }
    sendJson(res, 404, { error: "Not found" });
  }

  async function control(req: IncomingMessage, res: ServerResponse, parts: string[]): Promise<void> {
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
    if (parts[0] === "requests") return sendJson(res, 200, requests);
    sendJson(res, 404, { error: "Unknown control endpoint" });
  }

  /** 401 without a token, 403 with a wrong one, as the hub answers for gated repos. */
  async function checkGate(req: IncomingMessage, res: ServerResponse, repo: string): Promise<boolean> {
    const token = await gateToken(repo);
    if (token === undefined) return true;
    const auth = req.headers.authorization;
    if (!auth) {
      res.setHeader("x-error-code", "GatedRepo");
      sendJson(res, 401, { error: `Access to model ${repo} is restricted. You must be authenticated to access it.` });
      return false;
    }
    if (auth !== `Bearer ${token}`) {
      res.setHeader("x-error-code", "GatedRepo");
      sendJson(res, 403, { error: `Access to model ${repo} is restricted and you are not in the authorized list.` });
      return false;
    }
    return true;
  }

  async function gateToken(repo: string): Promise<string | undefined> {
    if (options.gated?.[repo] !== undefined) return options.gated[repo];
    try {
      return (await readFile(join(dir, repo, ".gated"), "utf8")).trim();
    } catch {
      return undefined;
    }
  }

  function repoPath(repo: string, path = ""): string | undefined {
    const full = resolve(dir, repo, path);
    const root = resolve(dir, repo);
    if (full !== root && !full.startsWith(root + sep)) return undefined;
    if (path.split("/").some((p) => p.startsWith("."))) return undefined;
    return full;
  }

  async function repoExists(repo: string): Promise<boolean> {
    const path = repoPath(repo);
    if (!path || repo.split("/").some((p) => p.startsWith("."))) return false;
    return (await statOrNull(path))?.isDirectory() ?? false;
  }

  function isLfs(path: string, size: number): boolean {
    return size >= LFS_MIN_SIZE || LFS_EXTENSIONS.some((ext) => path.toLowerCase().endsWith(ext));
  }

  function commitOf(repo: string): string {
    return createHash("sha1").update(`commit:${repo}`).digest("hex");
  }

  async function serveFile(req: IncomingMessage, res: ServerResponse, repo: string, path: string, how: { viaCdn: boolean }) {
    const method = req.method ?? "GET";
    if (method !== "GET" && method !== "HEAD") return sendJson(res, 405, { error: "Method not allowed" });
    const taken = faults.take(method, new URL(req.url ?? "/", "http://127.0.0.1").pathname);
    const statusFault = taken.find((f): f is Extract<FaultKind, { kind: "status" }> => f.kind === "status");
    if (statusFault) return sendJson(res, statusFault.status, { error: `Injected HTTP ${statusFault.status}` });

    if (!(await repoExists(repo))) {
      res.setHeader("x-error-code", "RepoNotFound");
      return sendJson(res, 404, { error: `Repository ${repo} not found` });
    }
    if (!how.viaCdn && !(await checkGate(req, res, repo))) return;
    const filePath = repoPath(repo, path);
    const info = filePath ? await statOrNull(filePath) : null;
    if (!filePath || !info?.isFile()) {
      res.setHeader("x-error-code", "EntryNotFound");
      return sendJson(res, 404, { error: `Entry ${path} not found in ${repo}` });
    }

    const digests = await fileDigests(filePath);
    const lfs = isLfs(path, info.size) && options.lfsHeaders !== false;
    res.setHeader("x-repo-commit", commitOf(repo));
    if (lfs) {
      res.setHeader("x-linked-etag", `"${digests.sha256}"`);
      res.setHeader("x-linked-size", String(info.size));
    }
    if (lfs && options.cdnRedirect && !how.viaCdn) {
      res.statusCode = 302;
      res.setHeader("location", `/cdn/${repo}/${path.split("/").map(encodeURIComponent).join("/")}`);
      res.end();
      return;
    }
    res.setHeader("etag", `"${lfs ? digests.sha256 : digests.gitOid}"`);
    res.setHeader("content-type", "application/octet-stream");
    res.setHeader("content-disposition", `attachment; filename="${posix.basename(path)}"`);

    const noRange = taken.some((f) => f.kind === "no-range");
    let start = 0;
    let end = info.size - 1;
    const range = req.headers.range;
    if (!noRange) res.setHeader("accept-ranges", "bytes");
    if (range && !noRange) {
      const parsed = parseRange(range, info.size);
      if (!parsed) {
        res.setHeader("content-range", `bytes */${info.size}`);
        return sendJson(res, 416, { error: "Requested range not satisfiable" });
      }
      ({ start, end } = parsed);
      res.statusCode = 206;
      res.setHeader("content-range", `bytes ${start}-${end}/${info.size}`);
    } else {
      res.statusCode = 200;
    }
    const length = Math.max(0, end - start + 1);
    res.setHeader("content-length", String(length));
    if (method === "HEAD" || length === 0) {
      res.end();
      return;
    }
    await sendBody(res, filePath, start, end, taken);
  }

  async function api(req: IncomingMessage, res: ServerResponse, parts: string[]): Promise<void> {
    const repo = `${parts[0]}/${parts[1]}`;
    if (!(await repoExists(repo))) return sendJson(res, 404, { error: `Repository ${repo} not found` });
    if (!(await checkGate(req, res, repo))) return;
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (parts[2] === "tree" && parts[3]) {
      const sub = parts.slice(4).join("/");
      const recursive = ["1", "true"].includes(url.searchParams.get("recursive") ?? "");
      const base = repoPath(repo, sub);
      if (!base || !(await statOrNull(base))?.isDirectory()) return sendJson(res, 404, { error: `Entry ${sub} not found` });
      return sendJson(res, 200, await listTree(repo, sub, recursive));
    }
    if (parts.length === 2 || parts[2] === "revision") {
      const files = await listTree(repo, "", true);
      return sendJson(res, 200, {
        id: repo,
        modelId: repo,
        sha: commitOf(repo),
        gated: (await gateToken(repo)) !== undefined ? "manual" : false,
        siblings: files.filter((f) => f.type === "file").map((f) => ({ rfilename: f.path })),
      });
    }
    sendJson(res, 404, { error: "Not found" });
  }

  interface TreeEntry {
    type: "file" | "directory";
    oid: string;
    size: number;
    path: string;
    lfs?: { oid: string; size: number; pointerSize: number };
  }

  async function listTree(repo: string, sub: string, recursive: boolean): Promise<TreeEntry[]> {
    const out: TreeEntry[] = [];
    const walk = async (rel: string) => {
      const entries = await readdir(repoPath(repo, rel)!, { withFileTypes: true });
      entries.sort((a, b) => a.name.localeCompare(b.name));
      for (const entry of entries) {
        if (entry.name.startsWith(".")) continue;
        const path = rel ? `${rel}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          out.push({ type: "directory", oid: createHash("sha1").update(`tree:${repo}/${path}`).digest("hex"), size: 0, path });
          if (recursive) await walk(path);
        } else if (entry.isFile()) {
          const digests = await fileDigests(repoPath(repo, path)!);
          const lfs = isLfs(path, digests.size);
          out.push({
            type: "file",
            oid: digests.gitOid,
            size: digests.size,
            path,
            ...(lfs ? { lfs: { oid: digests.sha256, size: digests.size, pointerSize: 134 } } : {}),
          });
        }
      }
    };
    await walk(sub);
    return out;
  }

  /** What node-llama-cpp's `hf:owner/repo:tag` resolution asks for (llama.cpp's manifest API). */
  async function manifest(req: IncomingMessage, res: ServerResponse, repo: string, tag: string): Promise<void> {
    if (!(await repoExists(repo))) return sendJson(res, 404, { error: `Repository ${repo} not found` });
    if (!(await checkGate(req, res, repo))) return;
    const ggufs = (await listTree(repo, "", true)).filter((f) => f.type === "file" && f.path.toLowerCase().endsWith(".gguf"));
    const firstParts = ggufs.filter((f) => !/-\d{5}-of-\d{5}\.gguf$/i.test(f.path) || /-00001-of-\d{5}\.gguf$/i.test(f.path));
    const wanted = tag.toLowerCase() === "latest" ? "q4_k_m" : tag.toLowerCase();
    const pick =
      firstParts.find((f) => posix.basename(f.path).toLowerCase().includes(wanted)) ??
      (tag.toLowerCase() === "latest" ? firstParts[0] : undefined);
    if (!pick) return sendJson(res, 400, { error: `The tag ${tag} does not match any GGUF file in ${repo}` });
    sendJson(res, 200, {
      ggufFile: { rfilename: pick.path, blobId: `sha256:${pick.lfs?.oid ?? pick.oid}`, size: pick.size },
    });
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

/** Single byte ranges as the hub supports them: `bytes=a-b`, `bytes=a-`, `bytes=-n`. */
export function parseRange(header: string, size: number): { start: number; end: number } | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return undefined;
  let start: number;
  let end: number;
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0) return undefined;
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || end < start) return undefined;
  return { start, end };
}

async function sendBody(res: ServerResponse, path: string, start: number, end: number, faults: FaultKind[]): Promise<void> {
  const cut = faults.find((f): f is Extract<FaultKind, { kind: "drop" | "stall" }> => f.kind === "drop" || f.kind === "stall");
  const corrupt = faults.find((f): f is Extract<FaultKind, { kind: "corrupt" }> => f.kind === "corrupt");
  const throttle = faults.find((f): f is Extract<FaultKind, { kind: "throttle" }> => f.kind === "throttle");
  const stream = createReadStream(path, { start, end, highWaterMark: 256 * 1024 });
  if (!cut && !corrupt && !throttle) {
    stream.pipe(res);
    res.on("close", () => stream.destroy());
    return;
  }

  const corruptAt = corrupt ? (corrupt.atByte ?? Math.floor((end + 1) / 2)) : -1;
  const closed = untilClosedOr(res);
  let position = start;
  let sent = 0;
  try {
    for await (const raw of stream) {
      let chunk = raw as Buffer;
      if (corruptAt >= position && corruptAt < position + chunk.length) {
        chunk = Buffer.from(chunk);
        chunk[corruptAt - position] = chunk[corruptAt - position]! ^ 0xff;
      }
      position += chunk.length;
      if (cut && sent + chunk.length >= cut.afterBytes) {
        await write(res, closed, chunk.subarray(0, cut.afterBytes - sent), throttle?.bytesPerSecond);
        if (cut.kind === "stall") await untilClosedOr(res, cut.ms);
        res.destroy();
        return;
      }
      if (!(await write(res, closed, chunk, throttle?.bytesPerSecond))) return;
      sent += chunk.length;
    }
    res.end();
  } finally {
    stream.destroy();
  }
}

/** Writes with backpressure (and pacing when throttled); false when the client went away. */
async function write(res: ServerResponse, closed: Promise<void>, chunk: Buffer, bytesPerSecond?: number): Promise<boolean> {
  const slice = bytesPerSecond ? Math.max(1, Math.floor(bytesPerSecond / 20)) : chunk.length;
  for (let offset = 0; offset < chunk.length; offset += slice) {
    if (res.destroyed) return false;
    const piece = chunk.subarray(offset, offset + slice);
    const flushed = new Promise<void>((ok) => res.write(piece, () => ok()));
    await Promise.race([flushed, closed]);
    if (bytesPerSecond) await sleep((piece.length / bytesPerSecond) * 1000);
  }
  return !res.destroyed;
}

function untilClosedOr(res: ServerResponse, ms?: number): Promise<void> {
  return new Promise((ok) => {
    if (res.destroyed || res.socket?.destroyed) return ok();
    const timer = ms ? setTimeout(done, ms) : undefined;
    res.once("close", done);
    function done() {
      if (timer) clearTimeout(timer);
      res.off("close", done);
      ok();
    }
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((ok) => setTimeout(ok, ms));
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader("content-type", "application/json");
  res.setHeader("content-length", String(Buffer.byteLength(text)));
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function statOrNull(path: string): Promise<Stats | null> {
  try {
    return await stat(path);
  } catch {
    return null;
  }
}
