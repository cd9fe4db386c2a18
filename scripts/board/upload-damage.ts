// An upload that did not reach the board whole: how it shows, and what to
// tell the user (pure). See docs/serial.md.
// - Espruino drops input it has no room for while it is busy (its input
//   buffer: 4096 bytes on the ESP32) and then prints "New interpreter error:
//   FIFO_FULL". It sends XOFF well before that, but the espruino CLI 0.1.67
//   does not pause for XOFF (its handler is never enabled), so a board busy
//   for a second or two during an upload loses part of it. The lines that do
//   arrive can still be valid JavaScript that writes the wrong bytes.
// - A serial port that closes mid-upload (a USB cable pulled, an adapter that
//   resets) leaves the first chunks stored and the rest missing.
import { portText, type PortSpec } from "./port.ts";

/** True for the line Espruino prints once it has lost input (jsiCheckErrors, src/jsinteractive.c). */
export function reportsLostInput(line: string): boolean {
  return /New interpreter error: .*\bFIFO_FULL\b/.test(line);
}

/** What is on the board now, when the upload stopped part-way. */
function whatIsLeft(ram: boolean): string {
  return ram ? "the code in its RAM is incomplete" : "its boot code (Storage .bootcde) is incomplete and will fail at the next start";
}

/** The message for a board that reported lost input during the upload. */
export function lostInputMessage(ram: boolean): string[] {
  return [
    "the board lost part of the upload: its input buffer overflowed (FIFO_FULL) while it was busy, and the espruino CLI does not pause when the board sends XOFF.",
    `Nothing was checked, and ${whatIsLeft(ram)}. Upload again; docs/serial.md says what keeps a board busy.`,
  ];
}

/** One line for a port that closed before the upload was all sent; `started`: some of it had gone out. */
export function closedMidUploadMessage(port: PortSpec, ram: boolean, started: boolean): string {
  const where = portText(port);
  const gone = port.kind === "serial" ? `${where} went away` : `the connection to ${where} closed`;
  const why = port.kind === "serial" ? " (unplugged, or the board reset?)" : "";
  return started ? `${gone} during the upload${why}: ${whatIsLeft(ram)}; upload again.` : `${gone} before the upload began${why}; nothing on the board was changed.`;
}
