import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Row } from "../schema/delta-type.js";
import { checkpointRowToAction } from "./checkpoint-rows.js";
import type { DeltaAction } from "./delta-actions.js";
import type { CheckpointFiles } from "./log-listing.js";
import { logDir } from "./log-files.js";
import { decodeParquet } from "./parquet-decoder.js";

/** The actions of a classic or multi-part Parquet checkpoint, part after part. */
export async function readCheckpointActions(tableDir: string, checkpoint: CheckpointFiles): Promise<DeltaAction[]> {
  const actions: DeltaAction[] = [];
  for (const name of checkpoint.names) {
    const decoded = decodeParquet(await readFile(join(logDir(tableDir), name)));
    const columns = [...decoded.columns.entries()];
    for (let i = 0; i < decoded.numRows; i++) {
      const row: Row = {};
      for (const [column, values] of columns) row[column] = values[i]!;
      const action = checkpointRowToAction(row);
      if (action !== null) actions.push(action);
    }
  }
  return actions;
}
