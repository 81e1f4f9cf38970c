import { defineConfig } from 'vite';

// `vite` (dev server) forwards API calls to a running API, so the UI is developed against real data.
const API = process.env.BPFLEET_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: import.meta.dirname,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  resolve: {
    // @tanstack/react-virtual is written against React: Preact's compat layer stands in for it.
    alias: { react: 'preact/compat', 'react-dom': 'preact/compat', 'react/jsx-runtime': 'preact/jsx-runtime' },
  },
  build: { outDir: 'dist', emptyOutDir: true, assetsDir: 'assets' },
  server: {
    fs: { allow: ['../..'] },
    proxy: { '/v1': API, '/openapi.json': API },
  },
});
