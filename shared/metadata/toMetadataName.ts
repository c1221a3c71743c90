/** Turns an invalid name (`Monthly Spending`, `2024-data`) into one that matches ^[a-z][a-z0-9_]*$, for use in a fix. */
export function toMetadataName(text: string): string {
  const cleaned = text
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (cleaned === '') {
    return 'name';
  }
  return /^[a-z]/.test(cleaned) ? cleaned : `n_${cleaned}`;
}
