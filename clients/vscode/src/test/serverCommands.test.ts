import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import { SERVER_COMMANDS } from '../serverCommands';

// out/test/ -> the extension's folder
const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  contributes: { commands: { command: string }[] };
};

describe('SERVER_COMMANDS', () => {
  it('shares no id with a command the extension contributes (the client registers them all)', () => {
    const contributed = new Set(manifest.contributes.commands.map((c) => c.command));
    assert.ok(contributed.has('archrules.explainFile'));
    for (const command of Object.values(SERVER_COMMANDS)) {
      assert.match(command, /^archrules\.server\./);
      assert.ok(!contributed.has(command), command);
    }
  });
});
