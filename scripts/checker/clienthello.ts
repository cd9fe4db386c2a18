// TLS ClientHello parser (pure: bytes in, values out). The checker reads the
// client's first bytes off the TCP socket before TLS sees them and rates what
// the client offered, the way howsmyssl does. RFC 8446 section 4.1.2 and
// RFC 5246 section 7.4.1.2 give the layout; every read is bounds-checked so
// hostile input ends in a ClientHelloError, never an index error.

export class ClientHelloError extends Error {
  override name = "ClientHelloError";
}

export interface ClientHello {
  /** Version field of the first TLS record header (e.g. 0x0301). */
  recordVersion: number;
  /** ClientHello.legacy_version (client_version before TLS 1.3). */
  legacyVersion: number;
  /** supported_versions extension (43), in the client's order; [] when absent. */
  supportedVersions: number[];
  cipherSuites: number[];
  compressionMethods: number[];
  /** Extension types in the order sent. */
  extensions: number[];
  /** server_name (0) host_name, or null when absent. */
  serverName: string | null;
  /** supported_groups (10); [] when absent. */
  namedGroups: number[];
  /** signature_algorithms (13); [] when absent. */
  signatureAlgorithms: number[];
  /** session_ticket (35) extension present. */
  sessionTicket: boolean;
  /** application_layer_protocol_negotiation (16) protocol names; [] when absent. */
  alpn: string[];
  /** key_share (51): the groups the client sent TLS 1.3 key shares for, in its order; [] when absent. */
  keyShares: KeyShare[];
}

/** One KeyShareEntry: the group and the size of its key_exchange (the key itself is not kept). */
export interface KeyShare {
  group: number;
  length: number;
}

export const EXTENSION = {
  serverName: 0,
  supportedGroups: 10,
  signatureAlgorithms: 13,
  alpn: 16,
  sessionTicket: 35,
  supportedVersions: 43,
  keyShare: 51,
} as const;

const RECORD_HEADER = 5;
const HANDSHAKE_HEADER = 4;
const CONTENT_TYPE_HANDSHAKE = 22;
const HANDSHAKE_CLIENT_HELLO = 1;
/** RFC 8446 5.1: a record fragment is at most 2^14 bytes. */
const MAX_RECORD_PAYLOAD = 1 << 14;
/** Far above any real ClientHello (post-quantum ones are ~2 KB); bounds what we buffer. */
export const MAX_CLIENT_HELLO = 1 << 16;

/** Why the first bytes cannot start a TLS ClientHello, or null if they might. */
function describeBadStart(bytes: Uint8Array): string | null {
  const first = bytes[0];
  if (first === undefined) return null;
  // SSL 2.0 compatible hello: 2-byte length with the top bit set, then msg type 1.
  if ((first & 0x80) !== 0) {
    if (bytes.length < 3) return null;
    if (bytes[2] === 1) return "SSLv2-style ClientHello is not supported (the client must send a TLS record)";
  }
  if (first !== CONTENT_TYPE_HANDSHAKE) {
    const text = String.fromCharCode(...bytes.subarray(0, 4));
    if (/^(GET|POST|HEAD|PUT|OPTI|DELE|CONN|PATC)/.test(text)) {
      return "plain HTTP request received where a TLS ClientHello was expected";
    }
    return `not a TLS handshake record: content type ${first} (expected ${CONTENT_TYPE_HANDSHAKE})`;
  }
  return null;
}

interface RecordHeader {
  version: number;
  length: number;
}

function readRecordHeader(bytes: Uint8Array, offset: number, index: number): RecordHeader {
  const type = bytes[offset];
  if (type !== CONTENT_TYPE_HANDSHAKE) {
    throw new ClientHelloError(`record ${index}: content type ${type} inside a ClientHello (expected ${CONTENT_TYPE_HANDSHAKE})`);
  }
  const version = (bytes[offset + 1]! << 8) | bytes[offset + 2]!;
  if (bytes[offset + 1] !== 3) {
    throw new ClientHelloError(`record ${index}: version ${hex(version)} is not SSL 3.0/TLS (major version must be 3)`);
  }
  const length = (bytes[offset + 3]! << 8) | bytes[offset + 4]!;
  if (length === 0) throw new ClientHelloError(`record ${index}: empty handshake record`);
  if (length > MAX_RECORD_PAYLOAD) {
    throw new ClientHelloError(`record ${index}: length ${length} exceeds the TLS maximum of ${MAX_RECORD_PAYLOAD}`);
  }
  return { version, length };
}

/**
 * Walks the records at the start of `bytes`. Returns the total length of the
 * records that carry the whole ClientHello once it is known (it may exceed
 * bytes.length: read until you have that many), or null when more bytes are
 * needed to tell. Throws ClientHelloError as soon as the bytes cannot be a
 * ClientHello.
 */
