/**
 * The baseline of `npm run bench:imaging`: Cornerstone3D as its own examples use it, with nothing
 * of Tabib — core, the DICOM image loader with its workers, one stack viewport — showing a file
 * fetched over HTTP by the loader's wadouri scheme. The bench compares Tabib's first image with
 * this page's on the same file (test/e2e/bench/imaging-renderer.ts).
 */
import * as core from '@cornerstonejs/core';
import dicomImageLoader from '@cornerstonejs/dicom-image-loader';

interface BareWindow {
  /** Resolves once Cornerstone is started and the viewport exists. */
  __ready: Promise<void>;
  /**
   * Shows the file at `url` on a viewport of `width`×`height` CSS pixels (Tabib's, so that both
   * draw as many pixels); resolves with the milliseconds from the call to the image rendered.
   */
  __show(url: string, width: number, height: number): Promise<number>;
}

const bare = window as unknown as BareWindow;
bare.__ready = (async () => {
  core.init();
  dicomImageLoader.init({ maxWebWorkers: 1 });
})();

/** Timed as Tabib's viewer is: the rendering engine and its viewport made, the image loaded, drawn. */
bare.__show = async (url: string, width: number, height: number) => {
  await bare.__ready;
  const element = document.getElementById('viewport') as HTMLDivElement;
  element.style.width = `${width}px`;
  element.style.height = `${height}px`;
  const start = performance.now();
  const rendered = new Promise<number>((resolve) =>
    element.addEventListener(core.Enums.Events.IMAGE_RENDERED, () => resolve(performance.now() - start), {
      once: true,
    }),
  );
  const engine = new core.RenderingEngine('bare');
  engine.enableElement({ viewportId: 'stack', type: core.Enums.ViewportType.STACK, element });
  const viewport = engine.getViewport('stack') as core.Types.IStackViewport;
  await viewport.setStack([`wadouri:${url}`]);
  viewport.render();
  return rendered;
};
