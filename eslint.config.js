import js from "@eslint/js";
import svelte from "eslint-plugin-svelte";
import globals from "globals";
import tseslint from "typescript-eslint";
import layering from "./build/lint/layering.js";

export default tseslint.config(
  { ignores: [".cache/", "node_modules/", "out/", "dist/", "release/", "test-results/", "bench-results/", "test/fixtures/lint/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs["flat/recommended"],
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { r1: layering },
    rules: {
      "r1/layering": "error",
      // A file does one job; past 400 lines it is doing more.
      "max-lines": ["error", { max: 400 }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["renderer/**/*.ts", "renderer/**/*.svelte", "test/ui/**/*.ts"],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ["**/*.svelte", "**/*.svelte.ts"],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: [".svelte"] } },
  },
);
