import type { Readable } from "node:stream";
import { Agent, request } from "undici";
import { DownloadError, networkError } from "./errors.js";

/** Where the Hugging Face token may go: only to the configured hub's origin, never elsewhere. */
export interface HubAuth {
  hubOrigin: string;
  token?: string;
}

export type Headers = Record<string, string | string[] | undefined>;

export interface HttpResult {
  status: number;
  headers: Headers;
  /** Headers seen on any hop of a redirect chain (the hub puts x-linked-* on its 302). */
  linked: { sha256?: string; size?: number };
  body: Readable;
  finalUrl: string;
  sentToken: boolean;
}

// undici rather than node:http: measured on loopback it moves a body for about half the CPU time,
// which is what limits a download on a busy machine. One keep-alive pool for the whole app.
const agent = new Agent({ keepAliveTimeout: 10_000, connections: 16 });

const MAX_REDIRECTS = 5;

/**
 * One HTTP request on node:http(s) with manual redirects, so the token is dropped when a redirect
 * leaves the hub's origin and the hub's LFS headers on the redirect itself are kept.
 */
export async function send(
  url: string,
  options: { method?: "GET" | "HEAD"; headers?: Record<string, string>; auth?: HubAuth; signal?: AbortSignal; headersTimeoutMs?: number },
): Promise<HttpResult> {
  const linked: HttpResult["linked"] = {};
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const target = new URL(current);
    if (target.protocol !== "http:" && target.protocol !== "https:") throw new DownloadError(`Unsupported address ${current}.`, false, "bad-url");
    const headers: Record<string, string> = { "user-agent": "r1-local", ...options.headers };
    const sentToken = Boolean(options.auth?.token && target.origin === options.auth.hubOrigin);
    if (sentToken) headers.authorization = `Bearer ${options.auth!.token}`;
    let res: Awaited<ReturnType<typeof request>>;
    try {
      res = await request(target, {
        method: options.method ?? "GET",
        headers,
        signal: options.signal,
        dispatcher: agent,
        // A server that never answers counts as a stall; the body's own stall timer is the caller's.
        headersTimeout: options.headersTimeoutMs ?? 60_000,
        bodyTimeout: 0,
      });
    } catch (err) {
      throw options.signal?.aborted ? options.signal.reason : networkError(err, target.href);
    }
    // Bodies are often dropped on purpose (error pages, a 200 where a range was asked): an error
    // after that must not surface as an unhandled one. Readers still get errors through their own
    // listeners.
    res.body.on("error", () => undefined);
    const resHeaders = res.headers as Headers;
    collectLinked(resHeaders, linked);
    const location = [resHeaders.location].flat()[0];
    if (res.statusCode >= 300 && res.statusCode < 400 && location) {
      res.body.resume();
      current = new URL(location, target).href;
      continue;
    }
    return { status: res.statusCode, headers: resHeaders, linked, body: res.body, finalUrl: current, sentToken };
  }
  throw new DownloadError(`Too many redirects from ${url}.`, false, "redirects");
}

function collectLinked(headers: Headers, linked: HttpResult["linked"]): void {
  const etag = unquote(headers["x-linked-etag"]);
  if (etag && /^[0-9a-f]{64}$/i.test(etag)) linked.sha256 ??= etag.toLowerCase();
  const size = Number(headers["x-linked-size"]);
  if (Number.isSafeInteger(size) && size >= 0) linked.size ??= size;
}

export function unquote(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v?.replace(/^W\//, "").replaceAll('"', "").trim() || undefined;
}

/** Reads a small JSON body (API calls), refusing anything large. */
export async function readJson(res: Readable, limit = 8 * 1024 * 1024): Promise<unknown> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res) {
    total += (chunk as Buffer).length;
    if (total > limit) {
      res.destroy();
      throw new DownloadError("The server's answer was unexpectedly large.", false, "bad-response");
    }
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new DownloadError("The server's answer was not valid JSON.", false, "bad-response");
  }
}
