import { z } from 'zod';

/**
 * The `services` section (monorepos): each service is a set of paths, deployed on its own. `plan`,
 * the ledger, `insights` and `backtest` take `--service <name>` and then see only that service's
 * changes and deploys. The glob type comes from schema.ts (one definition of a policy glob).
 */
const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function servicesSchemaOf(glob: (what: string) => z.ZodType<string>) {
  const service = z
    .strictObject({
      paths: z
        .array(glob('A glob (picomatch) of files that belong to the service.'))
        .min(1)
        .describe('Globs (picomatch) of the files that make up the service ("packages/api/**").'),
      environments: z
        .array(z.string().min(1))
        .optional()
        .describe('Environments this service deploys to (default: every environment).'),
    })
    .describe('One deployable service of a monorepo.');
  return z
    .record(z.string(), service)
    .superRefine((services, ctx) => {
      // Checked here, not as the record's key schema, so the message says what a name may hold.
      for (const name of Object.keys(services))
        if (!SERVICE_NAME.test(name))
          ctx.addIssue({
            code: 'custom',
            path: [name],
            message: `service name "${name}": expected letters, digits, ".", "_" and "-", starting with a letter or digit`,
          });
    })
    .default({})
    .describe('Services of a monorepo by name; `--service <name>` scopes a command to one.');
}
