/** Where a policy comes from, shared by the loader (I/O) and the parser (pure), so neither imports the other. */

export const POLICY_FILE_NAMES = ['.deployadvisor.yml', '.deployadvisor.yaml'] as const;
/** Policy files are small; anything larger is refused before it is parsed. */
export const MAX_POLICY_BYTES = 256 * 1024;

export interface PolicySource {
  kind: 'file' | 'ref' | 'defaults';
  /** Path as shown to the user (relative to the repo where possible). */
  path: string | null;
  ref: string | null;
  /** git blob id of the policy text, for the record; null for embedded defaults. */
  blobSha: string | null;
}
