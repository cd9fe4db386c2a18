// One socket of Espruino's `require("tls")`, over node:tls: what JavaScript
// on an Espruino board sees of it (libs/network/socketserver.c, network.c),
// not Node's behaviour:
// - the connect callback fires on TCP connect, before the handshake;
// - data arrives as binary strings, at most 536 bytes per event (the network
//   layer's chunk size); errors are plain {code, message} objects;
// - a failed handshake gives: an `error` event {code:-8, "unsent data"} when
//   the app had written something, `end`, `close(hadError)`, then an uncaught
//   InternalError "mbedtls_ssl_handshake returned -0x...." (or, with the
//   project's firmware, "mbedtls_x509_crt_verify: <reasons> (mbedtls_ssl_handshake
//   returned -0x2700)" for a certificate that fails the checks); the wolfSSL
//   firmware reports in the same words, and counts a refusal that comes after
//   TLS 1.3's handshake but before any data (a client certificate refused) as
//   the handshake's;
// - after the handshake, a peer's close_notify is an `error` {-30848} in stock
//   mode and a normal end in the project's firmware mode; a dropped TCP
//   connection is a normal end; a fatal alert is an `error` with -0x7780.
// - like stock, `end()` waits while a write is pending before the handshake;
//   the stock internals `clsNow = true` and `dSnd = ""` close such a socket;
//   there is no `destroy()`.
// Measured on a real Linux build: docs/espruino-behaviour.md. What each
// firmware's TLS client offers and does (verification, SNI, close_notify,
// TLS 1.3's late refusal) comes from firmware.ts.
import net from "node:net";
import tls, { type TLSSocket } from "node:tls";
import type { FirmwareTls } from "./firmware.ts";
import { MBEDTLS, SOCKET_ERR, firstVerifyFlag, handshakeMessage, mbedtlsCodeForNodeError, socketErrorString, verifyMessage } from "./mbedtls.ts";
import { CLIENT_CERT_BLOCKS, TLS_SOCKET_BLOCKS, stringBlocks } from "./sizeof.ts";
import type { Material } from "./tls-material.ts";
import { RecordTap } from "./tls-record-tap.ts";
import { verifyPeer } from "./tls-verification.ts";

/** What the runtime lends the tls module. */
export interface TlsHost {
  /** Run a call into the app later, in order; exceptions become uncaught errors. */
  queue(task: () => void): void;
  /** Report an uncaught exception after everything queued so far. */
  raise(error: unknown): void;
  /** An Espruino error object of the app's realm (InternalError, Error...). */
  newError(type: string, message: string): unknown;
  /** A plain object of the app's realm. */
  newObject<T extends object>(fields: T): T;
  /** Print a line to the console (Espruino's `jsError` output). */
  print(text: string): void;
  /** Sockets are tracked so that a reset can drop them, and for process.memory(). */
  track(socket: TrackedSocket): void;
  untrack(socket: TrackedSocket): void;
  /** The clock used for certificate validity. */
  now(): Date;
  /** Told what each connection negotiated once its handshake (and verification) passed. */
  onHandshake?(handshake: TlsHandshake): void;
}

/** What a connection negotiated: not visible to the app, for the host tools' own reports. */
export interface TlsHandshake {
  host: string;
  port: number;
  /** "TLSv1.3", "TLSv1.2". */
  protocol: string;
  /** The key-exchange group, e.g. "X25519MLKEM768"; null when Node does not say (RSA key exchange). */
  group: string | null;
  /** The suite's IANA name, e.g. "TLS_AES_128_GCM_SHA256". */
  suite: string;
}

/** What the runtime holds of a socket: to drop it on reset, and to count it in process.memory(). */
export interface TrackedSocket {
  destroy(): void;
  /** What the connection costs in variable blocks (sizeof.ts's model). */
  memoryBlocks(): number;
}

/** The network layer's receive chunk (net->chunkSize on Linux and ESP32). */
const CHUNK_SIZE = 536;
/** TLS record content type of an alert. */
const ALERT_RECORD = 21;

function isIpv4Literal(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
}

type Listener = (...args: unknown[]) => unknown;

