// A small HTTPS-ish server on 127.0.0.1 for the harness: it answers one GET
// with a short body and then ends the TLS session (close_notify, then FIN),
// recording what each client sent as SNI. Any TLS settings can be forced
// (old versions, RSA key exchange) to see what the client accepts.
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

export async function startTlsServer(options: tls.TlsOptions): Promise<TestServer> {
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
        `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${BODY.length}\r\nConnection: close\r\n\r\n${BODY}`,
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

/**
 * The ClientHello a client sends, read off a plain TCP socket on 127.0.0.1
 * and parsed by the checker's parser. `client(port)` starts the client and
 * resolves when it gives up (the socket is closed once the hello is in).
 */
export async function captureHello(client: (port: number) => Promise<unknown>): Promise<ClientHello> {
  const sockets = new Set<Socket>();
  let hello: ClientHello | undefined;
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
        hello = parseClientHello(withoutStockSni(bytes.subarray(0, total)));
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
  if (!hello) throw new Error("the client sent no complete ClientHello");
  return hello;
}
