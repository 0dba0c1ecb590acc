/**
 * The table's columns with parsed types, from the Unity Catalog API: CSV cells and Arrow columns are
 * converted by them.
 */
import { parseColumnType, type ColumnField } from "@zerobus-ts/sdk";
import { UcClient } from "../catalog/uc-client.js";
import { CliError } from "../cli-error.js";
import type { ConnectionSettings } from "../connection-settings.js";
import type { TableName } from "../table-name.js";

/** The columns of `table`; `purpose` names what they are for in the error about a type that does not parse. */
export async function tableColumnFields(settings: ConnectionSettings, table: TableName, purpose: string): Promise<ColumnField[]> {
  const columns = await new UcClient(settings).columns(table);
  return columns.map((c) => {
    try {
      return { name: c.name, type: parseColumnType(c.type_text ?? c.type_name ?? ""), nullable: c.nullable !== false };
    } catch (err) {
      throw new CliError(`cannot ${purpose} for table ${table.fullName}: column '${c.name}': ${(err as Error).message}`, { cause: err });
    }
  });
}
