/**
 * The cases `npm run torture` replays. Each runs against its own service and temp directory, bounds its
 * own time and returns one or more table rows. Other cases (REST scoping, value refusals, launcher death)
 * append themselves here.
 */
import { bigBatchCases } from "./big-batches.js";
import { connectThenFailCases } from "./connect-then-fail.js";
import { longErrorCases } from "./long-errors.js";
import { killCycleCases } from "./kill-cycles.js";
import { scopingAndValueCases } from "./scoping-and-values.js";

/** What a case reports: one row of the final table. */
export interface TortureOutcome {
  /** Row name when a case reports several rows. */
  name?: string;
  outcome: string;
  pass: boolean;
}

/** Shared settings of a run. */
export interface TortureContext {
  seed: number;
  /** Concurrency levels of the big-batch cases. */
  bigBatchCalls: number[];
  log(line: string): void;
}

/** One case. */
export interface TortureCase {
  name: string;
  run(context: TortureContext): Promise<TortureOutcome[]>;
}

/** Every case, in the order they run. */
export const TORTURE_CASES: TortureCase[] = [...bigBatchCases(), ...longErrorCases(), ...connectThenFailCases(), ...scopingAndValueCases(), ...killCycleCases()];
