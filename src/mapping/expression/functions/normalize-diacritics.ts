/**
 * NormalizeDiacritics (FX26 table): letters that decompose lose their marks (é → e, Å → A); the ones that
 * do not decompose follow the table: æ → ae, ø → oe, œ → oe, ß → ss, ł → l, ı → i, đ → d (upper case to
 * upper case). Letters outside the table and without marks are kept.
 */
const SPECIAL: Record<string, string> = {
  æ: 'ae',
  Æ: 'AE',
  ø: 'oe',
  Ø: 'OE',
  œ: 'oe',
  Œ: 'OE',
  ß: 'ss',
  ẞ: 'SS',
  ł: 'l',
  Ł: 'L',
  ı: 'i',
  đ: 'd',
  Đ: 'D',
};
const SPECIAL_RE = /[æÆøØœŒßẞłŁıđĐ]/g;
const MARKS = /\p{M}+/gu;
// eslint-disable-next-line no-control-regex
const ASCII = /^[\x00-\x7f]*$/;

export function normalizeDiacritics(s: string): string {
  if (ASCII.test(s)) return s;
  return s
    .normalize('NFD')
    .replace(SPECIAL_RE, (c) => SPECIAL[c])
    .replace(MARKS, '')
    .normalize('NFC');
}
