// A hostile hub and hostile file servers against the download manager: names that try to leave the
// models folder, bodies longer than announced or without end, redirect loops and odd schemes,
// multi-megabyte JSON. After each, nothing exists outside the models folder and the app answers.
import { mkdir, readFile, readdir, stat, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { networkInterfaces } from "node:os";
import { join, relative } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { planFromCatalog } from "../../electron/core/downloads/catalog-source.js";
import type { DownloadManager } from "../../electron/core/downloads/manager.js";
import { planFromSource, type DownloadPlan } from "../../electron/core/downloads/sources.js";
import { listHubFolder } from "../../electron/core/hub/tree-api.js";
import { ModelLibrary } from "../../electron/core/library/library.js";
import { managerFor, sha256File, tempDir } from "../support/hub/download-helpers.js";
import { startOddFileServer } from "../support/hub/odd-file-server.js";
import { SAMPLE, writeSampleRepos } from "../support/hub/sample-repos.js";
import { startHub, type Hub } from "../support/hub/server.js";

let hub: Hub;
let anyPath: Awaited<ReturnType<typeof startOddFileServer>>;
const managers: DownloadManager[] = [];
const tried: Record<string, number> = {};
const count = (suite: string) => (tried[suite] = (tried[suite] ?? 0) + 1);
const BACKSLASH_REPO = "evil/Backslash-GGUF";
const BACKSLASH_FILE = "sub\\..\\..\\..\\planted-Q4_K_M.gguf";

beforeAll(async () => {
  const hubDir = await tempDir("hostile-hub-");
  await writeSampleRepos(hubDir, 4);
  await mkdir(join(hubDir, BACKSLASH_REPO), { recursive: true });
  await writeFile(join(hubDir, BACKSLASH_REPO, BACKSLASH_FILE), Buffer.alloc(200_000, 7)); // a legal name on Linux
  hub = await startHub({ dir: hubDir });
  anyPath = await startOddFileServer({ data: Buffer.alloc(300_000, 9) }); // answers every path with one file
});
afterAll(async () => {
  await Promise.all([hub.close(), anyPath.close()]);
  console.log(`hostile inputs tried: ${JSON.stringify(tried)}`);
});
afterEach(async () => {
  hub.faults.clear();
  await Promise.all(managers.splice(0).map((m) => m.close()));
});

/** A root with the data folder inside and a sentinel beside it: anything new outside data/models is an escape. */
async function setup(extra: Parameters<typeof managerFor>[2] = {}) {
  const root = await tempDir("hostile-root-");
  const dataDir = join(root, "data");
  await mkdir(dataDir);
  await writeFile(join(root, "sentinel.txt"), "keep me");
  const manager = managerFor(dataDir, hub, extra);
  managers.push(manager);
  await manager.init();
  return { root, dataDir, manager, modelsDir: join(dataDir, "models") };
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)));
}

/** Only the sentinel, the state files and files under data/models may exist; the sentinel is intact. */
async function expectNothingOutside(root: string): Promise<void> {
  const allowed = (f: string) => f === "sentinel.txt" || f === "data/library.json" || f.startsWith("data/models/") || f.startsWith("data/downloads/");
  const outside = (await filesUnder(root)).filter((f) => !allowed(f));
  expect(outside).toEqual([]);
  expect(await readFile(join(root, "sentinel.txt"), "utf8")).toBe("keep me");
  expect(await readdir(join(root, ".."))).not.toContain("planted.gguf");
}

/** Adds the plan; a refusal is the expected outcome, an accepted one must end inside the models folder. */
async function tryPlan(manager: DownloadManager, plan: () => Promise<DownloadPlan> | DownloadPlan): Promise<string> {
  try {
    const record = await manager.add(await plan());
    const end = await manager.waitFor(record.id);
    return `${end.state}: ${end.reason ?? ""}`;
  } catch (err) {
    return `refused: ${(err as Error).message}`;
  }
}

const HOSTILE_URL_NAMES = [
  "..%2F..%2F..%2Fplanted.gguf",
  "..%5C..%5C..%5Cplanted.gguf",
  "x%2F..%2F..%2F..%2F..%2Fplanted.gguf",
  "%2Ftmp%2Fplanted.gguf",
  "C:%5CUsers%5Cplanted.gguf",
  "planted%00.gguf",
  "planted%0A.gguf",
  "%2E%2E",
  ".%2E%2F.%2E%2Fplanted.gguf",
  "..%2F..%2F..%2Fplanted-00001-of-00002.gguf",
];

