// A fresh host runtime for each test, its console output collected: the
// fixture of the tests of runtime.ts, realm.ts and globals/.
import { createHostRuntime, type HostRuntime, type HostRuntimeExtras, type HostRuntimeOptions } from "../../scripts/host/runtime.ts";

export interface RuntimeFixture {
  runtime: HostRuntime & HostRuntimeExtras;
  /** Everything the runtime printed in this test. */
  output: string;
}

/** Registers mocha hooks: a new runtime before each test (options.write is the fixture's), closed after it. */
export function useRuntime(options: HostRuntimeOptions = {}): RuntimeFixture {
  const fixture = { output: "" } as RuntimeFixture;
  beforeEach(() => {
    fixture.output = "";
    fixture.runtime = createHostRuntime({ ...options, write: (text) => (fixture.output += text) });
  });
  afterEach(() => fixture.runtime.close());
  return fixture;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs `check` (assertions) until it passes, at most `ms`: what the runtime
 * does after a timer or a promise may take longer on a busy machine, and a
 * fixed sleep would make the test depend on the machine's load.
 */
export async function eventually(check: () => void, ms = 3000): Promise<void> {
  const until = performance.now() + ms;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (performance.now() > until) throw error;
    }
    await sleep(10);
  }
}
