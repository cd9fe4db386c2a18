// Test helper: captures the raw ClientHello bytes that a real client sends,
// by accepting its TCP connection on loopback and never answering. The
// capture reads records by their headers only, independently of the parser
// under test.
import { spawn } from "node:child_process";
import { type AddressInfo, createServer, type Socket } from "node:net";
import tls from "node:tls";

const CAPTURE_TIMEOUT_MS = 10_000;

/** Total length of the complete handshake records at the front of `buf` once they hold one whole handshake message. */
function completeLength(buf: Buffer): number | null {
  let offset = 0;
  let payload = 0;
  let needed: number | null = null;
  while (buf.length >= offset + 5) {
    const length = buf.readUInt16BE(offset + 3);
    if (buf.length < offset + 5 + length) return null;
    if (needed === null && offset === 0 && length >= 4) needed = 4 + buf.readUIntBE(offset + 6, 3);
    payload += length;
    offset += 5 + length;
    if (needed !== null && payload >= needed) return offset;
  }
  return null;
}

/**
 * Listens on 127.0.0.1, lets `connect(port)` start a client, and resolves with
 * the client's first handshake bytes. Cleans up the server and the socket.
 */
export async function captureHello(connect: (port: number) => () => void): Promise<Buffer> {
  let socket: Socket | undefined;
  let stopClient: (() => void) | undefined;
  const server = createServer();
  try {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    return await new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no ClientHello captured in time")), CAPTURE_TIMEOUT_MS);
      server.once("connection", (s) => {
        socket = s;
        let buf = Buffer.alloc(0);
        s.on("error", () => undefined);
        s.on("data", (chunk: Buffer) => {
          buf = Buffer.concat([buf, chunk]);
          const total = completeLength(buf);
          if (total !== null) {
            clearTimeout(timer);
            resolve(buf.subarray(0, total));
          }
        });
      });
      stopClient = connect(port);
    });
  } finally {
    socket?.destroy();
    stopClient?.();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** The ClientHello node:tls sends with these options. */
export function captureNodeHello(options: tls.ConnectionOptions): Promise<Buffer> {
  return captureHello((port) => {
    const client = tls.connect({ host: "127.0.0.1", port, rejectUnauthorized: false, ...options });
    client.on("error", () => undefined);
    return () => client.destroy();
  });
}

export const OPENSSL = "/usr/bin/openssl";

/** The ClientHello `openssl s_client` sends with these extra arguments (stdin closed). */
export function captureOpensslHello(args: string[]): Promise<Buffer> {
  return captureHello((port) => {
    const child = spawn(OPENSSL, ["s_client", "-connect", `127.0.0.1:${port}`, ...args], {
      stdio: ["ignore", "ignore", "ignore"],
      timeout: CAPTURE_TIMEOUT_MS,
    });
    child.on("error", () => undefined);
    return () => child.kill("SIGKILL");
  });
}