/** One `tls.connect` socket, as the app sees it. */
export class EspruinoTlsSocket {
  private readonly listeners = new Map<string, Listener[]>();
  private phase: "handshake" | "open" | "closed" = "handshake";
  private pending = "";
  /** Writes handed to Node and not yet flushed to the network. */
  private inFlight = 0;
  private closeRequested = false;
  private tcp: net.Socket | null = null;
  private secure: TLSSocket | null = null;
  private tap: RecordTap | null = null;
  /** What the runtime holds to drop this socket on reset (the app sees no destroy(), as on stock). */
  private readonly handle: TrackedSocket = {
    destroy: (): void => {
      this.phase = "closed";
      this.teardown();
    },
    memoryBlocks: (): number =>
      TLS_SOCKET_BLOCKS +
      (this.material.cert && this.material.key ? CLIENT_CERT_BLOCKS : 0) +
      (this.pending === "" ? 0 : stringBlocks(this.pending.length)) +
      (this.unread === 0 ? 0 : stringBlocks(this.unread)),
  };
  /** Received bytes queued for the app and not yet delivered. */
  private unread = 0;
  /** Application data has arrived since the handshake. */
  private received = false;

  constructor(
    private readonly host: TlsHost,
    private readonly firmware: FirmwareTls,
    private readonly hostName: string,
    private readonly address: string,
    private readonly port: number,
    private readonly material: Material,
  ) {}

  // --- what the app calls -------------------------------------------------

  on(event: string, listener: Listener): this {
    const list = this.listeners.get(event) ?? [];
    list.push(listener);
    this.listeners.set(event, list);
    return this;
  }

  removeListener(event: string, listener: Listener): this {
    const list = this.listeners.get(event);
    if (list) this.listeners.set(event, list.filter((l) => l !== listener));
    return this;
  }

  removeAllListeners(event?: string): this {
    if (event === undefined) this.listeners.clear();
    else this.listeners.delete(event);
    return this;
  }

  emit(event: string, ...args: unknown[]): boolean {
    const list = this.listeners.get(event);
    if (!list || list.length === 0) return false;
    for (const listener of [...list]) listener.apply(this, args);
    return true;
  }

  /** Returns false, as Espruino does ("for node.js compatibility"). */
  write(data: unknown): boolean {
    if (this.phase === "closed" || this.closeRequested) return false;
    this.pending += typeof data === "string" ? data : String(data);
    if (this.phase === "open") this.flush();
    return false;
  }

  end(data?: unknown): void {
    if (data !== undefined) this.write(data);
    if (this.phase === "closed") return;
    this.closeRequested = true;
    // Espruino closes once its send buffer is empty; before the handshake,
    // written data cannot be sent, so the close waits too (measured).
    if (this.pending === "" && this.inFlight === 0) this.closeNow(0);
  }

  // Stock internals that apps use to force a close (measured): `clsNow = true`
  // closes at once; `dSnd` is the pending send buffer.
  set clsNow(value: unknown) {
    if (value) setImmediate(() => this.closeNow(0, true));
  }

  get clsNow(): boolean {
    return this.phase === "closed";
  }

  set dSnd(value: unknown) {
    this.pending = value === undefined ? "" : String(value);
  }

  get dSnd(): string | undefined {
    return this.pending === "" ? undefined : this.pending;
  }

  // --- lifecycle ----------------------------------------------------------

  start(onConnect: Listener | undefined): void {
    if (onConnect) this.on("connect", onConnect);
    this.host.track(this.handle);
    const raw = net.connect({ host: this.address, port: this.port });
    this.tcp = raw;
    raw.once("connect", () => {
      if (this.phase === "closed") return;
      // onConnect gets the socket as argument and as `this`; a drain follows when nothing is queued.
      this.host.queue(() => this.emit("connect", this));
      if (this.pending === "") this.host.queue(() => this.emit("drain", this));
    });
    const tap = new RecordTap(raw);
    this.tap = tap;
    const withClientCert = this.material.cert !== undefined && this.material.key !== undefined;
    const options: tls.ConnectionOptions = {
      socket: tap,
      rejectUnauthorized: false, // verification is done below, the way mbedTLS reports it
      ca: this.material.ca ? [this.material.ca.toString()] : undefined,
      // A certificate without its key (or the reverse) is silently not used, as measured on stock.
      cert: withClientCert ? this.material.cert?.toString() : undefined,
      key: withClientCert ? this.material.key : undefined,
      ...this.firmware.offer,
      // No SNI for IP literals (RFC 6066), nor ever on stock.
      servername: this.firmware.sendsSni && !isIpv4Literal(this.hostName) ? this.hostName : undefined,
    };
    const secure = tls.connect(options);
    this.secure = secure;
    secure.on("secureConnect", () => this.onSecure());
    secure.on("data", (chunk: Buffer) => this.onData(chunk));
    secure.on("end", () => this.onEnd());
    secure.on("error", (error: NodeJS.ErrnoException) => this.onError(error));
    secure.on("close", () => this.onEnd());
  }

  private teardown(): void {
    this.host.untrack(this.handle);
    this.secure?.removeAllListeners("data");
    this.secure?.on("error", () => {});
    this.secure?.destroy();
    this.tap?.destroy();
    this.tcp?.destroy();
  }

