import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { X509Certificate, createPrivateKey } from "node:crypto";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { DevPkiError, FILES, defaultPkiDir, ensureDevPki } from "../../scripts/checker/dev-pki.ts";
import { createCa } from "../../scripts/certs/issue.ts";
import { daysAfter } from "../../scripts/lib/clock.ts";
import { REPO_ROOT as REPO } from "../../scripts/lib/paths.ts";

const run = promisify(execFile);
const CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
const SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
/** A date of the tests' own, for the tests that move through a PKI's lifetime. */
const ISSUED_AT = new Date("2027-03-01T12:00:00Z");

describe("checker/dev-pki", function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  const tempDir = async (): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), "dev-pki-test-"));
    dirs.push(dir);
    return join(dir, "pki"); // a folder that does not exist yet
  };
  after(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it("defaults to .dev-pki at the repository root", () => {
    assert.equal(defaultPkiDir(), join(REPO, ".dev-pki"));
  });

  it("creates a CA, a server certificate for localhost and 127.0.0.1, and a client certificate", async () => {
    const dir = await tempDir();
    const pki = await ensureDevPki(dir);
    assert.deepEqual(pki.changes, ["created the CA", "issued the server certificate", "issued the client certificate"]);
    const ca = new X509Certificate(await readFile(join(dir, FILES.ca), "utf8"));
    const server = new X509Certificate(await readFile(join(dir, FILES.server), "utf8"));
    const client = new X509Certificate(await readFile(join(dir, FILES.client), "utf8"));
    assert.equal(ca.ca, true);
    assert.ok(server.checkIssued(ca) && server.verify(ca.publicKey));
    assert.ok(client.checkIssued(ca) && client.verify(ca.publicKey));
    assert.equal(server.checkHost("localhost"), "localhost");
    assert.equal(server.checkIP("127.0.0.1"), "127.0.0.1");
    assert.deepEqual(server.keyUsage, [SERVER_AUTH]);
    assert.deepEqual(client.keyUsage, [CLIENT_AUTH]);
    assert.equal(server.publicKey.asymmetricKeyType, "rsa"); // stock Espruino has no ECDSA
    assert.equal(pki.caPem, ca.toString());
    for (const key of [FILES.caKey, FILES.serverKey, FILES.clientKey]) {
      assert.equal((await stat(join(dir, key))).mode & 0o777, 0o600, key);
    }
  });

  it("reuses what it made: same CA fingerprint, same certificates, no changes", async () => {
    const dir = await tempDir();
    const first = await ensureDevPki(dir);
    const second = await ensureDevPki(dir);
    assert.deepEqual(second.changes, []);
    assert.equal(new X509Certificate(second.caPem).fingerprint256, new X509Certificate(first.caPem).fingerprint256);
    assert.equal(second.serverCertPem, first.serverCertPem);
    assert.equal(second.clientCertPem, first.clientCertPem);
  });

  it("reissues the server certificate from the same CA to add names, keeping earlier ones", async () => {
    const dir = await tempDir();
    const first = await ensureDevPki(dir);
    const withSan = await ensureDevPki(dir, ["espruino.local", "192.168.4.2"]);
    assert.equal(withSan.caPem, first.caPem);
    assert.equal(withSan.clientCertPem, first.clientCertPem);
    assert.deepEqual(withSan.changes, ["reissued the server certificate to add espruino.local, 192.168.4.2"]);
    const again = await ensureDevPki(dir, ["other.local"]);
    const server = new X509Certificate(again.serverCertPem);
    assert.ok(server.verify(new X509Certificate(first.caPem).publicKey));
    for (const name of ["localhost", "espruino.local", "other.local"]) assert.equal(server.checkHost(name), name);
    for (const ip of ["127.0.0.1", "192.168.4.2"]) assert.equal(server.checkIP(ip), ip);
    assert.deepEqual((await ensureDevPki(dir, ["espruino.local"])).changes, []);
    assert.equal(await readFile(join(dir, FILES.server), "utf8"), again.serverCertPem);
  });

  it("reissues a server certificate whose key does not match it", async () => {
    const dir = await tempDir();
    const first = await ensureDevPki(dir);
    await writeFile(join(dir, FILES.serverKey), (await createCa({ commonName: "stray" })).keyPem);
    const fixed = await ensureDevPki(dir);
    assert.deepEqual(fixed.changes, ["issued the server certificate"]);
    assert.equal(fixed.caPem, first.caPem);
    assert.ok(new X509Certificate(fixed.serverCertPem).checkPrivateKey(createPrivateKey(fixed.serverKeyPem)));
  });

  it("reissues both leaves from the same CA when they near their end", async () => {
    const dir = await tempDir();
    const first = await ensureDevPki(dir, [], ISSUED_AT);
    const late = await ensureDevPki(dir, [], daysAfter(ISSUED_AT, 820)); // leaves last 825 days from the day before
    assert.deepEqual(late.changes, ["issued the server certificate", "issued the client certificate"]);
    assert.equal(late.caPem, first.caPem);
    assert.notEqual(late.serverCertPem, first.serverCertPem);
    assert.ok(new X509Certificate(late.clientCertPem).verify(new X509Certificate(first.caPem).publicKey));
  });

  it("replaces a CA that nears its end, and reissues both leaves from the new one", async () => {
    const dir = await tempDir();
    const first = await ensureDevPki(dir, ["espruino.local"], ISSUED_AT);
    const late = await ensureDevPki(dir, [], daysAfter(ISSUED_AT, 3645)); // the CA lasts 3650 days from the day before
    assert.deepEqual(late.changes, [
      "replaced the CA, which was incomplete, expiring or not valid yet (re-pin devices)",
      "issued the server certificate",
      "issued the client certificate",
    ]);
    const newCa = new X509Certificate(late.caPem);
    assert.notEqual(newCa.fingerprint256, new X509Certificate(first.caPem).fingerprint256);
    assert.equal(await readFile(join(dir, FILES.ca), "utf8"), late.caPem);
    assert.equal(await readFile(join(dir, FILES.caKey), "utf8"), late.caKeyPem);
    for (const pem of [late.serverCertPem, late.clientCertPem]) assert.ok(new X509Certificate(pem).verify(newCa.publicKey));
    assert.deepEqual(late.serverNames, ["localhost", "127.0.0.1"], "names of a certificate from the old CA are not carried over");
  });

  it("rejects an invalid --san with a DevPkiError", async () => {
    const dir = await tempDir();
    await assert.rejects(ensureDevPki(dir, ["not a name"]), DevPkiError);
    await assert.rejects(ensureDevPki(dir, ["300.1.1.1"]), /not a valid IP address/);
  });

  it("breaks a lock left by a process that no longer exists", async () => {
    const dir = await tempDir();
    await ensureDevPki(dir);
    await writeFile(join(dir, ".lock"), "2147483646\n");
    assert.deepEqual((await ensureDevPki(dir)).changes, []);
  });

  it("gives one CA to callers that start at once, in this process and in others", async () => {
    const dir = await tempDir();
    const script = `import { ensureDevPki } from ${JSON.stringify(join(REPO, "scripts/checker/dev-pki.ts"))};
      const pki = await ensureDevPki(${JSON.stringify(dir)});
      process.stdout.write(pki.caPem);`;
    const child = () =>
      run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: REPO, timeout: 50_000 });
    const [a, b, c, d] = await Promise.all([child(), child(), ensureDevPki(dir), ensureDevPki(dir)]);
    const onDisk = await readFile(join(dir, FILES.ca), "utf8");
    assert.deepEqual([a.stdout, b.stdout, c.caPem, d.caPem], [onDisk, onDisk, onDisk, onDisk]);
    const server = new X509Certificate(await readFile(join(dir, FILES.server), "utf8"));
    assert.ok(server.verify(new X509Certificate(onDisk).publicKey));
  });
});
