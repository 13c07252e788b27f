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
import { registerTabibImageLoader } from './tabib-image-loader';

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
