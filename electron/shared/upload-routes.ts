/**
 * Serve mode's upload routes: what is too large for a WebSocket message (a conversation export can
 * be hundreds of MiB) is POSTed to the serve server with the launch token as a Bearer header, and
 * answered with the same outcome a call gets (`{ ok, value }` or `{ ok: false, error }`).
 */
export const CONVERSATIONS_IMPORT_PATH = "/upload/conversations.import";
