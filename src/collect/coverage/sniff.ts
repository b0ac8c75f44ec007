import { open } from 'node:fs/promises';
import type { CoverageFormat } from './types.js';

/** Decides a report's format from its first bytes, falling back to its name. */
export function sniffFormat(head: string, fileName: string): CoverageFormat | null {
  const text = head.replace(/^\uFEFF/, '').trimStart();
  if (/^(?:TN|SF|DA|FN|BRDA):/m.test(text.slice(0, 2000)) && !text.startsWith('<') && !text.startsWith('{'))
    return 'lcov';
  if (text.startsWith('mode:')) return 'go';
  if (text.startsWith('<')) {
    if (/<coverage[^>]*\bclover=|<project\b[^>]*timestamp=/.test(text)) return 'clover';
    if (/<!DOCTYPE\s+report|<report\b/.test(text)) return 'jacoco';
    if (/<coverage\b/.test(text)) return 'cobertura';
    return null;
  }
  if (text.startsWith('{')) {
    if (/"statementMap"\s*:/.test(text)) return 'istanbul';
    if (/"coverage"\s*:/.test(text)) return 'simplecov';
  }
  const name = fileName.toLowerCase();
  if (name.endsWith('.info') || name.endsWith('.lcov')) return 'lcov';
  if (name.endsWith('.resultset.json')) return 'simplecov';
  if (name.endsWith('coverage-final.json')) return 'istanbul';
  if (name.endsWith('.out') || name.endsWith('.cov')) return 'go';
  return null;
}

/** The first 8 KiB of a file, as text. */
export async function readHead(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(8192);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}
