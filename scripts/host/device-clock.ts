// The device's clock: the host's (scripts/lib/clock.ts unless a test gives
// its own), moved by whatever setTime() the program called. It lives as long
// as the runtime, across resets; certificate dates are judged by it, as
// mbedTLS does on a board.
import { currentTime } from "../lib/clock.ts";

export class DeviceClock {
  private offsetMs = 0;

  constructor(private readonly hostTime: () => Date = currentTime) {}

  now(): Date {
    return new Date(this.hostTime().getTime() + this.offsetMs);
  }

  /** setTime(seconds): the device's time from now on. */
  set(seconds: number): void {
    this.offsetMs = seconds * 1000 - this.hostTime().getTime();
  }
}
