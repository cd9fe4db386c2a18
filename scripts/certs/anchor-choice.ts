// Which certificate to pin for a server, from the chain it sent and, when it
// leaves its root out (as most do), the system trust store: what fetch-ca
// decides before checkTrustAnchor (./checks.ts) judges the anchor. Pure: the
// trust store is read through a callback, `now` comes from the caller.
//
// API
//   chooseTrustAnchor(chain, options)       which certificate to pin for a server's chain
//   findIssuerIn(cert, candidates, now)     the best candidate that signed `cert`
//   linkedLength(chain)                     how many certificates, from the first, form a chain
import type { X509Certificate } from "node:crypto";
import { plural } from "../lib/plural.ts";
import { describeCertificate, isSelfSigned, issuedBy } from "./certificate.ts";

/**
 * The candidate that issued `cert` (subject equals `cert`'s issuer and its
 * key verifies `cert`'s signature), preferring CA certificates valid at
 * `now`, then self-signed ones, then the latest expiry. Null when none did.
 */
export function findIssuerIn(cert: X509Certificate, candidates: readonly X509Certificate[], now: Date): X509Certificate | null {
  const score = (candidate: X509Certificate): number[] => {
    const info = describeCertificate(candidate, now);
    const valid = info.notBefore <= now && now <= info.notAfter;
    return [info.isCa ? 1 : 0, valid ? 1 : 0, info.selfSigned ? 1 : 0, info.notAfter.getTime()];
  };
  const better = (a: number[], b: number[]): boolean => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] > b[i];
    return false;
  };
  let best: X509Certificate | null = null;
  let bestScore: number[] = [];
  for (const candidate of candidates) {
    if (!issuedBy(cert, candidate)) continue;
    const candidateScore = score(candidate);
    if (best === null || better(candidateScore, bestScore)) {
      best = candidate;
      bestScore = candidateScore;
    }
  }
  return best;
}

/** How many certificates from the start of `chain` form a chain, each issued by the next (at least 1 when not empty). */
export function linkedLength(chain: readonly X509Certificate[]): number {
  if (chain.length === 0) return 0;
  let length = 1;
  while (length < chain.length && issuedBy(chain[length - 1], chain[length])) length++;
  return length;
}

export interface AnchorChoiceOptions {
  /** Certificate index chosen by the user (`--pick N`). */
  pick?: number;
  /** The system trust store, read only when the server does not send its root. */
  trustStore?: () => readonly X509Certificate[];
  /** Which certificates are valid, when the trust store offers several issuers. */
  now: Date;
}

export type AnchorChoice =
  | {
      ok: true;
      anchor: X509Certificate;
      /** "sent": the root the server sent; "trust-store": found there; "picked": --pick. */
      source: "sent" | "trust-store" | "picked";
      /** Index in the chain of the anchor ("sent"/"picked") or of the certificate it issued ("trust-store"). */
      index: number;
      /** What the user should know about how the choice was made. */
      notes: string[];
    }
  | {
      ok: false;
      /** "no-root": nothing found to pin; "self-signed-leaf": needs --pick; "bad-pick": no such certificate or not in the chain. */
      reason: "empty" | "no-root" | "self-signed-leaf" | "bad-pick";
      message: string;
      notes: string[];
    };

/**
 * The trust anchor to pin for a server that sent `chain` (leaf first). The
 * root the server sent wins; without one, the trust store's issuer of the
 * lowest certificate it can vouch for (so a server that sends a cross-signed
 * root still gets the store's self-signed one); `pick` overrides both. The
 * anchor's own validity is judged afterwards, by checkTrustAnchor.
 */
export function chooseTrustAnchor(chain: readonly X509Certificate[], options: AnchorChoiceOptions): AnchorChoice {
  const now = options.now;
  const notes: string[] = [];
  if (chain.length === 0) return { ok: false, reason: "empty", message: "the server sent no certificate", notes };
  const linked = linkedLength(chain);
  if (linked < chain.length) {
    notes.push(
      `certificate ${linked} is not the issuer of certificate ${linked - 1}: the server sends its chain out of order or with extra certificates; ` +
        `only 0..${linked - 1} are considered`,
    );
  }
  if (options.pick !== undefined) {
    const pick = options.pick;
    if (!Number.isInteger(pick) || pick < 0 || pick >= chain.length) {
      return { ok: false, reason: "bad-pick", message: `there is no certificate ${pick}: the server sent ${chain.length} (0..${chain.length - 1})`, notes };
    }
    if (pick >= linked) {
      return {
        ok: false,
        reason: "bad-pick",
        message: `certificate ${pick} is not in the chain that leads from the server's certificate, so pinning it would not verify the server`,
        notes,
      };
    }
    return { ok: true, anchor: chain[pick], source: "picked", index: pick, notes };
  }
  const last = chain[linked - 1];
  if (isSelfSigned(last)) {
    if (linked === 1 && !last.ca) {
      return {
        ok: false,
        reason: "self-signed-leaf",
        message:
          "the server sent only a self-signed certificate of its own (no CA issued it). Pinning it works, " +
          "but only until the server renews that certificate; then every check fails until you pin the new one. " +
          "If that is acceptable, run again with --pick 0",
        notes,
      };
    }
    return { ok: true, anchor: last, source: "sent", index: linked - 1, notes };
  }
  const lastInfo = describeCertificate(last, now);
  notes.push(`the server did not send its root: the last certificate of its chain (${linked - 1}) is issued by "${lastInfo.issuer}"`);
  const store = options.trustStore ? options.trustStore() : [];
  for (let index = 0; index < linked; index++) {
    const issuer = findIssuerIn(chain[index], store, now);
    if (issuer && issuer.ca) {
      notes.push(`found the issuer of certificate ${index} in the trust store`);
      return { ok: true, anchor: issuer, source: "trust-store", index, notes };
    }
  }
  return {
    ok: false,
    reason: "no-root",
    message:
      `no certificate in the trust store (${plural(store.length, "certificate")}) issued "${lastInfo.subject}" ` +
      `(its issuer is "${lastInfo.issuer}"). Get that root from its CA (or install Debian's ca-certificates) and pass ` +
      `--trust-store, or pin a certificate the server sent with --pick N (an intermediate works until the server changes intermediates)`,
    notes,
  };
}
