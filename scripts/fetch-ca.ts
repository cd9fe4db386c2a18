// npm run fetch-ca -- HOST[:PORT] [--out certs/NAME.pem] [--pick N]
//
// Finds the trust anchor to pin for a server: connects with SNI, lists the
// certificates the server sends, picks the root (from the chain, or from the
// system trust store when the server leaves it out, as most do), checks it
// with the same rules as the build (scripts/certs/checks.ts) and writes it as
// PEM. The connection deliberately does not verify the server: the point is
// to look at what it presents, including chains that would not verify.
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import tls from "node:tls";
import pc from "picocolors";
import { chooseTrustAnchor } from "./certs/anchor-choice.ts";
import { type CertificateInfo, daysBetween, describeCertificate, parseCertificate } from "./certs/certificate.ts";
import { checkTrustAnchor } from "./certs/checks.ts";
import { encodePem, splitCertificates } from "./certs/pem.ts";
import { currentTime } from "./lib/clock.ts";

export const DEFAULT_TRUST_STORE = "/etc/ssl/certs";
const DEFAULT_TIMEOUT_MS = 10_000;

export interface Target {
  host: string;
  port: number;
}

/** "host", "host:port", "[v6]:port", "v6", or a whole https:// URL. */
export function parseTarget(text: string): Target {
  const input = text.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) {
    let url: URL;
    try {
      url = new URL(input);
    } catch {
      throw new UsageError(`"${text}" is not a valid URL`);
    }
    const host = url.hostname.replace(/^\[|\]$/g, "");
    return { host, port: url.port ? Number(url.port) : 443 };
  }
  let host = input;
  let portText: string | null = null;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(input);
  if (bracketed) {
    host = bracketed[1];
    portText = bracketed[2] ?? null;
  } else if (isIP(input) !== 6) {
    const colon = input.lastIndexOf(":");
    if (colon >= 0) {
      host = input.slice(0, colon);
      portText = input.slice(colon + 1);
    }
  }
  if (host === "" || /[\s/]/.test(host)) throw new UsageError(`"${text}" is not a host name: expected HOST[:PORT], e.g. www.howsmyssl.com`);
  if (portText !== null && !/^\d+$/.test(portText)) throw new UsageError(`"${portText}" is not a port number`);
  const port = portText === null ? 443 : Number(portText);
  if (port < 1 || port > 65535) throw new UsageError(`port ${port} is out of range (1-65535)`);
  return { host, port };
}

/** certs/<host>.pem, with characters that do not belong in a file name replaced. */
export function defaultOutPath(host: string): string {
  return path.join("certs", `${host.toLowerCase().replace(/[^a-z0-9.-]/g, "_")}.pem`);
}

export class UsageError extends Error {
  override name = "UsageError";
}

export type FetchFailure = "DNS" | "REFUSED" | "TIMEOUT" | "NOT_TLS" | "HANDSHAKE" | "RESET" | "UNREACHABLE" | "OTHER";

export class FetchError extends Error {
  override name = "FetchError";
  constructor(
    readonly kind: FetchFailure,
    message: string,
  ) {
    super(message);
  }
}

/** A Node socket error, in words a user can act on. */
export function describeConnectError(error: NodeJS.ErrnoException, target: Target): FetchError {
  const where = `${target.host}:${target.port}`;
  const code = error.code ?? "";
  const text = error.message ?? String(error);
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EAI_FAIL" || code === "EAI_NONAME") {
    return new FetchError("DNS", `cannot resolve "${target.host}" (${code}): check the spelling and this computer's DNS/network`);
  }
  if (code === "ECONNREFUSED") return new FetchError("REFUSED", `${where} refused the connection: nothing listens on port ${target.port}`);
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH") return new FetchError("UNREACHABLE", `${where} is unreachable (${code}): no route to it from here`);
  if (code === "ECONNRESET" || code === "EPIPE") {
    return new FetchError("RESET", `${where} closed the connection during the TLS handshake (${code}); is it a TLS port, and does it need a particular server name (--servername)?`);
  }
  if (/wrong version number|packet length too long|unknown protocol|http request/i.test(text) || code === "ERR_SSL_WRONG_VERSION_NUMBER") {
    return new FetchError("NOT_TLS", `${where} does not speak TLS (${code || text}); is this the HTTPS port?`);
  }
  if (/alert|handshake|ssl|tls/i.test(code + " " + text)) {
    return new FetchError("HANDSHAKE", `the TLS handshake with ${where} failed: ${text}`);
  }
  return new FetchError("OTHER", `connecting to ${where} failed: ${text}`);
}

