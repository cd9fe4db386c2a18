// Espruino's globals as stubs that play scripted servers with the event
// orders measured on Espruino 2v29 (notes in ../../docs/espruino-behaviour.md):
//   onConnect(socket) and a drain on TCP connect, before the handshake;
//   data in chunks of at most 536 bytes (the Linux build's chunk size);
//   closing events in the order error -> end -> close(hadError);
//   stock firmware: a peer close_notify is error {code:-30848,"unknown error"};
//   a failed handshake: error {-8,"unsent data"} (only when a write is
//   pending), end, close, then an uncaught InternalError;
//   end() does nothing while an unfinished handshake holds a pending write;
//   the internal clsNow flag closes at once.
import mqttPacket from "mqtt-packet";
import type { ResultJson } from "../../app/result.ts";
import type { EspruinoGlobals } from "../../app/espruino.ts";
import type { ParsedUrl, Socket, TlsConnectOptions, WifiModule } from "../../typings/espruino.d.ts";
import { parseUrl } from "../../scripts/host/url-parse.ts";
import { FakeClock } from "./fake-clock.ts";

/** How one server (one connection) behaves. */
export interface ServerScript {
  /** connect() throws an InternalError with this message (DNS, refused, unparseable certificate). */
  throws?: string;
  /** The handshake fails; the uncaught InternalError carries this message. */
  handshakeError?: string;
  /** The handshake never completes and nothing ever comes (a silent non-TLS server). */
  silent?: boolean;
  /** The bytes the server answers with, once it has the request. */
  response?: string;
  /** Sizes of the data events (default: 536-byte pieces). */
  chunks?: number[];
  /** How the server ends after the response (default close_notify). */
  ending?: "close_notify" | "fin" | "stall";
  /** Milliseconds before the handshake completes (default 50) and between events (default 2). */
  handshakeMs?: number;
  gapMs?: number;
  /** An MQTT broker instead of a server that answers once: it answers what the client writes. */
  broker?: BrokerScript;
}

/** How a stub MQTT broker answers (mqtt-packet reads what the client writes). */
export interface BrokerScript {
  /** The CONNACK return code (default 0: accepted); "none": never a CONNACK; "close": hang up after CONNECT. */
  connack?: number | "none" | "close";
  /** Bytes sent instead of the CONNACK (malformed or unexpected packets). */
  raw?: string;
  /** What a PUBLISH gets (default "puback"). */
  publish?: "puback" | "none" | "close" | "wrong-id";
  /** Answers PINGREQ (default true). */
  pingresp?: boolean;
}

export type WifiAttempt = "ok" | "timeout" | string;

export interface StubOptions {
  /** Whose TLS: "stock" passes close_notify on as an error; "project" (this repo's firmware) closes cleanly. */
  firmware?: "stock" | "project";
  /** One script for every connection, or one per connection (the probe is the second). */
  server: ServerScript | ((options: TlsConnectOptions, index: number) => ServerScript);
  /** No tls module (firmware built without TLS). */
  noTls?: boolean;
  /** A Wifi module whose connect() plays these attempts in order; absent: no Wifi module. */
  wifi?: { attempts: WifiAttempt[]; sntpSetsClockTo?: number };
  clock?: FakeClock;
  /** Long runs: keep no record of closed connections, nor of what a broker connection has read. */
  forget?: boolean;
}

export interface StubSocketRecord {
  options: TlsConnectOptions;
  written: string;
  closed: boolean;
  endCalls: number;
  /** Broker connections: the MQTT packets the client sent, as mqtt-packet reads them. */
  packets: mqttPacket.Packet[];
  /** Drops the TCP connection from the server's side (end, close(false)), as a restarted broker does. */
  hangUp(): void;
}

export interface Stub {
  globals: EspruinoGlobals;
  clock: FakeClock;
  /** Every line the program printed. */
  output: string[];
  /** One record per connect() call that returned a socket. */
  sockets: StubSocketRecord[];
  /** Uncaught errors raised when no listener was registered. */
  unhandled: string[];
  wifiCalls: Array<{ ssid: string; password: string | undefined }>;
  /** Highest simulated memory use (blocks). */
  peakUsage: number;
  /** How many times E.defrag() was called. */
  defrags: number;
}

function internalError(message: string): { message: string; type: string; toString(): string } {
  return { message, type: "InternalError", toString: () => "InternalError: " + message };
}

const BASE_USAGE = 250;
const TLS_CONTEXT_BLOCKS = 1530;

