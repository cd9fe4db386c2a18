// The certificates a server presents, read over a TLS connection that
// deliberately does not verify it: fetch-ca looks at what the server sends,
// including chains that would not verify. Connection failures come back as a
// FetchError whose message says what to do.
import { X509Certificate } from "node:crypto";
import tls from "node:tls";

/** A server to connect to. */
export interface Target {
  host: string;
  port: number;
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
