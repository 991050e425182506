/** Hex text (spaces and line breaks allowed, as RFCs print it) to bytes. */
export function hex(text: string): Uint8Array {
  const digits = text.replace(/[^0-9a-fA-F]/g, '');
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(digits.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
