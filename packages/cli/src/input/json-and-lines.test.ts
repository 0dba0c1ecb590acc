import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { JsonTextError, loadExactJsonParser } from "../ingest/exact-json.js";
import { readLines, type NumberedLine } from "./line-reader.js";

describe("the exact JSON parser (local's parseLosslessJson, loaded on demand)", () => {
  test("keeps integers beyond 2^53 exact as bigint; bad text is a JsonTextError", async () => {
    const parse = await loadExactJsonParser();
    assert.deepEqual(parse('{"a":9007199254740993,"b":[1.5,"x"],"c":-9223372036854775808}'), { a: 9007199254740993n, b: [1.5, "x"], c: -9223372036854775808n });
    for (const text of ['{"a" 1}', "[1,]", '{"a":12345678901234567890} x', ""]) {
      assert.throws(() => parse(text), (err: unknown) => err instanceof JsonTextError, text);
    }
  });
});

describe("readLines", () => {
  async function lines(chunks: string[]): Promise<NumberedLine[]> {
    async function* source() {
      yield* chunks;
    }
    const out: NumberedLine[] = [];
    for await (const line of readLines(source())) out.push(line);
    return out;
  }

  test("LF and CRLF, any chunking, numbered from 1, last line without a break", async () => {
    const text = "a\r\nbb\n\nc";
    for (let i = 0; i <= text.length; i++) {
      const got = await lines([text.slice(0, i), text.slice(i)]);
      assert.deepEqual(got, [{ text: "a", line: 1 }, { text: "bb", line: 2 }, { text: "", line: 3 }, { text: "c", line: 4 }], `split at ${i}`);
    }
    assert.deepEqual(await lines(["x\n"]), [{ text: "x", line: 1 }]);
  });
});