export function clientHelloRecordLength(bytes: Uint8Array): number | null {
  const bad = describeBadStart(bytes);
  if (bad) throw new ClientHelloError(bad);
  let offset = 0;
  let payloadSeen = 0; // handshake bytes carried by the records walked so far
  const header: number[] = []; // the 4-byte handshake header, possibly split across records
  let messageLength: number | null = null;
  for (let index = 1; ; index++) {
    if (bytes.length < offset + RECORD_HEADER) return null;
    const record = readRecordHeader(bytes, offset, index);
    const body = offset + RECORD_HEADER;
    for (let i = body; i < body + record.length && i < bytes.length && header.length < HANDSHAKE_HEADER; i++) {
      header.push(bytes[i]!);
    }
    if (messageLength === null && header.length === HANDSHAKE_HEADER) {
      if (header[0] !== HANDSHAKE_CLIENT_HELLO) {
        throw new ClientHelloError(`handshake message type ${header[0]} is not a ClientHello (${HANDSHAKE_CLIENT_HELLO})`);
      }
      messageLength = HANDSHAKE_HEADER + ((header[1]! << 16) | (header[2]! << 8) | header[3]!);
      if (messageLength > MAX_CLIENT_HELLO) {
        throw new ClientHelloError(`ClientHello of ${messageLength} bytes is larger than the ${MAX_CLIENT_HELLO} allowed`);
      }
    }
    payloadSeen += record.length;
    offset = body + record.length;
    if (messageLength !== null && payloadSeen >= messageLength) return offset;
    if (payloadSeen > MAX_CLIENT_HELLO) {
      throw new ClientHelloError(`ClientHello records exceed the ${MAX_CLIENT_HELLO} bytes allowed`);
    }
  }
}

/** Reassembles the handshake message (header + body) from the records. */
function reassemble(bytes: Uint8Array): { recordVersion: number; message: Uint8Array } {
  const total = clientHelloRecordLength(bytes);
  if (total === null || total > bytes.length) {
    const need = total === null ? "more bytes" : `${total - bytes.length} more bytes`;
    throw new ClientHelloError(`truncated ClientHello: ${bytes.length} bytes received, ${need} needed`);
  }
  const parts: Uint8Array[] = [];
  let recordVersion = -1;
  for (let offset = 0, index = 1; offset < total; index++) {
    const record = readRecordHeader(bytes, offset, index);
    if (recordVersion < 0) recordVersion = record.version;
    parts.push(bytes.subarray(offset + RECORD_HEADER, offset + RECORD_HEADER + record.length));
    offset += RECORD_HEADER + record.length;
  }
  const payload = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    payload.set(part, at);
    at += part.length;
  }
  const messageLength = HANDSHAKE_HEADER + ((payload[1]! << 16) | (payload[2]! << 8) | payload[3]!);
  // Bytes after the ClientHello in its last record are not part of it; they are ignored.
  return { recordVersion, message: payload.subarray(0, messageLength) };
}

