import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

export const TOKEN_COOKIE = "r1_token";

export interface GuardConfig {
  token: string;
  /** host:port strings the Host header may carry (the bound address, plus localhost when on loopback). */
  allowedHosts: string[];
}

export type GuardVerdict = { ok: true; viaQuery: boolean } | { ok: false; status: 401 | 403; reason: string };

/**
 * Serve mode's door: the Host header must name the bound address (defeats DNS rebinding), any
 * Origin must be our own, and the per-launch token must come as ?token= or as our cookie.
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
  const url = new URL(req.url ?? "/", "http://placeholder");
  const queryToken = url.searchParams.get("token");
  if (queryToken !== null) {
    return sameSecret(queryToken, config.token) ? { ok: true, viaQuery: true } : { ok: false, status: 401, reason: "Wrong token" };
  }
  const cookieToken = readCookie(req.headers.cookie, TOKEN_COOKIE);
  if (cookieToken !== undefined && sameSecret(cookieToken, config.token)) return { ok: true, viaQuery: false };
  return { ok: false, status: 401, reason: cookieToken === undefined ? "Missing token" : "Wrong token" };
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return undefined;
}

export function isLoopback(host: string): boolean {
  return host === "127.0.0.1" || host === "::1" || host === "localhost" || host.startsWith("127.");
}
