import { describe, expect, it } from "vitest";
import { QueueFullError } from "../../electron/core/generation/queue-full.js";
import { QUEUED_PER_SEQUENCE, RequestQueue } from "../../electron/core/local-engine/request-queue.js";

const settled = async <T>(promise: Promise<T>) => {
  let state = "waiting";
  promise.then(
    () => (state = "started"),
    () => (state = "refused"),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return state;
};

describe("the request queue in front of the sequences", () => {
  it("keeps the window's sequence free however many API clients wait", async () => {
    const queue = new RequestQueue(() => 4);
    const api = await Promise.all([queue.enter("api"), queue.enter("api"), queue.enter("api")]);
    const fourth = queue.enter("api");
    expect(await settled(fourth)).toBe("waiting");
    expect(await settled(queue.enter("window"))).toBe("started");
    api[0]!();
    expect(await settled(fourth)).toBe("started");
  });

  it("refuses with a Retry-After only when the queue behind the API sequences is full", async () => {
    const queue = new RequestQueue(() => 2);
    await queue.enter("api");
    const waiting = Array.from({ length: QUEUED_PER_SEQUENCE }, () => queue.enter("api"));
    expect(queue.waiting).toBe(QUEUED_PER_SEQUENCE);
    const refused = await queue.enter("api").catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(QueueFullError);
    expect((refused as QueueFullError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(await settled(waiting[0]!)).toBe("waiting");
  });

  it("lets a client that goes away while it waits leave the queue at once", async () => {
    const queue = new RequestQueue(() => 2);
    const running = await queue.enter("api");
    const gone = new AbortController();
    const leaving = queue.enter("api", gone.signal);
    const next = queue.enter("api");
    gone.abort();
    await expect(leaving).rejects.toMatchObject({ code: "cancelled" });
    expect(queue.waiting).toBe(1);
    running();
    expect(await settled(next)).toBe("started");
  });

  it("with one sequence, the window goes ahead of API clients waiting", async () => {
    const queue = new RequestQueue(() => 1);
    const running = await queue.enter("api");
    const order: string[] = [];
    const api = queue.enter("api").then((release) => (order.push("api"), release));
    const window = queue.enter("window").then((release) => (order.push("window"), release));
    running();
    (await window)();
    await api;
    expect(order).toEqual(["window", "api"]);
  });
});
