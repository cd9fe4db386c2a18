// The development PKI under <repo>/.dev-pki/: a CA the device and the host
// runtime pin, a server certificate for the local checker and a client
// certificate for mutual TLS. Created on first use and reused afterwards, so a
// device pinned to the CA keeps working; the server certificate is reissued
// from the same CA when it lacks a requested name or is near its end.
// A lock file serialises processes that start at once; every file is written
// to a temporary name and renamed into place.
import "reflect-metadata"; // before @peculiar/x509, which needs it loaded first
import { X509Certificate, createPrivateKey, createPublicKey, randomBytes, webcrypto } from "node:crypto";
import { chmod, mkdir, open, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as x509 from "@peculiar/x509";
import { type Issued, createCa, issueLeaf } from "../certs/issue.ts";
import { DAY_MS, currentTime, daysAfter } from "../lib/clock.ts";
import { REPO_ROOT } from "../lib/paths.ts";

export class DevPkiError extends Error {
  override name = "DevPkiError";
}

export const FILES = {
  ca: "ca.pem",
  caKey: "ca-key.pem",
  server: "server.pem",
  serverKey: "server-key.pem",
  client: "client.pem",
  clientKey: "client-key.pem",
} as const;

export interface DevPki {
  dir: string;
  caPath: string;
  caKeyPath: string;
  serverCertPath: string;
  serverKeyPath: string;
  clientCertPath: string;
  clientKeyPath: string;
  caPem: string;
  caKeyPem: string;
  serverCertPem: string;
  serverKeyPem: string;
  clientCertPem: string;
  clientKeyPem: string;
  /** The server certificate's subject alternative names. */
  serverNames: string[];
  /** What this call did, for progress output: e.g. "created the CA". Empty when all was reused. */
  changes: string[];
}

export const DEFAULT_SERVER_NAMES = ["localhost", "127.0.0.1"];
const CA_NAME = "espruino-tls-check development CA";
const SERVER_NAME = "localhost";
const CLIENT_NAME = "espruino-tls-check client";
/** Reissue a leaf that expires within this window rather than let it lapse mid-use. */
const RENEW_BEFORE_MS = 7 * DAY_MS;
const LOCK_FILE = ".lock";
const LOCK_WAIT_MS = 60_000;
const LOCK_STALE_MS = 120_000;

export function defaultPkiDir(): string {
  return join(REPO_ROOT, ".dev-pki");
}

function isIp(name: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || name.includes(":");
}

/**
 * Checks a requested SAN so that a typo fails here with a clear message, not
 * inside certificate code; `flag` is how the user gave it (--san, --host).
 */
export function validateSan(name: string, flag = "--san"): string {
  const trimmed = name.trim();
  if (isIp(trimmed)) {
    if (trimmed.includes(":") ? !/^[0-9a-fA-F:.]+$/.test(trimmed) : trimmed.split(".").some((p) => Number(p) > 255)) {
      throw new DevPkiError(`${flag} ${JSON.stringify(name)}: not a valid IP address`);
    }
    return trimmed;
  }
  if (!/^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(trimmed)) {
    throw new DevPkiError(`${flag} ${JSON.stringify(name)}: not a valid DNS name or IP address`);
  }
  return trimmed.toLowerCase();
}

function sanNames(cert: X509Certificate): string[] {
  return (cert.subjectAltName ?? "")
    .split(/,\s*/)
    .map((entry) => entry.match(/^(?:DNS|IP Address):(.+)$/)?.[1])
    .filter((n): n is string => n !== undefined);
}

function covers(cert: X509Certificate, name: string): boolean {
  return isIp(name) ? cert.checkIP(name) !== undefined : cert.checkHost(name) !== undefined;
}

async function writeAtomic(path: string, content: string, mode: number): Promise<void> {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(temp, content, { mode });
  await chmod(temp, mode); // the umask may have narrowed or widened it
  await rename(temp, path);
}

async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Takes the directory's lock file; returns its release. Breaks a lock whose
 * owner is gone, or that is older than LOCK_STALE_MS by the time written in it
 * (the same clock as ours, unlike the file system's modification time).
 */
async function lock(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, LOCK_FILE);
  const deadline = performance.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const handle = await open(path, "wx", 0o600);
      await handle.writeFile(`${process.pid} ${currentTime().getTime()}\n`);
      await handle.close();
      return async () => {
        await unlink(path).catch(() => undefined);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const [owner, takenAt] = ((await readIfExists(path)) ?? "").trim().split(" ").map(Number);
    const age = Number.isFinite(takenAt) ? currentTime().getTime() - takenAt : 0;
    if ((Number.isInteger(owner) && owner > 0 && !processAlive(owner)) || age > LOCK_STALE_MS) {
      await unlink(path).catch(() => undefined);
      continue;
    }
    if (performance.now() > deadline) {
      throw new DevPkiError(`another process holds ${path}; remove it if no checker is starting`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
  }
}

/** Loads a CA from PEM into the shape scripts/certs/issue.ts issues from. */
async function loadCa(certPem: string, keyPem: string): Promise<Issued> {
  const algorithm = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
  const keyDer = createPrivateKey(keyPem).export({ type: "pkcs8", format: "der" });
  const publicDer = createPublicKey(certPem).export({ type: "spki", format: "der" });
  const privateKey = await webcrypto.subtle.importKey("pkcs8", keyDer, algorithm, true, ["sign"]);
  const publicKey = await webcrypto.subtle.importKey("spki", publicDer, algorithm, true, ["verify"]);
  return {
    cert: new x509.X509Certificate(certPem),
    keys: { privateKey, publicKey } as CryptoKeyPair,
    certPem,
    keyPem,
  };
}

/** A leaf is reusable when the CA issued it, its key matches, and it is valid for a while yet. */
function leafUsable(certPem: string | null, keyPem: string | null, ca: X509Certificate, now: number): boolean {
  if (certPem === null || keyPem === null) return false;
  try {
    const cert = new X509Certificate(certPem);
    return (
      cert.checkIssued(ca) &&
      cert.verify(ca.publicKey) &&
      cert.checkPrivateKey(createPrivateKey(keyPem)) &&
      Date.parse(cert.validFrom) <= now &&
      Date.parse(cert.validTo) > now + RENEW_BEFORE_MS
    );
  } catch {
    return false;
  }
}

/** Usable: a CA, its key matches, and `now` is inside its validity, a while before its end. */
function caUsable(certPem: string, keyPem: string, now: number): boolean {
  try {
    const cert = new X509Certificate(certPem);
    return (
      cert.ca &&
      cert.checkPrivateKey(createPrivateKey(keyPem)) &&
      Date.parse(cert.validFrom) <= now &&
      Date.parse(cert.validTo) > now + RENEW_BEFORE_MS
    );
  } catch {
    return false;
  }
}

type PkiPaths = Pick<DevPki, "caPath" | "caKeyPath" | "serverCertPath" | "serverKeyPath" | "clientCertPath" | "clientKeyPath">;

function pkiPaths(dir: string): PkiPaths {
  return {
    caPath: join(dir, FILES.ca),
    caKeyPath: join(dir, FILES.caKey),
    serverCertPath: join(dir, FILES.server),
    serverKeyPath: join(dir, FILES.serverKey),
    clientCertPath: join(dir, FILES.client),
    clientKeyPath: join(dir, FILES.clientKey),
  };
}

/** One update of the folder, made while holding its lock. */
interface PkiUpdate {
  dir: string;
  paths: PkiPaths;
  now: Date;
  /** Issued a day back so that a device whose clock lags a little accepts them. */
  notBefore: Date;
  /** What was made, for DevPki.changes. */
  changes: string[];
}

interface Pair {
  certPem: string;
  keyPem: string;
}

/** The key first: a certificate never lies on disk beside a key that is not its own yet. */
async function writePair(certPath: string, keyPath: string, pair: Pair): Promise<void> {
  await writeAtomic(keyPath, pair.keyPem, 0o600);
  await writeAtomic(certPath, pair.certPem, 0o644);
}

/** The folder's CA when it is usable, else a new one (devices pinned to the old one must be re-pinned). */
async function ensureCa(update: PkiUpdate): Promise<Issued> {
  const { paths, now } = update;
  const caPem = await readIfExists(paths.caPath);
  const caKeyPem = await readIfExists(paths.caKeyPath);
  if (caPem !== null && caKeyPem !== null && caUsable(caPem, caKeyPem, now.getTime())) {
    try {
      return await loadCa(caPem, caKeyPem);
    } catch (error) {
      throw new DevPkiError(`cannot use the CA in ${update.dir} (${(error as Error).message}); delete the folder to start over`);
    }
  }
  if (caPem !== null) update.changes.push("replaced the CA, which was incomplete, expiring or not valid yet (re-pin devices)");
  else update.changes.push("created the CA");
  const ca = await createCa({ commonName: CA_NAME, key: "rsa2048", notBefore: update.notBefore });
  await writePair(paths.caPath, paths.caKeyPath, ca);
  return ca;
}

/** The server certificate, reissued from `ca` when it is unusable or lacks one of the `wanted` names. */
async function ensureServerCertificate(update: PkiUpdate, ca: Issued, caCert: X509Certificate, wanted: string[]): Promise<Pair> {
  const { paths, now } = update;
  const certPem = await readIfExists(paths.serverCertPath);
  const keyPem = await readIfExists(paths.serverKeyPath);
  const current = leafUsable(certPem, keyPem, caCert, now.getTime()) && certPem ? new X509Certificate(certPem) : null;
  const missing = current ? wanted.filter((name) => !covers(current, name)) : wanted;
  if (current && missing.length === 0) return { certPem: certPem!, keyPem: keyPem! };
  // Keep the names the old certificate had, so alternating --san lists do not drop any.
  const names = [...new Set([...wanted, ...(current ? sanNames(current) : [])])];
  const server = await issueLeaf(ca, "server", { commonName: SERVER_NAME, names, key: "rsa2048", notBefore: update.notBefore });
  await writePair(paths.serverCertPath, paths.serverKeyPath, server);
  update.changes.push(current ? `reissued the server certificate to add ${missing.join(", ")}` : "issued the server certificate");
  return server;
}

/** The client certificate, reissued from `ca` when it is unusable. */
async function ensureClientCertificate(update: PkiUpdate, ca: Issued, caCert: X509Certificate): Promise<Pair> {
  const { paths, now } = update;
  const certPem = await readIfExists(paths.clientCertPath);
  const keyPem = await readIfExists(paths.clientKeyPath);
  if (leafUsable(certPem, keyPem, caCert, now.getTime())) return { certPem: certPem!, keyPem: keyPem! };
  const client = await issueLeaf(ca, "client", { commonName: CLIENT_NAME, key: "rsa2048", notBefore: update.notBefore });
  await writePair(paths.clientCertPath, paths.clientKeyPath, client);
  update.changes.push("issued the client certificate");
  return client;
}

/**
 * Makes sure `dir` holds a complete development PKI whose server certificate
 * names localhost, 127.0.0.1 and every name in `sans`, usable at `now`, and
 * returns it. Names are checked before anything is written.
 */
export async function ensureDevPki(dir: string = defaultPkiDir(), sans: string[] = [], now: Date = currentTime()): Promise<DevPki> {
  const wanted = [...new Set([...DEFAULT_SERVER_NAMES, ...sans.map((name) => validateSan(name))])];
  const paths = pkiPaths(dir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const release = await lock(dir);
  try {
    const update: PkiUpdate = { dir, paths, now, notBefore: daysAfter(now, -1), changes: [] };
    const ca = await ensureCa(update);
    const caCert = new X509Certificate(ca.certPem);
    const server = await ensureServerCertificate(update, ca, caCert, wanted);
    const client = await ensureClientCertificate(update, ca, caCert);
    // Keys copied in by hand may be readable by others; they are secrets.
    await Promise.all([paths.caKeyPath, paths.serverKeyPath, paths.clientKeyPath].map((path) => chmod(path, 0o600)));
    return {
      dir,
      ...paths,
      caPem: ca.certPem,
      caKeyPem: ca.keyPem,
      serverCertPem: server.certPem,
      serverKeyPem: server.keyPem,
      clientCertPem: client.certPem,
      clientKeyPem: client.keyPem,
      serverNames: sanNames(new X509Certificate(server.certPem)),
      changes: update.changes,
    };
  } finally {
    await release();
  }
}
