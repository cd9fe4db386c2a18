// PEM text on the host: reading every block of a file or bundle, writing
// DER back as PEM, and telling certificates from keys. Used by the other
// modules here, by the build (the bundle embeds base64 DER) and by fetch-ca.
// Pure: text in, values out.
//
// API
//   parsePem(text) -> PemBlock[]            every BEGIN/END block; throws PemError
//   encodePem(label, der) -> string         64-column PEM text ending in "\n"
//   pemToBase64(pem) -> string              base64 DER body of the one block in `pem`
//   base64ToPem(base64, label?) -> string   the reverse ("CERTIFICATE" by default)
//   splitCertificates(text) -> string[]     each CERTIFICATE block as its own PEM
//   pemKind(label) -> PemKind               "certificate" | "private-key" |
//                                           "encrypted-private-key" | "public-key" | "other"
//   privateKeyFormat(pem) -> "pkcs1" | "sec1" | "pkcs8"
//                                           throws PemError for encrypted or non-key PEM

export class PemError extends Error {
  override name = "PemError";
}

export interface PemBlock {
  /** The label between BEGIN and END, e.g. "CERTIFICATE", "RSA PRIVATE KEY". */
  label: string;
  /** RFC 1421 headers (legacy encrypted keys: "Proc-Type", "DEK-Info"). */
  headers: Record<string, string>;
  /** The decoded body. */
  der: Buffer;
}

const BEGIN = /^-----BEGIN ([A-Z0-9 ]+)-----$/;
const END = /^-----END ([A-Z0-9 ]+)-----$/;
const BASE64_LINE = /^[A-Za-z0-9+/]*={0,2}$/;
const HEADER_LINE = /^([A-Za-z][A-Za-z0-9-]*):\s*(.*)$/;

/**
 * Every PEM block in `text`, in order. Text outside blocks (comments in CA
 * bundles) is ignored; a block that is unterminated, nested, mislabelled or
 * not base64 is an error, since guessing would pin the wrong bytes.
 */
export function parsePem(text: string): PemBlock[] {
  interface Open {
    label: string;
    line: number;
    headers: Record<string, string>;
    body: string[];
    inHeaders: boolean;
  }
  const blocks: PemBlock[] = [];
  let open: Open | null = null;
  const lines = text.split(/\r\n|\n|\r/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index].trim();
    const lineNo = index + 1;
    const begin = BEGIN.exec(line);
    const end = END.exec(line);
    if (open === null) {
      if (begin) open = { label: begin[1], line: lineNo, headers: {}, body: [], inHeaders: true };
      else if (end) throw new PemError(`line ${lineNo}: "-----END ${end[1]}-----" without a matching BEGIN`);
      continue;
    }
    if (begin) throw new PemError(`line ${lineNo}: BEGIN ${begin[1]} inside the ${open.label} block opened on line ${open.line} (missing END)`);
    if (end) {
      if (end[1] !== open.label) {
        throw new PemError(`line ${lineNo}: "END ${end[1]}" closes the "BEGIN ${open.label}" block opened on line ${open.line}`);
      }
      blocks.push({ label: open.label, headers: open.headers, der: decodeBody(open.body, open.label, open.line) });
      open = null;
      continue;
    }
    if (open.inHeaders) {
      const header = HEADER_LINE.exec(line);
      if (header) {
        open.headers[header[1]] = header[2];
        continue;
      }
      open.inHeaders = false; // a blank line or the first base64 line ends the headers
    }
    if (line === "") continue;
    if (!BASE64_LINE.test(line)) {
      throw new PemError(`line ${lineNo}: not base64 inside the ${open.label} block opened on line ${open.line}`);
    }
    open.body.push(line);
  }
  if (open !== null) throw new PemError(`the ${open.label} block opened on line ${open.line} has no END line`);
  return blocks;
}

