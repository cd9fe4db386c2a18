// Test helper: writes ClientHellos from a description, independently of the
// parser under test, and cuts handshake messages into TLS records.

export interface HelloSpec {
  legacyVersion?: number;
  sessionId?: number[];
  cipherSuites: number[];
  compressionMethods?: number[];
  /** Omit the extensions block entirely (allowed before TLS 1.2). */
  noExtensions?: boolean;
  serverName?: string;
  namedGroups?: number[];
  signatureAlgorithms?: number[];
  alpn?: string[];
  sessionTicket?: boolean;
  supportedVersions?: number[];
  /** key_share entries: a group and the size of a key_exchange to fill with bytes. */
  keyShares?: { group: number; length: number }[];
  /** Further extensions (types other than the ones above), sent last. */
  otherExtensions?: { type: number; data: number[] }[];
}

const u16 = (n: number): number[] => [(n >> 8) & 0xff, n & 0xff];
const u24 = (n: number): number[] => [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
const vec8 = (bytes: number[]): number[] => [bytes.length, ...bytes];
const vec16 = (bytes: number[]): number[] => [...u16(bytes.length), ...bytes];
const list16 = (values: number[]): number[] => values.flatMap(u16);

/** Extension types in the order encodeHello writes them. */
export function extensionOrder(spec: HelloSpec): number[] {
  if (spec.noExtensions) return [];
  const out: number[] = [];
  if (spec.serverName !== undefined) out.push(0);
  if (spec.namedGroups !== undefined) out.push(10);
  if (spec.signatureAlgorithms !== undefined) out.push(13);
  if (spec.alpn !== undefined) out.push(16);
  if (spec.sessionTicket) out.push(35);
  if (spec.supportedVersions !== undefined) out.push(43);
  if (spec.keyShares !== undefined) out.push(51);
  for (const ext of spec.otherExtensions ?? []) out.push(ext.type);
  return out;
}

/** The handshake message: type 1, 24-bit length, ClientHello body. */
export function encodeHello(spec: HelloSpec): Uint8Array {
  const body: number[] = [
    ...u16(spec.legacyVersion ?? 0x0303),
    ...new Array<number>(32).fill(0x42), // random
    ...vec8(spec.sessionId ?? []),
    ...vec16(list16(spec.cipherSuites)),
    ...vec8(spec.compressionMethods ?? [0]),
  ];
  if (!spec.noExtensions) {
    const exts: number[] = [];
    const add = (type: number, data: number[]): void => {
      exts.push(...u16(type), ...vec16(data));
    };
    if (spec.serverName !== undefined) add(0, vec16([0, ...vec16(ascii(spec.serverName))]));
    if (spec.namedGroups !== undefined) add(10, vec16(list16(spec.namedGroups)));
    if (spec.signatureAlgorithms !== undefined) add(13, vec16(list16(spec.signatureAlgorithms)));
    if (spec.alpn !== undefined) add(16, vec16(spec.alpn.flatMap((p) => vec8(ascii(p)))));
    if (spec.sessionTicket) add(35, []);
    if (spec.supportedVersions !== undefined) add(43, vec8(list16(spec.supportedVersions)));
    if (spec.keyShares !== undefined) {
      add(51, vec16(spec.keyShares.flatMap((share) => [...u16(share.group), ...vec16(new Array<number>(share.length).fill(0x5a))])));
    }
    for (const ext of spec.otherExtensions ?? []) add(ext.type, ext.data);
    body.push(...vec16(exts));
  }
  return Uint8Array.from([1, ...u24(body.length), ...body]);
}

/**
 * Wraps a handshake message in TLS records, cutting it at the given payload
 * offsets (sorted, each strictly inside the message). No cuts: one record.
 */
export function toRecords(message: Uint8Array, cuts: number[] = [], recordVersion = 0x0301): Uint8Array {
  const bounds = [0, ...cuts, message.length];
  const out: number[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const part = message.subarray(bounds[i], bounds[i + 1]);
    out.push(22, ...u16(recordVersion), ...u16(part.length), ...part);
  }
  return Uint8Array.from(out);
}

/** The handshake message carried by well-formed records (inverse of toRecords). */
export function recordPayload(records: Uint8Array): Uint8Array {
  const parts: number[] = [];
  for (let offset = 0; offset + 5 <= records.length; ) {
    const length = (records[offset + 3]! << 8) | records[offset + 4]!;
    parts.push(...records.subarray(offset + 5, offset + 5 + length));
    offset += 5 + length;
  }
  return Uint8Array.from(parts);
}
