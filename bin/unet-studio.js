#!/usr/bin/env node
// The CLI is TypeScript; tsx compiles it on the fly so the same sources serve the app, the tests and the CLI.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