describe("hostile names never leave the models folder", () => {
  it("refuses pasted URLs whose decoded name has a separator, a control character or a dot-folder", async () => {
    const { root, manager } = await setup();
    for (const name of HOSTILE_URL_NAMES) {
      count("names");
      const outcome = await tryPlan(manager, () => planFromSource(`${new URL(anyPath.url).origin}/x/y/${name}`, { endpoint: hub.url }));
      expect(outcome, name).toMatch(/^refused: |^done: /);
      // A split part name is rebuilt from its basename (split-names.ts), so that one may land, inside.
      if (/%2F|%5C|%00|%0A/.test(name) && !name.includes("-of-")) expect(outcome, name).toMatch(/^refused: Refused the/);
      await expectNothingOutside(root);
    }
    expect(manager.list().every((d) => d.state !== "downloading")).toBe(true);
  });

  it("refuses a hub manifest whose rfilename holds backslashes, and hub paths with encoded separators", async () => {
    const { root, manager } = await setup();
    const sources = [
      `hf:${BACKSLASH_REPO}:Q4_K_M`,
      hub.fileUrl(BACKSLASH_REPO, BACKSLASH_FILE),
      `hf:${BACKSLASH_REPO}/${BACKSLASH_FILE}`,
      `hf:../../evil:Q4_K_M`,
      `${hub.url}/acme/..%2F..%2F..%2Fplanted`,
      `${hub.url}/acme/Tiny-R1-GGUF/resolve/main/..%2F..%2F..%2Fplanted.gguf`,
    ];
    for (const source of sources) {
      count("names");
      const outcome = await tryPlan(manager, () => planFromSource(source, { endpoint: hub.url }));
      expect(outcome, source).not.toMatch(/^done/);
      await expectNothingOutside(root);
    }
    expect(await tryPlan(manager, () => planFromSource(`hf:${BACKSLASH_REPO}:Q4_K_M`, { endpoint: hub.url }))).toMatch(/^refused: Refused the file name/);
  });

  it("refuses catalog entries whose path or repository would leave the folder", async () => {
    const { root, manager } = await setup();
    const cases = [
      { repo: "acme/Tiny-R1-GGUF", path: "sub\\..\\..\\planted.gguf" },
      { repo: "..\\..\\evil", path: "planted.gguf" },
      { repo: "acme/..", path: "planted.gguf" },
      { repo: "acme/Tiny-R1-GGUF", path: "/etc/\u0000planted.gguf" },
    ];
    for (const c of cases) {
      count("names");
      const catalog = {
        variant: () =>
          ({ model: { id: "m", name: "M" }, variant: { repo: c.repo, quant: "Q4_K_M", files: [{ path: c.path, sizeBytes: 1 }], approximate: false } }) as never,
      };
      const outcome = await tryPlan(manager, () => planFromCatalog(catalog, "m", "v", { endpoint: hub.url }));
      expect(outcome, JSON.stringify(c)).toMatch(/^refused: Refused the/);
      await expectNothingOutside(root);
    }
  });

  it("never runs, nor deletes by, a record on disk whose name or folder was tampered with", async () => {
    const { root, dataDir, modelsDir } = await setup();
    await managers.pop()!.close();
    const record = (id: string, destinationDir: string, fileName: string, done: boolean) => ({
      id,
      name: id,
      source: anyPath.url,
      state: "queued",
      notes: [],
      destinationDir,
      files: [{ url: anyPath.url, fileName, sha256: anyPath.sha256, size: 300_000, done }],
      createdAt: 1,
      updatedAt: 1,
    });
    const records = [
      record("up", modelsDir, "../../planted.gguf", false),
      record("backslash", modelsDir, "..\\..\\planted.gguf", false),
      record("nul", modelsDir, "planted\u0000.gguf", false),
      record("dir", join(modelsDir, "..", "..", "."), "planted.gguf", false),
      record("relative", "models/../..", "planted.gguf", false),
      record("delete-sentinel", modelsDir, "../../sentinel.txt", true),
    ];
    await writeFile(join(dataDir, "downloads", "downloads.json"), JSON.stringify({ version: 1, downloads: records }));
    const manager = managerFor(dataDir, hub);
    managers.push(manager);
    await manager.init();
    for (const r of records) {
      count("state-file");
      const now = await manager.waitFor(r.id);
      expect(now.state, r.id).toBe("failed");
      expect(now.reason, r.id).toMatch(/cannot continue/);
      await manager.cancel(r.id);
      await expectNothingOutside(root);
    }
  });

  it("library.delete forgets, but does not delete, files outside the models folder", async () => {
    const { root, dataDir, modelsDir } = await setup();
    count("library");
    const file = join(dataDir, "library.json");
    const entry = { id: "m-1", name: "x", path: join(root, "sentinel.txt"), files: [join(root, "sentinel.txt")], sizeBytes: 7, origin: "download", addedAt: 1 };
    await writeFile(file, JSON.stringify({ version: 1, models: [entry] }));
    const library = new ModelLibrary({ file, modelsDir: () => modelsDir, validate: async () => ({ ok: true }) });
    await library.init();
    expect(await library.delete("m-1")).toEqual({ removed: true, filesDeleted: false, freedBytes: 0 });
    await expectNothingOutside(root);
  });
});

