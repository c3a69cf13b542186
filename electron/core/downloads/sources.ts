import { posix } from "node:path";
import { z } from "zod";
import { downloadError, httpStatusError } from "./errors.js";
import { readJson, send, type HubAuth } from "./http.js";
import { quantizationFromName, splitPartNames, wholeModelName } from "../gguf/split-names.js";
import type { HubConfig } from "../hub/hub-config.js";
import { lfsSha256, listHubFolder } from "../hub/tree-api.js";

export function hubAuth(hub: HubConfig): HubAuth {
  return { hubOrigin: new URL(hub.endpoint).origin, token: hub.token };
}

/** One file to fetch; sha256/size when known up front (catalog pins), else learnt from the server. */
export interface PlannedFile {
  url: string;
  fileName: string;
  sha256?: string;
  size?: number;
}

/** What the manager downloads: one model, one or more files (split GGUF parts) into one folder. */
export interface DownloadPlan {
  name: string;
  source: string;
  /** Folder under the models folder, e.g. "owner/repo". */
  subdir: string;
  files: PlannedFile[];
  repo?: string;
  quantization?: string;
  modelId?: string;
  variantId?: string;
}

type HubRef = { kind: "hub-file"; repo: string; revision: string; path: string } | { kind: "hub-repo"; repo: string; tag: string };

/**
 * Parses what a person pastes: `hf:owner/repo:Q4_K_M`, `hf:owner/repo/file.gguf#branch`,
 * a huggingface.co (or mirror) URL, or any other http(s) URL. Throws a clear error otherwise.
 */
export function parseSource(input: string, hub: HubConfig): HubRef | { kind: "url"; url: string } {
  const text = input.trim();
  const hfPrefix = /^(?:hf:\/\/|huggingface:\/\/|hf:|huggingface:|hf\.co\/|huggingface\.co\/)/i.exec(text);
  if (hfPrefix) return parseHubPath(text.slice(hfPrefix[0].length), text);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw downloadError(
      "bad-source",
      `"${text.slice(0, 120)}" is not a model address. Paste an hf: URI (hf:owner/repo:Q4_K_M), a Hugging Face URL or an https URL of a .gguf file.`,
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw downloadError("bad-source", `Only http(s) addresses can be downloaded, not ${url.protocol}`);
  }
  const hubHost = new URL(hub.endpoint).host;
  if (["huggingface.co", "hf.co", "www.huggingface.co"].includes(url.hostname) || url.host === hubHost) {
    const segments = url.pathname
      .split("/")
      .filter(Boolean)
      .map((s) => decodeOrRefuse(s, text));
    const [owner, repo, action, revision, ...rest] = segments;
    if (owner && repo && segments.length === 2) return { kind: "hub-repo", repo: `${owner}/${repo}`, tag: "latest" };
    if (owner && repo && (action === "resolve" || action === "blob") && revision && rest.length) {
      return { kind: "hub-file", repo: `${owner}/${repo}`, revision, path: rest.join("/") };
    }
    if (url.host !== hubHost) {
      throw downloadError("bad-source", `This Hugging Face address does not point at a file or a model: ${text}`);
    }
  }
  return { kind: "url", url: url.href };
}

function parseHubPath(rest: string, original: string): HubRef {
  const [pathPart, branch] = rest.split("#");
  const segments = (pathPart ?? "").split("/").filter(Boolean);
  const [owner, repoAndTag, ...path] = segments;
  if (!owner || !repoAndTag) throw downloadError("bad-source", `Invalid Hugging Face URI: ${original}`);
  if (path.length === 0) {
    const [repo, ...tag] = repoAndTag.split(":");
    return { kind: "hub-repo", repo: `${owner}/${repo}`, tag: tag.join(":").trim() || "latest" };
  }
  return { kind: "hub-file", repo: `${owner}/${repoAndTag}`, revision: branch || "main", path: path.join("/") };
}

