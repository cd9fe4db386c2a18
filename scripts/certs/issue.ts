// Certificate generation for the development PKI and for tests: CAs, server
// and client certificates, with any validity window (expired, not yet valid)
// and any names (hostname mismatch). Built on @peculiar/x509 over WebCrypto.
import "reflect-metadata"; // @peculiar/x509's dependency injection needs it loaded first
import * as x509 from "@peculiar/x509";
import { randomBytes, webcrypto } from "node:crypto";
import { currentTime, daysAfter } from "../lib/clock.ts";

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export type KeyKind = "rsa2048" | "ec-p256";

export interface CertSpec {
  commonName: string;
  /** Subject alternative names; IP addresses are told apart from DNS names. */
  names?: string[];
  /** Default: a day before the clock's now (scripts/lib/clock.ts). */
  notBefore?: Date;
  /** Default: a lifetime that suits the kind of certificate, from notBefore. */
  notAfter?: Date;
  /** RSA by default: stock Espruino's mbedTLS has no ECDSA. */
  key?: KeyKind;
}

export interface Issued {
  certPem: string;
  keyPem: string;
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
}

function algorithm(kind: KeyKind): RsaHashedKeyGenParams | EcKeyGenParams {
  return kind === "rsa2048"
    ? { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 }
    : ({ name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as EcKeyGenParams);
}

function signingAlgorithm(keys: CryptoKeyPair): Algorithm {
  return keys.privateKey.algorithm.name === "ECDSA"
    ? ({ name: "ECDSA", hash: "SHA-256" } as EcdsaParams)
    : keys.privateKey.algorithm;
}

async function generateKeys(kind: KeyKind): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(algorithm(kind), true, ["sign", "verify"])) as CryptoKeyPair;
}

async function keyToPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", key));
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN PRIVATE KEY-----\n${lines.join("\n")}\n-----END PRIVATE KEY-----\n`;
}

function isIpAddress(name: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || name.includes(":");
}

function validity(spec: CertSpec, defaultDays: number): { notBefore: Date; notAfter: Date } {
  const notBefore = spec.notBefore ?? daysAfter(currentTime(), -1);
  const notAfter = spec.notAfter ?? daysAfter(notBefore, defaultDays);
  return { notBefore, notAfter };
}

function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f; // keep it positive
  return bytes.toString("hex");
}

function subjectName(commonName: string): string {
  return `CN=${commonName.replace(/[,=+]/g, " ")}, O=espruino-tls-check development`;
}

async function finish(cert: x509.X509Certificate, keys: CryptoKeyPair): Promise<Issued> {
  return { cert, keys, certPem: cert.toString("pem") + "\n", keyPem: await keyToPem(keys.privateKey) };
}

async function leafExtensions(spec: CertSpec, usage: "server" | "client", keys: CryptoKeyPair): Promise<x509.Extension[]> {
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension([usage === "server" ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
  const names = spec.names ?? [];
  if (names.length > 0) {
    extensions.push(
      new x509.SubjectAlternativeNameExtension(
        names.map((name) => (isIpAddress(name) ? { type: "ip" as const, value: name } : { type: "dns" as const, value: name })),
      ),
    );
  }
  return extensions;
}

/** A self-signed certificate authority. */
export async function createCa(spec: CertSpec): Promise<Issued> {
  const keys = await generateKeys(spec.key ?? "rsa2048");
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: subjectName(spec.commonName),
    ...validity(spec, 3650),
    signingAlgorithm: signingAlgorithm(keys),
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return finish(cert, keys);
}

/** An intermediate CA signed by `issuer`. */
export async function issueCa(issuer: Issued, spec: CertSpec): Promise<Issued> {
  const keys = await generateKeys(spec.key ?? "rsa2048");
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: subjectName(spec.commonName),
    issuer: issuer.cert.subject,
    ...validity(spec, 1825),
    signingAlgorithm: signingAlgorithm(issuer.keys),
    publicKey: keys.publicKey,
    signingKey: issuer.keys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(issuer.keys.publicKey),
    ],
  });
  return finish(cert, keys);
}

/** A server (TLS web server) or client (TLS client auth) certificate signed by `issuer`. */
export async function issueLeaf(issuer: Issued, usage: "server" | "client", spec: CertSpec): Promise<Issued> {
  const keys = await generateKeys(spec.key ?? "rsa2048");
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: subjectName(spec.commonName),
    issuer: issuer.cert.subject,
    ...validity(spec, 825),
    signingAlgorithm: signingAlgorithm(issuer.keys),
    publicKey: keys.publicKey,
    signingKey: issuer.keys.privateKey,
    extensions: [
      ...(await leafExtensions(spec, usage, keys)),
      await x509.AuthorityKeyIdentifierExtension.create(issuer.keys.publicKey),
    ],
  });
  return finish(cert, keys);
}

/** A self-signed leaf: a server certificate that no CA vouches for. */
export async function selfSignedLeaf(spec: CertSpec): Promise<Issued> {
  const keys = await generateKeys(spec.key ?? "rsa2048");
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: subjectName(spec.commonName),
    ...validity(spec, 825),
    signingAlgorithm: signingAlgorithm(keys),
    keys,
    extensions: await leafExtensions(spec, "server", keys),
  });
  return finish(cert, keys);
}
