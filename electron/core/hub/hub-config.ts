import type { Settings } from "../../shared/contract/settings.js";

/** The configured hub: huggingface.co or a mirror, and its token (sent to that host only). */
export interface HubConfig {
  /** No trailing slash. */
  endpoint: string;
  token?: string;
}

/**
 * The hub every request uses, from the settings. HF_ENDPOINT and HF_TOKEN are read once, as the
 * settings' defaults (settings-service.ts), so this is the one place a hub address is resolved.
 */
export function hubFromSettings(settings: Settings): HubConfig {
  return { endpoint: settings.hub.endpoint.replace(/\/+$/, ""), token: settings.hub.token ?? undefined };
}

/**
 * Whether a request to `url` may carry the hub token: only to the hub's own origin, and never in
 * clear text across a network (plain http only to this machine, e.g. a local mirror).
 */
export function tokenAllowedFor(url: URL, hubOrigin: string): boolean {
  if (url.origin !== hubOrigin) return false;
  return url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHost(url.hostname));
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}
