// Which other processes use a serial device, read from /proc (Linux; an
// empty list elsewhere or when /proc cannot be read). Used to say who keeps a
// busy port:
// - the espruino CLI's serialport takes an exclusive flock() on the port it
//   opens and gives up with "Cannot lock port" when another open file holds
//   that lock (a second upload or repl, or another tool that locks ports):
//   /proc/locks names the process that took it;
// - a program may also just have the port open (/proc/PID/fd): without a lock
//   that does not stop the CLI, but both then read the board's output.
// Only a program's name is shown, never its arguments: a command line may
// carry a secret (a Wi-Fi password given as a flag).
import fs from "node:fs";
import path from "node:path";

export interface PortUser {
  pid: number;
  /** The program's name (/proc/PID/comm), with the script's file name for node. */
  program: string;
  /** It holds the flock() on the device that the espruino CLI wants. */
  locks: boolean;
}

/** major:minor:inode as /proc/locks writes them (hex device numbers, decimal inode). */
function lockKey(stat: fs.Stats): string {
  const dev = stat.dev;
  const major = Math.floor(dev / 256) % 4096;
  const minor = (dev % 256) + Math.floor(dev / 1048576) * 256;
  return `${major.toString(16).padStart(2, "0")}:${minor.toString(16).padStart(2, "0")}:${stat.ino}`;
}

/** pids holding a flock() on the file with this key. */
function lockHolders(procDir: string, key: string): number[] {
  let text: string;
  try {
    text = fs.readFileSync(path.join(procDir, "locks"), "utf8");
  } catch {
    return [];
  }
  const pids: number[] = [];
  // "1: FLOCK  ADVISORY  WRITE 16160 00:1a:4 0 EOF"
  for (const line of text.split("\n")) {
    const fields = line.trim().split(/\s+/);
    if (fields[1] === "FLOCK" && fields[5] === key) pids.push(Number(fields[4]));
  }
  return pids;
}

/** pids with a file descriptor open on `target` (a resolved path). */
function openers(procDir: string, target: string): number[] {
  const pids: number[] = [];
  let entries: string[];
  try {
    entries = fs.readdirSync(procDir).filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  for (const entry of entries) {
    let fds: string[];
    try {
      fds = fs.readdirSync(path.join(procDir, entry, "fd"));
    } catch {
      continue; // gone, or another user's
    }
    for (const fd of fds) {
      try {
        if (fs.readlinkSync(path.join(procDir, entry, "fd", fd)) === target) {
          pids.push(Number(entry));
          break;
        }
      } catch {
        // closed meanwhile
      }
    }
  }
  return pids;
}

/**
 * The program's name (the file name it was started as; its thread name,
 * /proc/PID/comm, when that is unreadable: Node 24 calls its thread
 * "MainThread"), and for node the file name of the script it runs (never other
 * arguments).
 */
function programOf(procDir: string, pid: number): string {
  let name = "unknown program";
  try {
    const argv = fs.readFileSync(path.join(procDir, String(pid), "cmdline"), "latin1").split("\0");
    name = path.basename(argv[0] ?? "") || fs.readFileSync(path.join(procDir, String(pid), "comm"), "utf8").trim() || name;
    if (/^node(js)?$/.test(name)) {
      const script = argv.slice(1).find((arg) => /\.(c|m)?(j|t)s$/.test(arg) && !arg.startsWith("-"));
      if (script) name += " " + path.basename(script);
    }
  } catch {
    // gone meanwhile
  }
  return name;
}

/** The processes other than this one that lock or have open the device at `devicePath`. */
export function serialPortUsers(devicePath: string, procDir = "/proc"): PortUser[] {
  if (process.platform !== "linux") return [];
  let target: string;
  let stat: fs.Stats;
  try {
    target = fs.realpathSync(devicePath);
    stat = fs.statSync(target);
  } catch {
    return [];
  }
  const locking = new Set(lockHolders(procDir, lockKey(stat)));
  const pids = new Set([...locking, ...openers(procDir, target)]);
  pids.delete(process.pid);
  return [...pids].sort((a, b) => a - b).map((pid) => ({ pid, program: programOf(procDir, pid), locks: locking.has(pid) }));
}
