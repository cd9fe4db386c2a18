// Runs one of the project's scripts (scripts/NAME.ts) as `npm run` would, with
// colour off, and collects what it printed. Standard input stays open (and
// empty) unless `input` is given, so a script that wrongly reads it hangs into
// the timeout instead of passing by luck.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { plainEnv } from "./plain-env.ts";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface ScriptOptions {
  env?: NodeJS.ProcessEnv;
  input?: string;
  timeoutMs?: number;
  cwd?: string;
}

export function runScript(script: string, args: string[], options: ScriptOptions = {}): Promise<ScriptRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(REPO, "scripts", `${script}.ts`), ...args], {
      cwd: options.cwd ?? REPO,
      env: plainEnv(options.env),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    if (options.input !== undefined) child.stdin.end(options.input);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs ?? 30_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}