function decodeOrRefuse(component: string, source: string): string {
  try {
    return decodeURIComponent(component);
  } catch {
    throw downloadError("bad-source", `"${source.slice(0, 120)}" has a malformed %-escape in its path.`);
  }
}

const Manifest = z.object({ ggufFile: z.object({ rfilename: z.string().min(1), size: z.number().optional(), blobId: z.string().optional() }) });
/** Turns a pasted source into the files to fetch, asking the hub (manifest, tree API) as needed. */
export async function planFromSource(input: string, hub: HubConfig, signal?: AbortSignal): Promise<DownloadPlan> {
  const ref = parseSource(input, hub);
  if (ref.kind === "url") {
    const url = new URL(ref.url);
    // The name is checked by the download manager: a decoded "%2F" or "%5C" is refused there, not followed.
    const names = splitPartNames(decodeOrRefuse(posix.basename(url.pathname), input) || "model.gguf");
    const files = names.map((fileName) => ({ url: new URL(encodeURIComponent(fileName), url).href, fileName }));
    if (files.length === 1) files[0]!.url = ref.url;
    return { name: wholeModelName(names[0]!), source: input, subdir: url.hostname, files, quantization: quantizationFromName(names[0]!) };
  }
  let revision = ref.kind === "hub-file" ? ref.revision : "main";
  let path: string;
  if (ref.kind === "hub-repo") {
    const manifestUrl = `${hub.endpoint}/v2/${ref.repo}/manifests/${encodeURIComponent(ref.tag)}`;
    const res = await send(manifestUrl, { auth: hubAuth(hub), signal, headers: { "user-agent": "llama-cpp" } });
    if (res.status === 400 || res.status === 404) {
      res.body.resume();
      throw downloadError("not-found", `${ref.repo} has no GGUF file for "${ref.tag}" (or the model does not exist).`);
    }
    if (res.status !== 200) {
      res.body.resume();
      throw httpStatusError(res.status, manifestUrl, { sentToken: res.sentToken, repo: ref.repo });
    }
    const manifest = Manifest.safeParse(await readJson(res.body));
    if (!manifest.success) throw downloadError("bad-response", `The hub's answer for ${ref.repo}:${ref.tag} has no GGUF file.`);
    path = manifest.data.ggufFile.rfilename;
    revision = "main";
  } else {
    path = ref.path;
  }
  const dir = posix.dirname(path) === "." ? "" : `${posix.dirname(path)}/`;
  const names = splitPartNames(posix.basename(path));
  const files: PlannedFile[] = names.map((fileName) => ({
    url: `${hub.endpoint}/${ref.repo}/resolve/${encodeURIComponent(revision)}/${(dir + fileName).split("/").map(encodeURIComponent).join("/")}`,
    fileName,
  }));
  return {
    name: `${ref.repo}/${wholeModelName(names[0]!)}`,
    source: input,
    subdir: ref.repo,
    files,
    repo: ref.repo,
    quantization: quantizationFromName(names[0]!),
  };
}

/** The tree API's lfs.oid for a hub file: the fallback when a HEAD carries no x-linked-etag. */
export async function sha256FromTree(fileUrl: string, hub: HubConfig, signal?: AbortSignal): Promise<string | undefined> {
  const url = new URL(fileUrl);
  if (url.origin !== new URL(hub.endpoint).origin) return undefined;
  const m = /^\/([^/]+)\/([^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
  if (!m) return undefined;
  const [, owner, repo, revision, encodedPath] = m;
  try {
    const path = encodedPath!.split("/").map(decodeURIComponent).join("/");
    const folder = posix.dirname(path) === "." ? "" : posix.dirname(path);
    const entries = await listHubFolder(hub, `${owner}/${repo}`, { revision: decodeURIComponent(revision!), folder, signal });
    return lfsSha256(entries.find((e) => e.path === path));
  } catch {
    return undefined;
  }
}
