// Certificates for the firmware tests, made with scripts/certs/issue.ts into a
// temporary folder, relative to the clock. Each is written twice: as PEM,
// which the mbedTLS harness reads as it is, and as DER (the PEM's base64
// body decoded), which is what the app hands Espruino's tls.connect and what
// the wolfSSL backend takes.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCa, type Issued, issueLeaf } from "../../../scripts/certs/issue.ts";
import { currentTime } from "../../../scripts/lib/clock.ts";

const DAY_MS = 86_400_000;

export interface PemFiles {
  cert: string;
  key: string;
  certDer: string;
  keyDer: string;
  certPem: string;
  keyPem: string;
}

export interface Fixtures {
  dir: string;
  ca: PemFiles;
  otherCa: PemFiles;
  ecCa: PemFiles;
  /** Names localhost, 127.0.0.1 and ::1. */
  server: PemFiles;
  /** DNS name localhost only: an IP-literal host must not match it. */
  dnsOnly: PemFiles;
  /** iPAddress 127.0.0.2 only. */
  otherIp: PemFiles;
  expired: PemFiles;
  notYetValid: PemFiles;
  /** For other.example: a hostname mismatch for localhost. */
  otherName: PemFiles;
  /** ECDSA P-256 key, signed by ecCa. */
  ecServer: PemFiles;
  /** RSA key, for mutual TLS. */
  client: PemFiles;
  /** ECDSA P-256 key, for mutual TLS. */
  ecClient: PemFiles;
  cleanup(): Promise<void>;
}

/** The DER inside a one-object PEM, as the app decodes it for the device. */
export function pemBody(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64");
}

async function save(dir: string, name: string, issued: Issued): Promise<PemFiles> {
  const files = {
    cert: join(dir, `${name}.pem`),
    key: join(dir, `${name}-key.pem`),
    certDer: join(dir, `${name}.der`),
    keyDer: join(dir, `${name}-key.der`),
  };
  await writeFile(files.cert, issued.certPem);
  await writeFile(files.key, issued.keyPem, { mode: 0o600 });
  await writeFile(files.certDer, pemBody(issued.certPem));
  await writeFile(files.keyDer, pemBody(issued.keyPem), { mode: 0o600 });
  return { ...files, certPem: issued.certPem, keyPem: issued.keyPem };
}

export async function makeFixtures(): Promise<Fixtures> {
  const dir = await mkdtemp(join(tmpdir(), "firmware-pki-"));
  const now = currentTime().getTime();
  const ca = await createCa({ commonName: "firmware test CA" });
  const otherCa = await createCa({ commonName: "some other CA" });
  const ecCa = await createCa({ commonName: "firmware test EC CA", key: "ec-p256" });
  const leaf = (names: string[], extra: { notBefore?: Date; notAfter?: Date } = {}) =>
    issueLeaf(ca, "server", { commonName: names[0], names, ...extra });
  return {
    dir,
    ca: await save(dir, "ca", ca),
    otherCa: await save(dir, "other-ca", otherCa),
    ecCa: await save(dir, "ec-ca", ecCa),
    server: await save(dir, "server", await leaf(["localhost", "127.0.0.1", "::1"])),
    dnsOnly: await save(dir, "dns-only", await leaf(["localhost"])),
    otherIp: await save(dir, "other-ip", await leaf(["127.0.0.2"])),
    expired: await save(
      dir,
      "expired",
      await leaf(["localhost", "127.0.0.1"], { notBefore: new Date(now - 400 * DAY_MS), notAfter: new Date(now - 30 * DAY_MS) }),
    ),
    notYetValid: await save(
      dir,
      "not-yet-valid",
      await leaf(["localhost", "127.0.0.1"], { notBefore: new Date(now + 30 * DAY_MS), notAfter: new Date(now + 400 * DAY_MS) }),
    ),
    otherName: await save(dir, "other-name", await leaf(["other.example"])),
    ecServer: await save(
      dir,
      "ec-server",
      await issueLeaf(ecCa, "server", { commonName: "localhost", names: ["localhost"], key: "ec-p256" }),
    ),
    client: await save(dir, "client", await issueLeaf(ca, "client", { commonName: "firmware test device" })),
    ecClient: await save(dir, "ec-client", await issueLeaf(ca, "client", { commonName: "firmware test EC device", key: "ec-p256" })),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
