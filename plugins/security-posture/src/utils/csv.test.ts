import { csvField, toCsv } from './csv';

describe('csv', () => {
  it('quotes fields with commas, quotes and line breaks', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(12.5)).toBe('12.5');
  });

  it('defuses spreadsheet formulas but keeps negative numbers', () => {
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField('+cmd')).toBe("'+cmd");
    expect(csvField('-3.5')).toBe('-3.5');
    expect(csvField(-3)).toBe('-3');
  });

  it('writes a header row and CRLF line ends', () => {
    expect(
      toCsv(
        [{ a: 1, b: 'x' }],
        [
          { header: 'A', value: r => r.a },
          { header: 'B', value: r => r.b },
        ],
      ),
    ).toBe('A,B\r\n1,x\r\n');
  });
});
