import { readFile, readdir, stat, writeFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DownloadManager } from "../../electron/core/downloads/manager.js";
import { planFromSource } from "../../electron/core/downloads/sources.js";
import { managerFor, progressUntil, sha256File, tempDir } from "../support/hub/download-helpers.js";
import { SAMPLE, writeSampleRepos } from "../support/hub/sample-repos.js";
import { startHub, type Hub } from "../support/hub/server.js";

let hubDir: string;
let hub: Hub;
let expected: { size: number; sha256: string };
const managers: DownloadManager[] = [];

beforeAll(async () => {
  hubDir = await tempDir("dl-hub-");
  await writeSampleRepos(hubDir, 8);
  hub = await startHub({ dir: hubDir });
  expected = await hub.digests(SAMPLE.plain.repo, SAMPLE.plain.file);
});
afterAll(() => hub.close());
afterEach(async () => {
  hub.faults.clear();
  await Promise.all(managers.splice(0).map((m) => m.close()));
});

async function setup(extra: Parameters<typeof managerFor>[2] = {}) {
  const dataDir = await tempDir("dl-data-");
  const manager = managerFor(dataDir, hub, extra);
  managers.push(manager);
  await manager.init();
  return { dataDir, manager, modelDir: join(dataDir, "models", ...SAMPLE.plain.repo.split("/")) };
}

const plainUri = () => `hf:${SAMPLE.plain.repo}/${SAMPLE.plain.file}`;
const plan = (source: string, token?: string) => planFromSource(source, { endpoint: hub.url, token });
const fileGets = (name: string) => hub.requests.filter((r) => r.method === "GET" && r.path.endsWith(name));
const startOf = (range?: string) => Number(/bytes=(\d+)-/.exec(range ?? "")?.[1] ?? 0);

describe("downloads: never lose progress", () => {
  it("survives 20 dropped connections at random offsets and ends with the right sha256", async () => {
    const { manager, modelDir } = await setup({ retry: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5 } });
    for (let i = 0; i < 20; i++) hub.faults.drop(20_000 + Math.floor(Math.random() * 350_000), { match: SAMPLE.plain.file });
    const before = fileGets(SAMPLE.plain.file).length;
    const record = await manager.add(await plan(plainUri()));
    const end = await manager.waitFor(record.id);
    expect(end.reason).toBeUndefined();
    expect(end.state).toBe("done");
    expect(await sha256File(join(modelDir, SAMPLE.plain.file))).toBe(expected.sha256);
    expect(await readdir(modelDir)).toEqual([SAMPLE.plain.file]);
    const gets = fileGets(SAMPLE.plain.file).slice(before);
    expect(gets.length).toBe(21);
    // Each resume asks for the bytes after the ones already kept: nothing on disk is fetched twice.
    const starts = gets.map((g) => startOf(g.range));
    for (let i = 1; i < starts.length; i++) expect(starts[i]).toBeGreaterThanOrEqual(starts[i - 1]!);
    expect(starts.at(-1)).toBeGreaterThan(0);
  });

  it("pauses and resumes from where it stopped", async () => {
    const { manager, modelDir } = await setup();
    hub.faults.throttle(4_000_000, { times: 0 });
    const record = await manager.add(await plan(plainUri()));
    await progressUntil(manager, record.id, (p) => p.bytesDone > 1_000_000);
    await manager.pause(record.id);
    expect(manager.get(record.id)!.state).toBe("paused");
    const kept = (await stat(join(modelDir, `${SAMPLE.plain.file}.part`))).size;
    expect(kept).toBeGreaterThan(1_000_000);
    await expect(stat(join(modelDir, SAMPLE.plain.file))).rejects.toThrow();
    hub.faults.clear();
    const before = fileGets(SAMPLE.plain.file).length;
    await manager.resume(record.id);
    expect((await manager.waitFor(record.id)).state).toBe("done");
    expect(startOf(fileGets(SAMPLE.plain.file)[before]!.range)).toBe(kept);
    expect(await sha256File(join(modelDir, SAMPLE.plain.file))).toBe(expected.sha256);
  });

  it("resumes (not restarts) when a new manager opens the same data after a restart", async () => {
    const { dataDir, manager, modelDir } = await setup();
    hub.faults.throttle(4_000_000, { times: 0 });
    const record = await manager.add(await plan(plainUri()));
    await progressUntil(manager, record.id, (p) => p.bytesDone > 1_500_000);
    await manager.close();
    const kept = (await stat(join(modelDir, `${SAMPLE.plain.file}.part`))).size;
    expect(kept).toBeGreaterThan(1_000_000);
    hub.faults.clear();

    const before = fileGets(SAMPLE.plain.file).length;
    const next = managerFor(dataDir, hub);
    managers.push(next);
    const states: string[] = [];
    next.subscribe((p) => states.push(p.state));
    await next.init();
    const end = await next.waitFor(record.id);
    expect(end.state).toBe("done");
    expect(startOf(fileGets(SAMPLE.plain.file)[before]!.range)).toBe(kept);
    expect(states).toContain("verifying"); // the running hash was lost: the file is read back
    expect(await sha256File(join(modelDir, SAMPLE.plain.file))).toBe(expected.sha256);
  });

  it("finishes, without fetching again, a file renamed just before the app stopped", async () => {
    const { dataDir, manager } = await setup();
    const record = await manager.add(await plan(plainUri()));
    await manager.waitFor(record.id);
    await manager.close();
    // The state file as it was a moment before the rename was recorded.
    const stateFile = join(dataDir, "downloads", "downloads.json");
    const state = JSON.parse(await readFile(stateFile, "utf8"));
    state.downloads[0].state = "verifying";
    state.downloads[0].files[0].done = false;
    await writeFile(stateFile, JSON.stringify(state));
    const before = fileGets(SAMPLE.plain.file).length;
    const next = managerFor(dataDir, hub);
    managers.push(next);
    await next.init();
    expect((await next.waitFor(record.id)).state).toBe("done");
    expect(fileGets(SAMPLE.plain.file).length).toBe(before);
  });

  it("treats a stalled connection as a drop and carries on", async () => {
    const { manager, modelDir } = await setup();
    hub.faults.stall(500_000, { match: SAMPLE.plain.file });
    const record = await manager.add(await plan(plainUri()));
    const end = await manager.waitFor(record.id);
    expect(end.state).toBe("done");
    expect(await sha256File(join(modelDir, SAMPLE.plain.file))).toBe(expected.sha256);
  });
});

