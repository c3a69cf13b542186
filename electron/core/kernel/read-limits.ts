import { formatBytes } from "../../shared/format.js";

/**
 * Every cap on what the core reads from another program, in one place. A server can send without
 * end (by fault or on purpose, a gzip bomb included: the caps count decoded bytes); past a cap the
 * read stops, the request is aborted and the person is told which server sent too much.
 */
const KiB = 1024;
const MiB = 1024 * KiB;

/** An HTTP error answer from a remote server: its message is a sentence or a small JSON object. */
export const MAX_REMOTE_ERROR_BODY_BYTES = 64 * KiB;
/** A whole answer (a chat answer, streamed or not; a model list): millions of tokens, far beyond any context. */
export const MAX_REMOTE_ANSWER_BYTES = 32 * MiB;
/** One line (and one event) of a server-sent-event stream: a chunk holds one or a few tokens. */
export const MAX_SSE_LINE_BYTES = 4 * MiB;
/** A hub's folder listing: even a large repository's is well under this. */
export const MAX_HUB_LISTING_BYTES = 16 * MiB;
/** A hub API answer read by downloads (a manifest, a tag's file). */
export const MAX_HUB_API_BYTES = 8 * MiB;
/** One message on serve mode's WebSocket: calls and their answers are small; files travel by upload. */
export const MAX_WS_MESSAGE_BYTES = 16 * MiB;
/** An uploaded conversation export (serve mode's import route). */
export const MAX_IMPORT_BYTES = 512 * MiB;

/** "32.0 MiB", as every size on screen is written. */
export const limitText = (bytes: number) => formatBytes(bytes);

/** Thrown by `bounded` when a body passes its cap; `limit` is the cap in bytes. */
export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`The body is larger than ${limitText(limit)}.`);
  }
}

/**
 * The body's chunks as they come, throwing BodyTooLarge as soon as their total passes `limit`.
 * Leaving the loop (the throw) cancels a fetch body, which closes the connection.
 */
export async function* bounded(body: AsyncIterable<Uint8Array>, limit: number): AsyncGenerator<Uint8Array, void, undefined> {
  let total = 0;
  for await (const chunk of body) {
    total += chunk.byteLength;
    if (total > limit) throw new BodyTooLarge(limit);
    yield chunk;
  }
}

/** The whole body as UTF-8 text, read only up to `limit` bytes (no body: ""). */
export async function readBoundedText(body: AsyncIterable<Uint8Array> | null | undefined, limit: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  if (!body) return "";
  for await (const chunk of bounded(body, limit)) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}
