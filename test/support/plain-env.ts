// The environment for a child process whose output a test reads. CI runners
// set CI or FORCE_COLOR, which turn colour on even into a pipe; the tests
// match plain text, so colour goes off here, whatever started the run.
export function plainEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra, NO_COLOR: "1" };
  delete env.FORCE_COLOR;
  return env;
}
