/** SHA-256 of a chunk as lower-case hex: what the host announces and a guest checks. */
export async function sha256Hex(bytes: BufferSource): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** Whether bytes from a peer are the chunk the host announced (its length and its hash). */
export async function isAnnouncedChunk(
  bytes: Uint8Array<ArrayBuffer>,
  expectedLength: number,
  expectedSha256: string,
): Promise<boolean> {
  if (bytes.byteLength !== expectedLength) return false;
  return (await sha256Hex(bytes)) === expectedSha256;
}
