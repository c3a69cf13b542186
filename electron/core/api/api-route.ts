import type { IncomingMessage, ServerResponse } from "node:http";
import type { ResolvedGenerationOptions } from "../../shared/contract/chat.js";
import type { GenerationEngine } from "../generation/generation-engine.js";

/** What a route of the local API gets: the engine it generates through and the settings' sampling defaults. */
export interface RouteDeps {
  engine: GenerationEngine;
  defaults: () => ResolvedGenerationOptions;
}

/**
 * One API shape (OpenAI, Anthropic, Responses): the POST paths it answers, and its own error body,
 * so a client's SDK turns a refusal into its own error class.
 */
export interface ApiRoute {
  /** Whether this shape owns the path (its errors, 404 included, use this shape's body). */
  owns(path: string): boolean;
  handle(path: string, body: unknown, req: IncomingMessage, res: ServerResponse): Promise<void>;
  fail(res: ServerResponse, status: number, type: string, message: string, extra?: Record<string, unknown>): void;
}
