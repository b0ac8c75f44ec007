import type { Deploy } from './deploys.js';
import type { HotfixLink } from './hotfixes.js';
import type { RevertLink } from './reverts.js';

/** The revert and hotfix links the deploys' stored traits carry, as describeDeploys takes them. */
export function storedLinks(deploys: readonly Deploy[]): {
  reverts: Map<string, RevertLink>;
  hotfixes: Map<string, HotfixLink[]>;
} {
  const reverts = new Map<string, RevertLink>();
  const hotfixes = new Map<string, HotfixLink[]>();
  for (const deploy of deploys) {
    for (const link of deploy.traits?.reverts ?? []) {
      const known = reverts.get(link.reverted);
      if (known === undefined || Date.parse(link.at) < Date.parse(known.at)) reverts.set(link.reverted, link);
    }
    for (const fix of deploy.traits?.fixes ?? []) {
      for (const sha of fix.induced) {
        const list = hotfixes.get(sha) ?? [];
        if (!list.some((known) => known.by === fix.by)) list.push({ by: fix.by, at: fix.at });
        hotfixes.set(sha, list);
      }
    }
  }
  for (const list of hotfixes.values()) list.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return { reverts, hotfixes };
}
