// 10,000 random and mutated contract messages over serve mode's WebSocket, against the real serve
// process: wrong types, huge strings, deep nesting, unknown names, binary frames, oversize and
// invalid frames. Serve mode must never exit, and every well-formed call must get its result.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { callNames } from "../../electron/shared/contract/index.js";
import { startServeProcess, type ServeProcess } from "../support/browser/serve-process.js";

const MESSAGES = 10_000;
let serve: ServeProcess;

beforeAll(async () => {
  // The hub points at a closed loopback port, so nothing a mutated call starts leaves the machine.
  serve = await startServeProcess({ env: { HF_ENDPOINT: "http://127.0.0.1:9" } });
}, 90_000);
afterAll(() => serve?.stop());

/** A small deterministic generator, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Read-only calls whose well-formed payloads are known: each must be answered. */
const WELL_FORMED: Array<[string, (r: () => number) => unknown]> = [
  ["app.info", () => ({})],
  ["settings.get", () => ({})],
  ["conversations.list", () => ({})],
  ["downloads.list", () => ({})],
  ["library.list", () => ({})],
  ["engine.status", () => ({})],
  ["conversations.get", (r) => ({ id: `c-${Math.floor(r() * 1e6)}` })],
  ["conversations.search", (r) => ({ query: randomString(r, 40) })],
];

function randomString(r: () => number, max: number): string {
  const length = Math.floor(r() * max);
  let text = "";
  for (let i = 0; i < length; i++) text += String.fromCodePoint(r() < 0.9 ? 32 + Math.floor(r() * 95) : Math.floor(r() * 0xd7ff));
  return text;
}

function randomValue(r: () => number, depth = 0): unknown {
  const pick = Math.floor(r() * (depth > 3 ? 6 : 8));
  switch (pick) {
    case 0:
      return null;
    case 1:
      return r() < 0.5;
    case 2:
      return [0, -1, 1e308, -0, 2 ** 53 + 1, Math.floor(r() * 1e9), 0.5][Math.floor(r() * 7)];
    case 3:
      return randomString(r, 30);
    case 4:
      return r() < 0.02 ? "x".repeat(1024 * 1024) : randomString(r, 2000);
    case 5:
      return deepNesting(Math.floor(r() * 5000));
    case 6:
      return Array.from({ length: Math.floor(r() * 5) }, () => randomValue(r, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: Math.floor(r() * 5) }, () => [randomString(r, 12), randomValue(r, depth + 1)]));
  }
}

/** A marker JSON.stringify can handle; `serialize` expands it to `levels` nested arrays in the text. */
function deepNesting(levels: number): unknown {
  return { __deep: levels };
}

function serialize(value: unknown): string {
  return (JSON.stringify(value) ?? "null").replace(/\{"__deep":(\d+)\}/g, (_m, n: string) => "[".repeat(Number(n)) + "1" + "]".repeat(Number(n)));
}

type Frame = { kind: "text"; text: string; expectId?: number } | { kind: "binary"; data: Buffer } | { kind: "raw"; bytes: Buffer };

/** One hostile (or, sometimes, well-formed) frame. */
function nextFrame(r: () => number, id: number): Frame {
  const roll = r();
  if (roll < 0.3) {
    const [name, payload] = WELL_FORMED[Math.floor(r() * WELL_FORMED.length)]!;
    return { kind: "text", text: serialize({ t: "call", id, name, payload: payload(r) }), expectId: id };
  }
  if (roll < 0.33) return { kind: "binary", data: Buffer.from(randomString(r, 200)) };
  if (roll < 0.335) {
    // A frame header announcing 2^40 bytes (oversize), or a reserved opcode (protocol error).
    return r() < 0.5
      ? { kind: "raw", bytes: Buffer.from([0x81, 0xff, 0, 0, 1, 0, 0, 0, 0, 0]) }
      : { kind: "raw", bytes: Buffer.from([0x83, 0x80, 0, 0, 0, 0]) };
  }
  if (roll < 0.45) return { kind: "text", text: randomString(r, 300) }; // not JSON
  const name = r() < 0.2 ? randomString(r, 20) : callNames[Math.floor(r() * callNames.length)]!;
  const envelope: Record<string, unknown> = { t: "call", id, name };
  // Wrong payload types for real names: never an object, so no handler runs with junk.
  const wrong = [() => [randomValue(r)], () => randomString(r, 10), () => 1, () => true, () => null, () => deepNesting(3000)];
  envelope.payload = wrong[Math.floor(r() * wrong.length)]!();
  const mutation = Math.floor(r() * 6);
  if (mutation === 0) envelope.id = randomValue(r);
  if (mutation === 1) envelope.t = randomValue(r);
  if (mutation === 2) delete envelope.t;
  if (mutation === 3) envelope.name = randomValue(r);
  return { kind: "text", text: serialize(envelope) };
}

function open(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${serve.origin.replace(/^http/, "ws")}/ws`, ["r1-local", `r1-token.${serve.token}`], { headers: { origin: serve.origin } });
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
  });
}

describe("serve mode under a fuzzed WebSocket", () => {
  it(`survives ${MESSAGES} random and mutated messages and answers every well-formed call`, async () => {
    const r = rng(12);
    const counts = { text: 0, binary: 0, raw: 0, wellFormed: 0, answered: 0, reconnects: 0 };
    let ws = await open();
    let pending = new Map<number, () => void>();
    const listen = (socket: WebSocket, waiting: Map<number, () => void>) => {
      socket.on("error", () => undefined);
      socket.on("message", (data) => {
        const message = JSON.parse(data.toString()) as { t: string; id?: number; ok?: boolean };
        if (message.t === "result" && message.id !== undefined) waiting.get(message.id)?.();
      });
    };
    listen(ws, pending);
    for (let id = 1; id <= MESSAGES; id++) {
      const frame = nextFrame(r, id);
      if (ws.readyState !== WebSocket.OPEN) {
        counts.reconnects++;
        ws = await open();
        pending = new Map();
        listen(ws, pending);
      }
      if (frame.kind === "text") {
        counts.text++;
        if (frame.expectId !== undefined) {
          counts.wellFormed++;
          const answered = new Promise<void>((resolve) => pending.set(frame.expectId!, resolve));
          ws.send(frame.text);
          await answered;
          counts.answered++;
        } else {
          ws.send(frame.text);
        }
      } else if (frame.kind === "binary") {
        counts.binary++;
        ws.send(frame.data, { binary: true });
      } else {
        counts.raw++;
        const closed = new Promise((resolve) => ws.once("close", resolve));
        (ws as unknown as { _socket: import("node:net").Socket })._socket.write(frame.bytes);
        await closed;
      }
    }
    console.log(`fuzz: ${JSON.stringify(counts)}`);
    expect(counts.answered).toBe(counts.wellFormed);
    expect(counts.raw).toBeGreaterThan(0);
    expect(serve.process.exitCode).toBeNull();
    const last = await open();
    const info = await new Promise<{ ok: boolean }>((resolve) => {
      last.on("message", (data) => {
        const message = JSON.parse(data.toString()) as { t: string; id?: number; ok: boolean };
        if (message.t === "result" && message.id === 1) resolve(message);
      });
      last.send(JSON.stringify({ t: "call", id: 1, name: "app.info", payload: {} }));
    });
    expect(info.ok).toBe(true);
    last.close();
    ws.close();
  }, 240_000);
});
