import type { IncomingMessage } from "node:http";
import { isLoopbackHost } from "../kernel/loopback.js";
import { sameSecret } from "../kernel/same-secret.js";

/** The WebSocket subprotocol the page asks for; the server answers with it. */
export const WS_PROTOCOL = "r1-local";
/** The second subprotocol entry carries the token: `r1-token.<token>` (browsers cannot set headers on a WebSocket). */
export const WS_TOKEN_PREFIX = "r1-token.";

export interface GuardConfig {
  token: string;
  /** host:port strings the Host header may carry (the bound address, plus localhost when on loopback). */
  allowedHosts: string[];
}

export type GuardVerdict = { ok: true; path: string } | { ok: false; status: 400 | 401 | 403; reason: string };

/**
 * Serve mode's door for every request: the Host header must name the bound address (defeats DNS
 * rebinding), any Origin must be our own, and the path must parse and decode (else 400). The
 * page's files carry no secret and need no token; the token is asked of the WebSocket only.
 */
export function checkRequest(req: IncomingMessage, config: GuardConfig, requireOrigin = false): GuardVerdict {
  const host = (req.headers.host ?? "").toLowerCase();
  if (!config.allowedHosts.includes(host)) return { ok: false, status: 403, reason: "Host not allowed" };
  const origin = req.headers.origin;
  if (origin !== undefined || requireOrigin) {
    if (!origin || !config.allowedHosts.some((h) => origin.toLowerCase() === `http://${h}`)) {
      return { ok: false, status: 403, reason: "Origin not allowed" };
    }
  }
  const path = decodedPath(req.url);
  if (path === undefined) return { ok: false, status: 400, reason: "Malformed address" };
  return { ok: true, path };
}

/**
 * The WebSocket handshake: the request checks above, then the token, presented as the
 * `r1-token.<token>` subprotocol next to `r1-local`. The token never travels as a cookie, so
 * other sites and other servers on 127.0.0.1 never receive it.
 */
export function checkUpgrade(req: IncomingMessage, config: GuardConfig): GuardVerdict {
  const verdict = checkRequest(req, config, true);
  if (!verdict.ok) return verdict;
  const offered = String(req.headers["sec-websocket-protocol"] ?? "")
    .split(",")
    .map((p) => p.trim());
  const presented = offered.find((p) => p.startsWith(WS_TOKEN_PREFIX))?.slice(WS_TOKEN_PREFIX.length);
  if (presented === undefined) return { ok: false, status: 401, reason: "Missing token" };
  if (!sameSecret(presented, config.token)) return { ok: false, status: 401, reason: "Wrong token" };
  return verdict;
}

/**
 * An upload (a POST from the page): the request checks above with an Origin that must be our own,
 * then the same token as the WebSocket's, presented as `Authorization: Bearer <token>`.
 */
export function checkUpload(req: IncomingMessage, config: GuardConfig): GuardVerdict {
  const verdict = checkRequest(req, config, true);
  if (!verdict.ok) return verdict;
  const presented = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
  if (presented === undefined) return { ok: false, status: 401, reason: "Missing token" };
  if (!sameSecret(presented, config.token)) return { ok: false, status: 401, reason: "Wrong token" };
  return verdict;
}

/** The request's path, %-decoded; undefined when it does not parse or decode. */
function decodedPath(url: string | undefined): string | undefined {
  try {
    return decodeURIComponent(new URL(url ?? "/", "http://placeholder").pathname);
  } catch {
    return undefined;
  }
}

/** Whether serve mode's bind address is this machine only (see kernel/loopback.ts). */
export function isLoopback(host: string): boolean {
  return isLoopbackHost(host);
}
