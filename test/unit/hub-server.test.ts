import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startHub, type Hub } from "../support/hub/server.js";
import { SAMPLE, writeSampleRepos } from "../support/hub/sample-repos.js";

let dir: string;
let hub: Hub;
let fileBytes: Buffer;
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "hub-test-"));
  await writeSampleRepos(dir, 2);
  fileBytes = await readFile(join(dir, SAMPLE.plain.repo, SAMPLE.plain.file));
  hub = await startHub({ dir });
});
afterAll(async () => {
  await hub.close();
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => hub.faults.clear());

/** A plain HTTP GET that reports how the body ended (complete, or cut off). */
function rawGet(url: string, headers: Record<string, string> = {}, timeoutMs = 5000) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer; aborted: boolean; timedOut: boolean }>((ok, fail) => {
    const chunks: Buffer[] = [];
    const req = request(url, { headers }, (res) => {
      let aborted = false;
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("aborted", () => (aborted = true));
      res.on("error", () => (aborted = true));
      res.on("close", () =>
        ok({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks), aborted: aborted || !res.complete, timedOut: false }),
      );
    });
    req.setTimeout(timeoutMs, () => {
      req.destroy();
      ok({ status: 0, headers: {}, body: Buffer.concat(chunks), aborted: true, timedOut: true });
    });
    req.on("error", (err) => (chunks.length ? undefined : fail(err)));
    req.end();
  });
}

describe("local hub: files", () => {
  it("serves the whole file with the hub's LFS headers", async () => {
    const res = await fetch(hub.fileUrl(SAMPLE.plain.repo, SAMPLE.plain.file));
    expect(res.status).toBe(200);
    expect(res.headers.get("accept-ranges")).toBe("bytes");
    expect(res.headers.get("x-linked-etag")).toBe(`"${sha256(fileBytes)}"`);
    expect(res.headers.get("etag")).toBe(`"${sha256(fileBytes)}"`);
    expect(Buffer.from(await res.arrayBuffer()).equals(fileBytes)).toBe(true);
  });

  it("answers HEAD with size, sha256 and commit, and no body", async () => {
    const res = await fetch(hub.fileUrl(SAMPLE.plain.repo, SAMPLE.plain.file), { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(Number(res.headers.get("x-linked-size"))).toBe(fileBytes.length);
    expect(Number(res.headers.get("content-length"))).toBe(fileBytes.length);
    expect(res.headers.get("x-linked-etag")).toBe(`"${sha256(fileBytes)}"`);
    expect(res.headers.get("x-repo-commit")).toMatch(/^[0-9a-f]{40}$/);
  });

  it("gives files kept in git a git blob ETag and no x-linked headers", async () => {
    const res = await fetch(hub.fileUrl(SAMPLE.plain.repo, SAMPLE.plain.readme), { method: "HEAD" });
    expect(res.headers.get("x-linked-etag")).toBeNull();
    expect(res.headers.get("etag")).toMatch(/^"[0-9a-f]{40}"$/);
  });

  it("implements Range: 206 for a, a-b and -n; 416 past the end", async () => {
    const url = hub.fileUrl(SAMPLE.plain.repo, SAMPLE.plain.file);
    const n = fileBytes.length;
    let res = await fetch(url, { headers: { range: "bytes=100-199" } });
    expect(res.status).toBe(206);
    expect(res.headers.get("content-range")).toBe(`bytes 100-199/${n}`);
    expect(Buffer.from(await res.arrayBuffer()).equals(fileBytes.subarray(100, 200))).toBe(true);
    res = await fetch(url, { headers: { range: `bytes=${n - 10}-` } });
    expect(Buffer.from(await res.arrayBuffer()).equals(fileBytes.subarray(n - 10))).toBe(true);
    res = await fetch(url, { headers: { range: "bytes=-5" } });
    expect(Buffer.from(await res.arrayBuffer()).equals(fileBytes.subarray(n - 5))).toBe(true);
    res = await fetch(url, { headers: { range: `bytes=${n}-` } });
    expect(res.status).toBe(416);
    expect(res.headers.get("content-range")).toBe(`bytes */${n}`);
  });

  it("404s a missing file and a missing repo", async () => {
    expect((await fetch(hub.fileUrl(SAMPLE.plain.repo, "nope.gguf"))).status).toBe(404);
    expect((await fetch(hub.fileUrl("acme/none", "x.gguf"))).status).toBe(404);
    expect((await fetch(hub.fileUrl(SAMPLE.plain.repo, "../Split-R1-GGUF/x"))).status).toBe(404);
  });

  it("redirects LFS files to a CDN path like the real hub when asked", async () => {
    const cdnHub = await startHub({ dir, cdnRedirect: true });
    try {
      const head = await fetch(cdnHub.fileUrl(SAMPLE.plain.repo, SAMPLE.plain.file), { method: "HEAD", redirect: "manual" });
      expect(head.status).toBe(302);
      expect(head.headers.get("x-linked-etag")).toBe(`"${sha256(fileBytes)}"`);
      expect(head.headers.get("location")).toMatch(/^\/cdn\//);
      const body = Buffer.from(await (await fetch(cdnHub.fileUrl(SAMPLE.plain.repo, SAMPLE.plain.file))).arrayBuffer());
      expect(body.equals(fileBytes)).toBe(true);
    } finally {
      await cdnHub.close();
    }
  });
});

describe("local hub: API", () => {
  it("lists the tree with sizes and lfs.oid", async () => {
    const tree = (await (await fetch(`${hub.url}/api/models/${SAMPLE.plain.repo}/tree/main`)).json()) as Array<Record<string, unknown>>;
    const gguf = tree.find((e) => e.path === SAMPLE.plain.file)!;
    expect(gguf).toMatchObject({ type: "file", size: fileBytes.length, lfs: { oid: sha256(fileBytes), size: fileBytes.length } });
    const readme = tree.find((e) => e.path === SAMPLE.plain.readme)!;
    expect(readme.lfs).toBeUndefined();
    expect(tree.some((e) => String(e.path).startsWith("."))).toBe(false);
  });

  it("answers the manifest endpoint node-llama-cpp uses for hf: URIs", async () => {
    const res = await fetch(`${hub.url}/v2/${SAMPLE.split.repo}/manifests/Q8_0`, { headers: { "user-agent": "llama-cpp" } });
    const body = (await res.json()) as { ggufFile: { rfilename: string; size: number } };
    expect(body.ggufFile.rfilename).toBe(SAMPLE.split.files[0]);
    const latest = (await (await fetch(`${hub.url}/v2/${SAMPLE.plain.repo}/manifests/latest`)).json()) as { ggufFile: { rfilename: string } };
    expect(latest.ggufFile.rfilename).toBe(SAMPLE.plain.file);
    expect((await fetch(`${hub.url}/v2/${SAMPLE.plain.repo}/manifests/Q2_K`)).status).toBe(400);
  });

  it("gates a repo: 401 without a token, 403 with a wrong one, 200 with the right one", async () => {
    const url = hub.fileUrl(SAMPLE.gated.repo, SAMPLE.gated.file);
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: "Bearer wrong" } })).status).toBe(403);
    expect((await fetch(url, { headers: { authorization: `Bearer ${SAMPLE.gated.token}` } })).status).toBe(200);
    expect((await fetch(`${hub.url}/api/models/${SAMPLE.gated.repo}/tree/main`)).status).toBe(401);
  });
});

