import type { IncomingMessage, ServerResponse } from "node:http";
import { posix } from "node:path";
import { sendBody } from "./body-stream.js";
import type { FaultInjector, FaultKind } from "./faults.js";
import { fileDigests } from "./hashes.js";
import { commitOf, isLfs, statOrNull, type RepoFolder } from "./repo-folder.js";
import type { RepoGate } from "./repo-gate.js";
import { sendJson } from "./responses.js";

export interface FileRouteDeps {
  repos: RepoFolder;
  gate: RepoGate;
  faults: FaultInjector;
  /** Redirect LFS resolve requests to /cdn/… (see HubOptions.cdnRedirect). */
  cdnRedirect?: boolean | undefined;
  /** false: no x-linked-* headers and no sha256 ETag (see HubOptions.lfsHeaders). */
  lfsHeaders?: boolean | undefined;
}

/**
 * GET/HEAD of one file, as the hub's resolve endpoint (and its CDN) answer: ETag, the LFS
 * x-linked-* headers, a single byte Range, and the faults injected for this request.
 */
export class FileRoute {
  readonly #deps: FileRouteDeps;

  constructor(deps: FileRouteDeps) {
    this.#deps = deps;
  }

  async serve(req: IncomingMessage, res: ServerResponse, repo: string, path: string, how: { viaCdn: boolean }): Promise<void> {
    const { repos, gate, faults } = this.#deps;
    const method = req.method ?? "GET";
    if (method !== "GET" && method !== "HEAD") return sendJson(res, 405, { error: "Method not allowed" });
    const taken = faults.take(method, new URL(req.url ?? "/", "http://127.0.0.1").pathname);
    const statusFault = taken.find((f): f is Extract<FaultKind, { kind: "status" }> => f.kind === "status");
    if (statusFault) return sendJson(res, statusFault.status, { error: `Injected HTTP ${statusFault.status}` });
    const redirect = taken.find((f): f is Extract<FaultKind, { kind: "redirect" }> => f.kind === "redirect");
    if (redirect) return void res.writeHead(302, { location: redirect.location }).end();
    const noLength = taken.some((f) => f.kind === "no-length");

    if (!(await repos.exists(repo))) {
      res.setHeader("x-error-code", "RepoNotFound");
      return sendJson(res, 404, { error: `Repository ${repo} not found` });
    }
    // The CDN URL is the one the gate already let through (it stands in for a signed URL).
    if (!how.viaCdn && !(await gate.admits(req, res, repo))) return;
    const filePath = repos.path(repo, path);
    const info = filePath ? await statOrNull(filePath) : null;
    if (!filePath || !info?.isFile()) {
      res.setHeader("x-error-code", "EntryNotFound");
      return sendJson(res, 404, { error: `Entry ${path} not found in ${repo}` });
    }

    const digests = await fileDigests(filePath);
    const lfs = isLfs(path, info.size) && this.#deps.lfsHeaders !== false;
    res.setHeader("x-repo-commit", commitOf(repo));
    if (lfs) {
      res.setHeader("x-linked-etag", `"${digests.sha256}"`);
      if (!noLength) res.setHeader("x-linked-size", String(info.size));
    }
    if (lfs && this.#deps.cdnRedirect && !how.viaCdn) {
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
    if (!noLength) res.setHeader("content-length", String(length));
    if (method === "HEAD" || length === 0) {
      res.end();
      return;
    }
    await sendBody(res, filePath, start, end, taken);
  }
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
