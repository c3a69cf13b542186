import { MAX_SSE_LINE_BYTES } from "../kernel/read-limits.js";

const LF = 0x0a;

/** A line or an event longer than the cap: the stream is not one a chat server sends. */
export class SseLineTooLong extends Error {
  constructor(readonly limit: number) {
    super(`A server-sent-event line is longer than ${limit} bytes.`);
  }
}

/**
 * The `data:` payloads of a server-sent-event stream, one string per event ("[DONE]" included).
 * Lines may be split anywhere across network chunks; CRLF and LF both end a line. Each byte is
 * looked at once (a line's earlier pieces are kept, never searched again), and a line or an event
 * longer than `maxLineBytes` ends the stream with SseLineTooLong.
 */
export async function* sseData(body: AsyncIterable<Uint8Array>, maxLineBytes = MAX_SSE_LINE_BYTES): AsyncGenerator<string, void, undefined> {
  // A line's bytes before its end, in the pieces they came in (LF never occurs inside a UTF-8 character).
  let partial: Uint8Array[] = [];
  let partialBytes = 0;
  let data: string[] = [];
  let dataBytes = 0;
  const take = (line: string): string | undefined => {
    if (line.endsWith("\r")) line = line.slice(0, -1);
    if (line === "") {
      const event = data.length ? data.join("\n") : undefined;
      data = [];
      dataBytes = 0;
      return event;
    }
    if (line.startsWith("data:")) {
      const payload = line.slice(5).replace(/^ /, "");
      dataBytes += payload.length;
      if (dataBytes > maxLineBytes) throw new SseLineTooLong(maxLineBytes);
      data.push(payload);
    }
    // Comments (": ping") and other fields (event:, id:) carry nothing a chat needs.
    return undefined;
  };
  for await (const chunk of body) {
    let start = 0;
    for (let newline = chunk.indexOf(LF); newline !== -1; newline = chunk.indexOf(LF, start)) {
      if (partialBytes + newline - start > maxLineBytes) throw new SseLineTooLong(maxLineBytes);
      const piece = chunk.subarray(start, newline);
      const bytes = partial.length ? Buffer.concat([...partial, piece]) : piece;
      partial = [];
      partialBytes = 0;
      start = newline + 1;
      const event = take(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"));
      if (event !== undefined) yield event;
    }
    if (start < chunk.length) {
      partialBytes += chunk.length - start;
      if (partialBytes > maxLineBytes) throw new SseLineTooLong(maxLineBytes);
      // A copy: the stream may reuse the chunk's memory once we move on.
      partial.push(chunk.slice(start));
    }
  }
  if (partialBytes) {
    const event = take(Buffer.concat(partial).toString("utf8"));
    if (event !== undefined) yield event;
  }
  if (data.length) yield data.join("\n");
}
