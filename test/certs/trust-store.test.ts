import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Issued, createCa } from "../../scripts/certs/issue.ts";
import { loadTrustStore } from "../../scripts/certs/trust-store.ts";

describe("certs/trust-store", () => {
  let root: Issued;
  let tmp: string;
  const fingerprint = (issued: Issued): string => new X509Certificate(issued.certPem).fingerprint256;

  before(async () => {
    root = await createCa({ commonName: "Fetch Test Root" });
  });

  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), "trust-store-test-"));
  });

  afterEach(() => {
    rmSync(tmp, { recursive: true, force: true });
  });

  it("reads a trust store folder or bundle, once per certificate", async () => {
    const other = await createCa({ commonName: "Other Root" });
    const store = path.join(tmp, "store");
    mkdirSync(store);
    writeFileSync(path.join(store, "a.pem"), root.certPem);
    writeFileSync(path.join(store, "b.crt"), root.certPem + other.certPem);
    writeFileSync(path.join(store, "broken.pem"), "-----BEGIN CERTIFICATE-----\nAA\n");
    writeFileSync(path.join(store, "c.0"), other.certPem); // hash links are skipped: they repeat the files
    const entries = loadTrustStore(store);
    assert.deepEqual(
      entries.map((entry) => [path.basename(entry.file), entry.cert.fingerprint256]),
      [
        ["a.pem", fingerprint(root)],
        ["b.crt", fingerprint(other)],
      ],
    );
    assert.equal(loadTrustStore(path.join(store, "b.crt")).length, 2);
    assert.deepEqual(loadTrustStore(path.join(tmp, "missing")), []);
  });
});
