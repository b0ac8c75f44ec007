import type { Stats } from 'node:fs';

/**
 * What a path that should be a regular file is instead, for messages: "a directory", "a character
 * device" (/dev/null), "a FIFO", ...; null for a regular file. One place, so every option that names a
 * file says the same thing.
 */
export function notARegularFile(info: Stats): string | null {
  if (info.isFile()) return null;
  if (info.isDirectory()) return 'a directory';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isSocket()) return 'a socket';
  return 'not a regular file';
}
