/**
 * Cornerstone3D, started once per page: the core (GPU rendering; SwiftShader in the harness), the
 * tools, the DICOM image loader with its decoding web workers and WASM codecs (JPEG baseline,
 * extended and lossless, JPEG-LS, JPEG 2000, RLE, deflate, big endian: all decoded in the
 * workers), and the `tabib:` loader. The legacy wadouri metadata provider reads the loaded data
 * set: it is the path that decodes deflated explicit little endian in 5.14 (docs/pitfalls.md).
 */
import * as core from '@cornerstonejs/core';
import dicomImageLoader from '@cornerstonejs/dicom-image-loader';
import * as tools from '@cornerstonejs/tools';
import { registerTabibImageLoader, tabibImageLoader } from './tabib-image-loader';
import { warmUpImages } from './warm-up-images';

let started: Promise<void> | null = null;

/** The tools the viewer offers; added to Cornerstone once. */
export const toolClasses = [
  tools.WindowLevelTool,
  tools.PanTool,
  tools.ZoomTool,
  tools.StackScrollTool,
  tools.LengthTool,
  tools.AngleTool,
  tools.EllipticalROITool,
  tools.RectangleROITool,
  tools.ProbeTool,
  tools.ArrowAnnotateTool,
] as const;

/** The id of the page's one rendering engine. */
export const RENDERING_ENGINE_ID = 'tabib-viewer';
let engine: core.RenderingEngine | null = null;

/**
 * The page's one rendering engine: its WebGL context is made once (about 100 ms on SwiftShader),
 * when the viewer starts, not at each study opened. Each viewer enables its own viewports in it
 * and disables them when it closes.
 */
export function sharedRenderingEngine(): core.RenderingEngine {
  if (!engine || engine.hasBeenDestroyed) engine = new core.RenderingEngine(RENDERING_ENGINE_ID);
  return engine;
}

let warmedUp: Promise<void> | null = null;
let warmedEngine: core.RenderingEngine | null = null;

const WARM_UP_SCHEME = 'tabib-warm-up';

/**
 * Draws the warm-up images (warm-up-images.ts) once each in a hidden stack viewport of the shared
 * engine, through the DICOM image loader, then lets them go: the decoding worker starts, WebGL
 * compiles the image shaders and vtk.js builds its pipeline now, while the worklist is shown,
 * instead of during the first study's first image. Once per engine; a failure only means the
 * first image pays that cost.
 */
export function warmUpRendering(engine: core.RenderingEngine): Promise<void> {
  if (warmedUp && warmedEngine === engine) return warmedUp;
  warmedEngine = engine;
  warmedUp = (async () => {
    const viewportId = 'tabib-warm-up';
    const files = warmUpImages();
    core.imageLoader.registerImageLoader(
      WARM_UP_SCHEME,
      tabibImageLoader(async (name) => {
        const bytes = files.get(name);
        if (!bytes) throw new Error(`no warm-up image ${name}`);
        return bytes;
      }),
    );
    const imageIds = [...files.keys()].map((name) => `${WARM_UP_SCHEME}:${name}`);
    const element = document.createElement('div');
    element.setAttribute('aria-hidden', 'true');
    element.style.cssText = 'position:fixed;left:-1000px;top:0;width:64px;height:64px;pointer-events:none';
    document.body.append(element);
    try {
      engine.enableElement({ viewportId, type: core.Enums.ViewportType.STACK, element });
      const viewport = engine.getViewport(viewportId) as core.Types.IStackViewport;
      for (const imageId of imageIds) {
        const rendered = new Promise<void>((done) =>
          element.addEventListener(core.Enums.Events.IMAGE_RENDERED, () => done(), { once: true }),
        );
        await viewport.setStack([imageId], 0);
        viewport.render();
        await rendered;
      }
    } finally {
      if (engine.getViewport(viewportId)) engine.disableElement(viewportId);
      for (const [name] of files) dicomImageLoader.wadouri.dataSetCacheManager.unload(name);
      for (const imageId of imageIds)
        if (core.cache.getImageLoadObject(imageId))
          core.cache.removeImageLoadObject(imageId, { force: true });
      element.remove();
    }
  })().catch(() => undefined);
  return warmedUp;
}

/**
 * Starts loading and decoding an image into Cornerstone's cache before any viewport shows it (the
 * study's first image, while the reading screen mounts): with the options a stack viewport loads
 * with (StackViewport.getLoaderImageOptions, its data set not yet parsed), so the viewport's own
 * load finds it in the cache. A failure is the viewport's to report, when it loads the image.
 */
export function decodeAhead(imageId: string): void {
  if (core.cache.getImageLoadObject(imageId)) return;
  // useRGBA is read by the DICOM image loader but missing from core's ImageLoaderOptions type.
  const options: Parameters<typeof core.imageLoader.loadAndCacheImage>[1] & { useRGBA: boolean } = {
    useRGBA: false,
    priority: 5,
    requestType: core.Enums.RequestType.Interaction,
  };
  core.imageLoader.loadAndCacheImage(imageId, options).catch(() => undefined);
}

export function startCornerstone(): Promise<void> {
  started ??= (async () => {
    core.init();
    dicomImageLoader.init({
      maxWebWorkers: Math.max(1, Math.min(4, Math.floor((navigator.hardwareConcurrency || 2) / 2))),
      useLegacyMetadataProvider: true,
    });
    tools.init();
    for (const toolClass of toolClasses) tools.addTool(toolClass);
    registerTabibImageLoader();
  })();
  return started;
}
