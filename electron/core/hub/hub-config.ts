import { isLoopbackHost, originOf } from "../kernel/loopback.js";
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
  const endpoint = settings.hub.endpoint.replace(/\/+$/, "");
  // The token goes only to the origin it was given for (settings/hub-token-binding.ts keeps them together).
  const bound = settings.hub.token !== null && settings.hub.tokenOrigin === originOf(endpoint);
  return { endpoint, token: bound ? settings.hub.token! : undefined };
}

/**
 * Whether a request to `url` may carry the hub token: only to the hub's own origin, and never in
 * clear text across a network (plain http only to this machine, e.g. a local mirror).
 */
export function tokenAllowedFor(url: URL, hubOrigin: string): boolean {
  if (url.origin !== hubOrigin) return false;
  return url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHost(url.hostname));
}
