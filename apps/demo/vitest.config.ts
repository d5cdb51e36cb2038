import { defineProjectConfig } from '../../vitest.shared.ts';

export default defineProjectConfig({ testTimeout: 120_000 });
