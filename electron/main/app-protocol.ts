import { net, protocol } from "electron";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { contentSecurityPolicy } from "../core/transport/csp.js";

export const APP_ORIGIN = "app://r1";

/** Must run before the app is ready: app:// behaves like a secure, standard origin. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: "app", privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** Serves the built renderer from app://r1/ with a strict CSP header (file:// could carry none). */
export function serveRenderer(rendererDir: string): void {
  const root = path.resolve(rendererDir);
  protocol.handle("app", async (request) => {
    const url = new URL(request.url);
    const relative = decodeURIComponent(url.pathname === "/" ? "/index.html" : url.pathname);
    const file = path.resolve(root, "." + relative);
    if (url.host !== "r1" || !file.startsWith(root + path.sep)) return new Response("Not found", { status: 404 });
    const response = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(response.headers);
    headers.set("content-security-policy", contentSecurityPolicy());
    headers.set("x-content-type-options", "nosniff");
    return new Response(response.body, { status: response.status, headers });
  });
}
