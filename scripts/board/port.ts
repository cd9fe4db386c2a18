// Where a board is (`--port`), and what to tell the user when it cannot be
// reached (pure: messages from facts the adapters gathered).
import type { PortUser } from "./port-users.ts";

export type PortSpec = { kind: "serial"; path: string } | { kind: "tcp"; host: string; port: number; text: string };

/** The port the espruino CLI uses when `tcp://HOST` has none. */
const TELNET_PORT = 23;

export const SUGGESTED_BAUD = 115200;

/** `--port` and `--baud` as given, checked; the message of a thrown Error is for the user. */
export function portAndBaud(portText: string, baud: number = SUGGESTED_BAUD): { port: PortSpec; baud: number } {
  const port = parsePort(portText);
  if (!Number.isInteger(baud) || baud < 300 || baud > 4_000_000) {
    throw new Error(`--baud must be a whole number of bits per second (e.g. ${SUGGESTED_BAUD}), not ${baud}`);
  }
  return { port, baud };
}

/** Reads `--port`: a serial device (/dev/ttyUSB0, COM3) or tcp://HOST[:PORT]. Throws Error with a reason. */
export function parsePort(text: string): PortSpec {
  const value = text.trim();
  if (!value) throw new Error("--port is empty: give a serial device (/dev/ttyUSB0, COM3) or tcp://HOST:PORT");
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    if (!value.toLowerCase().startsWith("tcp://")) throw new Error(`--port ${value}: only tcp:// addresses are supported besides serial devices`);
    const rest = value.slice(6);
    const match = /^([^:/\s]+)(?::(\d+))?\/?$/.exec(rest);
    if (!match) throw new Error(`--port ${value}: write it as tcp://HOST:PORT`);
    const port = match[2] === undefined ? TELNET_PORT : Number(match[2]);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port ${value}: the TCP port must be 1-65535`);
    // The CLI is given exactly this form; it splits at the first ':'.
    return { kind: "tcp", host: match[1], port, text: `tcp://${match[1]}:${port}` };
  }
  // A MAC address would make the CLI look for a Bluetooth device, which this tool does not use.
  if (/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(value)) throw new Error(`--port ${value} looks like a Bluetooth address; use a serial device or tcp://HOST:PORT`);
  if (value.startsWith("-")) throw new Error(`--port ${value}: expected a device, not an option`);
  return { kind: "serial", path: value };
}

/** How a port is shown to the user and given to the CLI. */
export function portText(port: PortSpec): string {
  return port.kind === "tcp" ? port.text : port.path;
}

export interface SerialPortListing {
  ports: Array<{ path: string; description?: string }>;
  /** Why listing failed (e.g. udevadm missing), when it did. */
  error?: string;
}

function listingLines(listing: SerialPortListing): string[] {
  const lines: string[] = [];
  if (listing.ports.length) {
    lines.push("Serial ports on this machine:");
    for (const port of listing.ports) lines.push(`  ${port.path}${port.description ? `  (${port.description})` : ""}`);
  } else {
    lines.push("No serial ports were found. Is the board plugged in (with a data cable, not a charge-only one)?");
  }
  if (listing.error) lines.push(`(Listing serial ports failed: ${listing.error}. The espruino CLI can only open ports it can list; on Linux it needs udevadm, from the udev package.)`);
  return lines;
}

/** What the user should read when a connection could not be made. */
export type ConnectProblem =
  | { kind: "not-found"; port: PortSpec; listing: SerialPortListing; exists?: boolean }
  | { kind: "permission"; port: PortSpec; detail?: string }
  /**
   * "locked": another open file holds the flock() that serialport takes on the
   * port it opens ("Cannot lock port"); "exclusive": another program made the
   * terminal exclusive (TIOCEXCL, EBUSY), as screen does.
   */
  | { kind: "busy"; port: PortSpec; how: "locked" | "exclusive"; users?: PortUser[] }
  | { kind: "socket"; port: PortSpec; code: string; detail?: string }
  | { kind: "no-answer"; port: PortSpec; seconds: number }
  | { kind: "garbage"; port: PortSpec; received: string }
  | { kind: "open-failed"; port: PortSpec; detail: string };

const BAUD_ADVICE = `Espruino on the ESP32 talks at ${SUGGESTED_BAUD} baud: try --baud ${SUGGESTED_BAUD}.`;

/** A short, printable preview of bytes that are not text. */
export function previewBytes(received: string, max = 24): string {
  const shown = received.slice(0, max).replace(/[^\x20-\x7e]/g, (ch) => "\\x" + ch.charCodeAt(0).toString(16).padStart(2, "0"));
  return shown + (received.length > max ? "..." : "");
}

