import { csvCell, EXPORT_COLUMNS, exportFrame, formatRow, LogExportRow } from './log-export.format';

const row: LogExportRow = {
  id: 7,
  time: '2026-12-04T10:00:00.000Z',
  targetId: 't-1',
  targetName: 'Contoso, "HR"',
  objectType: 'User',
  objectId: 'u-1',
  changeSeq: 12,
  action: 'Update',
  status: 'Success',
  reason: null,
  detail: 'line one\nline two',
  requestId: 'req-1',
  attempt: 1,
  responseStatus: 204,
  durationMs: 3,
  modifiedProperties: JSON.stringify([{ name: 'title', oldValue: 'Dev', newValue: 'Lead' }]),
};
const parsed = { ...row, modifiedProperties: [{ name: 'title', oldValue: 'Dev', newValue: 'Lead' }] };

describe('provisioning log export format', () => {
  it('quotes cells with commas, quotes and line breaks (RFC 4180) and leaves the rest bare', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('one\r\ntwo')).toBe('"one\r\ntwo"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(12)).toBe('12');
  });

  it('keeps a spreadsheet from evaluating text that opens with = + - @ or a tab', () => {
    for (const text of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx']) expect(csvCell(text)).toBe(`'${text}`);
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell(-1)).toBe('-1');
  });

  it('writes a header and one CRLF-ended line per entry; modified properties as JSON in one cell', () => {
    expect(exportFrame('csv').head).toBe(`${EXPORT_COLUMNS.join(',')}\r\n`);
    expect(formatRow('csv', row)).toBe(
      '7,2026-12-04T10:00:00.000Z,t-1,"Contoso, ""HR""",User,u-1,12,Update,Success,,"line one\nline two",' +
        'req-1,1,204,3,"[{""name"":""title"",""oldValue"":""Dev"",""newValue"":""Lead""}]"\r\n',
    );
  });

  it('writes JSON as one array of the same fields, the stored properties as they are', () => {
    const { head, separator, tail } = exportFrame('json');
    const text = head + formatRow('json', row) + separator + formatRow('json', { ...row, id: 6 }) + tail;
    expect(JSON.parse(text)).toEqual([parsed, { ...parsed, id: 6 }]);
    expect(head + tail).toBe('[]\n');
  });
});
