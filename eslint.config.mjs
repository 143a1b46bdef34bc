// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { ZONES } from './tools/lint/zones.mjs';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'constructs/cdktf/gen/**', '**/cdktf.out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  // The arrows between the agent side, the client side and what they share (docs/architecture.md, "Arrows").
  ...ZONES.map(({ files, forbidden }) => ({
    files,
    rules: { 'no-restricted-imports': ['error', { patterns: forbidden.map(({ regex, message }) => ({ regex, message })) }] },
  })),
);
