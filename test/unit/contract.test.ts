import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { callNames, calls } from "../../electron/shared/contract/index.js";
import { WireResult } from "../../electron/shared/contract/wire.js";
import type { AppCore } from "../../electron/core/composition/app-core.js";
import { createTempCore } from "../support/core/temp-core.js";

let core: AppCore;
let dispose: () => Promise<void>;

beforeAll(async () => {
  ({ core, dispose } = await createTempCore());
});
afterAll(() => dispose());

describe("the contract", () => {
  it("gives every call an object request schema, so payloads are always checked field by field", () => {
    for (const name of callNames) expect(calls[name].request, name).toBeInstanceOf(z.ZodObject);
  });

  it.each(callNames)("rejects malformed %s payloads with a clear message", async (name) => {
    for (const payload of [42, "text", [1, 2], true, null]) {
      const outcome = await core.dispatch(name, payload);
      expect(outcome.ok, `${name} accepted ${JSON.stringify(payload)}`).toBe(false);
      if (!outcome.ok) {
        expect(outcome.error.code).toBe("bad-request");
        expect(outcome.error.message).toContain(`Malformed "${name}" request`);
      }
    }
  });

  it("rejects payloads whose fields have the wrong type", async () => {
    const outcome = await core.dispatch("jobs.cancel", { jobId: 7 });
    expect(outcome).toMatchObject({ ok: false, error: { code: "bad-request" } });
    if (!outcome.ok) expect(outcome.error.message).toMatch(/jobId/);
  });

  it("refuses unknown call names without running anything", async () => {
    for (const name of ["__proto__", "constructor", "app.info.extra", 5, undefined]) {
      const outcome = await core.dispatch(name, {});
      expect(outcome).toMatchObject({ ok: false, error: { code: "unknown-call" } });
    }
  });

  it("answers a well-formed call", async () => {
    const outcome = await core.dispatch("app.info", {});
    expect(outcome).toMatchObject({ ok: true, value: { name: "R1 Local", mode: "serve" } });
  });

  it("cancelling an unknown job says so instead of failing", async () => {
    expect(await core.dispatch("jobs.cancel", { jobId: "no-such-job" })).toEqual({ ok: true, value: { cancelled: false } });
  });

  it("passes a capability's error code to the caller unchanged, and words for people with it", async () => {
    const missing = await core.dispatch("conversations.get", { id: "c-does-not-exist" });
    expect(missing).toMatchObject({ ok: false, error: { code: "not-found", message: expect.stringMatching(/does not exist/) } });
    const unloaded = await core.dispatch("chat.send", { prompt: "Hello?" });
    expect(unloaded).toMatchObject({ ok: false, error: { code: "not-loaded", message: "No model is loaded. Load a model first." } });
    const badImport = await core.dispatch("library.import", { path: "/no/such/model.gguf", mode: "in-place" });
    expect(badImport).toMatchObject({ ok: false, error: { code: "bad-request" } });
  });

  it("lists every code on the wire, so a result with an unknown code is refused", () => {
    expect(WireResult.safeParse({ t: "result", id: 1, ok: false, error: { code: "busy", message: "m" } }).success).toBe(true);
    expect(WireResult.safeParse({ t: "result", id: 1, ok: false, error: { code: "weird", message: "m" } }).success).toBe(false);
  });
});
