// The one catalogue of syntax messages, as TypeScript keeps its diagnostic messages in
// one place: wording stays consistent, and every message names what was actually found.
// `found` arguments are already described by `describeFound` ("')'", "end of line").

import type { Token } from './lexer';

/** The diagnostic codes the lexer and the parser emit. */
export type SyntaxCode =
  | 'unexpected-character'
  | 'malformed-number'
  | 'number-out-of-range'
  | 'expected-statement'
  | 'expected-name'
  | 'expected-expression'
  | 'expected-token'
  | 'unclosed-bracket'
  | 'unexpected-token'
  | 'positional-after-keyword'
  | 'nesting-too-deep'
  | 'internal-error';

/** Quotes source text for a message, shortening long text. */
export function quote(text: string): string {
  const shown = text.length > 24 ? `${text.slice(0, 24)}…` : text;
  return shown.includes("'") ? `"${shown}"` : `'${shown}'`;
}

/** What a message says was found instead: `'x'`, `')'`, `end of line`, `end of file`. */
export function describeFound(token: Token): string {
  if (token.kind === 'newline') return 'end of line';
  if (token.kind === 'eof') return 'end of file';
  return quote(token.text);
}

/** Names one character, by code point when it is invisible or a control character. */
function nameCharacter(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  if (code < 0x21 || (code >= 0x7f && code <= 0xa0) || /\p{Z}|\p{C}/u.test(ch)) {
    return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return quote(ch);
}

/** Catalogue of messages; each is a function so the wording lives here and only here. */
export const messages = {
  /** A run of characters that cannot start any token. */
  unexpectedCharacters(text: string): string {
    const chars = Array.from(text);
    if (chars.length === 1) return `Unexpected character ${nameCharacter(text)}`;
    // Invisible characters are listed by code point, since quoting them shows nothing.
    const names = chars.map(nameCharacter);
    const shown = names.some((n) => n.startsWith('U+')) ? names.join(' ') : quote(text);
    return `Unexpected characters ${shown}`;
  },

  /** `1e`, `1.2.3`, `2x`. */
  malformedNumber(text: string): string {
    return `Malformed number ${quote(text)}: a number looks like 1, 0.5, .5, 1e-3 or 2E+5`;
  },

  /** `1e999`. */
  numberOutOfRange(text: string): string {
    return `Number ${quote(text)} is too large to represent`;
  },

  /** Generic: `Expected '=' after 'x', found '1'`. */
  expected(what: string, found: string): string {
    return `Expected ${what}, found ${found}`;
  },

  /** A line that starts with something no statement starts with. */
  expectedStatement(found: string): string {
    return `Expected a statement (a name, or a keyword such as 'param' or 'train'), found ${found}`;
  },

  /** `input = 1`. */
  expectedName(keyword: string, found: string): string {
    return `Expected a name after ${quote(keyword)}, found ${found}`;
  },

  /** `x 1`, `param W 3`, `gradcheck eps`. */
  expectedEquals(name: string, found: string): string {
    return `Expected '=' after ${quote(name)}, found ${found}`;
  },

  /** `h = `, `1 + )`. */
  expectedExpression(after: string, found: string): string {
    return `Expected an expression after ${quote(after)}, found ${found}`;
  },

  /** `[1, 2 3]`, `f(a b)`. */
  expectedSeparator(close: string, found: string): string {
    return `Expected ',' or ${quote(close)}, found ${found}`;
  },

  /** `x = (1 + 2` at the end of the line, or `jacobian [y wrt x`. */
  expectedClose(close: string, open: string, line: number, found: string): string {
    return `Expected ${quote(close)} to close ${quote(open)} at line ${line}, found ${found}`;
  },

  /** `x[]`. */
  expectedIndex(found: string): string {
    return `Expected an index inside '[ ]', found ${found}`;
  },

  /** `x.y`: only `.T` exists. */
  expectedTranspose(found: string): string {
    return `Expected 'T' after '.' ('.T' is the transpose; there are no other attributes), found ${found}`;
  },

  /** `jacobian 3 wrt x`, `jacobian [y, 1] wrt x`. */
  expectedNameList(after: string, found: string): string {
    return `Expected a name or a list of names like '[a, b]' after ${quote(after)}, found ${found}`;
  },

  /** `jacobian [y, 1]`. */
  expectedNameInList(found: string): string {
    return `Expected a name in the list, found ${found}`;
  },

  /** `jacobian y`, `train sgd 10`, `log 10`. */
  expectedKeyword(keyword: string, after: string, found: string): string {
    return `Expected ${quote(keyword)} after ${quote(after)}, found ${found}`;
  },

  /** `train 3 steps 10`. */
  expectedOptimizer(found: string): string {
    return `Expected an optimizer such as 'sgd(lr=0.01)' or 'adam(lr=1e-3)' after 'train', found ${found}`;
  },

  /** `gradcheck 3`. */
  expectedOption(found: string): string {
    return `Expected an option such as 'eps=1e-6' after 'gradcheck', found ${found}`;
  },

  /** `x = 1 2`. */
  unexpectedAfterStatement(found: string): string {
    return `Unexpected ${found} after the end of the statement`;
  },

  /** Brackets or operators nested deeper than the parser's recursion allows. */
  nestingTooDeep(limit: number): string {
    return `Expression nested too deeply (more than ${limit} levels)`;
  },

  /** A parser bug; reported instead of crashing the editor. */
  internalError(detail: string): string {
    return `Internal parser error, please report it: ${detail}`;
  },

  /** `f(a=1, 2)`. */
  positionalAfterKeyword(): string {
    return 'A positional argument cannot follow keyword arguments';
  },
};
