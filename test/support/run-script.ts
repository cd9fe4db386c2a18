// A child process whose output a test reads: both streams collected as they
// come, a wait for a pattern, the exit code with a kill after a bound; and
// the repository's scripts started that way, as `npm run <script>` would.
// Standard input stays open (and empty) unless a test writes to it, so a
// script that wrongly reads it hangs into the bound instead of passing by luck.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import path from "node:path";
import { REPO_ROOT } from "../../scripts/lib/paths.ts";
import { plainEnv } from "./plain-env.ts";

export interface FollowedChild {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves once the stream matches; rejects after `ms` or when the child has exited without it. */
  waitFor(stream: "stdout" | "stderr", pattern: RegExp, ms?: number): Promise<void>;
  exited: Promise<number | null>;
}

const running = new Set<FollowedChild>();

/** Collects a child's output; `merged` when its stderr arrives on stdout (a pseudo-terminal). */
export function follow(child: ChildProcessWithoutNullStreams, merged = false): FollowedChild {
  let out = "";
  let err = "";
  child.stdout.on("data", (data: Buffer) => (out += data.toString("latin1")));
  child.stderr.on("data", (data: Buffer) => (err += data.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  const text = (stream: "stdout" | "stderr") => (stream === "stdout" || merged ? out : err);
  const followed: FollowedChild = {
    child,
    stdout: () => out,
    stderr: () => text("stderr"),
    waitFor(stream, pattern, ms = 20_000) {
      const started = performance.now();
      return new Promise((resolve, reject) => {
        const poll = () => {
          if (pattern.test(text(stream))) resolve();
          else if (performance.now() - started > ms || child.exitCode !== null) reject(new Error(`no ${pattern} on ${stream}:\n--- stdout\n${out}\n--- stderr\n${err}`));
          else setTimeout(poll, 25);
        };
        poll();
      });
    },
    exited,
  };
  running.add(followed);
  void exited.then(() => running.delete(followed));
  return followed;
}

/** tsx, resolved here so that a script can run from any folder. */
const TSX = import.meta.resolve("tsx");

/** The command line that runs scripts/<name>.ts as `npm run <name>` does: this Node, with tsx. */
export function scriptCommand(name: string, args: string[] = []): string[] {
  return [process.execPath, "--import", TSX, path.join(REPO_ROOT, "scripts", `${name}.ts`), ...args];
}

/** The same command quoted for a shell (e.g. for `script -c`, which runs it on a pseudo-terminal). */
export function scriptShellCommand(name: string, args: string[] = []): string {
  return scriptCommand(name, args)
    .map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`)
    .join(" ");
}

/**
 * Starts scripts/<name>.ts (in the repository unless `cwd` says otherwise) in
 * its own process group, so that a kill ends the espruino CLI under it too.
 */
export function runScript(name: string, args: string[], env: NodeJS.ProcessEnv = plainEnv(), cwd = REPO_ROOT): FollowedChild {
  const [node, ...argv] = scriptCommand(name, args);
  return follow(spawn(node, argv, { cwd, env, detached: true }));
}

/** Waits for the exit code, killing the child if it takes longer than `ms`. */
export async function exitCode(followed: FollowedChild, ms = 15_000): Promise<number | null> {
  const timer = setTimeout(() => killFollowed(followed), ms);
  const code = await followed.exited;
  clearTimeout(timer);
  return code;
}

/** SIGKILL for the child, and for its process group when it was started detached (npm, tsx and the espruino CLI under it). */
function killFollowed(followed: FollowedChild): void {
  const { child } = followed;
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid!, "SIGKILL");
  } catch {
    child.kill("SIGKILL");
  }
}

/** Ends every followed child still running (for an afterEach hook, also after a failure). */
export async function killAllFollowed(): Promise<void> {
  const left = [...running];
  for (const followed of left) killFollowed(followed);
  await Promise.all(left.map((followed) => followed.exited));
}

export interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** True when it had to be killed after `timeoutMs`. */
  timedOut: boolean;
}

/** Runs scripts/<name>.ts to its end (killed after `timeoutMs`) with colour off and `env` added to this environment. */
export async function runScriptToEnd(
  name: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {},
): Promise<ScriptRun> {
  const run = runScript(name, args, plainEnv(options.env), options.cwd);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killFollowed(run);
  }, options.timeoutMs ?? 30_000);
  const code = await run.exited;
  clearTimeout(timer);
  return { code, stdout: run.stdout(), stderr: run.stderr(), timedOut };
}
