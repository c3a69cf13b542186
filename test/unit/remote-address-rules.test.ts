// What a remote server's address may be and what comes back from it: keys over plain http only to
// this machine unless the person allows it, no query or fragment in a base URL, and from an error
// page only the server's parsed JSON message (never the page itself).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppCore } from "../../electron/core/composition/app-core.js";
import { callOk } from "../support/core/wait-for-event.js";
import { createTempCore } from "../support/core/temp-core.js";
import { startAuthRecorder, type AuthRecorder } from "../support/remote/auth-recorder.js";

const KEY = "sk-rules-0123456789abcdefWXYZ";
const ENDPOINT = { name: "Lab", model: "m", preset: "vllm", family: "r1-distill" } as const;

let server: AuthRecorder;
let core: AppCore;
let dispose: () => Promise<void>;

beforeAll(async () => {
  server = await startAuthRecorder();
  ({ core, dispose } = await createTempCore());
});
afterAll(async () => {
  await dispose();
  await server.close();
});

async function refusal(name: "remote.save" | "remote.test", payload: Record<string, unknown>) {
  const outcome = await core.dispatch(name, payload);
  if (outcome.ok) throw new Error(`${name} was accepted`);
  return outcome.error;
}

describe("a key over plain http", () => {
  it("is refused for a server that is not this machine, naming the choice that allows it", async () => {
    const saved = await refusal("remote.save", { ...ENDPOINT, baseUrl: "http://gpu-box.invalid:8000/v1", apiKey: KEY });
    expect(saved.code).toBe("bad-request");
    expect(saved.message).toMatch(/not sent to gpu-box\.invalid:8000 over plain http.*tick "Send the key over http"/);
    expect((await callOk(core, "remote.list", {})).endpoints).toEqual([]);
    const tested = await refusal("remote.test", { baseUrl: "http://gpu-box.invalid:8000/v1", apiKey: KEY });
    expect(tested).toMatchObject({ code: "bad-request", message: expect.stringMatching(/over plain http/) });
  });

  it('is stored with the endpoint when the person ticks "Send the key over http"; https and loopback need no tick', async () => {
    const allowed = await callOk(core, "remote.save", { ...ENDPOINT, baseUrl: "http://gpu-box.invalid:8000/v1", apiKey: KEY, sendKeyOverHttp: true });
    expect(allowed).toMatchObject({ hasKey: true, sendKeyOverHttp: true });
    // Saving again without naming the choice keeps it.
    const again = await callOk(core, "remote.save", { ...ENDPOINT, id: allowed.id, baseUrl: "http://gpu-box.invalid:8000/v1" });
    expect(again).toMatchObject({ hasKey: true, sendKeyOverHttp: true });
    expect(await callOk(core, "remote.save", { ...ENDPOINT, baseUrl: "https://gpu-box.invalid/v1", apiKey: KEY })).toMatchObject({ hasKey: true });
    expect(await callOk(core, "remote.save", { ...ENDPOINT, baseUrl: `${server.url}/v1`, apiKey: KEY })).toMatchObject({ hasKey: true });
    await callOk(core, "remote.test", { baseUrl: `${server.url}/v1`, apiKey: KEY });
    expect(server.seen.at(-1)?.authorization).toBe(`Bearer ${KEY}`);
  });
});

describe("a base URL", () => {
  it.each([`?x=`, `?x=1`, `#frag`, `?x=/../admin#`])("with a query or fragment (%s) is refused with a clear message", async (tail) => {
    for (const name of ["remote.save", "remote.test"] as const) {
      const error = await refusal(name, { ...ENDPOINT, baseUrl: `${server.url}/v1${tail}`, ...(name === "remote.test" ? { model: "m" } : {}) });
      expect(error.code).toBe("bad-request");
      expect(error.message).toMatch(/cannot have a query \(\?…\) or a fragment \(#…\)/);
    }
  });
});

describe("an error page", () => {
  it("is never echoed: only a parsed JSON error message reaches the person", async () => {
    server.answer({ status: 500, body: "<html><body>internal admin panel: db password hunter2</body></html>", contentType: "text/html" });
    const page = await refusal("remote.test", { baseUrl: `${server.url}/v1` });
    expect(page.message).toMatch(/failed with 500/);
    expect(page.message).not.toMatch(/hunter2|admin panel|<html/);

    server.answer({ status: 500, body: "plain words from a proxy: internal-host-17", contentType: "text/plain" });
    expect((await refusal("remote.test", { baseUrl: `${server.url}/v1` })).message).not.toContain("internal-host-17");

    server.answer({ status: 500, body: JSON.stringify({ error: { message: "The model is still loading." } }) });
    expect((await refusal("remote.test", { baseUrl: `${server.url}/v1` })).message).toMatch(/The server said: The model is still loading\./);
    server.answer({ status: 503, body: JSON.stringify({ message: "Overloaded." }) });
    expect((await refusal("remote.test", { baseUrl: `${server.url}/v1` })).message).toMatch(/The server said: Overloaded\./);
    server.answer(null);
  });
});
