import { Option, type Command } from 'commander';
import { createWaves, type Manifest } from '../../lib';
import { loadManifest } from '../load';

type Format = 'text' | 'json' | 'dot' | 'mermaid';

/** `albkit graph <app|manifest> --format text|json|dot|mermaid`: creation waves and destroy waves. */
export function register(program: Command): void {
  program
    .command('graph')
    .description('print the dependency graph: creation waves, and destroy waves (reversed)')
    .argument('<app|manifest>', 'app module or albkit.manifest.json')
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'dot', 'mermaid']).default('text'),
    )
    .action(async (input: string, options: { format: Format }) => {
      process.stdout.write(renderGraph(await loadManifest(input), options.format));
    });
}

/** The graph of a manifest in one of the formats. */
export function renderGraph(manifest: Manifest, format: Format): string {
  const create = createWaves(manifest.resources);
  const destroy = [...create].reverse();
  const kinds = new Map(manifest.resources.map((resource) => [resource.id, resource.kind]));
  const edges = manifest.resources.flatMap((resource) => resource.dependsOn.map((dep) => [resource.id, dep] as const));
  switch (format) {
    case 'json': {
      // Edges run from a dependency to its dependent, as the arrows of dot and mermaid do.
      const resources = manifest.resources.map(({ id, kind }) => ({ id, kind }));
      return `${JSON.stringify({
        resources,
        edges: edges.map(([dependent, dependency]) => ({ from: dependency, to: dependent })),
        create,
        destroy,
      })}\n`;
    }
    case 'dot':
      return [
        'digraph albkit {',
        '  rankdir=LR;',
        ...manifest.resources.map((resource) => `  "${resource.id}" [label="${resource.id}\\n${resource.kind}"];`),
        ...edges.map(([from, to]) => `  "${to}" -> "${from}";`),
        '}',
        '',
      ].join('\n');
    case 'mermaid': {
      const node = new Map(manifest.resources.map((resource, i) => [resource.id, `r${i}`]));
      return [
        'graph LR',
        ...manifest.resources.map((resource) => `  ${node.get(resource.id)}["${resource.id} (${resource.kind})"]`),
        ...edges.map(([from, to]) => `  ${node.get(to)} --> ${node.get(from)}`),
        '',
      ].join('\n');
    }
    case 'text': {
      const lines = (waves: string[][]) =>
        waves.map((wave, i) => `  wave ${i + 1}: ${wave.map((id) => `${id} (${kinds.get(id)})`).join(', ')}`);
      return ['create:', ...lines(create), 'destroy:', ...lines(destroy), ''].join('\n');
    }
  }
}
