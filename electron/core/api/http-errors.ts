import type { ErrorCode } from "../kernel/errors.js";

/**
 * The local API's HTTP status and OpenAI-style error type for each of the app's error codes: one
 * table, so an engine code ("busy", "not-loaded", …) reaches an API client as what it means.
 */
const HTTP_ERRORS: Record<ErrorCode, { status: number; type: string }> = {
  "bad-request": { status: 400, type: "invalid_request_error" },
  "unknown-call": { status: 404, type: "not_found" },
  "not-found": { status: 404, type: "not_found" },
  busy: { status: 429, type: "busy" },
  "not-loaded": { status: 503, type: "model_not_loaded" },
  cancelled: { status: 499, type: "cancelled" },
  "backend-missing": { status: 503, type: "backend_unavailable" },
  crashed: { status: 500, type: "engine_error" },
  unauthorized: { status: 401, type: "invalid_api_key" },
  forbidden: { status: 403, type: "forbidden" },
  "disk-full": { status: 507, type: "insufficient_storage" },
  unavailable: { status: 503, type: "unavailable" },
  failed: { status: 500, type: "engine_error" },
};

export function httpErrorOf(code: ErrorCode): { status: number; type: string } {
  return HTTP_ERRORS[code];
}
