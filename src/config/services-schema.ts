import { z } from 'zod';

/**
 * The `services` section (monorepos): each service is a set of paths, deployed on its own. `plan`,
 * the ledger, `insights` and `backtest` take `--service <name>` and then see only that service's
 * changes and deploys. The glob type comes from schema.ts (one definition of a policy glob).
 */
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
    .record(
      z
        .string()
        .regex(
          /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
          'expected a service name of letters, digits, ".", "_" and "-"',
        ),
      service,
    )
    .default({})
    .describe('Services of a monorepo by name; `--service <name>` scopes a command to one.');
}