/** True when received bytes look like console text (mostly printable ASCII). */
export function looksLikeText(received: string): boolean {
  if (!received) return false;
  let printable = 0;
  for (const ch of received) {
    const code = ch.charCodeAt(0);
    if ((code >= 0x20 && code < 0x7f) || code === 0x0a || code === 0x0d || code === 0x09) printable++;
  }
  return printable / received.length > 0.9;
}

/** The message for a problem, first line first; the lines after it explain and suggest. */
export function explainConnectProblem(problem: ConnectProblem): string[] {
  const where = portText(problem.port);
  switch (problem.kind) {
    case "not-found":
      return [
        problem.exists
          ? `${where} exists but is not a serial port this system lists, so the espruino CLI will not open it (a pseudo-terminal or a plain file?).`
          : `serial port ${where} not found.`,
        ...listingLines(problem.listing),
      ];
    case "permission":
      return [
        `permission denied opening ${where}${problem.detail ? ` (${problem.detail})` : ""}.`,
        "On Linux, serial devices belong to the 'dialout' group. Add yourself to it:",
        "  sudo usermod -aG dialout $USER",
        "then log out and back in (or reboot) so that the new group applies.",
      ];
    case "busy": {
      const named = (problem.users ?? []).filter((user) => problem.how === "exclusive" || user.locks);
      const who = named.length ? named.map((user) => `process ${user.pid} (${user.program})`).join(", ") : "another program";
      return problem.how === "locked"
        ? [
            `${where} is in use: ${who} holds its lock.`,
            "The espruino CLI locks the port it opens, so another upload or repl, or a serial monitor that locks its port, keeps it out. Close that program and try again.",
          ]
        : [
            `${where} is in use: ${who} opened it for exclusive use (screen does that).`,
            "Close that program (in screen: Ctrl-A then k) and try again.",
          ];
    }
    case "socket": {
      const reasons: Record<string, string> = {
        ECONNREFUSED: "the connection was refused: nothing is listening there. Is the device (or npm run virtual-device) running, and is the port right?",
        ENOTFOUND: "the host name could not be resolved.",
        EAI_AGAIN: "the host name could not be resolved (DNS not answering).",
        ETIMEDOUT: "the connection timed out: the host does not answer.",
        EHOSTUNREACH: "the host is unreachable.",
        ENETUNREACH: "the network is unreachable.",
        ECONNRESET: "the connection was reset by the other side.",
      };
      return [`cannot connect to ${where}: ${reasons[problem.code] ?? `${problem.code}${problem.detail ? ` (${problem.detail})` : ""}.`}`];
    }
    case "no-answer":
      return [
        `no answer from ${where}: the board sent nothing back within ${problem.seconds} s.`,
        "This is probably the wrong baud rate, or a board that is not running Espruino (still in its bootloader, or other firmware).",
        BAUD_ADVICE + (problem.port.kind === "tcp" ? " (For a tcp:// port that bridges to a serial line, the bridge's baud rate.)" : ""),
      ];
    case "garbage":
      return [
        `${where} answered with ${problem.received.length} bytes that are not Espruino's console: ${previewBytes(problem.received)}`,
        "This is probably the wrong baud rate.",
        BAUD_ADVICE + (problem.port.kind === "tcp" ? " (For a tcp:// port that bridges to a serial line, the bridge's baud rate.)" : ""),
      ];
    case "open-failed":
      return [`cannot open ${where}: ${problem.detail}`];
  }
}

/**
 * Reads an error from opening a serial device (fs or serialport) into a
 * problem: EACCES/EPERM -> permission, ENOENT -> not found, a lock failure
 * or EBUSY -> busy. serialport's messages carry strerror text, not a code.
 */
export function serialOpenProblem(port: PortSpec, error: { code?: string; message?: string }, listing: SerialPortListing): ConnectProblem {
  const message = error.message ?? "";
  const code = error.code ?? "";
  if (code === "EACCES" || code === "EPERM" || /Permission denied|Operation not permitted/i.test(message)) return { kind: "permission", port, detail: code || undefined };
  if (code === "ENOENT" || /No such file or directory/i.test(message)) return { kind: "not-found", port, listing };
  if (/Cannot lock port/i.test(message)) return { kind: "busy", port, how: "locked" };
  if (code === "EBUSY" || /Resource busy|Device or resource busy/i.test(message)) return { kind: "busy", port, how: "exclusive" };
  return { kind: "open-failed", port, detail: message || code || "unknown error" };
}
