import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, it } from "node:test";
import { crc32 } from "./crc32.js";
import type { DeletionVectorDescriptor } from "./delta-actions.js";
import { DeltaError } from "./delta-error.js";
import { deletionVectorPath, loadDeletedRows } from "./deletion-vector.js";
import { decodeRoaringBitmapArray } from "./roaring-bitmap-array.js";
import { encodeRoaringBitmapArray, writeDeletionVectorFile } from "./test-support/deletion-vector-writer.js";
import { GOLDEN_DIR, makeTempDir } from "./test-fixtures.js";
import { decodeZ85, encodeZ85 } from "./z85.js";

const UUID = "d2c639aa-8816-431a-aaf6-d3fe2512ff61";
const uuidZ85 = (uuid: string) => encodeZ85(Buffer.from(uuid.replace(/-/g, ""), "hex"));
const isDamaged = (pattern: RegExp) => (error: unknown) => error instanceof DeltaError && error.code === "LOG_INVALID" && pattern.test(error.message);

describe("Z85 and CRC-32", () => {
  it("round-trips bytes and rejects text that is not Z85", () => {
    const bytes = Uint8Array.from({ length: 32 }, (_, i) => (i * 37) & 0xff);
    assert.deepEqual(decodeZ85(encodeZ85(bytes)), bytes);
    assert.equal(encodeZ85(Uint8Array.of(0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b)), "HelloWorld"); // ZeroMQ's test vector
    assert.throws(() => decodeZ85("abcd"), RangeError);
    assert.throws(() => decodeZ85("abc,e"), RangeError);
    assert.throws(() => decodeZ85("#####"), /exceeds 32 bits/);
  });

  it("computes the IEEE CRC-32", () => {
    assert.equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
    assert.equal(crc32(new Uint8Array(0)), 0);
  });
});

describe("decodeRoaringBitmapArray", () => {
  it("reads array, bitmap and run containers across 32-bit buckets", () => {
    const sparse = [0, 3, 65_535, 65_536, 2 ** 32 + 7, 5 * 2 ** 32];
    assert.deepEqual(decodeRoaringBitmapArray(encodeRoaringBitmapArray(sparse)), sparse);
    const dense = Array.from({ length: 5000 }, (_, i) => i * 3); // > 4096 in one block: a bitmap container
    assert.deepEqual(decodeRoaringBitmapArray(encodeRoaringBitmapArray(dense)), dense);
    const runs = [...Array.from({ length: 300 }, (_, i) => 100 + i), 70_000, 70_001, ...[1, 2, 3, 4, 5].map((k) => k * 2 ** 16)];
    assert.deepEqual(decodeRoaringBitmapArray(encodeRoaringBitmapArray(runs, "run")), runs);
    assert.deepEqual(decodeRoaringBitmapArray(encodeRoaringBitmapArray([])), []);
  });

  it("reads the native layout the protocol's inline example uses", async () => {
    // The protocol's "JSON Example 3 — Inline": rows 3, 4, 7, 11, 18, 29.
    const dv: DeletionVectorDescriptor = { storageType: "i", pathOrInlineDv: "wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L", sizeInBytes: 40, cardinality: 6 };
    assert.deepEqual(await loadDeletedRows("/unused", dv), [3, 4, 7, 11, 18, 29]);
  });

  it("rejects a wrong magic number, a bad cookie, truncation and a set top bit", () => {
    const good = encodeRoaringBitmapArray([1, 2, 3]);
    assert.throws(() => decodeRoaringBitmapArray(good.subarray(0, good.length - 1)), /truncated/);
    const wrongMagic = good.slice();
    wrongMagic[0] = 0;
    assert.throws(() => decodeRoaringBitmapArray(wrongMagic), /magic number/);
    const badCookie = good.slice();
    badCookie[16] = 0;
    assert.throws(() => decodeRoaringBitmapArray(badCookie), /cookie/);
    const topBit = encodeRoaringBitmapArray([2 ** 31 * 2 ** 32]);
    assert.throws(() => decodeRoaringBitmapArray(topBit), /bucket key/);
  });
});

