/**
 * How an ingest run ends its stream, for record streams (ingest-session.ts) and Arrow streams
 * (arrow-ingest-session.ts) alike: `finish` flushes and closes, turning a failure into the session's own
 * error; `abandon` closes without a word. The SDK instance is closed either way.
 */
import type { ZerobusSdk } from "@zerobus-ts/sdk";
import type { CliError } from "../cli-error.js";

/** A stream the session can close (the SDK's record and Arrow streams). */
interface ClosableStream {
  close(): Promise<void>;
}

/** An open stream and the SDK instance it came from. */
export abstract class StreamSession<Stream extends ClosableStream> {
  protected constructor(
    protected readonly sdk: ZerobusSdk,
    protected readonly stream: Stream,
  ) {}

  /** Flushes and closes the stream (everything sent is then in the table), or throws as `send` does. */
  async finish(): Promise<void> {
    try {
      await this.stream.close();
    } catch (err) {
      throw await this.failure(err);
    } finally {
      this.sdk.close();
    }
  }

  /** Closes without reporting anything (the run is failing for another reason). */
  async abandon(): Promise<void> {
    await this.stream.close().catch(() => {});
    this.sdk.close();
  }

  /** The error a failed stream ends the run with. */
  protected abstract failure(err: unknown): Promise<CliError>;
}
