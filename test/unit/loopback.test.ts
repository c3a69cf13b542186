// What counts as "this machine" for serve mode's bind address and for sending a secret over plain
// http: IP literals in 127.0.0.0/8, ::1 (and its IPv4-mapped 127 forms), and the name localhost.
import { describe, expect, it } from "vitest";
import { tokenAllowedFor } from "../../electron/core/hub/hub-config.js";
import { isLoopback } from "../../electron/core/transport/serve-guard.js";
import { startServeServer } from "../../electron/core/transport/ws-server.js";
import type { CoreEndpoint } from "../../electron/core/kernel/endpoint.js";

describe("isLoopback", () => {
  it.each(["127.0.0.1", "127.1.2.3", "127.255.255.254", "::1", "[::1]", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1", "[::ffff:7f00:1]", "localhost", "LOCALHOST"])(
    "%s is this machine",
    (host) => expect(isLoopback(host)).toBe(true),
  );

  it.each([
    "127.evil.com",
    "127.0.0.1.nip.io",
    "127.0.0.1.evil.com",
    "1270.0.0.1",
    "128.0.0.1",
    "10.0.0.5",
    "0.0.0.0",
    "::",
    "::2",
    "::ffff:10.0.0.1",
    "evil-localhost",
    "localhost.evil.com",
    "",
  ])("%s is not", (host) => expect(isLoopback(host)).toBe(false));

  it("serve mode refuses to bind a name that only looks like loopback", async () => {
    const core: CoreEndpoint = { dispatch: () => Promise.reject(new Error("unused")), subscribe: () => () => undefined };
    await expect(startServeServer({ core, staticDir: "/nonexistent", host: "127.evil.com", port: 0 })).rejects.toThrow(/not a loopback address/);
  });

  it("the hub token goes over plain http only to a loopback address, not to a name starting with 127.", () => {
    expect(tokenAllowedFor(new URL("http://127.0.0.1:9/x"), "http://127.0.0.1:9")).toBe(true);
    expect(tokenAllowedFor(new URL("http://[::1]:9/x"), "http://[::1]:9")).toBe(true);
    expect(tokenAllowedFor(new URL("http://127.evil.com/x"), "http://127.evil.com")).toBe(false);
  });
});
