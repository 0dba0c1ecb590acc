/**
 * Splits a stream of text chunks into lines (LF or CRLF), numbered from 1, without holding more than one
 * line plus one chunk in memory.
 */

/** One line of a file, without its line break. */
export interface NumberedLine {
  text: string;
  /** 1-based line number. */
  line: number;
}

/** Yields every line, including a last line without a line break (but not an empty one after the last break). */
export async function* readLines(chunks: AsyncIterable<string>): AsyncGenerator<NumberedLine> {
  let pending = "";
  let line = 0;
  for await (const chunk of chunks) {
    pending += chunk;
    let start = 0;
    for (let nl = pending.indexOf("\n", start); nl >= 0; nl = pending.indexOf("\n", start)) {
      const end = nl > start && pending.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      yield { text: pending.slice(start, end), line: ++line };
      start = nl + 1;
    }
    pending = pending.slice(start);
  }
  if (pending !== "") yield { text: pending.endsWith("\r") ? pending.slice(0, -1) : pending, line: ++line };
}
