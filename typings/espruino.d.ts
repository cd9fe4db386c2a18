// Types of the Espruino APIs this project uses, written from Espruino's
// documentation (the JSON blocks in libs/network/jswrap_net.c, jswrap_wifi.c,
// src/jswrap_process.c, jswrap_espruino.c, jswrap_storage.c) and from what the
// interpreter was measured to do (docs/espruino-behaviour.md).
//
// This file only declares shapes; the globals themselves are declared in
// globals.d.ts so that Node-side code (the host runtime, tests) can implement
// these interfaces without also seeing Espruino's `require`.

/**
 * `url.parse(...)` result. Espruino fills these fields (there is no
 * `hostname`); `protocol` ("https:") is absent when the URL has no "//", and
 * `port` is null when the URL names none.
 */
export interface ParsedUrl {
  protocol?: string;
  method: string;
  host: string;
  path: string;
  pathname: string;
  search: string | null;
  port: number | null;
  query: string | null;
}

/** Options for `tls.connect`: a parsed URL plus decoded (DER) certificates. */
export interface TlsConnectOptions {
  host: string;
  /** Null or absent: 443. */
  port?: number | null;
  /** Decoded DER of the trust anchor(s), as a binary string from `atob`. */
  ca?: string;
  /** Decoded DER of the client certificate (mutual TLS). */
  cert?: string;
  /** Decoded DER of the client's private key (mutual TLS). */
  key?: string;
}

/** Espruino reports socket errors as plain objects, not Error instances. */
export interface SocketError {
  code: number;
  message: string;
}

export interface Socket {
  write(data: string): boolean;
  /** Closes once pending data is sent: never, while a handshake that will not finish holds the request. */
  end(data?: string): void;
  /**
   * Espruino's internal "close now" flag (HTTP_NAME_CLOSENOW in socketserver.c):
   * set, the socket closes at the next idle loop whatever is pending. The only
   * way to drop a connection whose handshake never completes (measured on 2v29).
   */
  clsNow?: boolean;
  on(event: "data", listener: (data: string) => void): void;
  on(event: "end", listener: () => void): void;
  on(event: "close", listener: (hadError: boolean) => void): void;
  on(event: "error", listener: (error: SocketError) => void): void;
  on(event: "drain", listener: () => void): void;
}

export interface TlsModule {
  /**
   * Opens a TLS socket. `onConnect` fires on TCP connect, before the TLS
   * handshake completes. Throws synchronously ("Unable to locate host",
   * "Unable to create socket", certificate parse errors).
   */
  connect(options: TlsConnectOptions, onConnect: () => void): Socket;
}

export interface WifiConnectOptions {
  password?: string;
  dnsServers?: string[];
}

export interface WifiIpInfo {
  ip?: string;
  netmask?: string;
  gw?: string;
  mac: string;
}

export interface WifiDetails {
  status: "off" | "connecting" | "wrong_password" | "no_ap_found" | "connect_fail" | "connected";
  rssi?: number;
  ssid?: string;
}

/** The ESP32 `Wifi` module (absent on the Linux build and on wired boards). */
export interface WifiModule {
  connect(ssid: string, options: WifiConnectOptions, callback: (err: string | null) => void): void;
  disconnect(callback?: () => void): void;
  getIP(): WifiIpInfo;
  getDetails(): WifiDetails;
  /** Starts SNTP; the first sync happens asynchronously. ESP32/ESP8266 only. */
  setSNTP(server: string, tzOffset: number): void;
}

export interface StorageModule {
  read(name: string): string | undefined;
  write(name: string, data: string): boolean;
  erase(name: string): void;
  list(): string[];
}

/** `process.memory()`: sizes are counted in variable blocks. */
export interface MemoryInfo {
  free: number;
  usage: number;
  total: number;
  blocksize?: number;
}

export interface EspruinoProcess {
  env: { VERSION: string; BOARD?: string; [key: string]: unknown };
  /** Pass `false` to skip the garbage collection pass. */
  memory(gc?: boolean): MemoryInfo;
  on(event: "uncaughtException", listener: (error: unknown) => void): void;
}

export interface EspruinoE {
  /** Joins strings/arrays of bytes into one flat string. */
  toString(...args: Array<string | number[] | Uint8Array>): string;
  /** Size of the variable store in blocks. */
  getSizeOf(value: unknown, depth?: number): number;
  /**
   * Moves variables together so free memory is one block. Absent on
   * SAVE_ON_FLASH builds. Where mbedTLS allocates from the variable store
   * (Linux, STM32, nRF) a TLS connection needs about 17 KB in one piece.
   */
  defrag?(): void;
}

export interface UrlModule {
  parse(url: string, parseQuery?: boolean): ParsedUrl;
}

/** Name -> module, for the built-in modules this project loads. */
export interface EspruinoModules {
  tls: TlsModule;
  Wifi: WifiModule;
  Storage: StorageModule;
}

export type TimerId = number;
