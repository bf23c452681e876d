// The lexer turns a `.grad` source into tokens with exact offset ranges. Like the
// parser it never throws: an unexpected character becomes an `error` token plus a
// diagnostic, and a malformed number becomes a `number` token flagged `malformed`,
// so the parser can put a placeholder there without reporting the same spot twice.

import type { Range } from './ast';
import type { DiagnosticBag } from './diagnostics';
import { messages } from './messages';

/** The kinds of token; punctuation kinds are spelled as the punctuation itself. */
export type TokenKind =
  | 'number'
  | 'identifier'
  | '+'
  | '-'
  | '*'
  | '/'
  | '@'
  | '^'
  | '='
  | '('
  | ')'
  | '['
  | ']'
  | ','
  | '.'
  | 'newline'
  | 'eof'
  | 'error';

/** One token: its kind, its exact source span and text, and for numbers the value. */
export interface Token {
  readonly kind: TokenKind;
  readonly range: Range;
  /** The source text of the token (for `newline`, the line break itself; empty for `eof`). */
  readonly text: string;
  /** The numeric value of a `number` token; NaN for every other kind and for malformed numbers. */
  readonly value: number;
  /** True for a `number` token that is not a valid number (`1e`, `1.2.3`); already reported. */
  readonly malformed: boolean;
}

const PUNCTUATION: ReadonlySet<string> = new Set(['+', '-', '*', '/', '@', '^', '=', '(', ')', '[', ']', ',', '.']);

// A valid number: `1`, `1.`, `1.5`, `.5`, each with an optional exponent `e-3`.
const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
// What follows a number and would make it malformed: more number or name characters.
const NUMBER_TAIL = /[0-9A-Za-z_.]*/y;
// After a bad exponent, its sign belongs to the malformed number too (`1e-`, `1e+x`).
const BAD_EXPONENT = /[eE][+-]?[0-9A-Za-z_.]*/y;
const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/y;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || isDigit(c);
}

/** Characters the lexer treats as blanks; the BOM is here because editors may keep it. */
function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 0xfeff;
}

/** Whether a character starts some valid token, so a run of unexpected ones stops before it. */
function startsToken(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return (
    isBlank(c) || c === 10 || c === 13 || c === 35 /* # */ || isNameStart(c) || isDigit(c) || PUNCTUATION.has(text[i])
  );
}

function token(kind: TokenKind, start: number, end: number, text: string, value = NaN, malformed = false): Token {
  return { kind, range: { start, end }, text, value, malformed };
}

/** Splits `text` into tokens ending with one `eof`; lexical problems go to `diagnostics`. */
export function tokenize(text: string, diagnostics: DiagnosticBag): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (isBlank(c)) {
      i++;
      continue;
    }
    if (c === 35 /* # */) {
      // A comment runs to the line break, which stays a token of its own.
      while (i < text.length && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
      continue;
    }
    if (c === 10 || c === 13) {
      // \r\n is one line break; so is a lone \r, as LineMap counts it.
      const end = c === 13 && text.charCodeAt(i + 1) === 10 ? i + 2 : i + 1;
      tokens.push(token('newline', i, end, text.slice(i, end)));
      i = end;
      continue;
    }
    if (isDigit(c) || (c === 46 /* . */ && isDigit(text.charCodeAt(i + 1)))) {
      const t = lexNumber(text, i, diagnostics);
      tokens.push(t);
      i = t.range.end;
      continue;
    }
    if (isNameStart(c)) {
      IDENTIFIER.lastIndex = i;
      IDENTIFIER.test(text);
      const end = IDENTIFIER.lastIndex;
      tokens.push(token('identifier', i, end, text.slice(i, end)));
      i = end;
      continue;
    }
    if (PUNCTUATION.has(text[i])) {
      tokens.push(token(text[i] as TokenKind, i, i + 1, text[i]));
      i++;
      continue;
    }
    // A run of unexpected characters is one token and one diagnostic, not one per character.
    let end = i;
    do {
      end += (text.codePointAt(end) ?? 0) > 0xffff ? 2 : 1;
    } while (end < text.length && !startsToken(text, end));
    const bad = text.slice(i, end);
    tokens.push(token('error', i, end, bad));
    diagnostics.error('unexpected-character', messages.unexpectedCharacters(bad), { start: i, end });
    i = end;
  }
  tokens.push(token('eof', text.length, text.length, ''));
  return tokens;
}

/** Reads the number starting at `start`; always consumes at least one character. */
function lexNumber(text: string, start: number, diagnostics: DiagnosticBag): Token {
  NUMBER.lastIndex = start;
  NUMBER.test(text);
  let end = NUMBER.lastIndex;
  const next = text.charCodeAt(end);
  const afterNext = text.charCodeAt(end + 1);
  let malformed = false;
  if ((next === 101 || next === 69) /* e E */ && !isDigit(afterNext)) {
    // `1e`, `1e-`, `1ex`: an exponent without digits.
    BAD_EXPONENT.lastIndex = end;
    BAD_EXPONENT.test(text);
    end = BAD_EXPONENT.lastIndex;
    malformed = true;
  } else if (text.charCodeAt(end - 1) === 46 /* . */ && isNameStart(next)) {
    // `1.T` is the number 1 followed by the transpose: give the dot back.
    end--;
  } else if (isNameChar(next) || (next === 46 && isDigit(afterNext)) || (next === 46 && text.charCodeAt(end - 1) === 46)) {
    // `1.2.3`, `2x`, `1..5`: glued characters that cannot follow a number.
    NUMBER_TAIL.lastIndex = end;
    NUMBER_TAIL.test(text);
    end = NUMBER_TAIL.lastIndex;
    malformed = true;
  }
  const raw = text.slice(start, end);
  const range = { start, end };
  if (malformed) {
    diagnostics.error('malformed-number', messages.malformedNumber(raw), range);
    return token('number', start, end, raw, NaN, true);
  }
  const value = Number(raw);
  if (!Number.isFinite(value)) {
    diagnostics.error('number-out-of-range', messages.numberOutOfRange(raw), range);
    return token('number', start, end, raw, NaN, true);
  }
  return token('number', start, end, raw, value);
}
