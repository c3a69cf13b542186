import net from "node:net";
import tls from "node:tls";
import type { Readable } from "node:stream";
import { finished } from "node:stream";

/**
 * Where a download body's bytes go. Reads land directly in `space()` (no copy in JavaScript);
 * `commit(n)` says n bytes arrived there and returns false once the sink is full, after which the
 * body waits for `resume()`.
 */
export interface ByteSink {
  space(): Buffer;
  commit(bytes: number): boolean;
}

/** A response body being downloaded, from the raw socket below or from undici (fallback). */
export interface DownloadBody {
  /** Resolves at the body's end, rejects when the connection fails; committed bytes stay committed. */
  readInto(sink: ByteSink, onBytes: () => void): Promise<void>;
  /** The sink has room again. */
  resume(): void;
  /** Drops the body (error pages, redirects). */
  discard(): void;
  destroy(error?: Error): void;
}

export interface RawResponse {
  statusCode: number;
  headers: Record<string, string | string[]>;
  body: DownloadBody;
}

/** The response uses framing this reader does not handle (chunked): the caller uses undici instead. */
export class UnsupportedFraming extends Error {}

const SCRATCH_BYTES = 64 * 1024;

/**
 * One HTTP/1.1 GET on its own connection, reading with `onread` so the kernel copies the body
 * straight into the caller's buffers. undici allocates a fresh buffer per socket read and copies
 * the body out of its parser, which measured at 4–6× the CPU per GB of this path; for a model file
 * that CPU is what limits a download on a busy machine. Only Content-Length or read-to-close bodies
 * (what file servers and CDNs send for files); anything else throws UnsupportedFraming.
 */
export function rawGet(target: URL, options: { headers: Record<string, string>; signal?: AbortSignal; headersTimeoutMs: number }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const lines = [`GET ${target.pathname}${target.search} HTTP/1.1`, `host: ${target.host}`, "connection: close", "accept-encoding: identity"];
    for (const [name, value] of Object.entries(options.headers)) {
      if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) return reject(new Error(`Invalid header ${name}.`));
      lines.push(`${name}: ${value}`);
    }
    const scratch = Buffer.allocUnsafe(SCRATCH_BYTES);
    let headerBytes = 0;
    let body: SocketBody | undefined;
    let settled = false;
    const hostname = target.hostname.replace(/^\[|\]$/g, "");
    const port = Number(target.port) || (target.protocol === "https:" ? 443 : 80);
    const onread = {
      buffer: () => (body ? body.nextBuffer() : scratch.subarray(headerBytes)),
      callback: (bytes: number, buffer: Uint8Array): boolean => {
        if (body) return body.onRead(bytes, buffer);
        headerBytes += bytes;
        const parsed = parseHead(scratch.subarray(0, headerBytes));
        if (parsed === "incomplete") {
          if (headerBytes < SCRATCH_BYTES) return true;
          fail(new Error("The server's response headers were too large."));
          return false;
        }
        if (parsed === "invalid") {
          fail(new Error("The server's response was not valid HTTP."));
          return false;
        }
        clearTimeout(headersTimer);
        const { statusCode, headers, headLength } = parsed;
        if (headers["transfer-encoding"] !== undefined || headers["content-encoding"] !== undefined) {
          fail(new UnsupportedFraming(`framing ${String(headers["transfer-encoding"] ?? headers["content-encoding"])}`));
          return false;
        }
        const declared = Number(headers["content-length"]);
        const length = statusCode === 204 || statusCode === 304 ? 0 : Number.isSafeInteger(declared) && declared >= 0 ? declared : Infinity;
        // Body bytes that came with the head wait in their own copy until a sink is attached.
        body = new SocketBody(socket, scratch, length, Buffer.from(scratch.subarray(headLength, headerBytes)));
        settled = true;
        options.signal?.removeEventListener("abort", onAbort);
        resolve({ statusCode, headers, body });
        socket.pause();
        return false;
      },
    };
    const socket: net.Socket =
      target.protocol === "https:"
        ? tls.connect({
            host: hostname,
            port,
            servername: net.isIP(hostname) ? undefined : hostname,
            ALPNProtocols: ["http/1.1"],
            onread,
          } as tls.ConnectionOptions)
        : net.connect({ host: hostname, port, onread, noDelay: true });
    const fail = (error: unknown) => {
      clearTimeout(headersTimer);
      options.signal?.removeEventListener("abort", onAbort);
      socket.destroy();
      if (settled) return;
      settled = true;
      reject(error);
    };
    const onAbort = () => fail(options.signal!.reason);
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const headersTimer = setTimeout(
      () => fail(Object.assign(new Error("no response headers in time"), { code: "UND_ERR_HEADERS_TIMEOUT" })),
      options.headersTimeoutMs,
    );
    // Written at once: the socket holds it until connected (and, for TLS, until the handshake).
    socket.write(`${lines.join("\r\n")}\r\n\r\n`);
    socket.on("error", (error) => (body ? body.fail(error) : fail(error)));
    socket.on("end", () => (body ? body.end() : fail(Object.assign(new Error("the server closed the connection without an answer"), { code: "ECONNRESET" }))));
    socket.on("close", () => (body ? body.end() : fail(Object.assign(new Error("the connection closed"), { code: "ECONNRESET" }))));
  });
}

