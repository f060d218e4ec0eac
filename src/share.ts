// One copy of each repeated short string. Labels, categories and short answers repeat across
// thousands of cases; a string is at least 24 bytes, so at 100,000 cases the copies add up.
/** Values longer than this are not looked up: long texts rarely repeat. */
const MAX_LENGTH = 64;
/** Distinct values remembered; past it the values evidently do not repeat (ids, texts) and sharing stops. */
const LIMIT = 1000;

export class Shared {
  private seen: Map<string, string> | null = new Map();

  get(value: string): string {
    if (this.seen === null || value.length > MAX_LENGTH) return value;
    const known = this.seen.get(value);
    if (known !== undefined) return known;
    if (this.seen.size < LIMIT) this.seen.set(value, value);
    else this.seen = null;
    return value;
  }
}
