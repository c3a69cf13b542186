/** What an editor assistant needs to reach the local API. */
export interface ApiEndpoint {
  /** e.g. http://127.0.0.1:8080/v1 */
  baseUrl: string;
  apiKey: string;
  /** The id /v1/models lists: the loaded model's name; a placeholder when none is loaded. */
  model: string;
  contextSize: number;
}

export interface EditorConfig {
  id: "continue" | "zed" | "openai" | "claude-code" | "codex";
  label: string;
  /** Where the text goes, in words. */
  where: string;
  language: "yaml" | "json" | "bash" | "toml";
  text: string;
}

/** A provider name editors turn into an environment variable name (Zed: R1_LOCAL_API_KEY). */
const PROVIDER = "r1-local";

/**
 * Copyable settings for the editor assistants people use with local models. Formats follow each
 * tool's documented configuration: Continue's config.yaml (schema v1, `provider: openai` with
 * `apiBase`), Zed's `language_models.openai_compatible`, and the environment variables the
 * OpenAI SDKs read. The API answers tool calls, so Continue's agent mode (`capabilities: [tool_use]`)
 * and Zed's agent (`tools: true`) are on; R1 calls one tool at a time, so parallel calls stay off.
 */
export function editorConfigs(endpoint: ApiEndpoint): EditorConfig[] {
  const { baseUrl, apiKey, model, contextSize } = endpoint;
  const zed = {
    language_models: {
      openai_compatible: {
        [PROVIDER]: {
          api_url: baseUrl,
          available_models: [
            {
              name: model,
              display_name: `${model} (R1 Local)`,
              max_tokens: contextSize,
              capabilities: { tools: true, images: false, parallel_tool_calls: false },
            },
          ],
        },
      },
    },
  };
  return [
    {
      id: "continue",
      label: "Continue",
      where: "~/.continue/config.yaml (VS Code and JetBrains)",
      language: "yaml",
      text: [
        "name: R1 Local",
        "version: 0.0.1",
        "schema: v1",
        "models:",
        `  - name: ${JSON.stringify(`${model} (R1 Local)`)}`,
        "    provider: openai",
        `    model: ${JSON.stringify(model)}`,
        `    apiBase: ${baseUrl}`,
        `    apiKey: ${apiKey}`,
        "    roles: [chat, edit, apply]",
        "    capabilities: [tool_use]",
        "",
      ].join("\n"),
    },
    {
      id: "zed",
      label: "Zed",
      where: `Zed's settings.json; paste the key in Agent settings → LLM Providers → ${PROVIDER}, or set R1_LOCAL_API_KEY`,
      language: "json",
      text: JSON.stringify(zed, null, 2) + "\n",
    },
    {
      id: "openai",
      label: "Any OpenAI-compatible client",
      where: "Environment variables the OpenAI SDKs read, and a request to try by hand",
      language: "bash",
      text: [
        `export OPENAI_BASE_URL=${baseUrl}`,
        `export OPENAI_API_KEY=${apiKey}`,
        "",
        `curl ${baseUrl}/chat/completions \\`,
        `  -H "Authorization: Bearer ${apiKey}" \\`,
        '  -H "Content-Type: application/json" \\',
        `  -d '${JSON.stringify({ model, messages: [{ role: "user", content: "Hello" }] }).replaceAll("'", "'\\''")}'`,
        "",
      ].join("\n"),
    },
  ];
}
