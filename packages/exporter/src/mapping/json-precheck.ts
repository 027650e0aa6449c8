/*
 * A cheap filter in front of JSON.parse: attribute values are mostly plain text, and a JSON.parse that throws is
 * expensive. `mayBeJson` must never say false for a text JSON.parse accepts (it may say true for one it refuses).
 * A text with leading whitespace counts as plain text: only its first character is looked at for the kind.
 */

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?[ \t\n\r]*$/;

function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** Index of the last character that is not JSON whitespace; -1 when there is none. */
function lastNonSpace(text: string): number {
  let i = text.length - 1;
  while (i >= 0 && isJsonSpace(text.charCodeAt(i))) i--;
  return i;
}

/** Index of the first character after `from` that is not JSON whitespace; `text.length` when there is none. */
function nextNonSpace(text: string, from: number): number {
  let i = from + 1;
  while (i < text.length && isJsonSpace(text.charCodeAt(i))) i++;
  return i;
}

/** `text` is exactly `literal`, then JSON whitespace only. */
function isLiteral(text: string, literal: string): boolean {
  return text.startsWith(literal) && lastNonSpace(text) === literal.length - 1;
}

/** Whether `text` has the shape of a JSON text: the kind its first character announces, closed where it must be. */
export function mayBeJson(text: string): boolean {
  const first = text.charCodeAt(0);
  switch (first) {
    case 0x7b /* { */: {
      const last = lastNonSpace(text);
      if (last <= 0 || text.charCodeAt(last) !== 0x7d /* } */) return false;
      const next = text.charCodeAt(nextNonSpace(text, 0));
      return next === 0x22 /* " */ || next === 0x7d /* } */;
    }
    case 0x5b /* [ */: {
      const last = lastNonSpace(text);
      return last > 0 && text.charCodeAt(last) === 0x5d /* ] */;
    }
    case 0x22 /* " */: {
      const last = lastNonSpace(text);
      return last > 0 && text.charCodeAt(last) === 0x22;
    }
    case 0x74 /* t */:
      return isLiteral(text, 'true');
    case 0x66 /* f */:
      return isLiteral(text, 'false');
    case 0x6e /* n */:
      return isLiteral(text, 'null');
    default:
      return (first === 0x2d /* - */ || (first >= 0x30 && first <= 0x39)) /* 0-9 */ && NUMBER.test(text);
  }
}
