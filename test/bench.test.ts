// npm run bench in a pipe, with few runs: one line per figure, columns that
// line up, min <= median <= max, no progress run together with \r. What the
// figures are is not asserted (they are measurements, not outcomes); that
// each run went as expected is checked by the bench itself.
import assert from "node:assert/strict";
import { runScriptToEnd } from "./support/run-script.ts";

describe("npm run bench", function () {
  this.timeout(120_000);

  it("prints min, median and max of every figure in aligned columns, and no carriage returns into a pipe", async () => {
    const run = await runScriptToEnd("bench", ["--runs", "2"], { timeoutMs: 110_000 });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.ok(!run.stdout.includes("\r") && !run.stderr.includes("\r"), JSON.stringify(run.stderr));
    const lines = run.stdout.split("\n");
    const header = lines.findIndex((line) => /^figure\s+min\s+median\s+max$/.test(line));
    assert.ok(header >= 0, run.stdout);
    const rows = lines.slice(header, lines.indexOf("", header));
    assert.equal(rows.length, 1 + 9, run.stdout);
    assert.equal(new Set(rows.map((row) => row.length)).size, 1, `columns line up:\n${rows.join("\n")}`);
    for (const row of rows.slice(1)) {
      const [min, median, max] = [...row.matchAll(/(\d+\.\d) ms/g)].map((match) => Number(match[1]));
      assert.ok(min <= median && median <= max, row);
    }
    assert.match(run.stdout, /one check, host runtime as wolfssl \(TLS 1\.3, X25519MLKEM768\)/);
    assert.match(run.stdout, /handshake, node:tls, TLS 1\.3 X25519MLKEM768/);
    assert.match(run.stdout, /2 runs of each figure, interleaved/);
  });
});
