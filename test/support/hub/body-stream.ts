import { createReadStream } from "node:fs";
import type { ServerResponse } from "node:http";
import type { FaultKind } from "./faults.js";

/**
 * Sends bytes start..end of a file as the response body, applying this request's body faults:
 * a cut (drop, or stall then drop) after some bytes, one corrupted byte, or a speed limit.
 */
export async function sendBody(res: ServerResponse, path: string, start: number, end: number, faults: FaultKind[]): Promise<void> {
  const cut = faults.find((f): f is Extract<FaultKind, { kind: "drop" | "stall" }> => f.kind === "drop" || f.kind === "stall");
  const corrupt = faults.find((f): f is Extract<FaultKind, { kind: "corrupt" }> => f.kind === "corrupt");
  const throttle = faults.find((f): f is Extract<FaultKind, { kind: "throttle" }> => f.kind === "throttle");
  const overlong = faults.find((f): f is Extract<FaultKind, { kind: "overlong" }> => f.kind === "overlong");
  const stream = createReadStream(path, { start, end, highWaterMark: 256 * 1024 });
  if (overlong) return sendOverlong(res, stream, overlong.extraBytes);
  if (!cut && !corrupt && !throttle) {
    stream.pipe(res);
    res.on("close", () => stream.destroy());
    return;
  }

  const corruptAt = corrupt ? (corrupt.atByte ?? Math.floor((end + 1) / 2)) : -1;
  const closed = untilClosedOr(res);
  let position = start;
  let sent = 0;
  try {
    for await (const raw of stream) {
      let chunk = raw as Buffer;
      if (corruptAt >= position && corruptAt < position + chunk.length) {
        chunk = Buffer.from(chunk);
        chunk[corruptAt - position] = chunk[corruptAt - position]! ^ 0xff;
      }
      position += chunk.length;
      if (cut && sent + chunk.length >= cut.afterBytes) {
        await write(res, closed, chunk.subarray(0, cut.afterBytes - sent), throttle?.bytesPerSecond);
        if (cut.kind === "stall") await untilClosedOr(res, cut.ms);
        res.destroy();
        return;
      }
      if (!(await write(res, closed, chunk, throttle?.bytesPerSecond))) return;
      sent += chunk.length;
    }
    res.end();
  } finally {
    stream.destroy();
  }
}

/** Writes with backpressure (and pacing when throttled); false when the client went away. */
async function write(res: ServerResponse, closed: Promise<void>, chunk: Buffer, bytesPerSecond?: number): Promise<boolean> {
  const slice = bytesPerSecond ? Math.max(1, Math.floor(bytesPerSecond / 20)) : chunk.length;
  for (let offset = 0; offset < chunk.length; offset += slice) {
    if (res.destroyed) return false;
    const piece = chunk.subarray(offset, offset + slice);
    const flushed = new Promise<void>((ok) => res.write(piece, () => ok()));
    await Promise.race([flushed, closed]);
    if (bytesPerSecond) await sleep((piece.length / bytesPerSecond) * 1000);
  }
  return !res.destroyed;
}

function untilClosedOr(res: ServerResponse, ms?: number): Promise<void> {
  return new Promise((ok) => {
    if (res.destroyed || res.socket?.destroyed) return ok();
    const timer = ms ? setTimeout(done, ms) : undefined;
    res.once("close", done);
    function done() {
      if (timer) clearTimeout(timer);
      res.off("close", done);
      ok();
    }
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((ok) => setTimeout(ok, ms));
}

/** The file, then junk: `extraBytes` of it, or until the client hangs up. */
async function sendOverlong(res: ServerResponse, stream: AsyncIterable<unknown> & { destroy(): void }, extraBytes = Infinity): Promise<void> {
  const closed = untilClosedOr(res);
  try {
    for await (const chunk of stream) if (!(await write(res, closed, chunk as Buffer))) return;
    const junk = Buffer.alloc(256 * 1024, 0x41);
    for (let sent = 0; sent < extraBytes; sent += junk.length) {
      if (!(await write(res, closed, junk.subarray(0, Math.min(junk.length, extraBytes - sent))))) return;
    }
    res.end();
  } finally {
    stream.destroy();
  }
}