type Head = { statusCode: number; headers: Record<string, string | string[]>; headLength: number };

function parseHead(bytes: Buffer): Head | "incomplete" | "invalid" {
  let start = 0;
  for (;;) {
    const end = bytes.indexOf("\r\n\r\n", start, "latin1");
    if (end < 0) return "incomplete";
    const [statusLine, ...fields] = bytes.toString("latin1", start, end).split("\r\n");
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? "");
    if (!status) return "invalid";
    const statusCode = Number(status[1]);
    // Interim answers (100 Continue and the like) precede the real one.
    if (statusCode >= 100 && statusCode < 200) {
      start = end + 4;
      continue;
    }
    const headers: Record<string, string | string[]> = {};
    for (const field of fields) {
      const colon = field.indexOf(":");
      if (colon <= 0) return "invalid";
      const name = field.slice(0, colon).trim().toLowerCase();
      const value = field.slice(colon + 1).trim();
      const prior = headers[name];
      headers[name] = prior === undefined ? value : [prior, value].flat();
    }
    return { statusCode, headers, headLength: end + 4 };
  }
}

class SocketBody implements DownloadBody {
  private sink?: ByteSink;
  private onBytes: () => void = () => undefined;
  private pending?: Buffer;
  private blocked = false;
  private finished = false;
  private eof = false;
  private result?: { ok: () => void; fail: (error: unknown) => void };
  private outcome?: { error?: unknown };

  constructor(
    private readonly socket: net.Socket,
    private readonly scratch: Buffer,
    private remaining: number,
    early: Buffer,
  ) {
    if (early.length > 0) this.pending = early;
    if (remaining === 0) this.settle();
  }

  readInto(sink: ByteSink, onBytes: () => void): Promise<void> {
    this.sink = sink;
    this.onBytes = onBytes;
    const done = new Promise<void>((ok, fail) => {
      this.result = { ok, fail };
      if (this.outcome) this.report();
    });
    this.resume();
    return done;
  }

  /** The buffer the next socket read lands in: the sink's free space, or the scratch while it is full. */
  nextBuffer(): Uint8Array {
    if (!this.sink || this.blocked || this.pending || this.finished) return this.scratch;
    const space = this.sink.space();
    if (space.length === 0) return this.scratch;
    return this.remaining < space.length ? space.subarray(0, this.remaining) : space;
  }

  onRead(bytes: number, buffer: Uint8Array): boolean {
    if (this.finished) return false;
    this.onBytes();
    if (buffer.buffer === this.scratch.buffer || !this.sink) {
      // Read while no sink space was offered (after a pause; TLS may still hand over records it
      // had already decrypted): keep it, after anything already waiting.
      const copy = Buffer.from(buffer.subarray(0, bytes));
      this.pending = this.pending ? Buffer.concat([this.pending, copy]) : copy;
      return this.drainPending();
    }
    const n = Math.min(bytes, this.remaining);
    this.remaining -= n;
    if (!this.sink!.commit(n)) this.blocked = true;
    if (this.remaining === 0) {
      this.settle();
      return false;
    }
    if (this.blocked) this.socket.pause();
    return !this.blocked;
  }

