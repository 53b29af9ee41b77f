import { z } from 'zod';
import { appSchema, tenantSchema } from './schema.ts';

/**
 * Every setting a scenario can declare for an app, as a dotted path (`timeouts.readSeconds`,
 * `cors.allowOrigins`), plus the tenant's `tenant.state`; derived from the schema, so a new
 * field appears here, and in the coverage check, without being listed by hand.
 */
export function declarableFields(): string[] {
  const tenantFields = Object.keys(tenantSchema.shape)
    .filter((key) => key !== 'apps')
    .map((key) => `tenant.${key}`);
  return [...fieldsOf(appSchema), ...tenantFields];
}

function fieldsOf(schema: z.ZodObject, prefix = ''): string[] {
  return Object.entries(schema.shape).flatMap(([key, value]) => {
    const inner = unwrap(value as z.ZodType);
    return inner instanceof z.ZodObject && prefix === '' ? fieldsOf(inner, `${key}.`) : [`${prefix}${key}`];
  });
}

function unwrap(schema: z.ZodType): z.ZodType {
  return schema instanceof z.ZodOptional ? unwrap(schema.unwrap() as z.ZodType) : schema;
}
