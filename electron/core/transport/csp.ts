/**
 * The renderer's Content-Security-Policy. No remote code, no remote fonts, and connections only to
 * the app itself. Style elements only from the app's own files; inline style attributes are
 * allowed (KaTeX lays out math with them) and the Markdown sanitiser keeps them on math output only.
 */
export function contentSecurityPolicy(connectSrc: string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "style-src-elem 'self'",
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${connectSrc.length ? " " + connectSrc.join(" ") : ""}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export function servePageCsp(port: number): string {
  return contentSecurityPolicy([`ws://127.0.0.1:${port}`, `ws://localhost:${port}`]);
}
