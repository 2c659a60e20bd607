// eslint for the portal (`npm run lint`, no warnings allowed): typescript-eslint's type-checked
// rules, the rules of hooks, and import rules that keep the folders layered:
//   src/api/ (types and calls) <- shared modules and src/components/ <- src/pages/ <- App.tsx
// Formatting is prettier's (`npm run format:check`), so no rule here is about layout.
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores(['dist/', 'test-results/', 'src/api/schema.d.ts']),
  js.configs.recommended,

  {
    files: ['**/*.{ts,tsx}'],
    extends: [tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['vite.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Numbers in template strings are how the portal builds messages and URLs.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // `onClick={() => setOpen(false)}` is the React idiom; a void value returned from a block
      // or used in an expression is still reported.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
    },
  },

  {
    files: ['src/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat['recommended-latest']],
    languageOptions: { globals: globals.browser },
  },

  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'import-x': importX },
    settings: {
      // no-cycle follows imports through files it parses itself: TypeScript needs its parser.
      'import-x/extensions': ['.ts', '.tsx'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/resolver-next': [
        createNodeResolver({ extensions: ['.ts', '.tsx', '.d.ts', '.js', '.json'] }),
      ],
    },
    rules: {
      'import-x/no-cycle': 'error',
      'import-x/no-self-import': 'error',
      'import-x/no-duplicates': 'error',
      'import-x/no-useless-path-segments': 'error',
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: './src/api',
              from: './src',
              except: ['./api'],
              message: 'src/api/ is the bottom layer: it imports only its own files.',
            },
            {
              target: './src/pages',
              from: './src/pages',
              message: 'A page imports no other page: a shared piece lives in src/components/.',
            },
            {
              target: ['./src/!(App).tsx', './src/*.ts', './src/components/**', './src/api/**'],
              from: './src/pages',
              message: 'Only App.tsx imports pages.',
            },
          ],
        },
      ],
    },
  },

  // No hand-written API types: every request and response type is derived from schema.d.ts,
  // which `npm run gen` makes from docs/openapi.yaml. In src/api/ an object type may appear only
  // as a pattern that reads the generated types (the `extends` clause of a conditional type).
  {
    files: ['src/api/**/*.ts'],
    ignores: ['src/api/**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'TSInterfaceDeclaration',
          message:
            'API types come from docs/openapi.yaml: derive them from schema.d.ts (components, ResponseData, Input) instead of declaring them.',
        },
        {
          selector:
            'TSTypeLiteral:not(TSConditionalType > TSTypeLiteral.extendsType, TSConditionalType > .extendsType TSTypeLiteral)',
          message:
            'API types come from docs/openapi.yaml: derive them from schema.d.ts (components, ResponseData, Input) instead of writing an object type; add a missing schema to the document.',
        },
      ],
    },
  },

  {
    files: ['**/*.{js,mjs}'],
    languageOptions: { globals: globals.node },
  },
);
