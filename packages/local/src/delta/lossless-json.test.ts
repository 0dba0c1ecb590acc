import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseActionLine } from "./action-json.js";
import { parseLosslessJson } from "./lossless-json.js";

describe("parseLosslessJson", () => {
  it("keeps integers beyond 2^53 exact as bigints and leaves safe numbers alone", () => {
    const parsed = parseLosslessJson('{"a":9007199254740993,"b":-9223372036854775808,"c":12,"d":1.5e300,"e":[18446744073709551615,0.1]}');
    assert.deepEqual(parsed, { a: 9007199254740993n, b: -9223372036854775808n, c: 12, d: 1.5e300, e: [18446744073709551615n, 0.1] });
  });

  it("agrees with JSON.parse on everything else, escapes and nesting included", () => {
    const text = JSON.stringify({ s: 'quote " and \\ and \u00e9 and 1234567890123456789 in a string', n: null, t: true, f: false, x: [[], {}, [1, { y: -0.5 }]] });
    // The long digit run inside the string sends this through the slow path.
    const padded = ` ${text.replace(/,/g, " ,\n ")} `;
    assert.deepEqual(parseLosslessJson(padded), JSON.parse(padded));
    assert.deepEqual(parseLosslessJson('{"k": 12345678901234567890, "s": "\\"}"}'), { k: 12345678901234567890n, s: '"}' });
  });

  it("keeps a __proto__ member as an ordinary key, as JSON.parse does", () => {
    const parsed = parseLosslessJson('{"__proto__": {"polluted": true}, "n": 12345678901234567890}') as Record<string, unknown>;
    assert.deepEqual(Object.keys(parsed), ["__proto__", "n"]);
    assert.equal(Object.getPrototypeOf(parsed), Object.prototype);
    assert.equal(({} as Record<string, unknown>)["polluted"], undefined);
  });

  it("refuses absurd nesting with a SyntaxError, not a stack overflow", () => {
    const deep = "[".repeat(5000) + "12345678901234567890" + "]".repeat(5000);
    assert.throws(() => parseLosslessJson(deep), (err: unknown) => err instanceof SyntaxError && /nesting deeper than \d+/.test(err.message));
  });

  it("rejects invalid JSON like JSON.parse does", () => {
    for (const bad of ['{"a":12345678901234567890', '{"a":12345678901234567890,}', "[1234567890123456789 2]", '{"a":-}1234567890123456789']) {
      assert.throws(() => parseLosslessJson(bad), SyntaxError, bad);
    }
  });
});

describe("parseActionLine", () => {
  it("reads txn versions beyond 2^53 exactly, even with a look-alike inside a string", () => {
    const line = '{"txn":{"appId":"a\\"version\\":1","version":9223372036854775807,"lastUpdated":1700000000000}}';
    assert.deepEqual(parseActionLine(line, "test"), { txn: { appId: 'a"version":1', version: 9223372036854775807n, lastUpdated: 1700000000000 } });
  });

  it("keeps long statistics verbatim in add.stats", () => {
    const stats = '{"numRecords":1,"minValues":{"l":9223372036854775807}}';
    const action = parseActionLine(JSON.stringify({ add: { path: "p", partitionValues: {}, size: 1, modificationTime: 1, dataChange: true, stats } }), "test");
    assert.ok(action !== null && "add" in action);
    assert.equal(action.add.stats, stats);
  });
});
