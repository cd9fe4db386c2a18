// Espruino's input queue on a serial console, as the ESP32 build has it
// (pure: characters in, characters out, flow-control characters handed to a
// callback). In Espruino 2v29 a UART task keeps reading the line into the
// interpreter's input buffer even while JavaScript is busy (Espruino's
// src/jsdevices.c, targets/esp32/main.c):
// - the buffer holds 4096 bytes (Espruino's boards/ESP32.py `io_buffer_size`);
// - once more than 6/8 of it is used the board sends XOFF (0x13), asking the
//   host to pause; the ESP32's console has XON/XOFF on
//   (targets/esp32/jshardwareUart.c);
// - once the interpreter has drained it below 3/8 it sends XON (0x11);
// - a character that finds the buffer full is lost, and the interpreter says
//   "New interpreter error: FIFO_FULL" after the next line it runs.
// The virtual device puts one in front of its console on a tty (device.ts).
// Over TCP (Espruino's telnet console) there is no such queue: TCP itself
// holds the sender back.

export const XON = "\x11";
export const XOFF = "\x13";

/** Bytes in the ESP32 build's input buffer. */
export const INPUT_BUFFER_BYTES = 4096;

/** What the interpreter prints once characters were lost (jsiCheckErrors in Espruino's src/jsinteractive.c). */
export const FIFO_FULL_MESSAGE = "New interpreter error: FIFO_FULL\n";

export interface SerialInputCounts {
  /** XOFF characters sent. */
  xoffSent: number;
  /** Bytes that arrived while the host had been told to pause (a host that honours XOFF sends only the few already on their way). */
  receivedAfterXoff: number;
  /** Bytes lost because the buffer was full. */
  lost: number;
}

export class SerialInputQueue {
  private queued = "";
  private xoffOut = false;
  private lostSinceReport = false;
  readonly counts: SerialInputCounts = { xoffSent: 0, receivedAfterXoff: 0, lost: 0 };

  constructor(
    /** Sends XON or XOFF to the host. */
    private readonly sendFlowControl: (character: typeof XON | typeof XOFF) => void,
    private readonly capacity = INPUT_BUFFER_BYTES,
  ) {}

  /** Characters from the line: queued while there is room, lost when the buffer is full. */
  push(text: string): void {
    if (this.xoffOut) this.counts.receivedAfterXoff += text.length;
    const room = Math.max(0, this.capacity - this.queued.length);
    this.queued += text.slice(0, room);
    if (text.length > room) {
      this.counts.lost += text.length - room;
      this.lostSinceReport = true;
    }
    if (!this.xoffOut && this.queued.length > (this.capacity * 6) / 8) {
      this.xoffOut = true;
      this.counts.xoffSent++;
      this.sendFlowControl(XOFF);
    }
  }

  /** Everything queued, for the interpreter; XON goes out if the host had been paused. */
  take(): string {
    const text = this.queued;
    this.queued = "";
    if (this.xoffOut) {
      this.xoffOut = false;
      this.sendFlowControl(XON);
    }
    return text;
  }

  /** True once after characters were lost (the interpreter reports it once). */
  takeLostReport(): boolean {
    const lost = this.lostSinceReport;
    this.lostSinceReport = false;
    return lost;
  }
}
