/**
 * The `data:` payloads of a server-sent-event stream, one string per event ("[DONE]" included).
 * Lines may be split anywhere across network chunks; CRLF and LF both end a line.
 */
export async function* sseData(body: AsyncIterable<Uint8Array>): AsyncGenerator<string, void, undefined> {
  const decoder = new TextDecoder();
  let buffer = "";
  let data: string[] = [];
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffer.indexOf("\n")) !== -1) {
      const line = buffer.slice(0, newline).replace(/\r$/, "");
      buffer = buffer.slice(newline + 1);
      if (line === "") {
        if (data.length) yield data.join("\n");
        data = [];
      } else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      // Comments (": ping") and other fields (event:, id:) carry nothing a chat needs.
    }
  }
  if (data.length) yield data.join("\n");
}
