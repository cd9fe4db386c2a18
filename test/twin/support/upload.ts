// Runs `npm run upload -- ARGS` from the repository, as a user would, and
// collects what it printed, the RESULT object and the exit code.
import { spawn } from "node:child_process";
import { REPO_ROOT } from "../../../scripts/lib/paths.ts";
import { type ResultJson, parseResultLine } from "../../../scripts/lib/result.ts";
import { plainEnv } from "../../support/plain-env.ts";

export interface UploadRun {
  code: number | null;
  /** stdout and stderr, interleaved as they came. */
  output: string;
  result: ResultJson | null;
  timedOut: boolean;
  ms: number;
}

export function npmUpload(args: string[], timeoutMs: number): Promise<UploadRun> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    // Its own process group, so that a timeout ends npm, tsx and the espruino CLI together.
    const child = spawn("npm", ["run", "upload", "--", ...args], {
      cwd: REPO_ROOT,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: plainEnv(),
    });
    let output = "";
    let timedOut = false;
    child.stdout.on("data", (data: Buffer) => (output += data.toString()));
    child.stderr.on("data", (data: Buffer) => (output += data.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      let result: ResultJson | null = null;
      for (const line of output.split(/\r?\n/)) result ??= parseResultLine(line);
      resolve({ code, output, result, timedOut, ms: performance.now() - started });
    });
  });
}

/** The last lines of some output, for failure messages. */
export function tail(text: string, lines = 40): string {
  return text.split(/\r?\n/).slice(-lines).join("\n");
}
