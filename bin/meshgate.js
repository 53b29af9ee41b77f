#!/usr/bin/env node
// meshgate runs its TypeScript sources directly through tsx: no build step to forget.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../harness/cli/main.ts');
// The suites are the content the harness runs: passed in here, never imported by it.
process.exitCode = await main(process.argv, async () => (await import('../suites/catalogue.ts')).catalogue);