describe("local hub: injected faults", () => {
  const url = () => hub.fileUrl(SAMPLE.plain.repo, SAMPLE.plain.file);

  it("drops the connection after N bytes, once", async () => {
    hub.faults.drop(100_000);
    const cut = await rawGet(url());
    expect(cut.aborted).toBe(true);
    expect(cut.body.length).toBeLessThanOrEqual(100_000);
    expect(cut.body.equals(fileBytes.subarray(0, cut.body.length))).toBe(true);
    const whole = await rawGet(url());
    expect(whole.aborted).toBe(false);
    expect(whole.body.equals(fileBytes)).toBe(true);
  });

  it("stalls after N bytes until the client gives up", async () => {
    hub.faults.stall(50_000);
    const res = await rawGet(url(), {}, 700);
    expect(res.timedOut).toBe(true);
    expect(res.body.length).toBeLessThanOrEqual(50_000);
  });

  it("answers an injected status on GET and HEAD, for the given number of requests", async () => {
    hub.faults.status(503, { times: 2 });
    expect((await fetch(url(), { method: "HEAD" })).status).toBe(503);
    expect((await fetch(url())).status).toBe(503);
    expect((await fetch(url(), { method: "HEAD" })).status).toBe(200);
    for (const code of [404, 401, 403, 416, 500]) {
      hub.faults.status(code);
      expect((await fetch(url())).status).toBe(code);
    }
  });

  it("ignores Range when told to: 200, whole file, no Accept-Ranges", async () => {
    hub.faults.noRange();
    const res = await fetch(url(), { headers: { range: "bytes=1000-" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("accept-ranges")).toBeNull();
    expect((await res.arrayBuffer()).byteLength).toBe(fileBytes.length);
  });

  it("serves wrong bytes that do not match the published sha256", async () => {
    hub.faults.corrupt();
    const res = await fetch(url());
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.length).toBe(fileBytes.length);
    expect(sha256(body)).not.toBe(res.headers.get("x-linked-etag")!.replaceAll('"', ""));
  });

  it("throttles to a byte rate", async () => {
    hub.faults.throttle(400_000);
    const started = performance.now();
    const res = await rawGet(url(), { range: "bytes=0-199999" });
    const seconds = (performance.now() - started) / 1000;
    expect(res.body.length).toBe(200_000);
    expect(seconds).toBeGreaterThan(0.3); // 200 kB at 400 kB/s is about half a second
  });

  it("takes faults from the control endpoint and from a request header (standalone mirror)", async () => {
    await fetch(`${hub.url}/__hub/faults`, { method: "POST", body: JSON.stringify({ fault: { kind: "status", status: 500 } }) });
    expect((await fetch(url())).status).toBe(500);
    expect((await fetch(url(), { headers: { "x-hub-fault": JSON.stringify({ kind: "status", status: 404 }) } })).status).toBe(404);
    expect((await fetch(url())).status).toBe(200);
  });
});

describe("local hub: node-llama-cpp's own hf: resolution", () => {
  it("resolves hf:owner/repo:Q8_0 through the manifest endpoint and fetches every split part", async () => {
    const { resolveModelFile } = await import("node-llama-cpp");
    const target = join(dir, "nlc-out");
    const path = await resolveModelFile(`hf:${SAMPLE.split.repo}:Q8_0`, { directory: target, cli: false, endpoints: { huggingFace: hub.url } });
    expect(path).toMatch(/-00001-of-00003\.gguf$/);
    expect(hub.requests.some((r) => r.path === `/v2/${SAMPLE.split.repo}/manifests/Q8_0` && r.status === 200)).toBe(true);
    for (const file of SAMPLE.split.files) {
      expect(hub.requests.some((r) => r.method === "GET" && r.path.endsWith(file))).toBe(true);
    }
  });
});