  private flush(): void {
    if (!this.secure || this.pending === "") return;
    const data = this.pending;
    this.pending = "";
    this.inFlight++;
    this.secure.write(Buffer.from(data, "latin1"), () => {
      this.inFlight--;
      if (this.phase !== "open" || this.pending !== "" || this.inFlight > 0) return;
      this.host.queue(() => this.emit("drain", this));
      if (this.closeRequested) this.closeNow(0);
    });
  }

  private onSecure(): void {
    if (this.phase !== "handshake") return;
    const secure = this.secure as TLSSocket;
    // The project's firmware verifies whenever a CA is configured; stock never does.
    if (this.firmware.verifies && this.material.ca) {
      const flags = verifyPeer(secure, this.material.ca, this.hostName, this.host.now());
      if (flags !== 0) {
        this.handshakeFailed(verifyMessage(this.firmware.firstVerifyReasonOnly ? firstVerifyFlag(flags) : flags));
        return;
      }
    }
    this.phase = "open";
    const group = (secure.getEphemeralKeyInfo() as { name?: string } | null)?.name ?? null;
    const suite = secure.getCipher();
    this.host.onHandshake?.({ host: this.hostName, port: this.port, protocol: secure.getProtocol() ?? "", group, suite: suite.standardName ?? suite.name });
    if (this.pending !== "") this.flush();
    else if (this.closeRequested) this.closeNow(0);
  }

  private onData(chunk: Buffer): void {
    if (this.phase !== "open") return;
    this.received = true;
    const text = chunk.toString("latin1");
    for (let at = 0; at < text.length; at += CHUNK_SIZE) {
      const piece = text.substring(at, at + CHUNK_SIZE);
      this.unread += piece.length;
      this.host.queue(() => {
        this.unread -= piece.length;
        this.emit("data", piece);
      });
    }
  }

  private onError(error: NodeJS.ErrnoException): void {
    if (this.phase === "closed") return;
    const code = mbedtlsCodeForNodeError(error.code, error.message);
    // A connection that just drops (-1) stays a plain close, as on the wolfSSL backend.
    const lateRefusal = this.firmware.lateRefusalFailsHandshake && !this.received && code !== MBEDTLS.NET_CLOSED;
    if (this.phase === "handshake" || lateRefusal) {
      // Stock's bundled mbedTLS has no ECDSA: when a server asks for the client
      // certificate, signing with an EC key fails first (measured: -0x3f00).
      const ecKey = this.firmware.ecClientKeyFails && this.material.cert !== undefined && this.material.keyType === "ec";
      this.handshakeFailed(handshakeMessage(ecKey ? MBEDTLS.PK_TYPE_MISMATCH : code));
      return;
    }
    // mbedtls_ssl_read failed: the network layer's -1 is a plain close, anything else an error event.
    this.closeNow(code === MBEDTLS.NET_CLOSED ? SOCKET_ERR.CLOSED : code);
  }

  private onEnd(): void {
    if (this.phase === "closed") return;
    if (this.phase === "handshake") {
      this.handshakeFailed(handshakeMessage(MBEDTLS.NET_CLOSED));
      return;
    }
    const closeNotify = this.tap !== null && this.tap.lastRecordType === ALERT_RECORD;
    this.closeNow(this.firmware.closeNotifyIsError && closeNotify ? MBEDTLS.PEER_CLOSE_NOTIFY : SOCKET_ERR.CLOSED);
  }

  /**
   * socketClientConnectionsIdle's close path: unsent data turns a plain close
   * into "unsent data"; an error event (not for a plain close), `end`, then
   * `close(hadError)`.
   */
  private closeNow(code: number, forced = false): void {
    if (this.phase === "closed") return;
    this.phase = "closed";
    let error = code;
    // A close forced by the app (clsNow) drops pending data without an error.
    if (!forced && this.pending !== "" && error === SOCKET_ERR.CLOSED) error = SOCKET_ERR.UNSENT_DATA;
    this.teardown();
    const hadError = error < 0 && error !== SOCKET_ERR.CLOSED;
    if (hadError) {
      const event = this.host.newObject({ code: error, message: socketErrorString(error) });
      this.host.queue(() => this.emit("error", event));
    }
    this.host.queue(() => this.emit("end"));
    this.host.queue(() => this.emit("close", hadError));
  }

  private handshakeFailed(message: string): void {
    if (this.phase === "closed") return;
    this.closeNow(SOCKET_ERR.CLOSED);
    this.host.raise(this.host.newError("InternalError", message));
  }
}
