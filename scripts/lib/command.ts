// What every script does the same way: report problems without stack traces,
// and say where output goes.
import pc from "picocolors";
import { ConfigError } from "../build/config.ts";

export const say = (text: string): void => {
  process.stdout.write(text + "\n");
};
export const warn = (text: string): void => {
  process.stderr.write(pc.yellow("warning: ") + text + "\n");
};
export const fail = (text: string): void => {
  process.stderr.write(pc.red("error: ") + text + "\n");
};

/**
 * Runs a script's main function: a thrown ConfigError or UsageError is a
 * user's mistake (exit 1, no stack trace); anything else is a bug, shown whole.
 */
export function runMain(main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof ConfigError) {
        for (const problem of error.problems) fail(problem);
        process.exitCode = 1;
      } else if (error instanceof UsageError) {
        fail(error.message);
        process.exitCode = 1;
      } else {
        fail(error instanceof Error ? (error.stack ?? error.message) : String(error));
        process.exitCode = 1;
      }
    },
  );
}

/** A mistake in how a script was called. */
export class UsageError extends Error {}

/** Runs a check whose thrown Error message is meant for the user, as a UsageError. */
export function asUsage<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