export interface FetchedChain {
  /** Leaf first, as Node reconstructs the chain the server sent (issuer order). */
  chain: X509Certificate[];
  protocol: string | null;
  cipher: string;
}

/**
 * The certificates `target` presents. `ca: []` keeps Node from completing the
 * chain with its own root store, so the list shows only what the server sent.
 */
export function fetchChain(target: Target, servername: string | null, timeoutMs: number): Promise<FetchedChain> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const socket = tls.connect({
      host: target.host,
      port: target.port,
      ...(servername ? { servername } : {}),
      rejectUnauthorized: false, // we look at the chain; nothing is sent over this connection
      ca: [],
    });
    const finish = (error: FetchError | null, value?: FetchedChain): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(value as FetchedChain);
    };
    const timer = setTimeout(
      () => finish(new FetchError("TIMEOUT", `no TLS handshake with ${target.host}:${target.port} within ${timeoutMs} ms (raise it with --timeout)`)),
      timeoutMs,
    );
    socket.once("secureConnect", () => {
      const chain: X509Certificate[] = [];
      const seen = new Set<string>();
      let peer = socket.getPeerCertificate(true) as tls.DetailedPeerCertificate | undefined;
      while (peer && peer.raw && !seen.has(peer.fingerprint256)) {
        seen.add(peer.fingerprint256);
        chain.push(new X509Certificate(peer.raw));
        peer = peer.issuerCertificate;
      }
      finish(null, { chain, protocol: socket.getProtocol(), cipher: socket.getCipher().standardName });
    });
    socket.once("error", (error) => finish(describeConnectError(error, target)));
    socket.once("close", () => finish(new FetchError("RESET", `${target.host}:${target.port} closed the connection before the TLS handshake finished`)));
  });
}

export interface StoreEntry {
  cert: X509Certificate;
  file: string;
}

/**
 * Certificates of a trust store: a directory of PEM files (Debian's
 * /etc/ssl/certs holds one *.pem per root, plus the ca-certificates.crt
 * bundle) or one bundle file. Duplicates (the bundle repeats the files, the
 * hash links repeat both) and unreadable files are skipped.
 */
export function loadTrustStore(location: string): StoreEntry[] {
  if (!existsSync(location)) return [];
  const files = statSync(location).isDirectory()
    ? readdirSync(location)
        .filter((name) => /\.(pem|crt)$/i.test(name))
        .sort()
        .map((name) => path.join(location, name))
    : [location];
  const entries: StoreEntry[] = [];
  const seen = new Set<string>();
  for (const file of files) {
    let pems: string[];
    try {
      pems = splitCertificates(readFileSync(file, "latin1"));
    } catch {
      continue; // not PEM, or unreadable: not part of the store
    }
    for (const pem of pems) {
      let cert: X509Certificate;
      try {
        cert = parseCertificate(pem);
      } catch {
        continue;
      }
      if (seen.has(cert.fingerprint256)) continue;
      seen.add(cert.fingerprint256);
      entries.push({ cert, file });
    }
  }
  return entries;
}

export interface FetchCaIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Colour the output (default: when stdout is a terminal). */
  color?: boolean;
  /** Directory that relative paths are resolved from (default: process.cwd()). */
  cwd?: string;
}

const DAY = (date: Date): string => date.toISOString().slice(0, 10);

