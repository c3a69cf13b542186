import path from "node:path";

export type AppRequestTarget = { file: string } | { status: 400 | 404; message: string };

/**
 * Which built file an `app://r1/…` request names: a 400 for an address that does not parse or a
 * path whose %-escapes do not decode (never a throw inside the protocol handler), a 404 for another
 * host or a path that leaves the renderer's folder. No `electron` import, so tests run it in Node.
 */
export function resolveAppRequest(requestUrl: string, root: string): AppRequestTarget {
  let url: URL;
  let relative: string;
  try {
    url = new URL(requestUrl);
    relative = decodeURIComponent(url.pathname === "/" ? "/index.html" : url.pathname);
  } catch {
    return { status: 400, message: "Bad request: the address could not be read." };
  }
  const base = path.resolve(root);
  const file = path.resolve(base, "." + relative);
  if (url.host !== "r1" || relative.includes("\0") || !file.startsWith(base + path.sep)) return { status: 404, message: "Not found" };
  return { file };
}
