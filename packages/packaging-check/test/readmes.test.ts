import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packAll, PACKAGES, repo } from './packed.js';

// Each published package carries a README in its tarball (npm shows it on the package page): what it is, how to
// install it, an example, where the docs are, and a source layout that names every folder of src/.


let work: string;
const readmes: Partial<Record<(typeof PACKAGES)[number], string | undefined>> = {};

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'otel-langfuse-readmes-'));
  const tarballs = packAll(work);
  for (const pkg of PACKAGES) {
    const tarball = tarballs[pkg];
    const entries = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n');
    readmes[pkg] = entries.includes('package/README.md') ? execFileSync('tar', ['-xzOf', tarball, 'package/README.md'], { encoding: 'utf8' }) : undefined;
  }
}, 120_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The text of a `## title` section, up to the next `## ` heading. */
function section(markdown: string, title: string): string | undefined {
  const start = markdown.indexOf(`\n## ${title}\n`);
  if (start < 0) return undefined;
  const rest = markdown.slice(start + title.length + 5);
  const end = rest.indexOf('\n## ');
  return end < 0 ? rest : rest.slice(0, end);
}

describe.each(PACKAGES)('the %s tarball', (pkg) => {
  const name = `@otel-langfuse/${pkg}`;

  it('holds a README.md that names the package, says how to install it and shows an example', () => {
    const readme = readmes[pkg];
    expect(readme, `package/README.md missing from the ${pkg} tarball`).toBeDefined();
    expect(readme).toMatch(new RegExp(`^# ${name}\\n`));
    const install = section(readme ?? '', 'Install');
    expect(install, 'an "## Install" section').toBeDefined();
    expect(install).toMatch(new RegExp(`^(npm install|npx --yes) .*${name}( |$)`, 'm'));
    expect(readme).toMatch(new RegExp(`\`\`\`ts\\n[^\`]*from '${name}'`));
    expect(readme).toContain('docs/');
  });

  it('has a source layout naming every folder of src/', () => {
    const layout = section(readmes[pkg] ?? '', 'Source layout');
    expect(layout, 'a "## Source layout" section').toBeDefined();
    const folders = readdirSync(join(repo, 'packages', pkg, 'src'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect(folders.length).toBeGreaterThan(2);
    for (const folder of folders) expect(layout, `src/${folder}/ in the ${pkg} README's source layout`).toContain(`\`${folder}/\``);
  });
});
