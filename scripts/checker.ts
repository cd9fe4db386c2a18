// Command line for the local checker: start it, print where it is and the CA
// to pin, then one line per /a/check answered. Stops on Ctrl-C.
import { Command, InvalidArgumentError } from "commander";
import pc from "picocolors";
import { DevPkiError, defaultPkiDir, ensureDevPki, FILES } from "./checker/dev-pki.ts";
import { type ObservedHello, startChecker } from "./checker/server.ts";
import { join } from "node:path";

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError("must be a port number (0-65535)");
  return port;
}

function parseDate(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError("must be an ISO date, e.g. 2026-12-15T00:00:00Z");
  return date;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function ratingColour(rating: string): string {
  if (rating === "Probably Okay") return pc.green(rating);
  if (rating === "Improvable") return pc.yellow(rating);
  return pc.red(rating);
}

function summary(observed: ObservedHello): string {
  const { answer, hello } = observed;
  const sni = hello.serverName ?? "(no SNI)";
  return `${observed.receivedAt.toISOString()} ${observed.remoteAddress} ${answer.tls_version} ${ratingColour(answer.rating)} SNI ${sni}`;
}

const program = new Command()
  .name("checker")
  .description("Run the local howsmyssl-compatible checker (HTTPS, GET /a/check).")
  .option("--host <address>", "address to bind (use 0.0.0.0 for devices on the local network)", "127.0.0.1")
  .option("--port <n>", "port to listen on", parsePort, 8443)
  .option("--san <name>", "extra DNS name or IP for the server certificate (repeatable)", collect, [] as string[])
  .option("--require-client-cert", "mutual TLS: refuse clients without a certificate from the dev CA", false)
  .option("--now <iso-date>", "rate as if it were this time (cutover dates)", parseDate)
  .option("--pki-dir <dir>", "development PKI folder", defaultPkiDir())
  .option("--verbose", "log rejected ClientHellos and failed handshakes", false)
  .action(async (opts: { host: string; port: number; san: string[]; requireClientCert: boolean; now?: Date; pkiDir: string; verbose: boolean }) => {
    const pki = await ensureDevPki(opts.pkiDir, opts.san);
    for (const change of pki.changes) console.log(pc.cyan(`dev PKI: ${change}`));
    const fixedNow = opts.now;
    const checker = await startChecker({
      host: opts.host,
      port: opts.port,
      pki,
      requireClientCert: opts.requireClientCert,
      now: fixedNow ? () => fixedNow : undefined,
      log: opts.verbose ? (message) => console.log(pc.dim(message)) : undefined,
      onCheck: (observed) => console.log(summary(observed)),
    });
    console.log(`${pc.bold("Checker listening:")} ${checker.url}`);
    console.log(`Server names: ${pki.serverNames.join(", ")}`);
    if (opts.requireClientCert) {
      console.log(`Client certificate required: ${join(pki.dir, FILES.client)} + ${join(pki.dir, FILES.clientKey)}`);
    }
    console.log(`CA to pin: ${pki.caPath}`);
    process.stdout.write(pki.caPem);
    console.log(pc.dim("Ctrl-C to stop."));
    const stop = (): void => {
      void checker.close().then(() => process.exit(0));
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });

program.parseAsync().catch((error: unknown) => {
  const err = error as NodeJS.ErrnoException;
  if (error instanceof DevPkiError) console.error(pc.red(`error: ${err.message}`));
  else if (err.code === "EADDRINUSE") console.error(pc.red(`error: port already in use (${err.message})`));
  else if (err.code === "EADDRNOTAVAIL") console.error(pc.red(`error: no such local address (${err.message})`));
  else if (err.code === "EACCES") console.error(pc.red(`error: not allowed to bind (${err.message})`));
  else console.error(pc.red(`error: ${err.message ?? String(error)}`));
  process.exit(1);
});
