// The RESULT line's object, the one contract between the device and the host:
// app/report.ts builds it, app/publisher.ts adds its `report`, and the host
// reads it (scripts/lib/result.ts, the fleet view). Types only: nothing here
// reaches the bundle. Field names are howsmyssl's where they come from its
// answer, so the line speaks the service's vocabulary.

/** What howsmyssl said about the client (app/howsmyssl.ts reads it from the answer). */
export interface TlsReport {
  tls_version: string;
  rating: string;
  ephemeral_keys_supported: boolean;
  session_ticket_supported: boolean;
  tls_compression_supported: boolean;
  post_quantum_key_agreement: boolean;
  /** How many cipher suites the client offered. */
  suites_offered: number;
  /** Suite name -> why howsmyssl calls it insecure. */
  insecure_cipher_suites: { [suite: string]: string[] };
  given_named_groups: string[];
}

/** A failure: its class (app/failure.ts), what happened, what to do. */
export interface FailureFields {
  error: string;
  detail: string;
  hint: string;
}

/** How publishing the RESULT to an MQTT broker went (app/publisher.ts). */
export interface PublishReport extends Partial<FailureFields> {
  /** host:port */
  broker: string;
  topic: string;
  published: boolean;
  /** On success: whether the broker was verified (the check's probe says whether this firmware verifies; false without a CA). */
  cert_verified?: boolean | null;
  ms?: number;
}

/**
 * The RESULT object. `ok` true: the TLS report and `cert_verified` are set;
 * false: `error`, `detail` and `hint` are.
 */
export interface ResultJson extends Partial<TlsReport>, Partial<FailureFields> {
  ok: boolean;
  url: string;
  /** true: the firmware refused a decoy CA; false: it accepted it, or no CA is pinned; null: not probed. */
  cert_verified?: boolean | null;
  ms: number;
  /** Peak process.memory().usage, in blocks. */
  mem_peak: number | null;
  /** process.env.VERSION of the interpreter. */
  firmware: string;
  /** Present when a broker is configured. */
  report?: PublishReport;
}
