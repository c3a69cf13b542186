import type { ApiEndpoint, EditorConfig } from "./editor-configs.js";

/** A value as one POSIX shell word: single-quoted, its own single quotes closed and escaped. */
function shellWord(value: string): string {
  return /^[\w./:@-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}

/** The origin of a base URL: Anthropic's clients add /v1/messages to it themselves. */
function originOf(baseUrl: string): string {
  return baseUrl.replace(/\/v1\/?$/, "");
}

/**
 * Settings for coding agents: Claude Code speaks Anthropic's Messages API (environment variables
 * it reads: the base URL without /v1, the key sent as a Bearer token, and the model for its main
 * and side requests); Codex a custom provider in ~/.codex/config.toml with OpenAI's Responses API.
 */
export function agentConfigs(endpoint: ApiEndpoint): EditorConfig[] {
  const { baseUrl, apiKey, model } = endpoint;
  const name = shellWord(model);
  return [
    {
      id: "claude-code",
      label: "Claude Code",
      where: "Shell lines to run before `claude` (or add them to your shell profile); any model name is answered by the loaded model",
      language: "bash",
      text: [
        `export ANTHROPIC_BASE_URL=${originOf(baseUrl)}`,
        `export ANTHROPIC_AUTH_TOKEN=${apiKey}`,
        `export ANTHROPIC_MODEL=${name}`,
        `export ANTHROPIC_DEFAULT_HAIKU_MODEL=${name}`,
        "export CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1",
        "claude",
        "",
      ].join("\n"),
    },
    {
      id: "codex",
      label: "Codex",
      where: "~/.codex/config.toml; Codex reads the key from R1_LOCAL_API_KEY (the last line, for your shell)",
      language: "toml",
      text: [
        `model = ${JSON.stringify(model)}`,
        'model_provider = "r1-local"',
        "",
        "[model_providers.r1-local]",
        'name = "R1 Local"',
        `base_url = ${JSON.stringify(baseUrl)}`,
        'env_key = "R1_LOCAL_API_KEY"',
        'wire_api = "responses"',
        "",
        `# In your shell: export R1_LOCAL_API_KEY=${apiKey}`,
        "",
      ].join("\n"),
    },
  ];
}
