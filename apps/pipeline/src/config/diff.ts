import YAML from 'yaml';

type Tree = unknown;

const isMapping = (v: Tree): v is Record<string, Tree> => v !== null && typeof v === 'object' && !Array.isArray(v);
const show = (v: Tree) => (v === undefined ? '(absent)' : JSON.stringify(v).replace(/"([^"]*)"/g, (_, s: string) => (/^[\w./-]+$/.test(s) ? s : `"${s}"`)));

/**
 * Each key whose value differs between two resolved configs (YAML text), as `train.epochs: 10 → 12`
 * lines: `--resume` names what changed instead of only saying that something did. Lists compare whole.
 */
export function configDiff(previousYaml: string, currentYaml: string): string[] {
  const lines: string[] = [];
  const walk = (a: Tree, b: Tree, path: string[]) => {
    if (isMapping(a) && isMapping(b)) {
      for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])]) walk(a[key], b[key], [...path, key]);
    } else if (JSON.stringify(a) !== JSON.stringify(b)) {
      lines.push(`${path.join('.') || '(root)'}: ${show(a)} → ${show(b)}`);
    }
  };
  let previous: Tree;
  try {
    previous = YAML.parse(previousYaml, { maxAliasCount: 100 });
  } catch {
    return ['(the stored config is not valid YAML)'];
  }
  walk(previous, YAML.parse(currentYaml), []);
  return lines;
}
