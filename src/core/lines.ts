/** 1-based line of a character offset in a text: where an input error or a finding points. */
export function lineAt(text: string, offset: number): number {
  return 1 + countLines(text, 0, offset);
}

/** Line breaks in `text` between two offsets. */
export function countLines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
