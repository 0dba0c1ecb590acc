/**
 * What the service needs of a call in progress, whichever protocol it speaks (an EphemeralStream record
 * stream or an Arrow Flight DoPut): to find it by table, announce a rotation, and end it.
 */
import type { CallStatus } from "./zerobus-status.js";

/** A call in progress on the gRPC port. */
export interface ServiceCall {
  /** The table the call writes, once known. */
  readonly tableName: string | undefined;
  /** Announces a server-side close in `durationMs` (stream lifetime, fault injection). */
  announceClose(durationMs: number): void;
  /** Ends the call with `status` (no-op once ended). */
  end(status: CallStatus): void;
}
