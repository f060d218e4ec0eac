/** Case, width, punctuation, markdown and spacing removed: "**Billing.**" → "billing". */
export function normalize(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
