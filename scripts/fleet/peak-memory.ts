// Loaded with --import into the fleet view's process by the fleet bench
// (scripts/fleet/bench.ts), and nowhere else: at exit, writes the process's
// peak resident memory to file descriptor 3, which the bench reads. The fleet
// view itself runs unchanged.
import fs from "node:fs";

process.on("exit", () => {
  try {
    fs.writeSync(3, JSON.stringify({ max_rss_kb: process.resourceUsage().maxRSS }) + "\n");
  } catch {
    // Not started by the bench (no descriptor 3): nothing to report.
  }
});
