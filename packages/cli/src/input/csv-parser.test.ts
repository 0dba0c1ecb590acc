import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CsvFormatError, CsvParser, readCsvRows, type CsvRow } from "./csv-parser.js";

/** Parses text pushed in the given chunks. */
function parse(chunks: string[]): CsvRow[] {
  const parser = new CsvParser();
  return [...chunks.flatMap((c) => parser.push(c)), ...parser.end()];
}

const fields = (rows: CsvRow[]) => rows.map((r) => r.fields);

/** Every way of cutting `text` into two chunks, plus one character at a time. */
function splits(text: string): string[][] {
  const out: string[][] = [[text], [...text]];
  for (let i = 1; i < text.length; i++) out.push([text.slice(0, i), text.slice(i)]);
  return out;
}

describe("CsvParser", () => {
  test("plain fields, LF and CRLF line ends, last record without a line break", () => {
    const rows = parse(["a,b,c\r\n1,2,3\n4,5,6"]);
    assert.deepEqual(fields(rows), [["a", "b", "c"], ["1", "2", "3"], ["4", "5", "6"]]);
    assert.deepEqual(rows.map((r) => r.line), [1, 2, 3]);
  });

  test("quoted fields hold commas, doubled quotes and line breaks; lines keep counting", () => {
    const text = 'name,note\n"Smith, J.","said ""hi"""\n"multi\r\nline\nfield",x\nlast,"y"\n';
    for (const chunks of splits(text)) {
      const rows = parse(chunks);
      assert.deepEqual(fields(rows), [["name", "note"], ["Smith, J.", 'said "hi"'], ["multi\r\nline\nfield", "x"], ["last", "y"]], JSON.stringify(chunks));
      assert.deepEqual(rows.map((r) => r.line), [1, 2, 3, 6], "a record's line is where it starts");
    }
  });

  test("tells quoted empty fields from empty ones; empty lines are skipped", () => {
    const rows = parse(['a,"",c,\n\n\r\n,\n""\n']);
    assert.deepEqual(fields(rows), [["a", "", "c", ""], ["", ""], [""]]);
    assert.deepEqual(rows[0]!.quoted, [false, true, false, false]);
    assert.deepEqual(rows[2]!.quoted, [true]);
    assert.deepEqual(rows.map((r) => r.line), [1, 4, 5]);
  });

  test("a lone CR ends a record; a byte-order mark is dropped", () => {
    assert.deepEqual(fields(parse(["\uFEFFa,b\rc,d\r"])), [["a", "b"], ["c", "d"]]);
    assert.deepEqual(fields(parse(["\uFEFF", "x\n"])), [["x"]]);
  });

  test("CRLF split across chunks is one line break", () => {
    for (const chunks of splits("a\r\nb\r\n\"c\r\nd\"\r\n")) {
      const rows = parse(chunks);
      assert.deepEqual(fields(rows), [["a"], ["b"], ["c\r\nd"]], JSON.stringify(chunks));
      assert.deepEqual(rows.map((r) => r.line), [1, 2, 3]);
    }
  });

  test("malformed input is an error naming the line", () => {
    const fails = (text: string, line: number, message: RegExp) =>
      assert.throws(() => parse([text]), (err: unknown) => err instanceof CsvFormatError && err.line === line && message.test(err.message), text);
    fails('a,b\nc,"open\n\n', 2, /not closed before the end of the file \(the record starts on line 2\)/);
    fails('ok\nab"c,d\n', 2, /double quote inside an unquoted field/);
    fails('ok\n"ab"c,d\n', 2, /unexpected "c" after a closing quote/);
    fails('"a\nb"x\n', 2, /after a closing quote/);
  });

  test("readCsvRows streams from chunks", async () => {
    async function* chunks() {
      yield "h1,h2\n1,";
      yield '"2\n';
      yield '"\n';
    }
    const rows: CsvRow[] = [];
    for await (const row of readCsvRows(chunks())) rows.push(row);
    assert.deepEqual(fields(rows), [["h1", "h2"], ["1", "2\n"]]);
  });
});
