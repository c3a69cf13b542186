import { AppError } from "../kernel/errors.js";
import { isLoopbackHost, originOf } from "../kernel/loopback.js";

/** What decides where a remote key may go: the address, the origin it was given for, the person's http choice. */
export interface KeyedAddress {
  baseUrl: string;
  apiKey: string | null;
  /** The origin (scheme://host:port) the key was given for; null without a key. */
  keyOrigin: string | null;
  /** The person ticked "Send the key over http" for this server. */
  sendKeyOverHttp: boolean;
}

/**
 * Why a key may not travel to `baseUrl`, or null when it may: https, or plain http to this machine,
 * or plain http the person allowed for this server. (The hub token follows the same rule without the
 * choice: hub/hub-config.ts.)
 */
export function keyOverHttpRefusal(baseUrl: string, sendKeyOverHttp: boolean): string | null {
  const url = new URL(baseUrl);
  if (url.protocol !== "http:" || isLoopbackHost(url.hostname) || sendKeyOverHttp) return null;
  return `The API key is not sent to ${url.host} over plain http: anyone on the network between could read it. Use an https address, or tick "Send the key over http" for this server.`;
}

/** The Authorization header for a request to the target's own address: the key only to the origin it was given for. */
export function keyHeader(target: KeyedAddress): Record<string, string> {
  if (!target.apiKey || target.keyOrigin !== originOf(target.baseUrl)) return {};
  const refusal = keyOverHttpRefusal(target.baseUrl, target.sendKeyOverHttp);
  if (refusal) throw new AppError("bad-request", refusal, { reason: "key-over-http" });
  return { authorization: `Bearer ${target.apiKey}` };
}
