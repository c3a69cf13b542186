// Attached files that go to a remote server are named with the server's host, so the person knows
// their files left this computer and for where.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { AppCore } from "../../electron/core/composition/app-core.js";
import { callOk, waitForEvent } from "../support/core/wait-for-event.js";
import { createTempCore } from "../support/core/temp-core.js";
import { startWireServer, WIRE_MODEL, type WireServer } from "../support/remote/wire-server.js";

let wire: WireServer;
let core: AppCore;
let dispose: () => Promise<void>;

beforeAll(async () => {
  wire = await startWireServer();
  ({ core, dispose } = await createTempCore());
});
afterAll(async () => {
  await dispose();
  await wire.close();
});

it("a question with files answered by a remote server gives a notice naming its host; one without files does not", async () => {
  const saved = await callOk(core, "remote.save", { name: "Lab vLLM", baseUrl: wire.url, model: WIRE_MODEL, preset: "vllm", family: "r1-0528" });
  await callOk(core, "remote.select", { id: saved.id });
  const notices: string[] = [];
  core.subscribe((name, payload) => {
    if (name === "chat.notice") notices.push((payload as { message: string }).message);
  });
  const host = new URL(wire.url).host;

  const plain = await callOk(core, "chat.send", { prompt: "What is 6 × 7?" });
  await waitForEvent(core, "chat.done", (d) => d.jobId === plain.jobId);
  expect(notices.filter((n) => n.includes("attached files"))).toEqual([]);

  const withFile = await callOk(core, "chat.send", { prompt: "What does it print?", attachments: [{ name: "main.py", content: "print(42)\n" }] });
  await waitForEvent(core, "chat.done", (d) => d.jobId === withFile.jobId);
  expect(notices).toContain(`The attached files were sent with the conversation to ${host} (Lab vLLM).`);
});
