import type { Settings, SettingsPatch } from "../../shared/contract/settings.js";
import { originOf } from "../kernel/loopback.js";

type HubOverrides = { endpoint?: string; token?: string | null; tokenOrigin?: string | null };

/**
 * The hub token belongs to the origin it was given for. A patch that gives a token binds it to the
 * endpoint it will be used with; a patch that moves the endpoint to another origin without a new
 * token drops the token (the form says so), so it is never sent to an address it was not given for.
 */
export function bindHubToken(patch: SettingsPatch, current: Settings): Record<string, unknown> {
  const hub = patch.hub;
  if (!hub) return patch;
  const endpoint = hub.endpoint ?? current.hub.endpoint;
  if (hub.token !== undefined) return { ...patch, hub: { ...hub, tokenOrigin: hub.token === null ? null : originOf(endpoint) } };
  const moved = hub.endpoint !== undefined && originOf(endpoint) !== current.hub.tokenOrigin;
  if (moved && current.hub.token !== null) return { ...patch, hub: { ...hub, token: null, tokenOrigin: null } };
  return patch;
}

/**
 * Settings written before tokens had an origin: a token (or an endpoint beside the environment's
 * token) without one is bound to the endpoint in use now, so nobody loses a token they had.
 */
export function migrateHubTokenOrigin(overrides: Record<string, unknown>, effective: Settings): Record<string, unknown> {
  const hub = overrides.hub as HubOverrides | undefined;
  if (!hub || hub.tokenOrigin !== undefined) return overrides;
  if (hub.token === undefined && hub.endpoint === undefined) return overrides;
  if (effective.hub.token === null) return overrides;
  return { ...overrides, hub: { ...hub, tokenOrigin: originOf(effective.hub.endpoint) } };
}
