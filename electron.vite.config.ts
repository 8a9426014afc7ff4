import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// One config for the three Electron targets. The "main" target also bundles the
// plain-Node entries (core process, CLI, log-index worker): they share its deps.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          'electron-main': resolve('src/main/electron/main.ts'),
          core: resolve('src/main/core/process-entry.ts'),
          cli: resolve('src/main/cli/main.ts'),
          'log-index-worker': resolve('src/main/log-files/index-worker.ts'),
        },
        // Chunks beside the entries: the log-index worker is found relative to them.
        output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // Sandboxed preloads cannot load npm modules: bundle everything into one CJS file.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    base: './',
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: resolve('src/renderer/index.html') },
    },
  },
});
