/**
 * Case-insensitive field-name matching without a lower-cased copy (RFC 9110 §5.1: field names are
 * case-insensitive). The proxy path compares every field name of every request and answer with a
 * few known names; `name.toLowerCase()` made a new string each time.
 */

/**
 * Whether `name` equals `lower` ignoring ASCII case. `lower` holds only lower-case letters, digits
 * and '-'; `name` (a field name, or a value such as "100-continue") holds no control character but
 * HTAB (the head readers refuse them), so setting bit 0x20 folds exactly the upper-case letters
 * onto the characters compared (HTAB folds to ')').
 */
export function nameIs(name: string, lower: string): boolean {
  const n = lower.length;
  if (name.length !== n) return false;
  for (let i = 0; i < n; i++) if ((name.charCodeAt(i) | 0x20) !== lower.charCodeAt(i)) return false;
  return true;
}
