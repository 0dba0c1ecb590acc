import { SchemaError } from "./schema-error.js";

/** One token of a Spark SQL type string or column list. */
export interface SqlToken {
  /** `word` is a bare or backquoted identifier, `number` an unsigned integer, `string` a quoted literal. */
  kind: "word" | "quoted" | "number" | "string" | "punct" | "end";
  /** The token's text: identifiers without backquotes, string literals unescaped, punctuation as is. */
  value: string;
  /** Zero-based offset of the token's first character in the source text. */
  position: number;
}

const PUNCTUATION = new Set(["<", ">", "(", ")", ",", ":"]);

/**
 * Splits a type string or column list into tokens. Backquoted names keep any character, with a doubled
 * backquote standing for one; string literals (for COMMENT) use single or double quotes with backslash
 * escapes.
 *
 * @throws SchemaError on an unterminated quote or a character that cannot start a token.
 */
export function tokenizeSqlType(text: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (PUNCTUATION.has(c)) {
      tokens.push({ kind: "punct", value: c, position: i });
      i++;
    } else if (c === "`") {
      i = readBackquoted(text, i, tokens);
    } else if (c === "'" || c === '"') {
      i = readString(text, i, tokens);
    } else if (/[0-9]/.test(c)) {
      const match = /^[0-9]+/.exec(text.slice(i))![0];
      tokens.push({ kind: "number", value: match, position: i });
      i += match.length;
    } else if (/[A-Za-z_]/.test(c)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))![0];
      tokens.push({ kind: "word", value: match, position: i });
      i += match.length;
    } else {
      throw new SchemaError(`Unexpected character ${JSON.stringify(c)}`, { text, position: i });
    }
  }
  tokens.push({ kind: "end", value: "", position: text.length });
  return tokens;
}

function readBackquoted(text: string, start: number, tokens: SqlToken[]): number {
  let value = "";
  let i = start + 1;
  for (;;) {
    if (i >= text.length) throw new SchemaError("Unterminated backquoted name", { text, position: start });
    if (text[i] === "`") {
      if (text[i + 1] !== "`") break;
      value += "`";
      i += 2;
    } else {
      value += text[i];
      i++;
    }
  }
  if (value.length === 0) throw new SchemaError("Empty backquoted name", { text, position: start });
  tokens.push({ kind: "quoted", value, position: start });
  return i + 1;
}

function readString(text: string, start: number, tokens: SqlToken[]): number {
  const quote = text[start];
  let value = "";
  let i = start + 1;
  for (;;) {
    if (i >= text.length) throw new SchemaError("Unterminated string literal", { text, position: start });
    const c = text[i]!;
    if (c === quote) break;
    if (c === "\\" && i + 1 < text.length) {
      value += text[i + 1];
      i += 2;
    } else {
      value += c;
      i++;
    }
  }
  tokens.push({ kind: "string", value, position: start });
  return i + 1;
}
