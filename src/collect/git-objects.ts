/** Parsing what `git cat-file --batch` prints, and the tree objects in it. */

/** One object of a `cat-file --batch` answer: its type and bytes, or null when git says "missing". */
export function batchObjects(bytes: Buffer, count: number): Array<{ type: string; data: Buffer } | null> {
  const out: Array<{ type: string; data: Buffer } | null> = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const end = bytes.indexOf(0x0a, at);
    const header = bytes.subarray(at, end === -1 ? bytes.length : end).toString('utf8');
    at = end === -1 ? bytes.length : end + 1;
    const match = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
    if (match === null) {
      out.push(null);
      continue;
    }
    const size = Number(match[2]);
    out.push({ type: match[1] ?? '', data: bytes.subarray(at, at + size) });
    at += size + 1;
  }
  return out;
}

/** The entries of a tree object: mode, name and object id (hex). */
export function treeEntries(
  data: Buffer,
  idBytes: number,
): Array<{ mode: string; name: string; id: string }> {
  const entries: Array<{ mode: string; name: string; id: string }> = [];
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const nul = data.indexOf(0, space);
    if (space === -1 || nul === -1) break;
    entries.push({
      mode: data.subarray(at, space).toString('utf8'),
      name: data.subarray(space + 1, nul).toString('utf8'),
      id: data.subarray(nul + 1, nul + 1 + idBytes).toString('hex'),
    });
    at = nul + 1 + idBytes;
  }
  return entries;
}
