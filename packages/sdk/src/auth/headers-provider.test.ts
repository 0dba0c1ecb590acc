import assert from "node:assert/strict";
import { test } from "node:test";
import { NonRetriableException, ZerobusException } from "../errors.js";
import type { HeaderPairs, HeadersProvider, HeadersProviderInput } from "./headers-provider.js";
import { collectStreamHeaders, normalizeHeadersProvider } from "./headers-provider.js";

const TABLE = "main.sales.orders";
const SDK = "zerobus-ts/0.0.0-test";
const GOOD: HeaderPairs = [
  ["authorization", "Bearer tok"],
  ["x-databricks-zerobus-table-name", TABLE],
];
const EXPECTED: HeaderPairs = [...GOOD, ["x-zerobus-sdk", SDK]];

class ClassProvider implements HeadersProvider {
  readonly #headers = GOOD;
  getHeaders(): HeaderPairs {
    return this.#headers; // needs `this`: proves the method is called on its object
  }
}

/** Asserts a non-retriable rejection whose message matches. */
async function assertInvalid(pairs: unknown, message: RegExp, table = TABLE): Promise<NonRetriableException> {
  let caught: unknown;
  await collectStreamHeaders(() => pairs as HeaderPairs, table, SDK).then(
    () => assert.fail("expected a rejection"),
    (err: unknown) => (caught = err),
  );
  assert.ok(caught instanceof NonRetriableException, `not NonRetriable: ${String(caught)}`);
  assert.match(caught.message, message);
  return caught;
}

test("accepts every provider shape", async () => {
  const shapes: Array<[string, HeadersProviderInput]> = [
    ["sync function", () => GOOD],
    ["async function", async () => GOOD],
    ["object with sync getHeaders", { getHeaders: () => GOOD }],
    ["object with async getHeaders", { getHeaders: async () => GOOD }],
    ["class instance", new ClassProvider()],
    ["official TS getHeadersCallback", { getHeadersCallback: async () => GOOD }],
  ];
  for (const [label, shape] of shapes) {
    assert.deepEqual(await collectStreamHeaders(shape, TABLE, SDK), EXPECTED, label);
    assert.deepEqual(await normalizeHeadersProvider(shape)(), GOOD, label);
  }
});

test("prefers getHeadersCallback when an object has both methods", async () => {
  const other: HeaderPairs = [["authorization", "Bearer other"]];
  const provider = { getHeaders: () => other, getHeadersCallback: async () => GOOD };
  assert.deepEqual(await normalizeHeadersProvider(provider)(), GOOD);
});

test("a provider of the wrong shape is non-retriable and named", async () => {
  const cases: Array<[unknown, RegExp]> = [
    [undefined, /got undefined/],
    [null, /got null/],
    ["Bearer tok", /got a string/],
    [GOOD, /got an array/],
    [{ headers: GOOD }, /got an object with properties \[headers\]/],
  ];
  for (const [input, message] of cases) {
    assert.throws(() => normalizeHeadersProvider(input), (err: unknown) => {
      assert.ok(err instanceof NonRetriableException);
      assert.match(err.message, /^Invalid headers provider: /);
      assert.match(err.message, message);
      return true;
    });
    await assert.rejects(collectStreamHeaders(input as HeadersProviderInput, TABLE, SDK), NonRetriableException);
  }
});

test("drops short pairs, lower-cases names, keeps the last of repeated names", async () => {
  const pairs = [
    ["Authorization", "Bearer old"],
    ["x-custom"],
    [],
    ["X-Databricks-Zerobus-Table-Name", TABLE],
    ["AUTHORIZATION", "Bearer new"],
  ];
  const headers = await collectStreamHeaders(() => pairs as HeaderPairs, TABLE, SDK);
  assert.deepEqual(headers, [
    ["authorization", "Bearer new"],
    ["x-databricks-zerobus-table-name", TABLE],
    ["x-zerobus-sdk", SDK],
  ]);
});

test("keeps an x-zerobus-sdk header the provider set", async () => {
  const headers = await collectStreamHeaders(() => [...GOOD, ["X-Zerobus-Sdk", "custom/1"]], TABLE, SDK);
  assert.deepEqual(headers, [...GOOD, ["x-zerobus-sdk", "custom/1"]]);
});

test("missing authorization is non-retriable", async () => {
  await assertInvalid([GOOD[1]], /must include 'authorization' header/);
});

test("missing table-name header is non-retriable", async () => {
  await assertInvalid([GOOD[0]], /must include 'x-databricks-zerobus-table-name' header/);
});

test("a table-name header for another table is non-retriable", async () => {
  await assertInvalid(GOOD, /"main\.sales\.orders" but the stream's table is "main\.sales\.returns"/, "main.sales.returns");
});

test("a result that is not an array of pairs is non-retriable", async () => {
  await assertInvalid({ authorization: "Bearer tok" }, /provider returned an object .*expected an array/);
  await assertInvalid(undefined, /provider returned undefined/);
  await assertInvalid([...GOOD, [42, "x"]], /header name must be a string, got number/);
  await assertInvalid([...GOOD, ["x-count", 42]], /value of header "x-count" must be a string, got number/);
});

test("names and values gRPC cannot send are non-retriable, naming the header but not the value", async () => {
  const cases: Array<[[string, string], RegExp]> = [
    [["x-bad name", "v"], /header name "x-bad name" is not valid/],
    [["x-caf\u00e9", "v"], /header name "x-caf\u00e9" is not valid/],
    [["x-new\nline", "v"], /header name "x-new\\nline" is not valid/],
    [["x-data-bin", "v"], /header name "x-data-bin" is not valid/],
    [["x-note", "caf\u00e9"], /value of header 'x-note' is not valid/],
    [["x-note", "a\r\nb"], /value of header 'x-note' is not valid/],
  ];
  for (const [pair, message] of cases) {
    await assertInvalid([...GOOD, pair], message);
  }
  const err = await assertInvalid([["authorization", "Bearer sec\nret"], GOOD[1]], /value of header 'authorization'/);
  assert.ok(!err.message.includes("sec"), err.message);
});

test("an invalid sdk identifier is rejected like any header", async () => {
  await assert.rejects(collectStreamHeaders(() => GOOD, TABLE, "zerobus\n"), /value of header 'x-zerobus-sdk'/);
});

test("a provider that throws a plain error becomes a retriable ZerobusException with the cause", async () => {
  const failure = new Error("vault unreachable");
  for (const provider of [
    () => {
      throw failure;
    },
    async () => Promise.reject(failure),
    { getHeadersCallback: async () => Promise.reject(failure) },
  ] satisfies HeadersProviderInput[]) {
    const err = await collectStreamHeaders(provider, TABLE, SDK).then(
      () => assert.fail("expected a rejection"),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ZerobusException);
    assert.equal(err.retriable, true);
    assert.equal(err.message, "Headers provider failed: vault unreachable");
    assert.equal(err.cause, failure);
  }
  await assert.rejects(
    collectStreamHeaders(() => Promise.reject("just a string"), TABLE, SDK),
    (e: unknown) => e instanceof ZerobusException && e.message === "Headers provider failed: just a string",
  );
});

test("a provider's own ZerobusException passes through unchanged", async () => {
  for (const thrown of [new ZerobusException("transient"), new NonRetriableException("bad credentials")]) {
    await assert.rejects(collectStreamHeaders(async () => Promise.reject(thrown), TABLE, SDK), (e: unknown) => e === thrown);
  }
});
