// tsx scripts/cpu-profile-summary.ts FILE.cpuprofile [top=25]
// The functions of a V8 CPU profile (`node --cpu-prof --cpu-prof-dir DIR`) by self
// time, the share of samples spent in the function itself, highest first. Under tsx
// the directory holds one profile per thread: the largest file is the program's.
import { readFile } from 'node:fs/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

const [file, top = '25'] = process.argv.slice(2);
if (!file || !/^\d+$/.test(top)) {
  console.error('usage: tsx scripts/cpu-profile-summary.ts FILE.cpuprofile [top]');
  process.exit(2);
}
const profile = JSON.parse(await readFile(file, 'utf8')) as { nodes: ProfileNode[] };
const selfHits = new Map<string, number>();
let total = 0;
for (const { callFrame, hitCount = 0 } of profile.nodes) {
  const where = callFrame.url ? `${callFrame.url.replace(/^.*\/(node_modules|harness|scripts)\//, '$1/')}:${callFrame.lineNumber + 1}` : '';
  const key = `${callFrame.functionName || '(anonymous)'} ${where}`.trim();
  selfHits.set(key, (selfHits.get(key) ?? 0) + hitCount);
  total += hitCount;
}
const rows = [...selfHits].sort((a, b) => b[1] - a[1]).slice(0, Number(top));
for (const [name, hits] of rows) console.log(`${((hits / total) * 100).toFixed(1).padStart(5)} %  ${name}`);
