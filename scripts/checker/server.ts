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

/** The hellos a checker has seen: the most recent for its owner, and those of open connections for the request handler. */
class HelloLog {
  /** Oldest first, at most MAX_HELLOS; the array the Checker hands out, so trimmed in place. */
  readonly recent: ObservedHello[] = [];
  // By peer address: the https request's socket is the TLS wrapper, which
  // reports the same peer as the raw socket the hello was read from.
  private readonly live = new Map<string, ObservedHello>();

  add(socket: Socket, observed: ObservedHello): void {
    this.recent.push(observed);
    if (this.recent.length > MAX_HELLOS) this.recent.splice(0, this.recent.length - MAX_HELLOS);
    const key = connectionKey(socket.remoteAddress, socket.remotePort);
    this.live.set(key, observed);
    socket.once("close", () => this.live.delete(key));
  }

  ofRequest(req: IncomingMessage): ObservedHello | undefined {
    return this.live.get(connectionKey(req.socket.remoteAddress, req.socket.remotePort));
  }
}

function observe(socket: Socket, hello: ClientHello, bytes: number, now: () => Date): ObservedHello {
  return {
    hello,
    bytes,
    answer: rateClientHello(hello, now()),
    remoteAddress: socket.remoteAddress ?? "",
    remotePort: socket.remotePort ?? 0,
    receivedAt: currentTime(),
    served: false,
  };
}

/** The checker's HTTP side: the index, GET /a/check with the answer for this connection's hello, and errors. */
function answerRequest(req: IncomingMessage, res: ServerResponse, observed: ObservedHello | undefined, onCheck: CheckerOptions["onCheck"]): void {
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
  if (!observed) {
    // Cannot happen for connections that came through the hello reader.
    send(res, 500, "text/plain; charset=utf-8", "no ClientHello recorded for this connection\n");
    return;
  }
  observed.served = true;
  send(res, 200, "application/json", JSON.stringify(observed.answer), { "Access-Control-Allow-Origin": "*" });
  onCheck?.(observed);
}

function createTlsServer(pki: CheckerPki, options: CheckerOptions, handler: (req: IncomingMessage, res: ServerResponse) => void, log: (message: string) => void): https.Server {
  const requireClientCert = options.requireClientCert ?? false;
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
    handler,
  );
  tlsServer.on("tlsClientError", (error, socket) => {
    const peer = socket.remoteAddress ? `${socket.remoteAddress}:${socket.remotePort}` : "a client (already gone)";
    log(`TLS handshake with ${peer} failed: ${error.message.trim()}`);
  });
  return tlsServer;
}

interface HelloReading {
  timeoutMs: number;
  log: (message: string) => void;
  /** The whole ClientHello is in: `bytes` is the size of the records that carried it. */
  onHello: (hello: ClientHello, bytes: number) => void;
  /** The bytes read are back in the socket (paused); give it to TLS. */
  handOver: () => void;
}

/** Reads until the whole ClientHello is in, then puts the bytes back and hands the socket on; drops a client that sends anything else. */
function readClientHello(socket: Socket, reading: HelloReading): void {
  const peer = `${socket.remoteAddress}:${socket.remotePort}`;
  let buffered = Buffer.alloc(0);
  const timer = setTimeout(() => {
    reading.log(`${peer}: no complete ClientHello within ${reading.timeoutMs} ms; closing`);
    socket.destroy();
  }, reading.timeoutMs);
  const stop = (): void => {
    clearTimeout(timer);
    socket.removeListener("data", onData);
    socket.removeListener("end", onEnd);
  };
  const reject = (why: string): void => {
    stop();
    reading.log(`${peer}: rejected: ${why}`);
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
    reading.onHello(hello, total);
    socket.pause();
    socket.unshift(buffered);
    reading.handOver();
  };
  socket.on("data", onData);
  socket.on("end", onEnd);
}

function listen(server: TcpServer, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.removeListener("error", reject);
      resolve();
    });
  });
}

export async function startChecker(options: CheckerOptions = {}): Promise<Checker> {
  const host = options.host ?? "127.0.0.1";
  const now = options.now ?? currentTime;
  const log = options.log ?? (() => undefined);
  const helloTimeoutMs = options.helloTimeoutMs ?? DEFAULT_HELLO_TIMEOUT_MS;
  const pki = options.pki ?? (await ensureDevPki(options.pkiDir, options.sans ?? []));

  const helloLog = new HelloLog();
  const tlsServer = createTlsServer(pki, options, (req, res) => answerRequest(req, res, helloLog.ofRequest(req), options.onCheck), log);
  const sockets = new Set<Socket>();
  const tcpServer: TcpServer = createTcpServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.on("error", (error) => log(`${socket.remoteAddress}:${socket.remotePort}: ${error.message}`));
    readClientHello(socket, {
      timeoutMs: helloTimeoutMs,
      log,
      onHello: (hello, bytes) => helloLog.add(socket, observe(socket, hello, bytes, now)),
      handOver: () => tlsServer.emit("connection", socket),
    });
  });
  await listen(tcpServer, options.port ?? 0, host);
  tcpServer.on("error", (error) => log(`server error: ${error.message}`));
  const port = (tcpServer.address() as AddressInfo).port;

  let closing: Promise<void> | null = null;
  return {
    url: `https://${urlHost(host)}:${port}/a/check`,
    host,
    port,
    caPem: pki.caPem,
    hellos: helloLog.recent,
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
