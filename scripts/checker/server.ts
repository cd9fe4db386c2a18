// The local howsmyssl-compatible checker: an HTTPS server that answers
// GET /a/check with howsmyssl's JSON for the ClientHello the client really
// sent. A plain TCP server reads the first bytes of each connection, parses
// the ClientHello, puts the bytes back (unshift) and hands the socket to an
// https.Server via its 'connection' event, so TLS sees an untouched stream.
import type { AddressInfo } from "node:net";
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from "node:net";
import https from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { SecureContextOptions, SecureVersion } from "node:tls";
import { type ClientHello, ClientHelloError, clientHelloRecordLength, parseClientHello } from "./clienthello.ts";
import { type HowsMySslAnswer, rateClientHello } from "./rating.ts";
import { ensureDevPki } from "./dev-pki.ts";
import { currentTime } from "../lib/clock.ts";
import { hasGroup } from "../lib/tls-groups.ts";

export interface CheckerPki {
  caPem: string;
  serverCertPem: string;
  serverKeyPem: string;
}

export interface CheckerOptions {
  /** Address to bind; loopback unless told otherwise. */
  host?: string;
  /** Port to bind; 0 picks a free one. */
  port?: number;
  /** Mutual TLS: refuse clients without a certificate issued by the CA. */
  requireClientCert?: boolean;
  /** Development PKI folder (default <repo>/.dev-pki); ignored when `pki` is given. */
  pkiDir?: string;
  /** Extra server certificate names for the development PKI. */
  sans?: string[];
  /** Use these instead of a PKI folder. */
  pki?: CheckerPki;
  /** The clock the rating uses (cutover dates). */
  now?: () => Date;
  /** Restrict the server's TLS (tests: versions, ciphers). */
  tlsOptions?: SecureContextOptions & { minVersion?: SecureVersion; maxVersion?: SecureVersion; ciphers?: string };
  /** How long a client may take to send its ClientHello. */
  helloTimeoutMs?: number;
  /** Diagnostics (malformed hellos, TLS failures); silent when absent. */
  log?: (message: string) => void;
  /** Called for each answered GET /a/check. */
  onCheck?: (observed: ObservedHello) => void;
}

export interface ObservedHello {
  hello: ClientHello;
  /** Size of the TLS records that carried the ClientHello, headers included. */
  bytes: number;
  /** The JSON answer for this hello (sent when `served` is true). */
  answer: HowsMySslAnswer;
  remoteAddress: string;
  remotePort: number;
  receivedAt: Date;
  /** Whether a GET /a/check on this connection received `answer`. */
  served: boolean;
}

export interface Checker {
  /** https://HOST:PORT/a/check */
  url: string;
  host: string;
  port: number;
  caPem: string;
  /** The most recent ClientHellos parsed, oldest first (at most MAX_HELLOS). */
  hellos: ObservedHello[];
  close(): Promise<void>;
}

export const MAX_HELLOS = 50;

/**
 * The key-exchange groups howsmyssl's server accepts (Go's defaults: the
 * ML-KEM hybrids, then X25519 and the NIST curves), those this Node has.
 */
const HOWSMYSSL_GROUPS = ["X25519MLKEM768", "SecP256r1MLKEM768", "SecP384r1MLKEM1024", "X25519", "P-256", "P-384", "P-521"];

function serverGroups(): string {
  return HOWSMYSSL_GROUPS.filter(hasGroup).join(":");
}
const DEFAULT_HELLO_TIMEOUT_MS = 10_000;

const INDEX_TEXT =
  "espruino-tls-check local checker\n\n" +
  "GET /a/check answers with howsmyssl's JSON for the ClientHello your client sent.\n";

function urlHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

function connectionKey(address: string | undefined, port: number | undefined): string {
  return `${address ?? "?"}|${port ?? "?"}`;
}

function send(res: ServerResponse, status: number, type: string, body: string, extra: Record<string, string> = {}): void {
  const bytes = Buffer.from(body, "utf8");
  res.writeHead(status, {
    "Content-Type": type,
    "Content-Length": String(bytes.length),
    Connection: "close",
    ...extra,
  });
  res.end(res.req.method === "HEAD" ? undefined : bytes);
}

