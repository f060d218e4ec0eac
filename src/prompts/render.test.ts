import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UsageError } from '../errors.js';
import { buildRequest, compileTemplate, render } from './render.js';

describe('templates', () => {
  const columns = ['ticket', 'customer', 'category'];
  it('renders variables, with spaces inside braces allowed', () => {
    const t = compileTemplate('Classify: {{ticket}} (from {{ customer }})', columns, '--prompt');
    assert.equal(render(t, { ticket: 'Refund', customer: 'Ada' }), 'Classify: Refund (from Ada)');
  });
  it('a template without variables is itself', () => {
    assert.equal(render(compileTemplate('Hello', columns, '--prompt'), {}), 'Hello');
  });
  it('an unknown variable names the columns there are, and the likely one', () => {
    assert.throws(
      () => compileTemplate('Classify: {{tiket}}', columns, '--prompt'),
      (e: UsageError) =>
        e.code === 'E_TEMPLATE_VAR' &&
        /--prompt: unknown variable \{\{tiket\}\} — did you mean \{\{ticket\}\}\?/.test(e.message) &&
        /\{\{ticket\}\}, \{\{customer\}\}, \{\{category\}\}/.test(e.hint),
    );
  });
  it('builds the chat request with the system prompt', () => {
    const plan = { user: compileTemplate('{{ticket}}', columns, 'p'), system: compileTemplate('Route {{customer}}', columns, 's') };
    assert.deepEqual(buildRequest(plan, { index: 0, id: '1', line: 2, vars: { ticket: 'T', customer: 'C' }, expected: 'x' }), {
      system: 'Route C',
      messages: [{ role: 'user', content: 'T' }],
    });
  });
});
