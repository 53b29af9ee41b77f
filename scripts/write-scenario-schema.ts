// Writes scenarios/scenario.schema.json from the zod schema, so editors can complete scenario files.
import { writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { scenarioSchema } from '../harness/scenario/schema.ts';

const schema = z.toJSONSchema(scenarioSchema, { io: 'input' });
const file = new URL('../scenarios/scenario.schema.json', import.meta.url);
await writeFile(file, `${JSON.stringify({ title: 'meshgate scenario', ...schema }, null, 2)}\n`);
console.log(`wrote ${file.pathname}`);
