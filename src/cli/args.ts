import { CliError } from './errors.ts';

/** One option a command accepts: `-x`, `--long`, with or without a value. */
export interface OptionSpec {
  name: string;
  short?: string;
  value?: boolean;
  /** May be given several times (values collected in order). */
  repeat?: boolean;
  help: string;
}

export interface ParsedArgs {
  options: Map<string, string[]>;
  positionals: string[];
}

/**
 * getopt_long-style parsing: `-r V`, `-rV`, `--reference V`, `--reference=V`, bundled short
 * flags (`-vq`), `--` ends options, a lone `-` is a positional (standard input).
 */
export function parseArgs(command: string, argv: readonly string[], specs: readonly OptionSpec[]): ParsedArgs {
  const options = new Map<string, string[]>();
  const positionals: string[] = [];
  const byLong = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));
  const put = (spec: OptionSpec, v: string) => {
    const prev = options.get(spec.name);
    if (prev && !spec.repeat) prev[0] = v;
    else if (prev) prev.push(v);
    else options.set(spec.name, [v]);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      const spec = byLong.get(name);
      if (!spec) throw new CliError(`unknown option --${name} (see 'paretonas ${command} --help')`, 2);
      if (spec.value) {
        const v = eq >= 0 ? a.slice(eq + 1) : argv[++i];
        if (v === undefined) throw new CliError(`option --${name} needs a value`, 2);
        put(spec, v);
      } else {
        if (eq >= 0) throw new CliError(`option --${name} takes no value`, 2);
        put(spec, '');
      }
      continue;
    }
    if (a.startsWith('-') && a.length > 1 && !/^-[0-9.]/.test(a)) {
      for (let j = 1; j < a.length; j++) {
        const spec = byShort.get(a[j]);
        if (!spec) throw new CliError(`unknown option -${a[j]} (see 'paretonas ${command} --help')`, 2);
        if (spec.value) {
          const rest = a.slice(j + 1);
          const v = rest.length > 0 ? rest : argv[++i];
          if (v === undefined) throw new CliError(`option -${a[j]} needs a value`, 2);
          put(spec, v);
          break;
        }
        put(spec, '');
      }
      continue;
    }
    positionals.push(a);
  }
  return { options, positionals };
}

export function optionHelp(specs: readonly OptionSpec[]): string {
  return specs
    .map((s) => {
      const left = `${s.short ? `-${s.short}, ` : '    '}--${s.name}${s.value ? ' VALUE' : ''}`;
      return `  ${left.padEnd(30)} ${s.help}`;
    })
    .join('\n');
}

export function flag(args: ParsedArgs, name: string): boolean {
  return args.options.has(name);
}

export function value(args: ParsedArgs, name: string): string | undefined {
  return args.options.get(name)?.[0];
}
