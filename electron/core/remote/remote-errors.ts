import type { Response } from "undici";
import { AppError } from "../kernel/errors.js";
import { BodyTooLarge, limitText, MAX_REMOTE_ERROR_BODY_BYTES, readBoundedText } from "../kernel/read-limits.js";
import { errorMessageOf } from "./wire-schemas.js";

/** "0.4 s", "12 s", "600 s". */
export const seconds = (ms: number) => `${ms >= 10_000 ? Math.round(ms / 1000) : Math.round(ms / 100) / 10} s`;

const TLS_CODES = /CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_OSSL/;

function codeOf(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

/** A failure to reach the server (no HTTP answer), in words a person can act on. */
export function connectionError(err: unknown, where: string, timeouts: { firstByteMs: number; stallMs: number }): AppError {
  const code = codeOf(err) ?? "";
  const say = (message: string, reason: string, retryable = true) => new AppError("unavailable", message, { reason, retryable, cause: err });
  if ((err as { cause?: { message?: string } }).cause?.message === "bad port")
    return new AppError("bad-request", `The port in ${where} is one HTTP clients refuse to use (a blocked port, as in browsers). Serve on another port.`, {
      cause: err,
    });
  if (code === "ECONNREFUSED") return say(`${where} refused the connection. Is the server running, and on that port?`, "refused");
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EAI_NONAME")
    return say(`The name in ${where} could not be found (DNS). Check the address, or your network.`, "dns");
  if (TLS_CODES.test(code))
    return say(`The secure connection to ${where} failed (${code}): its certificate is not trusted or does not match the name.`, "tls", false);
  if (code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_CONNECT_TIMEOUT")
    return say(`${where} did not answer within ${seconds(timeouts.firstByteMs)}. It may be overloaded or still loading the model.`, "timeout");
  if (code === "UND_ERR_BODY_TIMEOUT")
    return say(`${where} stopped sending for ${seconds(timeouts.stallMs)} in the middle of the answer; what arrived is kept.`, "stalled");
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET" || code === "EPIPE") return say(`The connection to ${where} was cut; what arrived is kept.`, "cut");
  return say(`Could not talk to ${where}: ${err instanceof Error ? err.message : String(err)}${code ? ` (${code})` : ""}.`, "network");
}

export { SELF_HEADER } from "../../shared/self-header.js";

/** The endpoint is this app's own local API: using it as a remote would make the app call itself. */
export function selfLoopError(where: string): AppError {
  return new AppError(
    "bad-request",
    `${where} is this app's own API (R1 Local's OpenAI-compatible server on this computer), not another server. A remote server must be another program or machine that runs a model; the model loaded here answers without one.`,
    { reason: "self" },
  );
}

/** Seconds a 429 asks to wait (Retry-After in seconds or as a date), if it says. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** An HTTP error answer, with the server's own words where it gave some. */
export function httpError(status: number, bodyText: string, info: { where: string; model: string; retryAfter?: number }): AppError {
  const said = errorMessageOf(bodyText);
  const because = said ? ` The server said: ${said}` : "";
  if (status === 401) return new AppError("unauthorized", `${info.where} refused the API key (401). Check the key in Settings → Remote servers.${because}`);
  if (status === 403) return new AppError("forbidden", `${info.where} does not allow this key to use it (403).${because}`);
  if (status === 404)
    return new AppError("not-found", `${info.where} does not serve "${info.model}" (404). "Test connection" lists the models it serves.${because}`, {
      reason: "model",
    });
  if (status === 429) {
    const wait = info.retryAfter === undefined ? "" : ` Try again in ${info.retryAfter} s.`;
    return new AppError("busy", `${info.where} is rate-limiting requests (429).${wait}${because}`, { reason: "rate-limited", retryable: true });
  }
  if (status >= 500)
    return new AppError("unavailable", `${info.where} failed with ${status}; the problem is on the server.${because}`, {
      reason: "server-error",
      retryable: true,
    });
  return new AppError("bad-request", `${info.where} rejected the request (${status}).${because}`);
}

/** An error answer's body, read up to MAX_REMOTE_ERROR_BODY_BYTES; `unread` says why it was not read whole. */
export interface ErrorBody {
  text: string;
  unread?: string;
}

/** Reads an HTTP error answer's words, bounded, and closes the response whatever happens. */
export async function readErrorBody(response: Response): Promise<ErrorBody> {
  const tooLong = `its error message was longer than ${limitText(MAX_REMOTE_ERROR_BODY_BYTES)} and was not read`;
  try {
    if (Number(response.headers.get("content-length")) > MAX_REMOTE_ERROR_BODY_BYTES) return { text: "", unread: tooLong };
    return { text: await readBoundedText(response.body, MAX_REMOTE_ERROR_BODY_BYTES) };
  } catch (err) {
    return { text: "", unread: err instanceof BodyTooLarge ? tooLong : "its error message did not arrive whole" };
  } finally {
    await response.body?.cancel().catch(() => undefined);
  }
}

/** The HTTP error, saying that the server's own words were not read and why. */
export function withUnreadBody(error: AppError, unread: string): AppError {
  return new AppError(error.code, `${error.message} (${unread[0]!.toUpperCase()}${unread.slice(1)}.)`, error.details);
}