export async function startChecker(options: CheckerOptions = {}): Promise<Checker> {
  const host = options.host ?? "127.0.0.1";
  const now = options.now ?? currentTime;
  const log = options.log ?? (() => undefined);
  const helloTimeoutMs = options.helloTimeoutMs ?? DEFAULT_HELLO_TIMEOUT_MS;
  const pki = options.pki ?? (await ensureDevPki(options.pkiDir, options.sans ?? []));
  const requireClientCert = options.requireClientCert ?? false;

  const hellos: ObservedHello[] = [];
  // Hellos of live connections, by peer address: the https request's socket is
  // the TLS wrapper, which reports the same peer as the raw socket.
  const live = new Map<string, ObservedHello>();
  const sockets = new Set<Socket>();

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") {
      send(res, 405, "text/plain; charset=utf-8", "method not allowed\n", { Allow: "GET, HEAD" });
      return;
    }
    if (path === "/") {
      send(res, 200, "text/plain; charset=utf-8", INDEX_TEXT);
      return;
    }
    if (path !== "/a/check") {
      send(res, 404, "text/plain; charset=utf-8", "not found\n");
      return;
    }
    const observed = live.get(connectionKey(req.socket.remoteAddress, req.socket.remotePort));
    if (!observed) {
      // Cannot happen for connections that came through the hello reader.
      send(res, 500, "text/plain; charset=utf-8", "no ClientHello recorded for this connection\n");
      return;
    }
    observed.served = true;
    send(res, 200, "application/json", JSON.stringify(observed.answer), { "Access-Control-Allow-Origin": "*" });
    options.onCheck?.(observed);
  }

  const tlsServer = https.createServer(
    {
      key: pki.serverKeyPem,
      cert: pki.serverCertPem,
      ca: pki.caPem,
      requestCert: requireClientCert,
      rejectUnauthorized: requireClientCert,
      ecdhCurve: serverGroups(),
      ...options.tlsOptions,
    },
    handle,
  );
  tlsServer.on("tlsClientError", (error, socket) => {
    const peer = socket.remoteAddress ? `${socket.remoteAddress}:${socket.remotePort}` : "a client (already gone)";
    log(`TLS handshake with ${peer} failed: ${error.message.trim()}`);
  });

  function record(socket: Socket, hello: ClientHello, bytes: number): void {
    const observed: ObservedHello = {
      hello,
      bytes,
      answer: rateClientHello(hello, now()),
      remoteAddress: socket.remoteAddress ?? "",
      remotePort: socket.remotePort ?? 0,
      receivedAt: currentTime(),
      served: false,
    };
    hellos.push(observed);
    if (hellos.length > MAX_HELLOS) hellos.splice(0, hellos.length - MAX_HELLOS);
    const key = connectionKey(socket.remoteAddress, socket.remotePort);
    live.set(key, observed);
    socket.once("close", () => live.delete(key));
  }

  // Reads until the whole ClientHello is in, then gives the socket to TLS.
  function readHello(socket: Socket): void {
    const peer = `${socket.remoteAddress}:${socket.remotePort}`;
    let buffered = Buffer.alloc(0);
    const timer = setTimeout(() => {
      log(`${peer}: no complete ClientHello within ${helloTimeoutMs} ms; closing`);
      socket.destroy();
    }, helloTimeoutMs);
    const stop = (): void => {
      clearTimeout(timer);
      socket.removeListener("data", onData);
      socket.removeListener("end", onEnd);
    };
    const reject = (why: string): void => {
      stop();
      log(`${peer}: rejected: ${why}`);
      socket.destroy();
    };
    const onEnd = (): void => reject(`connection ended after ${buffered.length} bytes, before a complete ClientHello`);
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      let hello: ClientHello;
      let total: number | null;
      try {
        total = clientHelloRecordLength(buffered);
        if (total === null || buffered.length < total) return; // wait for more
        hello = parseClientHello(buffered.subarray(0, total));
      } catch (error) {
        if (error instanceof ClientHelloError) return reject(error.message);
        return reject(`unexpected parser failure: ${(error as Error).message}`);
      }
      stop();
      record(socket, hello, total);
      socket.pause();
      socket.unshift(buffered);
      tlsServer.emit("connection", socket);
    };
    socket.on("data", onData);
    socket.on("end", onEnd);
  }

  const tcpServer: TcpServer = createTcpServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.on("error", (error) => log(`${socket.remoteAddress}:${socket.remotePort}: ${error.message}`));
    readHello(socket);
  });

  await new Promise<void>((resolve, reject) => {
    tcpServer.once("error", reject);
    tcpServer.listen(options.port ?? 0, host, () => {
      tcpServer.removeListener("error", reject);
      resolve();
    });
  });
  tcpServer.on("error", (error) => log(`server error: ${error.message}`));
  const port = (tcpServer.address() as AddressInfo).port;

  let closing: Promise<void> | null = null;
  return {
    url: `https://${urlHost(host)}:${port}/a/check`,
    host,
    port,
    caPem: pki.caPem,
    hellos,
    close() {
      closing ??= new Promise<void>((resolve) => {
        tcpServer.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        tlsServer.close();
      });
      return closing;
    },
  };
}