export function createStub(options: StubOptions): Stub {
  const clock = options.clock ?? new FakeClock();
  const firmware = options.firmware ?? "project";
  const uncaughtListeners: Array<(error: unknown) => void> = [];
  let openSockets = 0;
  let buffered = 0;
  let connections = 0;
  let wifiAttempt = 0;

  const stub: Stub = {
    clock,
    output: [],
    sockets: [],
    unhandled: [],
    wifiCalls: [],
    peakUsage: BASE_USAGE,
    defrags: 0,
    globals: undefined as unknown as EspruinoGlobals,
  };

  function usage(): number {
    const value = BASE_USAGE + TLS_CONTEXT_BLOCKS * openSockets + Math.ceil(buffered / 27);
    stub.peakUsage = Math.max(stub.peakUsage, value);
    return value;
  }

  function raiseUncaught(message: string): void {
    const error = internalError(message);
    if (uncaughtListeners.length === 0) stub.unhandled.push(String(error));
    for (const listener of uncaughtListeners) listener(error);
  }

  function connect(connectOptions: TlsConnectOptions, onConnect: () => void): Socket {
    const index = connections++;
    const script = typeof options.server === "function" ? options.server(connectOptions, index) : options.server;
    if (script.throws) throw internalError(script.throws);
    const gap = script.gapMs ?? 2;
    const listeners: { [event: string]: (value?: unknown) => void } = {};
    const record: StubSocketRecord = { options: connectOptions, written: "", closed: false, endCalls: 0, packets: [], hangUp: () => {} };
    stub.sockets.push(record);
    let handshakeDone = false;
    let stopped = false; // the client ended: no more server events
    openSockets++;
    usage();

    const emit = (event: string, value?: unknown) => {
      if (record.closed) return;
      if (event === "close") {
        record.closed = true;
        openSockets--;
        buffered = 0;
        if (options.forget) stub.sockets.splice(stub.sockets.indexOf(record), 1);
      }
      listeners[event]?.(value);
    };
    /** Schedules the closing sequence error? -> end -> close. */
    const close = (at: number, error: { code: number; message: string } | null, hadError: boolean) => {
      if (error) clock.setTimeout(() => emit("error", error), at);
      clock.setTimeout(() => emit("end"), at + 1);
      clock.setTimeout(() => emit("close", hadError), at + 2);
    };

    /** Broker mode: reads the client's packets once the handshake is done, and answers them. */
    let brokerRead: (() => void) | null = null;
    const socket: Socket = {
      write(data: string) {
        record.written += data;
        if (brokerRead && handshakeDone) brokerRead();
        return true;
      },
      end() {
        record.endCalls++;
        if (record.closed || stopped) return;
        if (!handshakeDone && record.written) return; // Espruino waits for the pending write, forever
        stopped = true;
        close(1, null, false);
      },
      on(event: string, listener: (value?: never) => void) {
        listeners[event] = listener as (value?: unknown) => void;
      },
    } as Socket;
    Object.defineProperty(socket, "clsNow", {
      set(value: boolean) {
        if (value && !record.closed && !stopped) {
          stopped = true;
          close(1, null, false);
        }
      },
    });

    clock.setTimeout(() => {
      onConnect();
      emit("drain");
    }, 1);

    if (script.silent) return socket;
    const handshakeAt = 1 + (script.handshakeMs ?? 50);
    record.hangUp = () => {
      if (stopped) return;
      stopped = true;
      close(gap, null, false);
    };
    if (script.broker && !script.handshakeError) {
      const broker = script.broker;
      const parser = mqttPacket.parser({ protocolVersion: 4 });
      let read = 0;
      const send = (bytes: string | Buffer) =>
        clock.setTimeout(() => {
          if (stopped || record.closed) return;
          const text = typeof bytes === "string" ? bytes : bytes.toString("latin1");
          buffered += text.length;
          usage();
          emit("data", text);
          buffered -= text.length;
        }, gap);
      parser.on("packet", (packet) => {
        record.packets.push(packet);
        if (packet.cmd === "connect") {
          if (broker.raw !== undefined) send(broker.raw);
          else if (broker.connack === "close") record.hangUp();
          else if (broker.connack !== "none") send(mqttPacket.generate({ cmd: "connack", returnCode: broker.connack ?? 0, sessionPresent: false }));
        } else if (packet.cmd === "publish") {
          const mode = broker.publish ?? "puback";
          if (mode === "close") record.hangUp();
          else if (mode !== "none") send(mqttPacket.generate({ cmd: "puback", messageId: (packet.messageId! + (mode === "wrong-id" ? 1 : 0)) % 65536 }));
        } else if (packet.cmd === "pingreq" && broker.pingresp !== false) {
          send(mqttPacket.generate({ cmd: "pingresp" }));
        }
      });
      brokerRead = () => {
        const fresh = record.written.substr(read);
        read = record.written.length;
        if (fresh) parser.parse(Buffer.from(fresh, "latin1"));
        if (options.forget) {
          record.written = "";
          read = 0;
          record.packets.length = 0;
        }
      };
      clock.setTimeout(() => {
        handshakeDone = true;
        if (stopped) return;
        emit("drain");
        brokerRead!();
      }, handshakeAt);
      return socket;
    }
    if (script.handshakeError) {
      clock.setTimeout(() => {
        if (stopped) return;
        stopped = true;
        const pending = record.written !== "";
        close(0, pending ? { code: -8, message: "unsent data" } : null, pending);
        clock.setTimeout(() => raiseUncaught(script.handshakeError!), 4);
      }, handshakeAt);
      return socket;
    }
    clock.setTimeout(() => {
      handshakeDone = true;
      if (stopped) return;
      emit("drain");
      const response = script.response ?? "";
      const sizes = script.chunks ?? [];
      let offset = 0;
      let at = gap;
      const pieces: string[] = [];
      for (const size of sizes) {
        pieces.push(response.substr(offset, size));
        offset += size;
      }
      while (offset < response.length) {
        pieces.push(response.substr(offset, 536));
        offset += 536;
      }
      for (const piece of pieces) {
        clock.setTimeout(() => {
          if (stopped || record.closed) return;
          buffered += piece.length;
          usage();
          emit("data", piece);
        }, at);
        at += gap;
      }
      clock.setTimeout(() => {
        if (stopped) return;
        const ending = script.ending ?? "close_notify";
        if (ending === "stall") return;
        stopped = true;
        if (ending === "close_notify" && firmware === "stock") close(0, { code: -30848, message: "unknown error" }, true);
        else close(0, null, false);
      }, at);
    }, handshakeAt);
    return socket;
  }

  const wifi: WifiModule | undefined = options.wifi && {
    connect(ssid, wifiOptions, callback) {
      stub.wifiCalls.push({ ssid, password: wifiOptions.password });
      const attempt = options.wifi!.attempts[wifiAttempt++] ?? "timeout";
      if (attempt === "timeout") return;
      clock.setTimeout(() => callback(attempt === "ok" ? null : attempt), 100);
    },
    disconnect() {},
    getIP: () => ({ ip: "192.168.1.50", mac: "00:00:00:00:00:00" }),
    getDetails: () => ({ status: "connected" }),
    setSNTP() {
      const to = options.wifi!.sntpSetsClockTo;
      if (to !== undefined) clock.setTimeout(() => (clock.now = to), 600);
    },
  };

  stub.globals = {
    require: ((name: string) => {
      if (name === "tls" && !options.noTls) return { connect };
      if (name === "Wifi" && wifi) return wifi;
      throw new Error("Module " + name + " not found");
    }) as EspruinoGlobals["require"],
    process: {
      env: { VERSION: "2v29-stub" },
      memory: () => ({ free: 4096 - usage(), usage: usage(), total: 4096, blocksize: 27 }),
      on: (_event: "uncaughtException", listener: (error: unknown) => void) => {
        uncaughtListeners.push(listener);
      },
    },
    E: {
      defrag: () => {
        stub.defrags++;
      },
    },
    url: { parse: (text: string) => parseUrl(text) as unknown as ParsedUrl },
    atob: (text: string) => Buffer.from(text, "base64").toString("latin1"),
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    log: (line: string) => {
      stub.output.push(line);
    },
    now: () => clock.now,
  };
  return stub;
}