describe("downloads: verification", () => {
  it("refuses bytes that do not match the published sha256: no file under the model's name, a clear error", async () => {
    const { manager, modelDir } = await setup();
    hub.faults.corrupt({ times: 0 });
    const record = await manager.add(await plan(plainUri()));
    const end = await manager.waitFor(record.id);
    expect(end.state).toBe("failed");
    expect(end.reason).toMatch(/Checksum mismatch for Tiny-R1-Q4_K_M\.gguf.*deleted/);
    expect(await readdir(modelDir)).toEqual([]);
  });

  it("takes the sha256 from the tree API when the file's headers carry none", async () => {
    const plainMirror = await startHub({ dir: hubDir, lfsHeaders: false });
    try {
      const dataDir = await tempDir("dl-data-");
      const manager = managerFor(dataDir, plainMirror);
      managers.push(manager);
      await manager.init();
      plainMirror.faults.corrupt({ times: 0 });
      const record = await manager.add(await planFromSource(plainUri(), { endpoint: plainMirror.url }));
      const end = await manager.waitFor(record.id);
      expect(manager.record(record.id)!.files[0]).toMatchObject({ sha256: expected.sha256, sha256Source: "tree" });
      expect(end.reason).toMatch(/Checksum mismatch/);
    } finally {
      await plainMirror.close();
    }
  });

  it("checks a catalog's pinned sha256 over the hub's", async () => {
    const { manager } = await setup();
    const planned = await plan(plainUri());
    planned.files[0]!.sha256 = "0".repeat(64);
    const end = await manager.waitFor((await manager.add(planned)).id);
    expect(end.reason).toMatch(/Checksum mismatch.*expected sha256 0000000000000000/);
  });

  it("reads the sha256 from the hub's CDN redirect", async () => {
    const cdnHub = await startHub({ dir: hubDir, cdnRedirect: true });
    try {
      const dataDir = await tempDir("dl-data-");
      const manager = managerFor(dataDir, cdnHub);
      managers.push(manager);
      await manager.init();
      const record = await manager.add(await planFromSource(`hf:${SAMPLE.plain.repo}/${SAMPLE.plain.file}`, { endpoint: cdnHub.url }));
      expect((await manager.waitFor(record.id)).state).toBe("done");
      expect(manager.record(record.id)!.files[0]!.sha256).toBe(expected.sha256);
      expect(cdnHub.requests.some((r) => r.path.startsWith("/cdn/"))).toBe(true);
    } finally {
      await cdnHub.close();
    }
  });
});

