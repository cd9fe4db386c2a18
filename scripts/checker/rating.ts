// howsmyssl's verdict on a ClientHello (pure). Field names and meanings are
// those of howsmyssl's /a/check JSON; the rules follow its clientInfo code,
// including the dated cutovers that make TLS <= 1.2 and classical-only key
// agreement worse over 2026.
//
// Two things howsmyssl learns after the hello are estimated from it instead:
// - The negotiated version: howsmyssl's server speaks TLS 1.0-1.3; we take
//   the client's first supported_versions entry in that range, or, without
//   that extension, legacy_version capped at TLS 1.2 (as a TLS 1.3 server
//   must). As in howsmyssl, tls_version is then raised to the highest version
//   named in supported_versions (GREASE and unknown values ignored).
// - BEAST: howsmyssl picks a CBC suite for TLS 1.0 clients and watches whether
//   the first application-data record is 1/n-1 split. We only see the hello,
//   so able_to_detect_n_minus_one_splitting is always false and beast_vuln is
//   true exactly when a CBC suite is offered at a negotiated version <= TLS
//   1.0, which is what howsmyssl itself reports when it cannot detect the
//   split. Such clients are rated Bad for TLS <= 1.0 anyway.
import type { ClientHello } from "./clienthello.ts";
import { CUTOVERS } from "../lib/cutovers.ts";
import {
  VERSION,
  POST_QUANTUM_GROUPS,
  cipherSuiteName,
  displayNamedGroup,
  displaySignatureScheme,
  goHex,
  versionName,
} from "./names.ts";
import { WEIRD_NSS_SUITES } from "./code-point-names.ts";
import {
  FEW_BIT_SUITES,
  NULL_AUTH_SUITES,
  NULL_SUITES,
  RC4_SUITES,
  REASON,
  SWEET32_SUITES,
  TLS13_SUITES,
  isCbcSuite,
  isMetaSuite,
} from "./suites.ts";

export type Rating = "Probably Okay" | "Improvable" | "Bad";

/** howsmyssl's /a/check answer. */
export interface HowsMySslAnswer {
  given_cipher_suites: string[];
  given_named_groups: string[];
  given_signature_algorithms: string[];
  post_quantum_key_agreement: boolean;
  ephemeral_keys_supported: boolean;
  session_ticket_supported: boolean;
  tls_compression_supported: boolean;
  unknown_cipher_suite_supported: boolean;
  beast_vuln: boolean;
  able_to_detect_n_minus_one_splitting: boolean;
  insecure_cipher_suites: Record<string, string[]>;
  tls_version: string;
  rating: Rating;
}

// The versions howsmyssl's server accepts.
const SERVER_MIN = VERSION.TLS10;
const SERVER_MAX = VERSION.TLS13;

/** The version howsmyssl's server would negotiate with this client (see the note at the top). */
export function negotiatedVersion(hello: ClientHello): number {
  const mutual = hello.supportedVersions.find((v) => v >= SERVER_MIN && v <= SERVER_MAX);
  // Without a usable supported_versions, legacy_version rules, and it cannot ask for TLS 1.3.
  return mutual ?? Math.min(hello.legacyVersion, VERSION.TLS12);
}

/** The version howsmyssl rates: the negotiated one, raised to the highest known supported_versions entry. */
export function ratedVersion(hello: ClientHello): { version: number; name: string } {
  let version = negotiatedVersion(hello);
  let name = versionName(version) ?? "";
  for (const v of hello.supportedVersions) {
    const vName = versionName(v);
    if (vName !== undefined && v > version) {
      version = v;
      name = vName;
    }
  }
  return { version, name: name || "an unknown version of SSL/TLS" };
}

interface SuiteFindings {
  given: string[];
  ephemeral: boolean;
  unknown: boolean;
  beast: boolean;
  insecure: Map<string, string[]>;
}

