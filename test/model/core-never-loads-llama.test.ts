// The app core must never load llama.cpp's native code: a crash or abort in llama.cpp has to take
// down only the engine process, never the core that serves the UI and holds the user's state.
// The layering lint refuses any import of node-llama-cpp in electron/core; this proves it at run time.
import { realpath } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureFixture } from "../fixtures/models.js";
import { startServeProcess, type ServeProcess } from "../support/browser/serve-process.js";
import { openServeSocket, type ServeSocket } from "../support/browser/serve-socket.js";
import { childProcesses, mappedFiles, mappedNativeLlamaLibraries } from "../support/core/proc-inspect.js";

describe.skipIf(process.platform !== "linux")("the serve-mode core process at run time (Linux only: reads /proc/PID/maps)", () => {
  let serve: ServeProcess;
  let socket: ServeSocket;
  let enginePid: number | undefined;

  beforeAll(async () => {
    serve = await startServeProcess({ env: { HF_TOKEN: "" } });
    socket = await openServeSocket(serve);
  });
  afterAll(async () => {
    socket?.close();
    await serve?.stop();
    // Should the core have died without closing its engine, do not leave the engine behind.
    if (enginePid !== undefined) {
      try {
        process.kill(enginePid, "SIGKILL");
      } catch {
        // Already gone, as it should be.
      }
    }
  });

  it("maps no llama.cpp library after real work, while its engine child does", async () => {
    const { models } = await socket.call("catalog.list", {});
    expect(models.length).toBeGreaterThan(0);
    // Estimates parse GGUF headers in the core, through node-llama-cpp's JS parser.
    const fit = await socket.call("fit.evaluate", { contextSize: 4096 });
    expect(fit.results.length).toBeGreaterThan(0);
    expect(fit.results.every((result) => result.reason.length > 0)).toBe(true);
    const hardware = await socket.call("hardware.probe", {});
    expect(hardware.ramTotalBytes).toBeGreaterThan(0);
    const backends = await socket.call("engine.backends", { backend: "cpu" });
    expect(backends.backend).toBe("cpu");

    const modelFile = await ensureFixture("scripted-r1");
    const loaded = socket.nextEvent("engine.loaded");
    const failed = socket.nextEvent("engine.loadFailed").then((event) => Promise.reject(new Error(`engine.load failed: ${event.message}`)));
    const { jobId } = await socket.call("engine.load", { path: modelFile, backend: "cpu", contextSize: 512 });
    const { jobId: loadedJob, model } = await Promise.race([loaded, failed]);
    expect(loadedJob).toBe(jobId);
    expect(model.path).toBe(modelFile);

    const corePid = serve.process.pid!;
    const engine = (await childProcesses(corePid)).find((child) => child.commandLine.includes(path.join("electron", "engine", "engine")));
    expect(engine, "the engine runs as a child process of the core").toBeDefined();
    enginePid = engine!.pid;

    // The maps are read: the core maps its Node binary…
    expect(await mappedFiles(corePid)).toContain(await realpath(process.execPath));
    // …but none of llama.cpp, which lives in the engine alone.
    expect(await mappedNativeLlamaLibraries(corePid)).toEqual([]);
    const engineLibraries = await mappedNativeLlamaLibraries(engine!.pid);
    expect(engineLibraries.some((file) => file.endsWith("llama-addon.node"))).toBe(true);
  });
});
