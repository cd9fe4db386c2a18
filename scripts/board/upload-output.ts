// Where an upload's output goes: the board's lines and the RESULT on stdout,
// the steps, warnings and failures on stderr, and the progress redrawn in
// place on a terminal. Every line passes through the configuration's
// redaction first (redactingOutput), since the board may print a secret.
import pc from "picocolors";
import { fail, warn } from "../lib/command.ts";
import type { Redactor } from "../lib/redact.ts";

/** Where upload's output goes. Everything passed here is already redacted. */
export interface UploadOutput {
  /** A line the board printed, or the result: stdout. */
  out(line: string, kind?: "result" | "reason"): void;
  /** A step of the upload: stderr. */
  info(line: string): void;
  warn(line: string): void;
  fail(line: string): void;
  /** Bytes of the upload sent so far (may be called often). */
  progress(sent: number, total: number): void;
}

/** Output to the terminal: the board on stdout, the rest on stderr; progress redrawn in place on a terminal. */
export function consoleOutput(): UploadOutput {
  const tty = process.stderr.isTTY === true;
  let progressShown = false;
  let lastQuarter = -1;
  const endProgress = () => {
    if (progressShown) process.stderr.write("\n");
    progressShown = false;
  };
  return {
    // Device output, RESULT line included, stays plain even with colour on: tools parse it.
    out: (line) => {
      endProgress();
      process.stdout.write(line + "\n");
    },
    info: (line) => {
      endProgress();
      process.stderr.write(pc.dim(line) + "\n");
    },
    warn: (line) => {
      endProgress();
      warn(line);
    },
    fail: (line) => {
      endProgress();
      fail(line);
    },
    progress: (sent, total) => {
      const percent = Math.floor((sent * 100) / total);
      const text = `uploading: ${percent}% of ${total} bytes`;
      if (tty) {
        process.stderr.write("\r\x1b[K" + pc.dim(text));
        progressShown = sent < total;
        if (sent >= total) process.stderr.write("\n");
      } else if (Math.floor(percent / 25) !== lastQuarter) {
        // In a pipe or a log, a line at each quarter instead of hundreds.
        lastQuarter = Math.floor(percent / 25);
        process.stderr.write(text + "\n");
      }
    },
  };
}

/** The same output, with every secret of the configuration masked. */
export function redactingOutput(output: UploadOutput, redact: Redactor): UploadOutput {
  return {
    out: (line, kind) => output.out(redact(line), kind),
    info: (line) => output.info(redact(line)),
    warn: (line) => output.warn(redact(line)),
    fail: (line) => output.fail(redact(line)),
    progress: (sent, total) => output.progress(sent, total),
  };
}