describe("downloads: servers that misbehave", () => {
  it("restarts from zero with a visible note when the server ignores Range", async () => {
    const { manager, modelDir } = await setup();
    hub.faults.drop(1_000_000, { match: SAMPLE.plain.file });
    hub.faults.noRange({ times: 0 });
    const record = await manager.add(await plan(plainUri()));
    const end = await manager.waitFor(record.id);
    expect(end.state).toBe("done");
    expect(end.notes.join(" ")).toMatch(/no Range support.*restarted from zero/);
    expect(await sha256File(join(modelDir, SAMPLE.plain.file))).toBe(expected.sha256);
  });

  it("says a gated model needs a token (401), then downloads with one; the token goes only to the hub", async () => {
    const uri = `hf:${SAMPLE.gated.repo}/${SAMPLE.gated.file}`;
    const first = await setup();
    const denied = await first.manager.add(await plan(uri));
    const failed = await first.manager.waitFor(denied.id);
    expect(failed.state).toBe("failed");
    expect(failed.reason).toMatch(/HTTP 401.*token/);

    const wrong = await setup({ token: "hf_wrong" });
    const refused = await wrong.manager.waitFor((await wrong.manager.add(await plan(uri))).id);
    expect(refused.reason).toMatch(/HTTP 403/);

    const second = await setup({ token: SAMPLE.gated.token });
    const allowed = await second.manager.add(await plan(uri, SAMPLE.gated.token));
    expect((await second.manager.waitFor(allowed.id)).state).toBe("done");

    // Another host (a second server on another port) never sees the hub's token.
    const other = await startHub({ dir: hubDir });
    try {
      const third = await setup({ token: SAMPLE.gated.token });
      const url = other.fileUrl(SAMPLE.plain.repo, SAMPLE.plain.readme);
      const rec = await third.manager.add(await plan(url, SAMPLE.gated.token));
      expect((await third.manager.waitFor(rec.id)).state).toBe("done");
      expect(other.requests.length).toBeGreaterThan(0);
      expect(other.requests.every((r) => r.authorization === undefined)).toBe(true);
    } finally {
      await other.close();
    }
  });

  it("downloads from a plain server that refuses HEAD, learning the size from the GET", async () => {
    const { manager } = await setup();
    const plainServer = await startHub({ dir: hubDir, lfsHeaders: false });
    try {
      plainServer.faults.status(405, { method: "HEAD", times: 0 });
      plainServer.faults.drop(300_000, { match: SAMPLE.plain.file });
      const record = await manager.add(await plan(plainServer.fileUrl(SAMPLE.plain.repo, SAMPLE.plain.file)));
      const end = await manager.waitFor(record.id);
      expect(end.state).toBe("done");
      expect(end.notes.join(" ")).toMatch(/publishes no sha256/);
      expect(await sha256File(end.paths![0]!)).toBe(expected.sha256);
    } finally {
      await plainServer.close();
    }
  });

  it("explains a 404", async () => {
    const { manager } = await setup();
    const record = await manager.add(await plan(`hf:${SAMPLE.plain.repo}/missing-Q4_K_M.gguf`));
    const end = await manager.waitFor(record.id);
    expect(end.state).toBe("failed");
    expect(end.reason).toMatch(/Not found \(HTTP 404\)/);
  });

  it("explains a 416 and drops the partial data", async () => {
    const { manager, modelDir } = await setup();
    await mkdir(modelDir, { recursive: true });
    await writeFile(join(modelDir, `${SAMPLE.plain.file}.part`), (await readFile(join(hubDir, SAMPLE.plain.repo, SAMPLE.plain.file))).subarray(0, 5000));
    hub.faults.status(416, { method: "GET", match: SAMPLE.plain.file });
    const record = await manager.add(await plan(plainUri()));
    const end = await manager.waitFor(record.id);
    expect(end.state).toBe("failed");
    expect(end.reason).toMatch(/HTTP 416/);
    expect(await readdir(modelDir)).toEqual([]);
  });

  it("retries 5xx with backoff and succeeds; gives up with a clear message when it never stops", async () => {
    const { manager } = await setup();
    const states: string[] = [];
    manager.subscribe((p) => states.push(p.state));
    hub.faults.status(503, { times: 3, match: SAMPLE.plain.file });
    const ok = await manager.add(await plan(plainUri()));
    expect((await manager.waitFor(ok.id)).state).toBe("done");
    expect(states).toContain("retrying");

    const other = await setup();
    hub.faults.status(500, { times: 0, match: SAMPLE.gated.file });
    const bad = await other.manager.add(await plan(`hf:${SAMPLE.gated.repo}/${SAMPLE.gated.file}`));
    const end = await other.manager.waitFor(bad.id);
    expect(end.state).toBe("failed");
    expect(end.reason).toMatch(/server error \(HTTP 500\).*Gave up after 5 attempts/);
  });
});

