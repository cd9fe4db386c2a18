// npm run gate -- dist/app.js
// Checks a built bundle against the Espruino subset; exits 1 when it leaves it.

import { existsSync, readFileSync } from "node:fs";
import { Command } from "commander";
import pc from "picocolors";
import { checkBundle, formatProblems } from "./gate/gate.ts";

interface CliOptions {
  sourceMap?: string | boolean;
}

/** A problem with the user's input: printed as one line, no stack. */
class UsageError extends Error {}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message;
    throw new UsageError(`cannot read ${what} ${file}: ${reason}`);
  }
}

function run(bundlePath: string, options: CliOptions): number {
  const code = readText(bundlePath, "bundle");
  let mapPath: string | undefined;
  if (typeof options.sourceMap === "string") mapPath = options.sourceMap;
  else if (options.sourceMap !== false && existsSync(`${bundlePath}.map`)) mapPath = `${bundlePath}.map`;
  const sourceMap = mapPath === undefined ? undefined : readText(mapPath, "source map");

  let problems;
  try {
    problems = checkBundle(code, { filename: bundlePath, sourceMap });
  } catch (error) {
    throw new UsageError(`cannot check ${bundlePath}: ${(error as Error).message}`);
  }
  const errors = problems.filter((problem) => problem.severity === "error").length;
  const warnings = problems.length - errors;
  if (problems.length > 0) console.log(formatProblems(problems, bundlePath));
  if (errors > 0) {
    console.log(pc.red(`${bundlePath}: ${errors} problem${errors === 1 ? "" : "s"} outside the Espruino subset`));
    return 1;
  }
  const note = warnings > 0 ? ` (${warnings} warning${warnings === 1 ? "" : "s"})` : "";
  console.log(pc.green(`${bundlePath}: OK, inside the Espruino subset (${Buffer.byteLength(code)} bytes)${note}`));
  return 0;
}

const program = new Command()
  .name("gate")
  .description("Check a built bundle against the JavaScript subset that Espruino runs")
  .argument("<bundle>", "the bundle to check, e.g. dist/app.js")
  .option("--source-map <file>", "source map of the bundle (default: <bundle>.map when it exists)")
  .option("--no-source-map", "report bundle positions only")
  .showHelpAfterError()
  .action((bundle: string, options: CliOptions) => {
    try {
      process.exitCode = run(bundle, options);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      console.error(pc.red(`gate: ${error.message}`));
      process.exitCode = 1;
    }
  });

program.parse();
