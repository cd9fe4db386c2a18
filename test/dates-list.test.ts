// CI runs `npm run test:dates` again under a faked clock (.ci/run), so that a
// test mixing a fixed date with the machine's clock fails the day it is
// written, not on some later date. This keeps that list complete: every test
// file that issues, judges or rates by date, itself or through a support
// module, must be on it.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { REPO_ROOT as REPO } from "../scripts/lib/paths.ts";

/** Uses that make a test's outcome depend on the date. */
const DATED = /\b(createCa|issueCa|issueLeaf|selfSignedLeaf|ensureDevPki|startChecker|currentTime|rateClientHello|CUTOVERS|checkTrustAnchor|checkClientCertificate)\b/;

/**
 * Files that use those only to have a server to talk to, through code whose
 * dates the listed tests already cover; left out to keep CI's time down.
 */
const EXEMPT: Record<string, string> = {
  "test/serial.test.ts": "the checker and the dev PKI are only the far end of a serial upload",
  "test/twin/serial.test.ts": "the same, in front of an Espruino executable",
  "test/fleet/fleet.test.ts": "the PKI and the checker are only the broker and the devices; the fleet's date checks are test/fleet/options.test.ts's",
  "test/fleet/web.test.ts": "the same, in front of a headless Chromium",
  "test/integration/mqtt-upload.test.ts": "the checker, the test PKI and Mosquitto are only the far ends of an upload; test/integration/mqtt-mosquitto.test.ts runs the same publishing by date",
};

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : entry.name.endsWith(".ts") ? [full] : [];
  });
}

/** The files `npm run test:dates` runs, its globs expanded (only "*" within one folder is used). */
function listedFiles(): Set<string> {
  const script = (JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts["test:dates"];
  const patterns = script.split(/\s+/).slice(1).map((word) => word.replace(/^'|'$/g, ""));
  const listed = new Set<string>();
  for (const pattern of patterns) {
    if (!pattern.includes("*")) {
      listed.add(path.join(REPO, pattern));
      continue;
    }
    const dir = path.join(REPO, path.dirname(pattern));
    const name = new RegExp("^" + path.basename(pattern).replace(/\./g, "\\.").replace(/\*/g, "[^/]*") + "$");
    for (const file of fs.readdirSync(dir)) if (name.test(file)) listed.add(path.join(dir, file));
  }
  return listed;
}

describe("npm run test:dates", () => {
  it("lists every test file whose outcome depends on the date", () => {
    const all = filesUnder(path.join(REPO, "test"));
    const dated = new Set(all.filter((file) => DATED.test(fs.readFileSync(file, "utf8"))));
    const tests = all.filter((file) => file.endsWith(".test.ts") && file !== path.join(REPO, "test", "dates-list.test.ts"));
    const importsDated = (file: string): boolean => {
      const text = fs.readFileSync(file, "utf8");
      return [...text.matchAll(/from "(\.[^"]+)"/g)].some((match) => dated.has(path.resolve(path.dirname(file), match[1])));
    };
    const listed = listedFiles();
    const missing = tests
      .filter((file) => (dated.has(file) || importsDated(file)) && !listed.has(file))
      .map((file) => path.relative(REPO, file))
      .filter((file) => !(file in EXEMPT));
    assert.deepEqual(missing, [], "add these to test:dates in package.json");
    for (const file of listed) assert.ok(fs.existsSync(file), `${path.relative(REPO, file)} is listed but does not exist`);
  });
});
