/**
 * The provisioning-log download, one row per entry with the columns of Entra's (identity, action, status, reason,
 * target, time, change id, request id, modified properties): CSV (RFC 4180) or a JSON array, written a piece at
 * a time. No framework.
 */
export const EXPORT_FORMATS = ['csv', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface LogExportRow {
  id: number;
  time: string;
  targetId: string;
  targetName: string | null;
  objectType: string;
  objectId: string;
  changeSeq: number | null;
  action: string;
  status: string;
  reason: string | null;
  detail: string | null;
  requestId: string | null;
  attempt: number;
  responseStatus: number | null;
  durationMs: number;
  /**
   * The JSON text of the list as the log stores it (`[]` for none), written as it is: parsing and re-serialising it
   * for each of 100,000 rows was most of the download's garbage.
   */
  modifiedProperties: string;
}

export const EXPORT_COLUMNS: readonly (keyof LogExportRow)[] = [
  'id',
  'time',
  'targetId',
  'targetName',
  'objectType',
  'objectId',
  'changeSeq',
  'action',
  'status',
  'reason',
  'detail',
  'requestId',
  'attempt',
  'responseStatus',
  'durationMs',
  'modifiedProperties',
];

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
};

/** The text before the first row, between rows, and after the last. */
export function exportFrame(format: ExportFormat): { head: string; separator: string; tail: string } {
  return format === 'csv'
    ? { head: `${EXPORT_COLUMNS.join(',')}\r\n`, separator: '', tail: '' }
    : { head: '[', separator: ',\n', tail: ']\n' };
}

export function formatRow(format: ExportFormat, row: LogExportRow): string {
  if (format === 'csv') return `${EXPORT_COLUMNS.map((c) => csvCell(row[c])).join(',')}\r\n`;
  const { modifiedProperties, ...rest } = row;
  return `${JSON.stringify(rest).slice(0, -1)},"modifiedProperties":${modifiedProperties}}`;
}

/**
 * A CSV cell: text opening with = + - @, a tab or a carriage return is prefixed with `'` so that a spreadsheet
 * shows it rather than evaluating it (OWASP "CSV injection"); quoted when it holds a comma, a quote or a line break.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
