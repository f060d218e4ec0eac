/**
 * Case, width, punctuation, markdown and spacing removed: "**Billing.**" → "billing". Numbers keep
 * what makes them the number: a leading minus (also −, U+2212) and their digits, without
 * thousands separators: "−1,000" → "-1000", so -5 is not 5 and 1,000 is 1000.
 */
export function normalize(text: string): string {
  return (
    text
      .normalize('NFKC')
      .toLowerCase()
      .replace(/[\u2212\uFE63]/g, '-')
      .replace(/(\d),(?=\d{3}(?!\d))/g, '$1')
      // A minus is kept only as a sign: before a digit, not after a letter or digit ("covid-19", "3-5").
      .replace(/[^\p{L}\p{N}-]+|-(?!\d)|(?<=[\p{L}\p{N}])-/gu, ' ')
      .replace(/ +/g, ' ')
      .trim()
  );
}