describe("hostile bodies and answers", () => {
  const fileUri = () => `hf:${SAMPLE.plain.repo}/${SAMPLE.plain.file}`;
  const plan = () => planFromSource(fileUri(), { endpoint: hub.url });

  it("cuts a body longer than the announced size, keeping nothing past it", async () => {
    const { root, manager, modelsDir } = await setup({ disk: { quotaBytes: 64 * 1024 * 1024 } });
    count("bodies");
    const { size } = await hub.digests(SAMPLE.plain.repo, SAMPLE.plain.file);
    // times 0: the chunked body makes the client ask a second time (see http.ts), and a retry must meet it too.
    hub.faults.add({ match: SAMPLE.plain.file, method: "GET", times: 0, fault: { kind: "no-length" } });
    hub.faults.add({ match: SAMPLE.plain.file, times: 0, fault: { kind: "overlong", extraBytes: 6 * 1024 * 1024 } });
    const record = await manager.add(await plan());
    const end = await manager.waitFor(record.id);
    expect(end.state).toBe("failed");
    expect(end.reason).toMatch(/sent more than the .* it announced/);
    const left = await filesUnder(modelsDir);
    for (const f of left) expect((await stat(join(modelsDir, f))).size).toBeLessThanOrEqual(size);
    expect(left.filter((f) => f.endsWith(SAMPLE.plain.file))).toEqual([]);
    await expectNothingOutside(root);
  });

  it("cuts an endless body of unannounced length at the free space minus the margin", async () => {
    const free = 12 * 1024 * 1024;
    const { root, manager } = await setup({ disk: { quotaBytes: 96 * 1024 * 1024, freeSpace: async () => free } });
    count("bodies");
    hub.faults.add({ match: SAMPLE.plain.file, times: 0, fault: { kind: "no-length" } });
    hub.faults.add({ match: SAMPLE.plain.file, times: 0, fault: { kind: "overlong" } });
    const record = await manager.add(await plan());
    const end = await manager.waitFor(record.id);
    expect(end.state).toBe("failed");
    expect(end.reason).toMatch(/announced no size .* kept sending past the free disk space/);
    await expectNothingOutside(root);
  });

  it("stops at redirect loops and redirects to non-http schemes", async () => {
    const { root, manager } = await setup();
    const locations = [hub.fileUrl(SAMPLE.plain.repo, SAMPLE.plain.file), "file:///etc/passwd", "javascript:alert(1)", "ftp://127.0.0.1/x.gguf", "data:,hello"];
    for (const location of locations) {
      count("redirects");
      hub.faults.clear();
      hub.faults.add({ match: SAMPLE.plain.file, times: 0, fault: { kind: "redirect", location } });
      const record = await manager.add(await plan());
      const end = await manager.waitFor(record.id);
      expect(end.state, location).toBe("failed");
      expect(end.reason, location).toMatch(/Too many redirects|Unsupported address/);
      await manager.forget(record.id);
      await expectNothingOutside(root);
    }
  });

  it("refuses multi-megabyte JSON from the tree API and the manifest endpoint", async () => {
    for (const bytes of [20 * 1024 * 1024, 64 * 1024 * 1024]) {
      count("json");
      hub.faults.add({ match: "/api/models/", fault: { kind: "huge-json", bytes } });
      await expect(listHubFolder({ endpoint: hub.url }, SAMPLE.plain.repo)).rejects.toThrow(/more than a file list can be/);
      count("json");
      hub.faults.add({ match: "/v2/", fault: { kind: "huge-json", bytes } });
      await expect(planFromSource(`hf:${SAMPLE.plain.repo}:Q4_K_M`, { endpoint: hub.url })).rejects.toThrow(/unexpectedly large/);
    }
  });

  it("still downloads a good file after all of the above", async () => {
    const { root, manager, modelsDir } = await setup();
    const record = await manager.add(await plan());
    expect((await manager.waitFor(record.id)).state).toBe("done");
    expect(await sha256File(join(modelsDir, ...SAMPLE.plain.repo.split("/"), SAMPLE.plain.file))).toBe(
      (await hub.digests(SAMPLE.plain.repo, SAMPLE.plain.file)).sha256,
    );
    await expectNothingOutside(root);
  });
});

describe("the hub token", () => {
  it("is never sent over plain http to a host that is not this machine", async () => {
    const lan = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === "IPv4" && !a.internal)?.address;
    if (!lan) return void console.log("skipped: this machine has no non-loopback IPv4 address");
    const seen: Array<string | undefined> = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200, { "content-type": "application/json" }).end("[]");
    });
    await new Promise<void>((ok) => server.listen(0, "0.0.0.0", ok));
    const { port } = server.address() as { port: number };
    try {
      await listHubFolder({ endpoint: `http://${lan}:${port}`, token: "hf_secret" }, "a/b");
      await listHubFolder({ endpoint: `http://127.0.0.1:${port}`, token: "hf_secret" }, "a/b");
      expect(seen).toEqual([undefined, "Bearer hf_secret"]);
    } finally {
      server.close();
    }
  });
});
