// The checks mbedTLS makes of the server's certificate, done with
// node:crypto's X509Certificate: the path to the pinned CA, the dates of
// every certificate on it, and the name; the result is mbedTLS's verify flags.
import { X509Certificate } from "node:crypto";
import { checkServerIdentity, type PeerCertificate, type TLSSocket } from "node:tls";
import { verifyFlags } from "./mbedtls.ts";

/** Does `child` carry a valid signature by `issuer`? */
function signedBy(child: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return child.checkIssued(issuer) && child.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/**
 * Walks from the leaf through the certificates the server sent to the pinned
 * CA, checking each signature. Returns the certificates on the path (leaf
 * first, then intermediates, then the CA) or null when there is none.
 */
function trustPath(chain: X509Certificate[], ca: X509Certificate): X509Certificate[] | null {
  if (chain.length === 0) return null;
  const path = [chain[0]];
  let current = chain[0];
  for (let depth = 0; depth < 10; depth++) {
    if (current.fingerprint256 === ca.fingerprint256) return path;
    if (signedBy(current, ca)) return [...path, ca];
    const next = chain.find((candidate) => candidate !== current && !path.includes(candidate) && signedBy(current, candidate));
    if (!next) return null;
    path.push(next);
    current = next;
  }
  return null;
}

function validityOf(cert: X509Certificate): { notBefore: Date; notAfter: Date } {
  return { notBefore: new Date(cert.validFrom), notAfter: new Date(cert.validTo) };
}

/** The name check mbedTLS makes against the expected host (IP literals against IP SANs). */
function nameMatches(host: string, peer: PeerCertificate): boolean {
  return checkServerIdentity(host, peer) === undefined;
}

/** The certificates the server sent, leaf first, from Node's legacy peer certificate objects. */
function peerChain(peer: PeerCertificate & { issuerCertificate?: PeerCertificate }): X509Certificate[] {
  const chain: X509Certificate[] = [];
  const seen = new Set<string>();
  let current: (PeerCertificate & { issuerCertificate?: PeerCertificate }) | undefined = peer;
  while (current && current.raw && !seen.has(current.fingerprint256)) {
    seen.add(current.fingerprint256);
    chain.push(new X509Certificate(current.raw));
    current = current.issuerCertificate as typeof current;
  }
  return chain;
}

/** mbedtls_x509_crt_verify's flags for the server `secure` is connected to, named `hostName`, at `now`. */
export function verifyPeer(secure: TLSSocket, ca: X509Certificate, hostName: string, now: Date): number {
  const peer = secure.getPeerCertificate(true) as PeerCertificate & { issuerCertificate?: PeerCertificate };
  const chain = peer && peer.raw ? peerChain(peer) : [];
  const path = trustPath(chain, ca);
  const checked = path ?? chain.slice(0, 1);
  const authError = (secure.authorizationError as unknown as { code?: string } | null)?.code ?? secure.authorizationError;
  return verifyFlags({
    now,
    validity: checked.map(validityOf),
    trusted: path !== null,
    nameMatches: peer && peer.raw ? nameMatches(hostName, peer) : false,
    // Node's verdict only adds reasons the checks above cannot see.
    nodeError: path !== null && typeof authError === "string" && !/EXPIRED|NOT_YET_VALID|ALTNAME|MISMATCH/.test(authError) ? authError : null,
  });
}