function roleOf(info: CertificateInfo): string {
  if (info.isCa) return info.selfSigned ? "yes, a self-signed root" : "yes, an intermediate";
  return info.selfSigned ? "no, a self-signed server certificate" : "no, an end-entity certificate";
}

function describeLines(index: string, info: CertificateInfo, now: Date, colors: ReturnType<typeof pc.createColors>): string[] {
  const left = info.notAfter < now ? colors.red(`expired ${daysBetween(info.notAfter, now)} days ago`) : `${info.daysLeft} days left`;
  return [
    `${colors.bold(index)} ${colors.bold(info.subject)}`,
    `     issuer   ${info.issuer}`,
    `     valid    ${DAY(info.notBefore)} to ${DAY(info.notAfter)} (${left})`,
    `     key      ${info.keyType}`,
    `     SHA-256  ${info.sha256}`,
    `     CA       ${roleOf(info)}`,
    ...(info.subjectAltName ? [`     names    ${info.subjectAltName}`] : []),
  ];
}

function positiveInteger(label: string, min: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < min) throw new InvalidArgumentError(`${label} must be a whole number${min > 0 ? ` of at least ${min}` : ""}.`);
    return Number(value);
  };
}

function buildProgram(io: FetchCaIo): Command {
  return new Command("fetch-ca")
    .description(
      "Fetch the trust anchor (root CA certificate) to pin for an HTTPS server. Connects with SNI " +
        "without verifying (the point is to look at what the server presents), lists every certificate " +
        "it sends, picks the root (from the chain, or from the system trust store when the server does " +
        "not send it), checks it with the build's rules and writes it as PEM.",
    )
    .argument("<target>", "HOST[:PORT] (port 443 by default), or an https:// URL")
    .option("--out <file>", "where to write the PEM (default: certs/<host>.pem)")
    .option("--pick <n>", "pin certificate N of the list instead of the automatic choice", positiveInteger("--pick", 0))
    .option("--servername <name>", "SNI name to send (default: the host, none for an IP address)")
    .option("--timeout <ms>", "give up on the connection and handshake after this long", positiveInteger("--timeout", 1), DEFAULT_TIMEOUT_MS)
    .option("--trust-store <path>", "system trust store: a folder of PEM files or a bundle file", DEFAULT_TRUST_STORE)
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err, outputError: (text, write) => write(text) })
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText(
      "after",
      "\nExamples:\n" +
        "  npm run fetch-ca -- www.howsmyssl.com --out certs/isrg-root-x1.pem\n" +
        "  npm run fetch-ca -- 192.168.1.20:8443 --servername device.local --pick 1\n" +
        "\nExit status: 0 when the anchor was written; 1 when nothing was written.",
    );
}

interface Options {
  out?: string;
  pick?: number;
  servername?: string;
  timeout: number;
  trustStore: string;
}

