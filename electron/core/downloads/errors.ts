import { formatBytes } from "../../shared/format.js";

/**
 * Why a download stopped, in words a person can act on. `retryable` failures (dropped connection,
 * stall, 5xx, 429) are retried with backoff; the others stop the download with this message.
 */
export class DownloadError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly code?: string,
  ) {
    super(message);
  }
}

export function httpStatusError(status: number, url: string, context: { sentToken: boolean; repo?: string }): DownloadError {
  const host = safeHost(url);
  const what = context.repo ? `the model ${context.repo}` : `this file`;
  if (status === 401) {
    return new DownloadError(
      context.sentToken
        ? `${host} did not accept the access token (HTTP 401). Check the Hugging Face token in Settings (or HF_TOKEN).`
        : `${host} asks for a sign-in to download ${what} (HTTP 401): it is gated or private. Accept its terms on the model page and add a Hugging Face access token in Settings (or set HF_TOKEN).`,
      false,
      "unauthorized",
    );
  }
  if (status === 403) {
    return new DownloadError(
      `${host} refused access to ${what} (HTTP 403): the token has no access to it. Request access on the model page, or use a token that has it.`,
      false,
      "forbidden",
    );
  }
  if (status === 404) {
    return new DownloadError(`Not found (HTTP 404): ${url} does not exist on ${host}. Check the address; a mirror may not carry this model.`, false, "not-found");
  }
  if (status === 416) {
    return new DownloadError(
      `${host} refused the requested byte range (HTTP 416): the file on the server is not the one this download started with. The partial data was discarded; start the download again.`,
      false,
      "range-not-satisfiable",
    );
  }
  if (status === 429) return new DownloadError(`${host} is rate-limiting downloads (HTTP 429).`, true, "rate-limited");
  if (status >= 500) return new DownloadError(`${host} had a server error (HTTP ${status}).`, true, "server-error");
  return new DownloadError(`${host} answered HTTP ${status} for ${url}.`, false, "http-error");
}

/** Network-level failures: all worth retrying, described plainly. */
export function networkError(err: unknown, url: string): DownloadError {
  if (err instanceof DownloadError) return err;
  const code = (err as { code?: string }).code;
  const host = safeHost(url);
  if (code === "ECONNREFUSED") return new DownloadError(`Cannot connect to ${host} (connection refused).`, true, code);
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return new DownloadError(`Cannot find ${host} (DNS lookup failed); check the network.`, true, code);
  if (code === "ETIMEDOUT") return new DownloadError(`Connecting to ${host} timed out.`, true, code);
  return new DownloadError(`The connection to ${host} dropped (${code ?? (err instanceof Error ? err.message : String(err))}).`, true, code ?? "network");
}

/** Errors from writing to disk: never retried automatically, the data so far is kept. */
export function diskError(err: unknown, path: string, keptBytes: number): DownloadError {
  const code = (err as { code?: string }).code;
  const kept = keptBytes > 0 ? ` The ${formatBytes(keptBytes)} already downloaded are kept; press Resume to continue.` : "";
  if (code === "ENOSPC" || code === "EDQUOT") {
    return new DownloadError(`The disk is full: could not write ${path}. Free some space, then resume.${kept}`, false, "disk-full");
  }
  const detail = err instanceof Error ? err.message : String(err);
  return new DownloadError(`Could not write ${path} (${code ?? detail}).${kept}`, false, "write-failed");
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "the server";
  }
}