/** An HTTP/1.1 response with a Content-Length body. */
export function httpResponse(body: string, status = "200 OK", headers: string[] = ["Content-Type: application/json"]): string {
  return ["HTTP/1.1 " + status, ...headers, "Content-Length: " + Buffer.byteLength(body, "latin1"), "Connection: close", "", body].join("\r\n");
}

/** The same body, chunked. */
export function chunkedResponse(body: string, chunkSize = 100): string {
  let chunks = "";
  for (let i = 0; i < body.length; i += chunkSize) {
    const piece = body.substr(i, chunkSize);
    chunks += piece.length.toString(16) + "\r\n" + piece + "\r\n";
  }
  return "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunks + "0\r\n\r\n";
}

/** A howsmyssl answer like the checker's (and the real service's). */
export function howsmysslJson(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    given_cipher_suites: ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"],
    ephemeral_keys_supported: true,
    session_ticket_supported: false,
    tls_compression_supported: false,
    unknown_cipher_suite_supported: false,
    beast_vuln: false,
    able_to_detect_n_minus_one_splitting: false,
    insecure_cipher_suites: {},
    tls_version: "TLS 1.2",
    rating: "Improvable",
    given_named_groups: ["x25519", "secp256r1", "secp384r1"],
    given_signature_algorithms: ["ecdsa_secp256r1_sha256"],
    post_quantum_key_agreement: false,
    ...overrides,
  });
}

/** The RESULT object printed by the program (there must be exactly one RESULT line). */
export function resultOf(output: string[]): ResultJson {
  const lines = output.filter((line) => line.startsWith("RESULT "));
  if (lines.length !== 1) throw new Error("expected one RESULT line, got " + lines.length + ":\n" + output.join("\n"));
  return JSON.parse(lines[0].slice(7));
}
