import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { JsonSyntaxError, parseJsonExact } from "./json-exact.js";
import { readLines, type NumberedLine } from "./line-reader.js";

describe("parseJsonExact", () => {
  test("keeps integers beyond 2^53 exact as bigint; everything else as JSON.parse", () => {
    const text = '{"a":9007199254740993,"b":-9223372036854775808,"c":1.5,"d":[1,"x\\n\\u00e9",true,null],"e":{},"f":1e3,"g":42}';
    const value = parseJsonExact(text) as Record<string, unknown>;
    assert.equal(value["a"], 9007199254740993n);
    assert.equal(value["b"], -9223372036854775808n);
    const rest = { ...value, a: undefined, b: undefined };
    const expected = { ...(JSON.parse(text) as Record<string, unknown>), a: undefined, b: undefined };
    assert.deepEqual(rest, expected);
  });

  test("a __proto__ key is data", () => {
    const value = parseJsonExact('{"__proto__":{"x":1}}') as Record<string, unknown>;
    assert.deepEqual(Object.keys(value), ["__proto__"]);
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
  });

  test("syntax errors carry the column", () => {
    for (const [text, message] of [
      ['{"a" 1}', /expected ':' .* at column 6/],
      ["[1,]", /unexpected "]" at column 4/],
      ['{"a":1} x', /unexpected text after the JSON value at column 9/],
      ['"abc', /unterminated string at column 1/],
      ["", /unexpected end of JSON/],
      ["01", /unexpected text after the JSON value/],
    ] as const) {
      assert.throws(() => parseJsonExact(text), (err: unknown) => err instanceof JsonSyntaxError && message.test(err.message), text);
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