  resume(): void {
    this.blocked = false;
    if (!this.drainPending() || this.finished) return;
    this.socket.resume();
  }

  discard(): void {
    this.destroy();
  }

  destroy(error?: Error): void {
    if (!this.finished) this.fail(error ?? Object.assign(new Error("the body was discarded"), { code: "ABORT_ERR" }));
  }

  fail(error: unknown): void {
    if (this.finished) return;
    this.finished = true;
    this.socket.destroy();
    this.outcome = { error };
    this.report();
  }

  /** The connection ended: complete only when every declared byte arrived. */
  end(): void {
    if (this.finished) return;
    if (this.remaining === Infinity) {
      this.eof = true;
      if (!this.pending) this.settle();
      return;
    }
    this.fail(Object.assign(new Error("the connection closed before the end of the file"), { code: "ECONNRESET" }));
  }

  /** Copies held bytes into the sink; false while some still wait for room. */
  private drainPending(): boolean {
    if (!this.pending || !this.sink) return !this.pending;
    let offset = 0;
    const bytes = this.pending;
    while (offset < bytes.length && this.remaining > 0) {
      const space = this.sink.space();
      if (space.length === 0) break;
      const n = bytes.copy(space, 0, offset, offset + Math.min(space.length, this.remaining, bytes.length - offset));
      offset += n;
      this.remaining -= n;
      if (!this.sink.commit(n)) {
        this.blocked = true;
        break;
      }
    }
    this.pending = offset < bytes.length && this.remaining > 0 ? bytes.subarray(offset) : undefined;
    if (this.remaining === 0) {
      this.pending = undefined;
      this.settle();
      return false;
    }
    if (!this.pending && this.eof) {
      this.settle();
      return false;
    }
    if (this.pending || this.blocked) {
      this.socket.pause();
      return false;
    }
    return true;
  }

  private settle(): void {
    if (this.finished) return;
    this.finished = true;
    this.socket.destroy();
    this.outcome = {};
    this.report();
  }

  private report(): void {
    if (!this.result || !this.outcome) return;
    const { ok, fail } = this.result;
    this.result = undefined;
    if (this.outcome.error !== undefined) fail(this.outcome.error);
    else ok();
  }
}

/** undici's body (the fallback for framing the raw reader does not do), copied into the sink. */
export class ReadableBody implements DownloadBody {
  private pending?: Buffer;
  private sink?: ByteSink;
  private ended = false;
  private finish?: () => void;

  constructor(private readonly readable: Readable) {}

  readInto(sink: ByteSink, onBytes: () => void): Promise<void> {
    this.sink = sink;
    return new Promise((ok, fail) => {
      this.finish = ok;
      this.readable.on("data", (chunk: Buffer) => {
        onBytes();
        this.pending = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
        if (!this.feed()) this.readable.pause();
      });
      finished(this.readable, (err) => {
        if (err) {
          fail(
            err.code === "ERR_STREAM_PREMATURE_CLOSE"
              ? Object.assign(new Error("the connection closed before the end of the file"), { code: "ECONNRESET" })
              : err,
          );
          return;
        }
        this.ended = true;
        if (!this.pending) ok();
      });
    });
  }

  resume(): void {
    if (!this.feed()) return;
    if (this.ended) this.finish?.();
    else this.readable.resume();
  }

  discard(): void {
    this.readable.resume();
  }

  destroy(error?: Error): void {
    this.readable.destroy(error);
  }

  private feed(): boolean {
    const bytes = this.pending;
    if (!bytes || !this.sink) return true;
    let offset = 0;
    while (offset < bytes.length) {
      const space = this.sink.space();
      if (space.length === 0) break;
      const n = bytes.copy(space, 0, offset);
      offset += n;
      if (!this.sink.commit(n) && offset < bytes.length) break;
    }
    this.pending = offset < bytes.length ? bytes.subarray(offset) : undefined;
    return !this.pending;
  }
}
