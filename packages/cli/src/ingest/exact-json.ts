/**
 * JSON text whose integers must stay exact: PROTO-mode records and JSON held in CSV cells, where
 * `JSON.parse` would silently turn 9007199254740993 into 9007199254740992 in a BIGINT column. The parser
 * is the local package's `parseLosslessJson` (integers beyond 2^53 as bigint), loaded only by runs that
 * need it: `@zerobus-ts/local` brings Arrow and Parquet with it, about a second of start-up from sources.
 */
import type { LosslessJsonValue } from "@zerobus-ts/local";

/** A parsed JSON value, integers beyond 2^53 as bigint. */
export type ExactJson = LosslessJsonValue;

/** Parses JSON text exactly; throws {@link JsonTextError}. */
export type ExactJsonParser = (text: string) => ExactJson;

/** JSON text that does not parse; the message says why and where. */
export class JsonTextError extends Error {
  override readonly name = "JsonTextError";
}

/** Loads the parser (once per process: the module cache keeps it). */
export async function loadExactJsonParser(): Promise<ExactJsonParser> {
  const { parseLosslessJson } = await import("@zerobus-ts/local");
  return (text) => {
    try {
      return parseLosslessJson(text);
    } catch (err) {
      // SyntaxError for bad text; RangeError when nesting exhausts the stack. Nothing else is expected.
      if (err instanceof SyntaxError || err instanceof RangeError) throw new JsonTextError(err.message);
      throw err;
    }
  };
}
