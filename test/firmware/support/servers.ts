// A small HTTPS-ish server on 127.0.0.1 for the harness and the twin: it
// answers one GET with a short body (or the body it is given) and then ends
// the TLS session (close_notify, then FIN), recording what each client sent
// as SNI. Any TLS settings can be forced (old versions, RSA key exchange, only
// the hybrid group) to see what the client accepts. Also: the ClientHello a
// client sends, captured off a plain TCP socket.
import { type AddressInfo, createServer, type Socket } from "node:net";
import tls from "node:tls";
import { type ClientHello, clientHelloRecordLength, parseClientHello } from "../../../scripts/checker/clienthello.ts";

export const BODY = "espruino-tls-check harness body\n";

export interface TestServer {
  port: number;
  /** Per completed handshake: the SNI host name, or null when none was sent. */
  servernames: (string | null)[];
  /** Handshake failures the server saw. */
  clientErrors: string[];
  close(): Promise<void>;
}

/** `response`: the whole HTTP response to send; by default a 200 with BODY. */
export async function startTlsServer(options: tls.TlsOptions, response?: string): Promise<TestServer> {
  const servernames: (string | null)[] = [];
  const clientErrors: string[] = [];
  const sockets = new Set<Socket>();
  const server = tls.createServer(options, (socket) => {
    servernames.push(typeof socket.servername === "string" ? socket.servername : null);
    let request = "";
    socket.setEncoding("latin1");
    socket.on("error", () => undefined);
    socket.on("data", (chunk: string) => {
      request += chunk;
      if (!request.includes("\r\n\r\n")) return;
      socket.end(
        response ??
          `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${BODY.length}\r\nConnection: close\r\n\r\n${BODY}`,
        "latin1",
      );
    });
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("tlsClientError", (error) => clientErrors.push(error.message));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    servernames,
    clientErrors,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Stock Espruino's fixed SNI name when its mbedTLS has SNI (ESP-IDF, Debian), not the Linux build's. */
export const STOCK_SNI = "mbed TLS Server 1";

/**
 * The checker refuses a host_name with spaces, which stock Espruino on ESP-IDF
 * sends; for reading a stock hello the spaces become '_' (same length).
 */
function withoutStockSni(bytes: Buffer): Buffer {
  const at = bytes.indexOf(STOCK_SNI, 0, "latin1");
  if (at < 0) return bytes;
  const copy = Buffer.from(bytes);
  copy.write(STOCK_SNI.replaceAll(" ", "_"), at, "latin1");
  return copy;
}

/** What a client sent first: its ClientHello parsed, and the record bytes as sent. */
export interface CapturedHello {
  hello: ClientHello;
  bytes: Buffer;
}

/**
 * The ClientHello a client sends, read off a plain TCP socket on 127.0.0.1
 * and parsed by the checker's parser. `client(port)` starts the client and
 * resolves when it gives up (the socket is closed once the hello is in).
 */
export async function captureHelloBytes(client: (port: number) => Promise<unknown>): Promise<CapturedHello> {
  const sockets = new Set<Socket>();
  let captured: CapturedHello | undefined;
  let failure: Error | undefined;
  const server = createServer((socket) => {
    sockets.add(socket);
    let bytes = Buffer.alloc(0);
    socket.on("error", () => undefined);
    socket.on("data", (chunk: Buffer) => {
      bytes = Buffer.concat([bytes, chunk]);
      try {
        const total = clientHelloRecordLength(bytes);
        if (total === null || bytes.length < total) return;
        const record = bytes.subarray(0, total);
        captured = { hello: parseClientHello(withoutStockSni(record)), bytes: Buffer.from(record) };
      } catch (error) {
        failure = error as Error;
      }
      socket.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  try {
    await client((server.address() as AddressInfo).port);
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  if (failure) throw failure;
  if (!captured) throw new Error("the client sent no complete ClientHello");
  return captured;
}

export async function captureHello(client: (port: number) => Promise<unknown>): Promise<ClientHello> {
  return (await captureHelloBytes(client)).hello;
}

/** TLS 1.3 key_share (extension 51): the group of each share, in the client's order. */
export function keyShareGroups(record: Buffer): number[] {
  // record header 5, handshake header 4, version 2, random 32
  let at = 5 + 4 + 2 + 32;
  at += 1 + record[at]; // session id
  at += 2 + record.readUInt16BE(at); // cipher suites
  at += 1 + record[at]; // compression methods
  const end = at + 2 + record.readUInt16BE(at);
  at += 2;
  while (at + 4 <= end) {
    const type = record.readUInt16BE(at);
    const length = record.readUInt16BE(at + 2);
    if (type === 51) {
      const groups: number[] = [];
      let share = at + 6; // past the client_shares length
      while (share + 4 <= at + 4 + length) {
        groups.push(record.readUInt16BE(share));
        share += 4 + record.readUInt16BE(share + 2);
      }
      return groups;
    }
    at += 4 + length;
  }
  return [];
}

/** Whether this Node can run a server that accepts only X25519MLKEM768 (OpenSSL 3.5, Node 24). */
export function hybridServerAvailable(): boolean {
  try {
    tls.createSecureContext({ ecdhCurve: "X25519MLKEM768", minVersion: "TLSv1.3" });
    return true;
  } catch {
    return false;
  }
}

/** Server options that accept only the hybrid group. */
export const HYBRID_ONLY: tls.TlsOptions = { ecdhCurve: "X25519MLKEM768", minVersion: "TLSv1.3" };
