// A stream between the TCP socket and Node's TLS that passes every byte
// through and notes the type of each incoming TLS record: Node does not say
// whether a connection ended with the peer's close_notify alert, and stock
// Espruino reports that differently from a dropped connection.
import type net from "node:net";
import { Duplex } from "node:stream";

/** Feeds Node's TLS from the TCP socket while noting the type of each incoming TLS record. */
export class RecordTap extends Duplex {
  lastRecordType = -1;
  private header: number[] = [];
  private remaining = 0;

  constructor(private readonly raw: net.Socket) {
    super();
    raw.on("data", (chunk: Buffer) => {
      this.note(chunk);
      if (!this.push(chunk)) raw.pause();
    });
    raw.on("end", () => this.push(null));
    raw.on("error", (error) => this.destroy(error));
    raw.on("close", () => {
      if (!this.destroyed) this.push(null);
    });
  }

  private note(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, chunk.length - i);
        this.remaining -= take;
        i += take;
        continue;
      }
      this.header.push(chunk[i++]);
      if (this.header.length === 5) {
        this.lastRecordType = this.header[0];
        this.remaining = (this.header[3] << 8) | this.header[4];
        this.header = [];
      }
    }
  }

  override _read(): void {
    this.raw.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.raw.write(chunk, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.raw.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.raw.destroy();
    callback(error);
  }
}
