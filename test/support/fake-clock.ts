// A deterministic clock for driving the app: timers run in time order when
// the test calls run(), and time jumps from one timer to the next.

interface Timer {
  id: number;
  at: number;
  order: number;
  callback: () => void;
}

export class FakeClock {
  now: number;
  private timers: Timer[] = [];
  private nextId = 1;
  private order = 0;

  constructor(start = Date.UTC(2026, 10, 28, 12, 0, 0)) {
    this.now = start;
  }

  setTimeout = (callback: () => void, ms: number): number => {
    const id = this.nextId++;
    this.timers.push({ id, at: this.now + Math.max(0, ms), order: this.order++, callback });
    return id;
  };

  clearTimeout = (id: number): void => {
    this.timers = this.timers.filter((timer) => timer.id !== id);
  };

  /** Timers still waiting. */
  get pending(): number {
    return this.timers.length;
  }

  /** Runs timers in time order until none is left (or `limit` ms have passed); returns how many ran. */
  run(limit = Infinity): number {
    const end = this.now + limit;
    let ran = 0;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.order - b.order);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.now = Math.max(this.now, next.at);
      next.callback();
      ran++;
      if (ran > 100_000) throw new Error("FakeClock: runaway timers");
    }
    return ran;
  }
}
