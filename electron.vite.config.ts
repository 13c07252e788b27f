import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      lib: {
        entry: {
          index: resolve(root, 'main/app/index.ts'),
          // The services worker: its own entry, loaded by WorkerHost with new Worker().
          worker: resolve(root, 'main/services/worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload must be CommonJS with its dependencies bundled in.
      externalizeDeps: false,
      lib: { entry: resolve(root, 'preload/index.ts') },
      rollupOptions: { output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    base: './',
    plugins: [react()],
    // Cornerstone3D's recipe for Vite (cornerstonejs.org, "Vite"): the image loader is left out of
    // dependency pre-bundling, so its decoding worker (new Worker(new URL(…, import.meta.url))) and
    // the codecs' WASM files stay assets Vite emits beside the bundle; dicom-parser (CommonJS) is
    // pre-bundled. Workers are ES modules. Everything is emitted under out/renderer and loaded by
    // relative URL (base './'), so it works offline under app:// and from the harness's server.
    optimizeDeps: {
      exclude: ['@cornerstonejs/dicom-image-loader'],
      include: ['dicom-parser'],
    },
    worker: { format: 'es' },
    resolve: {
      alias: [
        // vtk.js's XML readers import xmlbuilder2, whose Node build needs Node's `events` (left
        // out of browser builds: "Class extends value undefined" when the viewer's chunk loads);
        // xmlbuilder2 ships its own browser build.
        {
          find: /^xmlbuilder2$/,
          replacement: resolve(root, 'node_modules/xmlbuilder2/lib/xmlbuilder2.min.js'),
        },
      ],
    },
    build: {
      outDir: resolve(root, 'out/renderer'),
      emptyOutDir: true,
      // TABIB_NO_MINIFY=1 keeps the names, for the CPU profiles of `npm run bench:imaging -- --profile`.
      minify: !process.env.TABIB_NO_MINIFY,
      rollupOptions: { input: resolve(root, 'renderer/index.html') },
    },
  },
});
