import type { IncomingMessage, ServerResponse } from "node:http";
import { posix } from "node:path";
import { commitOf, statOrNull, type RepoFolder } from "./repo-folder.js";
import type { RepoGate } from "./repo-gate.js";
import { sendJson } from "./responses.js";

/**
 * The hub's JSON APIs: model info and the tree listing under /api/models/<owner>/<repo>/…, and
 * the GGUF manifest endpoint (/v2/<owner>/<repo>/manifests/<tag>).
 */
export class ApiRoutes {
  readonly #repos: RepoFolder;
  readonly #gate: RepoGate;

  constructor(repos: RepoFolder, gate: RepoGate) {
    this.#repos = repos;
    this.#gate = gate;
  }

  /** `parts`: the path after /api/models/, split: owner, repo, then "tree"/<revision>/<sub…> or "revision"/<revision>. */
  async models(req: IncomingMessage, res: ServerResponse, parts: string[]): Promise<void> {
    const repo = `${parts[0]}/${parts[1]}`;
    if (!(await this.#repos.exists(repo))) return sendJson(res, 404, { error: `Repository ${repo} not found` });
    if (!(await this.#gate.admits(req, res, repo))) return;
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (parts[2] === "tree" && parts[3]) {
      const sub = parts.slice(4).join("/");
      const recursive = ["1", "true"].includes(url.searchParams.get("recursive") ?? "");
      const base = this.#repos.path(repo, sub);
      if (!base || !(await statOrNull(base))?.isDirectory()) return sendJson(res, 404, { error: `Entry ${sub} not found` });
      return sendJson(res, 200, await this.#repos.tree(repo, sub, recursive));
    }
    if (parts.length === 2 || parts[2] === "revision") {
      const files = await this.#repos.tree(repo, "", true);
      return sendJson(res, 200, {
        id: repo,
        modelId: repo,
        sha: commitOf(repo),
        gated: (await this.#gate.token(repo)) !== undefined ? "manual" : false,
        siblings: files.filter((f) => f.type === "file").map((f) => ({ rfilename: f.path })),
      });
    }
    sendJson(res, 404, { error: "Not found" });
  }

  /** What node-llama-cpp's `hf:owner/repo:tag` resolution asks for (llama.cpp's manifest API). */
  async manifest(req: IncomingMessage, res: ServerResponse, repo: string, tag: string): Promise<void> {
    if (!(await this.#repos.exists(repo))) return sendJson(res, 404, { error: `Repository ${repo} not found` });
    if (!(await this.#gate.admits(req, res, repo))) return;
    const ggufs = (await this.#repos.tree(repo, "", true)).filter((f) => f.type === "file" && f.path.toLowerCase().endsWith(".gguf"));
    // Of a split model only the first part is named; the client finds the others from it.
    const firstParts = ggufs.filter((f) => !/-\d{5}-of-\d{5}\.gguf$/i.test(f.path) || /-00001-of-\d{5}\.gguf$/i.test(f.path));
    const wanted = tag.toLowerCase() === "latest" ? "q4_k_m" : tag.toLowerCase();
    const pick = firstParts.find((f) => posix.basename(f.path).toLowerCase().includes(wanted)) ?? (tag.toLowerCase() === "latest" ? firstParts[0] : undefined);
    if (!pick) return sendJson(res, 400, { error: `The tag ${tag} does not match any GGUF file in ${repo}` });
    sendJson(res, 200, {
      ggufFile: { rfilename: pick.path, blobId: `sha256:${pick.lfs?.oid ?? pick.oid}`, size: pick.size },
    });
  }
}
