import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { sendJson } from "./responses.js";

/**
 * Gated repositories: those named in the hub's options, and any repo folder holding a `.gated`
 * file (its content is the token that opens it).
 */
export class RepoGate {
  readonly #dir: string;
  readonly #tokens: Record<string, string> | undefined;

  constructor(dir: string, tokens: Record<string, string> | undefined) {
    this.#dir = dir;
    this.#tokens = tokens;
  }

  /** The token that opens the repo, or undefined when it is not gated. */
  async token(repo: string): Promise<string | undefined> {
    if (this.#tokens?.[repo] !== undefined) return this.#tokens[repo];
    try {
      return (await readFile(join(this.#dir, repo, ".gated"), "utf8")).trim();
    } catch {
      return undefined;
    }
  }

  /** True when the request may see the repo; otherwise answers 401 without a token, 403 with a wrong one, as the hub does. */
  async admits(req: IncomingMessage, res: ServerResponse, repo: string): Promise<boolean> {
    const token = await this.token(repo);
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
}
