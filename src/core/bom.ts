/** The text without its leading byte-order mark, if any (PowerShell's Out-File writes one): it is not content. */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