function examineSuites(hello: ClientHello): SuiteFindings {
  const out: SuiteFindings = { given: [], ephemeral: false, unknown: false, beast: false, insecure: new Map() };
  const flag = (name: string, reason: string): void => {
    out.insecure.set(name, [...(out.insecure.get(name) ?? []), reason]);
  };
  const beastVersion = negotiatedVersion(hello) <= VERSION.TLS10;
  // 3DES is forgiven only while it trails the list: a 3DES suite followed by a
  // real, pre-TLS-1.3 suite was preferred over it, which is the Sweet32 problem.
  let sweet32Seen: string[] = [];
  for (const code of hello.cipherSuites) {
    let name = cipherSuiteName(code);
    if (name !== undefined) {
      if (name.includes("DHE_")) out.ephemeral = true;
      if (isCbcSuite(code) && beastVersion) out.beast = true;
      if (FEW_BIT_SUITES.has(name)) flag(name, REASON.fewBit);
      if (NULL_SUITES.has(name)) flag(name, REASON.null);
      if (NULL_AUTH_SUITES.has(name)) flag(name, REASON.nullAuth);
      if (RC4_SUITES.has(name)) flag(name, REASON.rc4);
      if (SWEET32_SUITES.has(name)) {
        sweet32Seen.push(name);
      } else if (sweet32Seen.length > 0 && !isMetaSuite(code) && !TLS13_SUITES.has(code)) {
        for (const seen of sweet32Seen) flag(seen, REASON.sweet32);
        sweet32Seen = [];
      }
    } else {
      name = WEIRD_NSS_SUITES.get(code);
      if (name === undefined) {
        out.unknown = true;
        name = `Some unknown cipher suite: ${goHex(code)}`;
      } else {
        flag(name, REASON.weirdNss);
      }
    }
    out.given.push(name);
  }
  return out;
}

/** Keys in sorted order, as Go's encoding/json writes a map. */
function sortedRecord(map: Map<string, string[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const key of [...map.keys()].sort()) out[key] = map.get(key)!;
  return out;
}

/** howsmyssl's answer for a client that sent `hello`, rated at time `now`. */
export function rateClientHello(hello: ClientHello, now: Date): HowsMySslAnswer {
  const suites = examineSuites(hello);
  const postQuantum = hello.namedGroups.some((g) => POST_QUANTUM_GROUPS.has(g));
  const compression = hello.compressionMethods.some((m) => m !== 0);
  const { version, name: versionText } = ratedVersion(hello);
  const improvablePassed = now.getTime() >= CUTOVERS.improvable.getTime();
  const badPassed = now.getTime() >= CUTOVERS.bad.getTime();

  let rating: Rating = "Probably Okay";
  if (
    !suites.ephemeral ||
    version === VERSION.TLS11 ||
    (version <= VERSION.TLS12 && improvablePassed) ||
    (!postQuantum && improvablePassed)
  ) {
    rating = "Improvable";
  }
  if (
    compression ||
    suites.unknown ||
    suites.beast ||
    suites.insecure.size > 0 ||
    version <= VERSION.TLS10 ||
    (version <= VERSION.TLS12 && badPassed) ||
    (!postQuantum && badPassed)
  ) {
    rating = "Bad";
  }

  return {
    given_cipher_suites: suites.given,
    given_named_groups: hello.namedGroups.map(displayNamedGroup),
    given_signature_algorithms: hello.signatureAlgorithms.map(displaySignatureScheme),
    post_quantum_key_agreement: postQuantum,
    ephemeral_keys_supported: suites.ephemeral,
    session_ticket_supported: hello.sessionTicket,
    tls_compression_supported: compression,
    unknown_cipher_suite_supported: suites.unknown,
    beast_vuln: suites.beast,
    able_to_detect_n_minus_one_splitting: false,
    insecure_cipher_suites: sortedRecord(suites.insecure),
    tls_version: versionText,
    rating,
  };
}
