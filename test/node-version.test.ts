// The suite runs on the project's own Node 24 (the npm package `node`, which
// npm ci installs and npm puts first on the scripts' PATH), whatever Node the
// machine has: the checker and the host runtime need its OpenSSL 3.5 for
// X25519MLKEM768. If this fails, many others do too; this one says why.
import assert from "node:assert/strict";
import { realpathSync } from "node:fs";
import path from "node:path";
import { groupProblem } from "../scripts/lib/tls-groups.ts";
import { REPO_ROOT as REPO } from "../scripts/lib/paths.ts";

describe("the Node the tests run on", () => {
  it("is Node 24 or later, whose OpenSSL has X25519MLKEM768", () => {
    assert.equal(groupProblem(), null);
    assert.ok(Number(process.versions.node.split(".")[0]) >= 24, `Node ${process.version}: run the tests with npm test`);
  });

  it("through npm, is the one npm ci installed in node_modules", function () {
    if (process.env.npm_command === undefined) this.skip(); // started without npm: nothing put it first on PATH
    const project = realpathSync(path.join(REPO, "node_modules", ".bin", "node"));
    assert.equal(realpathSync(process.execPath), project, `npm ran the tests on ${process.execPath} (${process.version}), not on ${project}`);
  });
});
