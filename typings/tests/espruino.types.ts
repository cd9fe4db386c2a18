// Right and wrong uses of the Espruino typings. `npm run typecheck` compiles
// this file: each @ts-expect-error must be an error, or the build fails.
import type { Socket, SocketError, TlsConnectOptions } from "../espruino.d.ts";

// --- tls ---
const options: TlsConnectOptions = Object.assign(url.parse("https://example.com/a/check"), { ca: atob("AAAA") });
const socket: Socket = require("tls").connect(options, () => socket.write("GET / HTTP/1.1\r\n\r\n"));
socket.on("data", (data: string) => data.length);
socket.on("close", (hadError: boolean) => hadError);
socket.on("error", (error: SocketError) => error.code + error.message);
socket.clsNow = true;
// @ts-expect-error: data arrives as strings, not buffers
socket.on("data", (data: Uint8Array) => data.byteLength);
// @ts-expect-error: there is no "timeout" event on Espruino sockets
socket.on("timeout", () => 0);
// @ts-expect-error: sockets have no destroy() on Espruino
socket.destroy();
// @ts-expect-error: connect needs a host
require("tls").connect({ port: 443 }, () => 0);
// @ts-expect-error: certificates are strings (decoded DER), not buffers
require("tls").connect({ host: "h", ca: new Uint8Array(4) }, () => 0);
// @ts-expect-error: the callback gets no error argument
require("tls").connect(options, (error: Error) => error);

// --- url ---
const parsed = url.parse("https://h:8443/p?q");
const port: number | null = parsed.port;
// @ts-expect-error: Espruino's url.parse has no hostname field
parsed.hostname;

// --- modules ---
const wifi = require("Wifi");
wifi.connect("ssid", { password: "secret" }, (err: string | null) => err);
wifi.setSNTP("pool.ntp.org", 0);
const ip: string | undefined = wifi.getIP().ip;
// @ts-expect-error: the callback's error is a string or null
wifi.connect("ssid", { password: "secret" }, (err: Error) => err);
// @ts-expect-error: options come second
wifi.connect("ssid", (err: string | null) => err);
const storage = require("Storage");
storage.write("name", "data");
const stored: string | undefined = storage.read("name");
// @ts-expect-error: only the built-in modules this project uses are known
require("fs");
// @ts-expect-error: module names are case-sensitive
require("wifi");

// --- globals ---
const usage: number = process.memory().usage;
const version: string = process.env.VERSION;
process.on("uncaughtException", (error: unknown) => error);
// @ts-expect-error: no other process events are typed
process.on("exit", () => 0);
const joined: string = E.toString("a", [98, 99]);
const timer = setTimeout(() => 0, 10);
clearTimeout(timer);
// @ts-expect-error: timers take a function, not a string to evaluate
setTimeout("print(1)", 10);
const binary: string = atob(btoa("\x00\xff"));
// @ts-expect-error: Espruino's atob takes one string
atob(new Uint8Array(2));
// @ts-expect-error: require("tls") is the tls module, not a number
const notAModule: number = require("tls");

export { port, ip, stored, usage, version, joined, binary, notAModule };