/** The whole command; resolves to the process exit code (0 written, 1 otherwise). */
export async function main(argv: string[], io: FetchCaIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }): Promise<number> {
  const colors = pc.createColors(io.color ?? pc.isColorSupported);
  const say = (text = ""): void => io.out(text + "\n");
  const fail = (text: string): number => {
    io.err(`${colors.red("error:")} ${text}\n`);
    return 1;
  };
  const program = buildProgram(io);
  try {
    program.parse(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    throw error;
  }
  const options = program.opts<Options>();
  const cwd = io.cwd ?? process.cwd();
  let target: Target;
  try {
    target = parseTarget(program.args[0]);
  } catch (error) {
    if (error instanceof UsageError) return fail(error.message);
    throw error;
  }
  const servername = options.servername ?? (isIP(target.host) ? null : target.host);
  const outPath = options.out ?? defaultOutPath(target.host);
  const where = `${isIP(target.host) === 6 ? `[${target.host}]` : target.host}:${target.port}`;

  say(`Connecting to ${where}${servername ? ` (SNI ${servername})` : " (no SNI: IP address)"}, without verifying it...`);
  let fetched: FetchedChain;
  try {
    fetched = await fetchChain(target, servername, options.timeout);
  } catch (error) {
    if (error instanceof FetchError) return fail(error.message);
    throw error;
  }
  const now = currentTime();
  const infos = fetched.chain.map((cert) => describeCertificate(cert, now));
  say(`${fetched.protocol ?? "TLS"}, ${fetched.cipher}. The server sent ${infos.length} certificate${infos.length === 1 ? "" : "s"}:`);
  infos.forEach((info, index) => say(describeLines(`  [${index}]`, info, now, colors).join("\n")));
  say();

  let store: ReturnType<typeof loadTrustStore> = [];
  const choice = chooseTrustAnchor(fetched.chain, {
    pick: options.pick,
    now,
    trustStore: () => {
      say(`Looking for the root in the trust store ${options.trustStore}...`);
      store = loadTrustStore(path.resolve(cwd, options.trustStore));
      if (store.length === 0) say(colors.yellow(`  (no certificates found in ${options.trustStore})`));
      return store.map((entry) => entry.cert);
    },
  });
  for (const note of choice.notes) say(`Note: ${note}.`);
  if (!choice.ok) {
    fail(choice.message + ".");
    io.err("Nothing was written.\n");
    return 1;
  }

  const anchor = choice.anchor;
  const anchorInfo = describeCertificate(anchor, now);
  if (choice.source === "trust-store") {
    const file = store.find((entry) => entry.cert.fingerprint256 === anchor.fingerprint256)?.file ?? options.trustStore;
    say(`Trust anchor: the root that issued certificate [${choice.index}], from ${file}:`);
    say(describeLines("  [root]", anchorInfo, now, colors).join("\n"));
  } else if (choice.source === "picked") {
    say(`Trust anchor: certificate [${choice.index}], as picked (--pick ${choice.index}): ${anchorInfo.subject}`);
  } else {
    say(`Trust anchor: the root the server sent, certificate [${choice.index}]: ${anchorInfo.subject}`);
  }

  const pem = encodePem("CERTIFICATE", anchor.raw);
  const verdict = checkTrustAnchor(pem, now, { allowSelfSignedLeaf: choice.source === "picked" && choice.index === 0 });
  for (const warning of verdict.warnings) io.err(`${colors.yellow("warning:")} ${warning}.\n`);
  const leaf = fetched.chain[0];
  const nameOk = servername ? leaf.checkHost(servername) !== undefined : isIP(target.host) ? leaf.checkIP(target.host) !== undefined : true;
  if (!nameOk) {
    io.err(
      `${colors.yellow("warning:")} the server's certificate does not name ${servername ?? target.host} ` +
        `(it names ${infos[0].subjectAltName ?? infos[0].subject}); a verifying client will reject it whatever CA is pinned.\n`,
    );
  }
  if (verdict.errors.length > 0) {
    for (const error of verdict.errors) fail(`refusing to pin it: ${error}.`);
    io.err("Nothing was written.\n");
    return 1;
  }

  const absoluteOut = path.resolve(cwd, outPath);
  const previous = existsSync(absoluteOut) ? readFileSync(absoluteOut, "latin1") : null;
  try {
    mkdirSync(path.dirname(absoluteOut), { recursive: true });
    writeFileSync(absoluteOut, pem);
  } catch (error) {
    return fail(`cannot write ${outPath}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const status = previous === null ? "Wrote" : previous === pem ? "Unchanged:" : "Replaced";
  say(colors.green(`${status} ${outPath}`) + ` (${anchorInfo.subject}, SHA-256 ${anchorInfo.sha256}, valid until ${DAY(anchorInfo.notAfter)}).`);
  say();
  const url = `https://${where.endsWith(":443") ? where.slice(0, -4) : where}/`;
  say("Next: pin it in the check, e.g.");
  say(`  npm start -- --url ${url}... --ca ${outPath}`);
  say(`  or set "ca": "${outPath}" in app.config.json, then npm run build / npm run upload.`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // `npm run fetch-ca -- ... | head` closes the pipe early: not an error worth a stack trace.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
  });
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`fetch-ca: unexpected failure: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
