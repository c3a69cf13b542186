import type { Readable } from "node:stream";
import { Agent, request } from "undici";
import { tokenAllowedFor } from "../hub/hub-config.js";
import { MAX_HUB_API_BYTES } from "../kernel/read-limits.js";
import { downloadError, networkError } from "./errors.js";
import { ReadableBody, UnsupportedFraming, rawGet, type DownloadBody } from "./raw-get.js";

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

interface HopOptions {
  method?: "GET" | "HEAD";
  headers?: Record<string, string>;
  auth?: HubAuth;
  signal?: AbortSignal;
  headersTimeoutMs?: number;
}

type Hop<Body> = (target: URL, headers: Record<string, string>) => Promise<{ statusCode: number; headers: Headers; body: Body }>;

/**
 * Follows redirects by hand, so the token is dropped when a redirect leaves the hub's origin and
 * the hub's LFS headers on the redirect itself are kept. `hop` makes one request.
 */
async function follow<Body>(url: string, options: HopOptions, hop: Hop<Body>, discard: (body: Body) => void) {
  const linked: HttpResult["linked"] = {};
  let current = url;
  for (let redirects = 0; redirects <= MAX_REDIRECTS; redirects++) {
    const target = new URL(current);
    if (target.protocol !== "http:" && target.protocol !== "https:") throw downloadError("bad-url", `Unsupported address ${current}.`);
    const headers: Record<string, string> = { "user-agent": "r1-local", ...options.headers };
    const sentToken = Boolean(options.auth?.token && tokenAllowedFor(target, options.auth.hubOrigin));
    if (sentToken) headers.authorization = `Bearer ${options.auth!.token}`;
    let res: Awaited<ReturnType<Hop<Body>>>;
    try {
      res = await hop(target, headers);
    } catch (err) {
      throw options.signal?.aborted ? options.signal.reason : networkError(err, target.href);
    }
    collectLinked(res.headers, linked);
    const location = [res.headers.location].flat()[0];
    if (res.statusCode >= 300 && res.statusCode < 400 && location) {
      discard(res.body);
      current = new URL(location, target).href;
      continue;
    }
    return { status: res.statusCode, headers: res.headers, linked, body: res.body, finalUrl: current, sentToken };
  }
  throw downloadError("redirects", `Too many redirects from ${url}.`);
}

function undiciHop(options: HopOptions): Hop<Readable> {
  return async (target, headers) => {
    const res = await request(target, {
      method: options.method ?? "GET",
      headers,
      signal: options.signal,
      dispatcher: agent,
      // A server that never answers counts as a stall; the body's own stall timer is the caller's.
      headersTimeout: options.headersTimeoutMs ?? 60_000,
      bodyTimeout: 0,
    });
    // Bodies are often dropped on purpose (error pages, a 200 where a range was asked): an error
    // after that must not surface as an unhandled one. Readers still get errors through their own
    // listeners.
    res.body.on("error", () => undefined);
    return { statusCode: res.statusCode, headers: res.headers as Headers, body: res.body };
  };
}

/** One HTTP request (API calls, HEAD, small files) on undici's keep-alive pool. */
export function send(url: string, options: HopOptions): Promise<HttpResult> {
  return follow(url, options, undiciHop(options), (body) => body.resume());
}

export type DownloadResult = Omit<HttpResult, "body"> & { body: DownloadBody };

/**
 * A GET whose body is a file to download: read on a raw connection straight into the caller's
 * buffers (see raw-get.ts), or through undici when the server frames the body in a way the raw
 * reader does not handle.
 */
export function sendForDownload(url: string, options: Omit<HopOptions, "method">): Promise<DownloadResult> {
  const viaUndici = undiciHop(options);
  const hop: Hop<DownloadBody> = async (target, headers) => {
    try {
      return await rawGet(target, { headers, signal: options.signal, headersTimeoutMs: options.headersTimeoutMs ?? 60_000 });
    } catch (err) {
      if (!(err instanceof UnsupportedFraming)) throw err;
      const res = await viaUndici(target, headers);
      return { ...res, body: new ReadableBody(res.body) };
    }
  };
  return follow(url, options, hop, (body) => body.discard());
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
export async function readJson(res: Readable, limit = MAX_HUB_API_BYTES): Promise<unknown> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res) {
    total += (chunk as Buffer).length;
    if (total > limit) {
      res.destroy();
      throw downloadError("bad-response", "The server's answer was unexpectedly large.");
    }
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw downloadError("bad-response", "The server's answer was not valid JSON.");
  }
}
