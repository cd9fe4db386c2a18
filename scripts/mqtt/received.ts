// What arrived on npm start's own broker, shown as the fleet view shows a
// fleet (scripts/fleet/): the same table model and the same table, here with
// the one device that published.
import pc from "picocolors";
import { FleetTable } from "../fleet/devices.ts";
import { type Colors, summaryLine, tableLines } from "../fleet/terminal.ts";
import { currentTime } from "../lib/clock.ts";

/** The fleet view of one topic: the device's id is the topic level that holds its client id. */
export class ReceivedView {
  private readonly table: FleetTable;

  constructor(topic: string, clientId: string, private readonly colors: Colors = pc) {
    const levels = topic.split("/");
    const filter = levels.map((level) => (level === clientId ? "+" : level)).join("/");
    // The fleet view's default: a rating of Bad is marked.
    this.table = new FleetTable(filter, "bad");
  }

  /** Takes one message; returns the table (header, a row per device) and its summary line. */
  record(topic: string, payload: Buffer): string[] {
    const now = currentTime();
    this.table.record(topic, payload, now);
    const rows = this.table.rows();
    const summary = this.table.summary();
    return [...tableLines(rows, this.colors, now), summaryLine(rows, summary.messages, this.table.malformedSummary(), this.colors)];
  }
}
