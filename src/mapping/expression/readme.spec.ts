import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENTRA_ATTRIBUTE_ALIASES } from './attribute-aliases';
import { functionNames } from './compiler';

describe('README.md', () => {
  const readme = readFileSync(join(__dirname, 'README.md'), 'utf8');

  it('documents every alias and every function', () => {
    const rows = new Set(
      readme
        .split('\n')
        .filter((line) => line.startsWith('|'))
        .map((line) =>
          line
            .split('|')
            .slice(1, 3)
            .map((cell) => cell.trim())
            .join(' → '),
        ),
    );
    for (const alias of ENTRA_ATTRIBUTE_ALIASES)
      expect(rows).toContain(`\`${alias.entraName}\` → \`${alias.scimPath}\``);
    for (const name of functionNames()) expect(readme).toContain(name);
  });
});
