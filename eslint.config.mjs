// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { ZONES } from './tools/lint/zones.mjs';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'constructs/cdktf/gen/**', '**/cdktf.out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      // Warnings until the values they flag are typed: most come from protos the Pulumi tests load at run
      // time (no generated types), the rest from `any` the Terraform value conversion passes through.
      '@typescript-eslint/no-unsafe-member-access': 'warn',
      '@typescript-eslint/no-unsafe-assignment': 'warn',
      '@typescript-eslint/no-unsafe-call': 'warn',
      '@typescript-eslint/no-unsafe-return': 'warn',
      '@typescript-eslint/no-unsafe-argument': 'warn',
      '@typescript-eslint/no-base-to-string': 'warn',
      '@typescript-eslint/no-redundant-type-constituents': 'warn',
      'no-console': 'off',
    },
  },
  // Plain JavaScript files (tools, lint configuration) carry no types to check against.
  { files: ['**/*.mjs', '**/*.js', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  // The arrows between the agent side, the client side and what they share (docs/architecture.md, "Arrows").
  ...ZONES.map(({ files, forbidden }) => ({
    files,
    rules: {
      'no-restricted-imports': ['error', { patterns: forbidden.map(({ regex, message }) => ({ regex, message })) }],
    },
  })),
);
