/** An nginx string literal. Values come from the scenario; `$` would be read as a variable, so it is refused. */
export function quote(value: string): string {
  if (/[$\r\n]/.test(value)) throw new Error(`header value not allowed in nginx config: ${JSON.stringify(value)}`);
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/** Indents every non-empty line by two spaces. */
export function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line ? `  ${line}` : line))
    .join('\n');
}
