// Talks to firmware/test/helpers_cli: one command line in, one JSON line out, in a
// process kept for the whole suite so property tests can ask many questions.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createInterface } from "node:readline";

export class HelpersCli {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }[] = [];
  private exited: Error | undefined;

  constructor(binary: string) {
    this.child = spawn(binary, [], { stdio: ["pipe", "pipe", "pipe"] });
    createInterface({ input: this.child.stdout }).on("line", (line) => {
      const next = this.waiting.shift();
      if (!next) return;
      try {
        next.resolve(JSON.parse(line) as Record<string, unknown>);
      } catch {
        next.reject(new Error(`helpers_cli answered with something that is not JSON: ${line}`));
      }
    });
    this.child.on("exit", (code, signal) => {
      this.exited = new Error(`helpers_cli exited (code ${code}, signal ${signal})`);
      for (const w of this.waiting.splice(0)) w.reject(this.exited);
    });
  }

  ask(line: string): Promise<Record<string, unknown>> {
    if (/[\n\r]/.test(line)) throw new Error("one command per line");
    if (this.exited) return Promise.reject(this.exited);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.child.stdin.write(`${line}\n`);
    });
  }

  close(): void {
    this.child.stdin.end();
    this.child.kill();
  }
}