describe("downloads: disk", () => {
  it("stops with a clear message when the disk fills, keeps a clean resumable part, and resumes later", async () => {
    const { dataDir, manager, modelDir } = await setup({ disk: { quotaBytes: 6 * 1024 * 1024 } });
    const record = await manager.add(await plan(plainUri()));
    const end = await manager.waitFor(record.id);
    expect(end.state).toBe("failed");
    expect(end.reason).toMatch(/disk is full.*kept/);
    expect(await readdir(modelDir)).toEqual([`${SAMPLE.plain.file}.part`]);
    const part = await readFile(join(modelDir, `${SAMPLE.plain.file}.part`));
    const original = await readFile(join(hubDir, SAMPLE.plain.repo, SAMPLE.plain.file));
    expect(part.length).toBeGreaterThan(0);
    expect(part.equals(original.subarray(0, part.length))).toBe(true);
    await manager.close();

    const roomy = managerFor(dataDir, hub);
    managers.push(roomy);
    await roomy.init();
    await roomy.resume(record.id);
    expect((await roomy.waitFor(record.id)).state).toBe("done");
    expect(await sha256File(join(modelDir, SAMPLE.plain.file))).toBe(expected.sha256);
  });

  it("checks free space before starting", async () => {
    const { manager } = await setup({ disk: { freeSpace: async () => 2_000_000 } });
    const before = fileGets(SAMPLE.plain.file).length;
    const record = await manager.add(await plan(plainUri()));
    const end = await manager.waitFor(record.id);
    expect(end.reason).toMatch(/Not enough free disk space.*needs 8\.0 MiB plus a 1\.0 MiB margin, and 1\.9 MiB is free/);
    expect(fileGets(SAMPLE.plain.file).length).toBe(before);
  });
});

describe("downloads: queue and models", () => {
  it("downloads a split model as one download, every part verified", async () => {
    const { manager, dataDir } = await setup();
    const record = await manager.add(await plan(`hf:${SAMPLE.split.repo}:Q8_0`));
    expect(record.files.map((f) => f.fileName)).toEqual(SAMPLE.split.files);
    const end = await manager.waitFor(record.id);
    expect(end.state).toBe("done");
    expect(end.fileCount).toBe(3);
    let total = 0;
    for (const file of SAMPLE.split.files) {
      const published = await hub.digests(SAMPLE.split.repo, file);
      total += published.size;
      expect(await sha256File(join(dataDir, "models", ...SAMPLE.split.repo.split("/"), file))).toBe(published.sha256);
    }
    expect(end.bytesTotal).toBe(total);
    expect(end.bytesDone).toBe(total);
  });

  it("runs two downloads at once within the concurrency limit", async () => {
    const { manager } = await setup({ concurrency: 2 });
    hub.faults.throttle(3_000_000, { times: 0 });
    let most = 0;
    manager.subscribe(() => {
      most = Math.max(most, manager.list().filter((p) => p.state === "downloading").length);
    });
    const a = await manager.add(await plan(plainUri()));
    const b = await manager.add(await plan(`hf:${SAMPLE.split.repo}/${SAMPLE.split.files[0]}`));
    const c = await manager.add(await plan(`hf:${SAMPLE.gated.repo}/${SAMPLE.gated.file}`));
    expect(manager.get(c.id)!.state).toBe("queued");
    await progressUntil(manager, b.id, (p) => p.bytesDone > 500_000);
    hub.faults.clear();
    const ends = await Promise.all([a, b].map((r) => manager.waitFor(r.id)));
    expect(ends.map((e) => e.state)).toEqual(["done", "done"]);
    expect(most).toBe(2);
    await manager.waitFor(c.id);
  });

  it("cancel stops the download and deletes its partial data", async () => {
    const { manager, modelDir } = await setup();
    hub.faults.throttle(2_000_000, { times: 0 });
    const record = await manager.add(await plan(plainUri()));
    await progressUntil(manager, record.id, (p) => p.bytesDone > 300_000);
    await manager.cancel(record.id);
    expect(await readdir(modelDir)).toEqual([]);
    expect(manager.get(record.id)).toBeUndefined();
  });

  it("reports bytes, total, smoothed speed and ETA while downloading", async () => {
    const { manager } = await setup();
    hub.faults.throttle(4_000_000, { times: 0 });
    const record = await manager.add(await plan(plainUri()));
    const p = await progressUntil(manager, record.id, (x) => x.state === "downloading" && x.bytesDone > 1_000_000 && x.speedBytesPerSecond > 0);
    expect(p.bytesTotal).toBe(expected.size);
    expect(p.etaSeconds).toBeGreaterThan(0);
    await manager.cancel(record.id);
  });
});
