// Real servers on loopback for integration tests: a TLS server with any
// certificate and TLS policy that answers each request the way a test says
// (normally, slowly, truncated, not at all), and a plain TCP server.
import net from "node:net";
import tls from "node:tls";
import { createCa, issueLeaf, selfSignedLeaf, type Issued } from "../../scripts/certs/issue.ts";
import { currentTime, daysAfter } from "../../scripts/lib/clock.ts";

/** How the server answers once it has the request head. */
export type Answer =
  | { kind: "respond"; bytes: string }
  | { kind: "truncate"; bytes: string } // send, then drop the TCP connection without close_notify
  | { kind: "stall" }; // never answer

export interface TlsServerOptions {
  cert: Issued;
  answer: Answer;
  /** Mutual TLS: require a client certificate issued by this CA. */
  clientCa?: Issued;
  ciphers?: string;
  minVersion?: tls.SecureVersion;
  maxVersion?: tls.SecureVersion;
}

export interface TestServer {
  port: number;
  /** SNI names the server saw, one per handshake. */
  serverNames: Array<string | false>;
  close(): Promise<void>;
}

function tracked(server: net.Server, serverNames: Array<string | false> = []): TestServer {
  const sockets = new Set<net.Socket>();
  server.on("connection", (socket: net.Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    serverNames,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function listen(server: net.Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
}

export async function startTlsServer(options: TlsServerOptions): Promise<TestServer> {
  const serverNames: Array<string | false> = [];
  const server = tls.createServer({
    cert: options.cert.certPem,
    key: options.cert.keyPem,
    ca: options.clientCa?.certPem,
    requestCert: Boolean(options.clientCa),
    rejectUnauthorized: Boolean(options.clientCa),
    ciphers: options.ciphers,
    minVersion: options.minVersion,
    maxVersion: options.maxVersion,
  });
  server.on("tlsClientError", () => {}); // refused handshakes are what these tests are about
  server.on("secureConnection", (socket: tls.TLSSocket) => {
    serverNames.push((socket as tls.TLSSocket & { servername?: string | false }).servername ?? false);
    socket.on("error", () => {});
    let head = "";
    socket.on("data", (data) => {
      if (head.includes("\r\n\r\n")) return;
      head += data.toString("latin1");
      if (!head.includes("\r\n\r\n")) return;
      const answer = options.answer;
      if (answer.kind === "respond") socket.end(Buffer.from(answer.bytes, "latin1"));
      else if (answer.kind === "truncate") socket.write(Buffer.from(answer.bytes, "latin1"), () => socket.destroy());
    });
  });
  await listen(server);
  return tracked(server, serverNames);
}

/** A TCP server that is not TLS: it answers `reply` (if any) to whatever comes, then closes; or stays silent. */
export async function startPlainServer(reply: string | null): Promise<TestServer> {
  const server = net.createServer((socket) => {
    socket.on("error", () => {});
    if (reply !== null) socket.once("data", () => socket.end(reply));
  });
  await listen(server);
  return tracked(server);
}

/** Every certificate the integration tests need, made once. */
export interface TestPki {
  ca: Issued;
  otherCa: Issued;
  server: Issued;
  expired: Issued;
  notYetValid: Issued;
  wrongName: Issued;
  selfSigned: Issued;
  client: Issued;
}


export async function createTestPki(): Promise<TestPki> {
  const names = ["localhost", "127.0.0.1"];
  const ca = await createCa({ commonName: "Integration Test CA" });
  const otherCa = await createCa({ commonName: "Some Other CA" });
  return {
    ca,
    otherCa,
    server: await issueLeaf(ca, "server", { commonName: "localhost", names }),
    expired: await issueLeaf(ca, "server", {
      commonName: "localhost",
      names,
      notBefore: daysAfter(currentTime(), -400),
      notAfter: daysAfter(currentTime(), -10),
    }),
    notYetValid: await issueLeaf(ca, "server", {
      commonName: "localhost",
      names,
      notBefore: daysAfter(currentTime(), 10),
      notAfter: daysAfter(currentTime(), 400),
    }),
    wrongName: await issueLeaf(ca, "server", { commonName: "elsewhere.test", names: ["elsewhere.test"] }),
    selfSigned: await selfSignedLeaf({ commonName: "localhost", names }),
    client: await issueLeaf(ca, "client", { commonName: "device-01" }),
  };
}
