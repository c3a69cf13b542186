import { formatBytes } from "../../shared/format.js";
import { AppError, type ErrorCode } from "../kernel/errors.js";

/** The app-wide code for each reason a download stops; a reason not listed here is "failed". */
const CODE_FOR_REASON: Record<string, ErrorCode> = {
  "bad-source": "bad-request",
  "bad-url": "bad-request",
  unknown: "bad-request",
  "not-found": "not-found",
  unauthorized: "unauthorized",
  forbidden: "forbidden",
  "disk-full": "disk-full",
  network: "unavailable",
  stalled: "unavailable",
  "server-error": "unavailable",
  "rate-limited": "unavailable",
  "short-body": "unavailable",
};

/**
 * Why a download stopped, in words a person can act on; `reason` is the finer cause ("stalled",
 * "size-mismatch", …). `retryable` failures (dropped connection, stall, 5xx, 429) are retried with
 * backoff; the others stop the download with this message.
 */
export function downloadError(reason: string, message: string, options: { retryable?: boolean; cause?: unknown } = {}): AppError {
  return new AppError(CODE_FOR_REASON[reason] ?? "failed", message, { reason, ...options });
}

export function httpStatusError(status: number, url: string, context: { sentToken: boolean; repo?: string }): AppError {
  const host = safeHost(url);
  const what = context.repo ? `the model ${context.repo}` : `this file`;
  if (status === 401) {
    return downloadError(
      "unauthorized",
      context.sentToken
        ? `${host} did not accept the access token (HTTP 401). Check the Hugging Face token in Settings (or HF_TOKEN).`
        : `${host} asks for a sign-in to download ${what} (HTTP 401): it is gated or private. Accept its terms on the model page and add a Hugging Face access token in Settings (or set HF_TOKEN).`,
    );
  }
  if (status === 403) {
    return downloadError(
      "forbidden",
      `${host} refused access to ${what} (HTTP 403): the token has no access to it. Request access on the model page, or use a token that has it.`,
    );
  }
  if (status === 404) {
    return downloadError("not-found", `Not found (HTTP 404): ${url} does not exist on ${host}. Check the address; a mirror may not carry this model.`);
  }
  if (status === 416) {
    return downloadError(
      "range-not-satisfiable",
      `${host} refused the requested byte range (HTTP 416): the file on the server is not the one this download started with. The partial data was discarded; start the download again.`,
    );
  }
  if (status === 429) return downloadError("rate-limited", `${host} is rate-limiting downloads (HTTP 429).`, { retryable: true });
  if (status >= 500) return downloadError("server-error", `${host} had a server error (HTTP ${status}).`, { retryable: true });
  return downloadError("http-error", `${host} answered HTTP ${status} for ${url}.`);
}

/** Network-level failures: all worth retrying, described plainly; the reason is the system's error code. */
export function networkError(err: unknown, url: string): AppError {
  if (err instanceof AppError) return err;
  const code = (err as { code?: string }).code;
  const host = safeHost(url);
  const unavailable = (message: string) => new AppError("unavailable", message, { reason: code ?? "network", retryable: true, cause: err });
  if (code === "ECONNREFUSED") return unavailable(`Cannot connect to ${host} (connection refused).`);
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return unavailable(`Cannot find ${host} (DNS lookup failed); check the network.`);
  if (code === "ETIMEDOUT") return unavailable(`Connecting to ${host} timed out.`);
  return unavailable(`The connection to ${host} dropped (${code ?? (err instanceof Error ? err.message : String(err))}).`);
}

/** Errors from writing to disk: never retried automatically, the data so far is kept. */
export function diskError(err: unknown, path: string, keptBytes: number): AppError {
  const code = (err as { code?: string }).code;
  const kept = keptBytes > 0 ? ` The ${formatBytes(keptBytes)} already downloaded are kept; press Resume to continue.` : "";
  if (code === "ENOSPC" || code === "EDQUOT") {
    return downloadError("disk-full", `The disk is full: could not write ${path}. Free some space, then resume.${kept}`, { cause: err });
  }
  const detail = err instanceof Error ? err.message : String(err);
  return downloadError("write-failed", `Could not write ${path} (${code ?? detail}).${kept}`, { cause: err });
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "the server";
  }
}
