import { parseArgs, type ParseArgsConfig } from "node:util";

/** A script's command line: how a person runs it, the text `--help` prints, and what Node's parser accepts. */
export interface CommandLineSpec<T extends ParseArgsConfig> {
  /** How a person runs it, options go after this: "npm run serve --". */
  command: string;
  usage: string;
  config: T;
}

/**
 * The options and positionals of a project script (`npm run serve`, `mirror`, `fixtures`, …), read by
 * Node's parser in strict mode so a mistyped option stops the script instead of being ignored.
 * `--help`/`-h` prints the usage and exits 0; a mistake prints one line and a hint and exits 2.
 */
export function readCommandLine<T extends ParseArgsConfig>(spec: CommandLineSpec<T>, args = process.argv.slice(2)): ReturnType<typeof parseArgs<T>> {
  let parsed;
  try {
    parsed = parseArgs({ ...spec.config, args, strict: true, options: { ...spec.config.options, help: { type: "boolean", short: "h" } } });
  } catch (error) {
    // Node's messages run on ("… To specify a positional argument starting with a '-', …"): the first sentence says it.
    const sentence = (error instanceof Error ? error.message : String(error)).split(/\.\s(?=[A-Z])/)[0]!.replace(/\.$/, "");
    return exitWithUsageError(spec, sentence.charAt(0).toLowerCase() + sentence.slice(1));
  }
  const values = parsed.values as Record<string, unknown>;
  if (values.help) {
    process.stdout.write(spec.usage.trimEnd() + "\n");
    process.exit(0);
  }
  delete values.help;
  return parsed as ReturnType<typeof parseArgs<T>>;
}

/** A command-line mistake (an unknown option, a bad value): one line naming it, one naming `--help`, exit 2. */
export function exitWithUsageError(spec: Pick<CommandLineSpec<ParseArgsConfig>, "command">, message: string): never {
  process.stderr.write(`${spec.command.replace(/ --$/, "")}: ${message}.\nRun \`${spec.command} --help\` for usage.\n`);
  process.exit(2);
}