function decodeBody(lines: string[], label: string, line: number): Buffer {
  const base64 = lines.join("");
  if (base64.length === 0) throw new PemError(`the ${label} block opened on line ${line} is empty`);
  // "=" may only pad the very end, and the body is a whole number of 4-character groups.
  if (base64.length % 4 !== 0 || !BASE64_LINE.test(base64)) {
    throw new PemError(`the ${label} block opened on line ${line} is not valid base64 (truncated or damaged)`);
  }
  return Buffer.from(base64, "base64");
}

/** PEM text for `der`: 64-character lines, ending with a newline. */
export function encodePem(label: string, der: Uint8Array): string {
  const lines = Buffer.from(der).toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

function singleBlock(pem: string): PemBlock {
  const blocks = parsePem(pem);
  if (blocks.length !== 1) throw new PemError(`expected one PEM block, found ${blocks.length}`);
  return blocks[0];
}

/** The base64 DER body of the single block in `pem`, without line breaks (what the device decodes with atob). */
export function pemToBase64(pem: string): string {
  return singleBlock(pem).der.toString("base64");
}

/** PEM text for a base64 DER body (line breaks and surrounding spaces allowed). */
export function base64ToPem(base64: string, label = "CERTIFICATE"): string {
  const compact = base64.replace(/\s+/g, "");
  if (compact.length === 0 || compact.length % 4 !== 0 || !BASE64_LINE.test(compact)) {
    throw new PemError("not a base64 DER body");
  }
  return encodePem(label, Buffer.from(compact, "base64"));
}

/** Each CERTIFICATE block of a bundle as its own normalised PEM text; other blocks are left out. */
export function splitCertificates(text: string): string[] {
  return parsePem(text)
    .filter((block) => pemKind(block.label) === "certificate")
    .map((block) => encodePem("CERTIFICATE", block.der));
}

export type PemKind = "certificate" | "private-key" | "encrypted-private-key" | "public-key" | "other";

export function pemKind(label: string): PemKind {
  switch (label) {
    case "CERTIFICATE":
    case "X509 CERTIFICATE":
      return "certificate";
    case "PRIVATE KEY":
    case "RSA PRIVATE KEY":
    case "EC PRIVATE KEY":
      return "private-key";
    case "ENCRYPTED PRIVATE KEY":
      return "encrypted-private-key";
    case "PUBLIC KEY":
    case "RSA PUBLIC KEY":
      return "public-key";
    default:
      return "other";
  }
}

/** PKCS#1 "RSA PRIVATE KEY", SEC1 "EC PRIVATE KEY", PKCS#8 "PRIVATE KEY". */
export type PrivateKeyFormat = "pkcs1" | "sec1" | "pkcs8";

/**
 * The format of the one private key in `pem`. Encrypted keys are refused:
 * the device has nowhere safe to keep a passphrase, and the bundle carries
 * the key as DER.
 */
export function privateKeyFormat(pem: string): PrivateKeyFormat {
  const keys = parsePem(pem).filter((block) => pemKind(block.label) !== "certificate" && pemKind(block.label) !== "other");
  if (keys.length === 0) throw new PemError("no private key found (expected -----BEGIN PRIVATE KEY----- or similar)");
  if (keys.length > 1) throw new PemError(`expected one private key, found ${keys.length}`);
  const key = keys[0];
  const encrypted = key.label === "ENCRYPTED PRIVATE KEY" || /ENCRYPTED/i.test(key.headers["Proc-Type"] ?? "");
  if (encrypted) {
    throw new PemError(
      "the private key is encrypted (passphrase-protected); the device needs it unencrypted. " +
        "Decrypt a copy, e.g. `openssl pkey -in key.pem -out key-plain.pem`, and keep that file private",
    );
  }
  switch (key.label) {
    case "RSA PRIVATE KEY":
      return "pkcs1";
    case "EC PRIVATE KEY":
      return "sec1";
    case "PRIVATE KEY":
      return "pkcs8";
    default:
      throw new PemError(`a ${key.label} is not a private key`);
  }
}
