import { createRequire } from 'node:module';
import { mergeConfig } from 'vitest/config';
import { defineProjectConfig } from '../../vitest.shared.ts';

// Node loads graphql's CommonJS build for everyone (yoga, graphql-armor, us); vite would give our sources its .mjs
// build instead, and two graphql instances refuse each other's types. Point vite at the one Node uses.
const graphqlMain = createRequire(import.meta.url).resolve('graphql');

export default mergeConfig(defineProjectConfig(), {
  resolve: { alias: [{ find: /^graphql$/, replacement: graphqlMain }] },
});
