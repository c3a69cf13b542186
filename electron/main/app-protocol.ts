import { net, protocol } from "electron";
import { pathToFileURL } from "node:url";
import { contentSecurityPolicy } from "../core/transport/csp.js";
import { resolveAppRequest } from "./app-request.js";

export const APP_ORIGIN = "app://r1";

/** Must run before the app is ready: app:// behaves like a secure, standard origin. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: "app", privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** Serves the built renderer from app://r1/ with a strict CSP header (file:// could carry none). */
export function serveRenderer(rendererDir: string): void {
  protocol.handle("app", async (request) => {
    const target = resolveAppRequest(request.url, rendererDir);
    if (!("file" in target)) return new Response(target.message, { status: target.status, headers: { "content-type": "text/plain; charset=utf-8" } });
    const response = await net.fetch(pathToFileURL(target.file).toString());
    const headers = new Headers(response.headers);
    headers.set("content-security-policy", contentSecurityPolicy());
    headers.set("x-content-type-options", "nosniff");
    return new Response(response.body, { status: response.status, headers });
  });
}