describe("loadDeletedRows", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir, cleanup } = await makeTempDir()));
  after(() => cleanup());

  it("reads inline deletion vectors, whatever their padding", async () => {
    for (const rows of [[0], [1, 5, 9], Array.from({ length: 100 }, (_, i) => i * 7)]) {
      const bitmap = encodeRoaringBitmapArray(rows);
      const dv: DeletionVectorDescriptor = { storageType: "i", pathOrInlineDv: encodeZ85(bitmap), sizeInBytes: bitmap.length, cardinality: rows.length };
      assert.deepEqual(await loadDeletedRows(dir, dv), rows);
    }
  });

  it("reads 'u' vectors by UUID, with and without a random prefix, at their offsets", async () => {
    const first = encodeRoaringBitmapArray([2, 4]);
    const second = encodeRoaringBitmapArray([10, 11, 12]);
    const offsets = await writeDeletionVectorFile(join(dir, `deletion_vector_${UUID}.bin`), [first, second]);
    const at = (i: number, bitmap: Uint8Array, cardinality: number, prefix = ""): DeletionVectorDescriptor => ({
      storageType: "u", pathOrInlineDv: prefix + uuidZ85(UUID), offset: offsets[i]!, sizeInBytes: bitmap.length, cardinality,
    });
    assert.deepEqual(await loadDeletedRows(dir, at(0, first, 2)), [2, 4]);
    assert.deepEqual(await loadDeletedRows(dir, at(1, second, 3)), [10, 11, 12]);
    await mkdir(join(dir, "ab"));
    await writeDeletionVectorFile(join(dir, "ab", `deletion_vector_${UUID}.bin`), [first]);
    assert.equal(deletionVectorPath(dir, at(0, first, 2, "ab")), join(dir, "ab", `deletion_vector_${UUID}.bin`));
    assert.deepEqual(await loadDeletedRows(dir, at(0, first, 2, "ab")), [2, 4]);
  });

  it("reads 'p' vectors by absolute path or file: URI", async () => {
    const bitmap = encodeRoaringBitmapArray([7]);
    const path = join(dir, "elsewhere.bin");
    const [offset] = await writeDeletionVectorFile(path, [bitmap]);
    for (const pathOrInlineDv of [path, pathToFileURL(path).href]) {
      assert.deepEqual(await loadDeletedRows(dir, { storageType: "p", pathOrInlineDv, offset: offset!, sizeInBytes: bitmap.length, cardinality: 1 }), [7]);
    }
  });

  it("refuses damaged vectors: checksum, size, cardinality, format version, storage type, missing file", async () => {
    const bitmap = encodeRoaringBitmapArray([1, 2]);
    const path = join(dir, "damaged.bin");
    await writeDeletionVectorFile(path, [bitmap]);
    const dv = { storageType: "p", pathOrInlineDv: path, offset: 1, sizeInBytes: bitmap.length, cardinality: 2 };
    assert.deepEqual(await loadDeletedRows(dir, dv), [1, 2]);
    await assert.rejects(loadDeletedRows(dir, { ...dv, cardinality: 3 }), isDamaged(/holds 2 rows where the descriptor says 3/));
    await assert.rejects(loadDeletedRows(dir, { ...dv, sizeInBytes: bitmap.length - 1 }), isDamaged(/stores \d+ bytes/));
    await assert.rejects(loadDeletedRows(dir, { ...dv, storageType: "x" }), isDamaged(/storage type "x"/));
    await assert.rejects(loadDeletedRows(dir, { ...dv, pathOrInlineDv: join(dir, "missing.bin") }), isDamaged(/cannot be opened/));
    const corrupt = Buffer.concat([Uint8Array.of(1), Buffer.alloc(4), bitmap, Buffer.alloc(4)]);
    corrupt.writeUInt32BE(bitmap.length, 1);
    await writeFile(path, corrupt);
    await assert.rejects(loadDeletedRows(dir, dv), isDamaged(/checksum/));
    corrupt[0] = 2;
    await writeFile(path, corrupt);
    await assert.rejects(loadDeletedRows(dir, dv), isDamaged(/format version 2/));
  });

  it("reads the vectors Spark wrote (golden log-replay-dv-key-cases)", { skip: !existsSync(GOLDEN_DIR) }, async () => {
    const table = join(GOLDEN_DIR, "log-replay-dv-key-cases", "delta");
    const cases: Array<[string, number, number[]]> = [["h{&8fAg]=QYJvl-}c!yH", 34, [0]], ["j=hZPftg7qJYIw^L+Oz9", 36, [0, 7]], ["^jP?.<zvDfIGb{C.FPij", 38, [0, 7, 14]]];
    for (const [pathOrInlineDv, sizeInBytes, rows] of cases) {
      assert.deepEqual(await loadDeletedRows(table, { storageType: "u", pathOrInlineDv, offset: 1, sizeInBytes, cardinality: rows.length }), rows);
    }
  });
});
