/**
 * The catalog's storage: each table is a Delta table at `<dataDir>/<catalog>/<schema>/<table>/`, and the
 * directory tree is the only catalog state, so tables written by an earlier run (or copied in) show up
 * as they are. Everything a listing reports comes from the Delta log itself.
 */
import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { createDeltaTable, DeltaError, loadSnapshot } from "../delta/index.js";
import type { DeltaField } from "../schema/delta-type.js";
import { boundMessage } from "../text/bounded-text.js";
import { checkNamePart, parseTableName, type TableName } from "./table-name.js";

/** A table as the catalog describes it. */
export interface TableInfo {
  name: TableName;
  /** Absolute path of the table directory. */
  dir: string;
  fields: DeltaField[];
  /** The Delta table id (`metaData.id`). */
  tableId: string;
  /** Creation time in milliseconds since the epoch. */
  createdAtMs: number;
  comment: string | null;
  properties: Record<string, string>;
}

/** Creating a table that already exists. */
export class TableExistsError extends Error {
  override readonly name = "TableExistsError";
}

/**
 * A table directory whose Delta log cannot be read (damaged or cut-short commits, a missing commit, a
 * schema this service cannot model). `cause` is the reader's error; the message names the table and it.
 */
export class TableUnreadableError extends Error {
  override readonly name = "TableUnreadableError";
  constructor(
    readonly table: TableName,
    cause: unknown,
  ) {
    super(`Table '${table.fullName}' cannot be read: ${boundMessage((cause as Error)?.message ?? String(cause), 1024)}`, { cause });
  }
}

/** Options of `TableStore.create`. */
export interface CreateTableOptions {
  comment?: string;
  properties?: Record<string, string>;
}

/** Reads and writes the table tree under one data directory. */
export class TableStore {
  /** Called before a table's files are removed, so open writers and streams can be closed first. */
  beforeDelete: (name: TableName) => Promise<void> = async () => {};

  constructor(readonly dataDir: string) {}

  /** The directory a table lives in (whether or not it exists). */
  dirOf(name: TableName): string {
    return join(this.dataDir, name.catalog, name.schema, name.table);
  }

  /**
   * The table, or `undefined` when there is no Delta table at its directory. Throws
   * `TableUnreadableError` when there is one but its log cannot be read.
   */
  async get(name: TableName): Promise<TableInfo | undefined> {
    const dir = this.dirOf(name);
    if (!(await isDirectory(join(dir, "_delta_log")))) return undefined;
    let snapshot;
    try {
      snapshot = await loadSnapshot(dir);
    } catch (err) {
      if (err instanceof DeltaError && err.code === "TABLE_NOT_FOUND") return undefined;
      throw new TableUnreadableError(name, err);
    }
    const created = snapshot.metadata.createdTime ?? (await stat(dir)).mtimeMs;
    return {
      name,
      dir,
      fields: snapshot.fields,
      tableId: snapshot.metadata.id,
      createdAtMs: Math.trunc(created),
      comment: snapshot.metadata.description ?? null,
      properties: { ...snapshot.configuration },
    };
  }

  /** Creates an empty Delta table; throws `TableExistsError` when one is already there. */
  async create(name: TableName, fields: DeltaField[], options: CreateTableOptions = {}): Promise<TableInfo> {
    const dir = this.dirOf(name);
    if (await isDirectory(join(dir, "_delta_log"))) throw new TableExistsError(`Table '${name.fullName}' already exists`);
    try {
      await createDeltaTable(dir, {
        fields,
        name: name.table,
        ...(options.comment !== undefined ? { description: options.comment } : {}),
        ...(options.properties !== undefined ? { configuration: options.properties } : {}),
      });
    } catch (err) {
      // Two creators racing: the Delta layer's exclusive commit of version 0 decides.
      if (err instanceof DeltaError && err.code === "TABLE_EXISTS") throw new TableExistsError(`Table '${name.fullName}' already exists`, { cause: err });
      throw err;
    }
    const info = await this.get(name);
    if (info === undefined) throw new Error(`Table '${name.fullName}' vanished right after it was created`);
    return info;
  }

  /**
   * The tables of one schema that `visible` admits, sorted by name. A table that cannot be read is left
   * out (getting it names the problem), so one damaged table never hides the others.
   */
  async list(catalog: string, schema: string, visible: (name: TableName) => boolean = () => true): Promise<TableInfo[]> {
    const schemaDir = join(this.dataDir, checkNamePart(catalog, "catalog"), checkNamePart(schema, "schema"));
    let entries: string[];
    try {
      entries = await readdir(schemaDir);
    } catch {
      return [];
    }
    const tables: TableInfo[] = [];
    for (const entry of entries.sort()) {
      let name: TableName;
      try {
        name = parseTableName(`${catalog}.${schema}.${entry}`);
      } catch {
        continue; // Not a name the catalog could have created; not a table.
      }
      if (!visible(name)) continue;
      try {
        const info = await this.get(name);
        if (info !== undefined) tables.push(info);
      } catch (err) {
        if (!(err instanceof TableUnreadableError)) throw err;
      }
    }
    return tables;
  }

  /** Deletes a table's directory; returns false when there was no such table. */
  async delete(name: TableName): Promise<boolean> {
    const dir = this.dirOf(name);
    if (!(await isDirectory(join(dir, "_delta_log")))) return false;
    await this.beforeDelete(name);
    await rm(dir, { recursive: true, force: true });
    return true;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
