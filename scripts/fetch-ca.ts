// npm run fetch-ca -- HOST[:PORT] [--out certs/NAME.pem] [--pick N]
//
// Finds the trust anchor to pin for a server: connects with SNI, lists the
// certificates the server sends, picks the root (from the chain, or from the
// system trust store when the server leaves it out, as most do), checks it
// with the same rules as the build (scripts/certs/checks.ts) and writes it as
// PEM. The connection deliberately does not verify the server: the point is
// to look at what it presents, including chains that would not verify.
import { Command, CommanderError, InvalidArgumentError } from "commander";
import type { X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pc from "picocolors";
import { type AnchorChoice, chooseTrustAnchor } from "./certs/anchor-choice.ts";
import { type CertificateInfo, daysBetween, describeCertificate } from "./certs/certificate.ts";
import { checkTrustAnchor } from "./certs/checks.ts";
import { encodePem } from "./certs/pem.ts";
import { type FetchedChain, type Target, FetchError, fetchChain } from "./certs/server-chain.ts";
import { type StoreEntry, DEFAULT_TRUST_STORE, loadTrustStore } from "./certs/trust-store.ts";
import { currentTime } from "./lib/clock.ts";
import { plural } from "./lib/plural.ts";

const DEFAULT_TIMEOUT_MS = 10_000;

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

export interface FetchCaIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Colour the output (default: when stdout is a terminal). */
  color?: boolean;
  /** Directory that relative paths are resolved from (default: process.cwd()). */
  cwd?: string;
}

const dayOf = (date: Date): string => date.toISOString().slice(0, 10);

function roleOf(info: CertificateInfo): string {
  if (info.isCa) return info.selfSigned ? "yes, a self-signed root" : "yes, an intermediate";
  return info.selfSigned ? "no, a self-signed server certificate" : "no, an end-entity certificate";
}

