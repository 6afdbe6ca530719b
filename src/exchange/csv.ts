// RFC 4180 CSV: CRLF line ends, a field quoted when it holds a quote, comma, CR or LF, quotes
// doubled. A text field that starts with = + - @ (or a tab/CR) gets a leading apostrophe so that a
// spreadsheet opening the export shows it instead of running it as a formula (OWASP "CSV injection").

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function csvRow(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}