/** Bounds-checked big-endian reader over one structure; `what` names it in errors. */
class Reader {
  private offset = 0;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly what: string,
  ) {}

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  private take(n: number, field: string): Uint8Array {
    if (n > this.remaining) {
      throw new ClientHelloError(`${this.what}: ${field} needs ${n} bytes but only ${this.remaining} remain`);
    }
    const out = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  u8(field: string): number {
    return this.take(1, field)[0]!;
  }

  u16(field: string): number {
    const b = this.take(2, field);
    return (b[0]! << 8) | b[1]!;
  }

  bytesOf(n: number, field: string): Uint8Array {
    return this.take(n, field);
  }

  /** A vector with a 1- or 2-byte length prefix, as a sub-reader. */
  vector(lengthBytes: 1 | 2, field: string): Reader {
    const n = lengthBytes === 1 ? this.u8(`${field} length`) : this.u16(`${field} length`);
    return new Reader(this.take(n, field), `${this.what} ${field}`);
  }

  /** A list of uint16 values with a 1- or 2-byte length prefix. */
  u16List(lengthBytes: 1 | 2, field: string): number[] {
    const list = this.vector(lengthBytes, field);
    if (list.remaining % 2 !== 0) {
      throw new ClientHelloError(`${this.what}: ${field} length ${list.remaining} is odd (entries are 2 bytes)`);
    }
    const out: number[] = [];
    while (list.remaining > 0) out.push(list.u16(field));
    return out;
  }

  end(): void {
    if (this.remaining !== 0) {
      throw new ClientHelloError(`${this.what}: ${this.remaining} unexpected trailing bytes`);
    }
  }
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(4, "0")}`;
}

function latin1(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

function parseServerName(data: Reader): string | null {
  const list = data.vector(2, "server_name_list");
  data.end();
  let host: string | null = null;
  while (list.remaining > 0) {
    const type = list.u8("name_type");
    const name = list.vector(2, "server name");
    const raw = name.bytesOf(name.remaining, "server name");
    if (type !== 0 || host !== null) continue; // only the first host_name counts
    if (raw.length === 0) throw new ClientHelloError("server_name: empty host_name");
    // Spaces are allowed: stock Espruino on ESP32 sends the name "mbed TLS Server 1".
    if (raw.some((b) => b < 0x20 || b >= 0x7f)) throw new ClientHelloError("server_name: host_name is not printable ASCII");
    host = latin1(raw);
  }
  return host;
}

function parseAlpn(data: Reader): string[] {
  const list = data.vector(2, "protocol_name_list");
  data.end();
  const protocols: string[] = [];
  while (list.remaining > 0) {
    const name = list.vector(1, "protocol name");
    if (name.remaining === 0) throw new ClientHelloError("ALPN: empty protocol name");
    protocols.push(latin1(name.bytesOf(name.remaining, "protocol name")));
  }
  return protocols;
}

function parseKeyShares(data: Reader): KeyShare[] {
  const list = data.vector(2, "client_shares");
  data.end();
  const shares: KeyShare[] = [];
  while (list.remaining > 0) {
    const group = list.u16("key share group");
    const key = list.vector(2, "key_exchange");
    if (key.remaining === 0) throw new ClientHelloError(`key_share: empty key_exchange for group ${hex(group)}`);
    shares.push({ group, length: key.remaining });
  }
  return shares;
}

/**
 * Parses a ClientHello from the raw bytes a client sent first: one or more
 * TLS handshake records. Throws ClientHelloError when the bytes are not a
 * complete, well-formed ClientHello.
 */
export function parseClientHello(bytes: Uint8Array): ClientHello {
  const { recordVersion, message } = reassemble(bytes);
  const hello = new Reader(message.subarray(HANDSHAKE_HEADER), "ClientHello");
  const legacyVersion = hello.u16("legacy_version");
  if (legacyVersion >> 8 !== 3) {
    throw new ClientHelloError(`ClientHello: legacy_version ${hex(legacyVersion)} is not SSL 3.0/TLS`);
  }
  hello.bytesOf(32, "random");
  const sessionId = hello.vector(1, "legacy_session_id");
  if (sessionId.remaining > 32) throw new ClientHelloError(`ClientHello: session id of ${sessionId.remaining} bytes (at most 32)`);
  const cipherSuites = hello.u16List(2, "cipher_suites");
  if (cipherSuites.length === 0) throw new ClientHelloError("ClientHello: no cipher suites");
  const compression = hello.vector(1, "compression_methods");
  const compressionMethods = Array.from(compression.bytesOf(compression.remaining, "compression_methods"));
  if (compressionMethods.length === 0) throw new ClientHelloError("ClientHello: no compression methods");

  const result: ClientHello = {
    recordVersion,
    legacyVersion,
    supportedVersions: [],
    cipherSuites,
    compressionMethods,
    extensions: [],
    serverName: null,
    namedGroups: [],
    signatureAlgorithms: [],
    sessionTicket: false,
    alpn: [],
    keyShares: [],
  };
  // Before TLS 1.2 clients may end the hello here, with no extensions block at all.
  if (hello.remaining === 0) return result;

  const extensions = hello.vector(2, "extensions");
  hello.end();
  while (extensions.remaining > 0) {
    const type = extensions.u16("extension type");
    if (result.extensions.includes(type)) throw new ClientHelloError(`ClientHello: extension ${type} appears twice`);
    result.extensions.push(type);
    const data = extensions.vector(2, `extension ${type}`);
    switch (type) {
      case EXTENSION.serverName:
        // An empty server_name is how a server acknowledges SNI; a client must send a name.
        result.serverName = parseServerName(data);
        break;
      case EXTENSION.supportedGroups:
        result.namedGroups = data.u16List(2, "supported_groups");
        data.end();
        break;
      case EXTENSION.signatureAlgorithms:
        result.signatureAlgorithms = data.u16List(2, "signature_algorithms");
        data.end();
        break;
      case EXTENSION.alpn:
        result.alpn = parseAlpn(data);
        break;
      case EXTENSION.sessionTicket:
        result.sessionTicket = true; // empty or carrying a ticket: either way tickets are supported
        break;
      case EXTENSION.supportedVersions:
        result.supportedVersions = data.u16List(1, "supported_versions");
        data.end();
        if (result.supportedVersions.length === 0) throw new ClientHelloError("ClientHello: empty supported_versions");
        break;
      case EXTENSION.keyShare:
        result.keyShares = parseKeyShares(data);
        break;
      default:
        break; // other extensions: only their type is recorded
    }
  }
  return result;
}