function describeLines(index: string, info: CertificateInfo, now: Date, colors: ReturnType<typeof pc.createColors>): string[] {
  const left = info.notAfter < now ? colors.red(`expired ${daysBetween(info.notAfter, now)} days ago`) : `${info.daysLeft} days left`;
  return [
    `${colors.bold(index)} ${colors.bold(info.subject)}`,
    `     issuer   ${info.issuer}`,
    `     valid    ${dayOf(info.notBefore)} to ${dayOf(info.notAfter)} (${left})`,
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

type ChosenAnchor = Extract<AnchorChoice, { ok: true }>;

/** How the command talks: lines on stdout, warnings and errors on stderr. */
interface Output {
  colors: ReturnType<typeof pc.createColors>;
  say: (text?: string) => void;
  warn: (text: string) => void;
  /** Writes the error; returns the exit code 1. */
  fail: (text: string) => number;
  /** Says that nothing was written; returns the exit code 1. */
  wroteNothing: () => number;
}

function outputFor(io: FetchCaIo): Output {
  const colors = pc.createColors(io.color ?? pc.isColorSupported);
  const fail = (text: string): number => {
    io.err(`${colors.red("error:")} ${text}\n`);
    return 1;
  };
  return {
    colors,
    say: (text = "") => io.out(text + "\n"),
    warn: (text) => io.err(`${colors.yellow("warning:")} ${text}\n`),
    fail,
    wroteNothing: () => {
      io.err("Nothing was written.\n");
      return 1;
    },
  };
}

/** What the command line asks for. */
interface Request {
  options: Options;
  target: Target;
  /** The SNI name to send; null for an IP address without --servername. */
  servername: string | null;
  /** As given (relative to `cwd` unless absolute). */
  outPath: string;
  cwd: string;
  /** host:port as a user writes it, brackets around IPv6. */
  where: string;
}

/** The request, or the exit code when there is nothing to fetch (help, bad usage). */
function readRequest(argv: string[], io: FetchCaIo, output: Output): Request | number {
  const program = buildProgram(io);
  try {
    program.parse(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    throw error;
  }
  const options = program.opts<Options>();
  let target: Target;
  try {
    target = parseTarget(program.args[0]);
  } catch (error) {
    if (error instanceof UsageError) return output.fail(error.message);
    throw error;
  }
  return {
    options,
    target,
    servername: options.servername ?? (isIP(target.host) ? null : target.host),
    outPath: options.out ?? defaultOutPath(target.host),
    cwd: io.cwd ?? process.cwd(),
    where: `${isIP(target.host) === 6 ? `[${target.host}]` : target.host}:${target.port}`,
  };
}

/** Lists the certificates the server sent; returns their descriptions, leaf first. */
function showChain(fetched: FetchedChain, now: Date, output: Output): CertificateInfo[] {
  const infos = fetched.chain.map((cert) => describeCertificate(cert, now));
  output.say(`${fetched.protocol ?? "TLS"}, ${fetched.cipher}. The server sent ${plural(infos.length, "certificate")}:`);
  infos.forEach((info, index) => output.say(describeLines(`  [${index}]`, info, now, output.colors).join("\n")));
  output.say();
  return infos;
}

/** The anchor for the chain, reading the trust store only when the server left its root out; says how it was chosen. */
function pickAnchor(chain: X509Certificate[], request: Request, now: Date, output: Output): { choice: AnchorChoice; store: StoreEntry[] } {
  const storeFlag = request.options.trustStore;
  let store: StoreEntry[] = [];
  const choice = chooseTrustAnchor(chain, {
    pick: request.options.pick,
    now,
    trustStore: () => {
      output.say(`Looking for the root in the trust store ${storeFlag}...`);
      store = loadTrustStore(path.resolve(request.cwd, storeFlag));
      if (store.length === 0) output.say(output.colors.yellow(`  (no certificates found in ${storeFlag})`));
      return store.map((entry) => entry.cert);
    },
  });
  for (const note of choice.notes) output.say(`Note: ${note}.`);
  return { choice, store };
}

function showAnchor(choice: ChosenAnchor, store: StoreEntry[], request: Request, now: Date, output: Output): CertificateInfo {
  const anchor = choice.anchor;
  const anchorInfo = describeCertificate(anchor, now);
  if (choice.source === "trust-store") {
    const file = store.find((entry) => entry.cert.fingerprint256 === anchor.fingerprint256)?.file ?? request.options.trustStore;
    output.say(`Trust anchor: the root that issued certificate [${choice.index}], from ${file}:`);
    output.say(describeLines("  [root]", anchorInfo, now, output.colors).join("\n"));
  } else if (choice.source === "picked") {
    output.say(`Trust anchor: certificate [${choice.index}], as picked (--pick ${choice.index}): ${anchorInfo.subject}`);
  } else {
    output.say(`Trust anchor: the root the server sent, certificate [${choice.index}]: ${anchorInfo.subject}`);
  }
  return anchorInfo;
}

/** Runs the build's checks on the anchor and warns when the server's certificate lacks the name asked for; true when it may be written. */
function approveAnchor(pem: string, choice: ChosenAnchor, leaf: { cert: X509Certificate; info: CertificateInfo }, request: Request, now: Date, output: Output): boolean {
  const verdict = checkTrustAnchor(pem, now, { allowSelfSignedLeaf: choice.source === "picked" && choice.index === 0 });
  for (const warning of verdict.warnings) output.warn(`${warning}.`);
  const { servername, target } = request;
  const nameOk = servername ? leaf.cert.checkHost(servername) !== undefined : isIP(target.host) ? leaf.cert.checkIP(target.host) !== undefined : true;
  if (!nameOk) {
    output.warn(
      `the server's certificate does not name ${servername ?? target.host} ` +
        `(it names ${leaf.info.subjectAltName ?? leaf.info.subject}); a verifying client will reject it whatever CA is pinned.`,
    );
  }
  for (const error of verdict.errors) output.fail(`refusing to pin it: ${error}.`);
  return verdict.errors.length === 0;
}

/** Writes the anchor's PEM and says what to do with it; the exit code. */
function writeAnchor(pem: string, anchorInfo: CertificateInfo, request: Request, output: Output): number {
  const { outPath, where } = request;
  const absoluteOut = path.resolve(request.cwd, outPath);
  const previous = existsSync(absoluteOut) ? readFileSync(absoluteOut, "latin1") : null;
  try {
    mkdirSync(path.dirname(absoluteOut), { recursive: true });
    writeFileSync(absoluteOut, pem);
  } catch (error) {
    return output.fail(`cannot write ${outPath}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const status = previous === null ? "Wrote" : previous === pem ? "Unchanged:" : "Replaced";
  output.say(output.colors.green(`${status} ${outPath}`) + ` (${anchorInfo.subject}, SHA-256 ${anchorInfo.sha256}, valid until ${dayOf(anchorInfo.notAfter)}).`);
  output.say();
  const url = `https://${where.endsWith(":443") ? where.slice(0, -4) : where}/`;
  output.say("Next: pin it in the check, e.g.");
  output.say(`  npm start -- --url ${url}... --ca ${outPath}`);
  output.say(`  or set "ca": "${outPath}" in app.config.json, then npm run build / npm run upload.`);
  return 0;
}

/** The whole command; resolves to the process exit code (0 written, 1 otherwise). */
export async function main(argv: string[], io: FetchCaIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }): Promise<number> {
  const output = outputFor(io);
  const request = readRequest(argv, io, output);
  if (typeof request === "number") return request;
  const { servername } = request;
  output.say(`Connecting to ${request.where}${servername ? ` (SNI ${servername})` : " (no SNI: IP address)"}, without verifying it...`);
  let fetched: FetchedChain;
  try {
    fetched = await fetchChain(request.target, servername, request.options.timeout);
  } catch (error) {
    if (error instanceof FetchError) return output.fail(error.message);
    throw error;
  }
  const now = currentTime();
  const infos = showChain(fetched, now, output);
  const { choice, store } = pickAnchor(fetched.chain, request, now, output);
  if (!choice.ok) {
    output.fail(choice.message + ".");
    return output.wroteNothing();
  }
  const anchorInfo = showAnchor(choice, store, request, now, output);
  const pem = encodePem("CERTIFICATE", choice.anchor.raw);
  if (!approveAnchor(pem, choice, { cert: fetched.chain[0], info: infos[0] }, request, now, output)) return output.wroteNothing();
  return writeAnchor(pem, anchorInfo, request, output);
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
