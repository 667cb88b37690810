import { defineConfig } from 'vite';

// The web console: built by `npm run build` (`vite build console`) into dist/console, which the gateway serves on
// /console. Preact through the automatic JSX runtime (no Babel); no CDN, no inline script (the page's CSP).
export default defineConfig({
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: '../dist/console',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: true,
    reportCompressedSize: true,
  },
  server: { proxy: { '/admin': 'http://127.0.0.1:8080', '/scim': 'http://127.0.0.1:8080' } },
});
