// An upload's output: secrets masked in every line, the progress in a pipe
// as a line at each quarter, and on a terminal redrawn in place, never
// sharing a line with what comes after it.
import assert from "node:assert/strict";
import { consoleOutput, redactingOutput, type UploadOutput } from "../../scripts/board/upload-output.ts";

/** What consoleOutput writes, stdout and stderr in order, with stderr taken as a terminal or not. */
function written(tty: boolean, use: (output: UploadOutput) => void): string {
  let text = "";
  const saved = { out: process.stdout.write, err: process.stderr.write, isTTY: process.stderr.isTTY };
  process.stdout.write = ((chunk: string) => ((text += `[out]${chunk}`), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => ((text += chunk), true)) as typeof process.stderr.write;
  process.stderr.isTTY = tty;
  try {
    use(consoleOutput());
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    process.stderr.isTTY = saved.isTTY;
  }
  // Colour depends on where the tests run: compared without it.
  return text.replace(/\x1b\[\d+m/g, "");
}

describe("upload-output", () => {
  it("redactingOutput masks every line and passes the progress on", () => {
    const seen: string[] = [];
    const keep = (stream: string) => (line: string) => void seen.push(`${stream}: ${line}`);
    const output = redactingOutput(
      { out: keep("out"), info: keep("info"), warn: keep("warn"), fail: keep("fail"), progress: (sent, total) => seen.push(`progress: ${sent}/${total}`) },
      (text) => text.replaceAll("hunter2", "***"),
    );
    output.out("the password is hunter2", "result");
    output.info("info hunter2");
    output.warn("warn hunter2");
    output.fail("fail hunter2");
    output.progress(1, 2);
    assert.deepEqual(seen, ["out: the password is ***", "info: info ***", "warn: warn ***", "fail: fail ***", "progress: 1/2"]);
  });

  it("in a pipe: a progress line at each quarter; the board's lines on stdout, plain", () => {
    const text = written(false, (output) => {
      for (let sent = 0; sent <= 1000; sent += 50) output.progress(sent, 1000);
      output.out('RESULT {"ok":true}');
    });
    assert.equal(
      text,
      ["uploading: 0% of 1000 bytes", "uploading: 25% of 1000 bytes", "uploading: 50% of 1000 bytes", "uploading: 75% of 1000 bytes", "uploading: 100% of 1000 bytes", '[out]RESULT {"ok":true}', ""].join("\n"),
    );
  });

  it("on a terminal: the progress redrawn in place; a line said before it is done starts on a line of its own", () => {
    const text = written(true, (output) => {
      output.progress(10, 100);
      output.info("a step");
      output.progress(100, 100);
      output.fail("a failure");
    });
    assert.equal(text, "\r\x1b[Kuploading: 10% of 100 bytes\na step\n\r\x1b[Kuploading: 100% of 100 bytes\nerror: a failure\n");
  });
});
