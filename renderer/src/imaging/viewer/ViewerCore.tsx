/**
 * The viewer itself (loaded lazily by StudyViewer): Cornerstone3D's rendering engine and tool
 * group for this study, the series browser, the toolbar, one to four stack viewports, the
 * measurements (loaded with the study, saved with imaging.saveMeasurements), the tag browser.
 */
import { Alert, Box, Center, Loader } from '@mantine/core';
import { getRenderingEngine, type RenderingEngine, type Types } from '@cornerstonejs/core';
import * as cst from '@cornerstonejs/tools';
import {
  startTransition,
  useCallback,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
} from 'react';
import { useTranslation } from 'react-i18next';
import type { MeasurementView } from '../../../../main/contract/imaging-types';
import { ContractError } from '../../tabib-client';
import {
  decodeAhead,
  RENDERING_ENGINE_ID,
  sharedRenderingEngine,
  startCornerstone,
  toolClasses,
  warmUpRendering,
} from './cornerstone-setup';
import { ArrowTextDialog, type ArrowTextRequest } from './ArrowTextDialog';
import { openingSeries } from './image-ids';
import { MeasurementPanel } from './MeasurementPanel';
import { SeriesBrowser } from './SeriesBrowser';
import { TagBrowser } from './TagBrowser';
import { ViewerToolbar, type Layout, type PrimaryTool } from './ViewerToolbar';
import { ViewportPane, type ViewportHandle } from './ViewportPane';
import { useMeasurements } from './use-measurements';
import { windowPresets } from './presets';
import type { StudyViewerProps } from './StudyViewer';
import './viewer.css';

const { MouseBindings } = cst.Enums;

/**
 * Cornerstone started, the rendering engine made and its image shaders compiled, ahead of a study
 * (StudyViewer's preload).
 */
export async function startViewer(): Promise<void> {
  await startCornerstone();
  await warmUpRendering(sharedRenderingEngine());
  viewerStarted = true;
}
let viewerStarted = false;

/** The image decoded ahead (decodeAhead), once the viewer has started; else nothing: the viewport loads it. */
export function decodeAheadOnceStarted(imageId: string): void {
  if (viewerStarted) decodeAhead(imageId);
}
export const navigationTools = {
  windowLevel: cst.WindowLevelTool.toolName,
  pan: cst.PanTool.toolName,
  zoom: cst.ZoomTool.toolName,
} as const;
export const measurementTools = {
  length: cst.LengthTool.toolName,
  angle: cst.AngleTool.toolName,
  ellipse: cst.EllipticalROITool.toolName,
  rectangle: cst.RectangleROITool.toolName,
  probe: cst.ProbeTool.toolName,
  arrow: cst.ArrowAnnotateTool.toolName,
} as const;
const toolNameOf: Record<PrimaryTool, string> = { ...navigationTools, ...measurementTools };

export const layoutSlots: Record<Layout, number> = { '1x1': 1, '1x2': 2, '2x2': 4 };

interface CornerstoneObjects {
  engine: RenderingEngine;
  toolGroup: cst.Types.IToolGroup;
  synchronizer: cst.Synchronizer;
}

/** Linked scrolling: the other viewports follow to the same relative position in their stacks. */
function followScroll(
  _synchronizer: cst.Synchronizer,
  source: Types.IViewportId,
  target: Types.IViewportId,
): void {
  const get = (id: Types.IViewportId) =>
    getRenderingEngine(id.renderingEngineId)?.getViewport(id.viewportId) as Types.IStackViewport | undefined;
  const from = get(source);
  const to = get(target);
  if (!from || !to || typeof to.getImageIds !== 'function' || typeof from.getImageIds !== 'function') return;
  const fromCount = from.getImageIds().length;
  const toCount = to.getImageIds().length;
  if (fromCount < 2 || toCount < 1) return;
  const index = Math.round((from.getCurrentImageIdIndex() / (fromCount - 1)) * (toCount - 1));
  // A failure shows on the target's viewport (IMAGE_LOAD_FAILED); nothing more to do here.
  if (index !== to.getCurrentImageIdIndex()) to.setImageIdIndex(index).catch(() => undefined);
}

export default function ViewerCore({ study, canMeasure, onImageShown }: StudyViewerProps) {
  const { t } = useTranslation();
  const reactId = useId().replace(/[^a-zA-Z0-9]/g, '');
  const ids = useMemo(
    () => ({
      toolGroup: `tabib-viewer-${reactId}-tools`,
      synchronizer: `tabib-viewer-${reactId}-scroll`,
      viewport: (slot: number) => `tabib-viewer-${reactId}-viewport-${slot}`,
    }),
    [reactId],
  );
  const [objects, setObjects] = useState<CornerstoneObjects | null>(null);
  const [startError, setStartError] = useState<unknown>(null);
  const [layout, setLayout] = useState<Layout>('1x1');
  const [activeSlot, setActiveSlot] = useState(0);
  const firstSeries = openingSeries(study)?.seriesInstanceUid ?? null;
  const [slotSeries, setSlotSeries] = useState<(string | null)[]>([firstSeries, null, null, null]);
  // The study's series came after the viewer was drawn (its opening showed the worklist's row while
  // the view travelled): the first viewport shows the opening series now.
  if (firstSeries && slotSeries.every((uid) => uid === null)) setSlotSeries([firstSeries, null, null, null]);
  const [primaryTool, setPrimaryTool] = useState<PrimaryTool>('windowLevel');
  const [scrollLinked, setScrollLinked] = useState(true);
  const [cine, setCine] = useState({ playing: false, fps: 10 });
  /** The tag browser, open on this image. */
  const [tagsImage, setTagsImage] = useState<string | null | false>(false);
  const [arrowRequest, setArrowRequest] = useState<ArrowTextRequest | null>(null);
  /**
   * The first image is drawn: the side column (the series and their thumbnails, the measurements)
   * is rendered only then, not competing with it for the decoders and the main thread; or after a
   * while, if it failed.
   */
  const [imageShown, setImageShown] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setImageShown(true), 2000);
    return () => clearTimeout(timer);
  }, []);
  const handles = useRef<(ViewportHandle | null)[]>([null, null, null, null]);
  const rootRef = useRef<HTMLDivElement>(null);
  /** A measurement asked for whose series was not shown: its image once the series is. */
  const pendingShow = useRef<MeasurementView | null>(null);

  // Cornerstone for this study: one rendering engine, one tool group, one scroll synchronizer.
  useEffect(() => {
    let cancelled = false;
    let made: CornerstoneObjects | null = null;
    startCornerstone().then(
      () => {
        if (cancelled) return;
        const engine = sharedRenderingEngine();
        const toolGroup = cst.ToolGroupManager.createToolGroup(ids.toolGroup);
        if (!toolGroup) throw new Error(`Tool group ${ids.toolGroup} exists already`);
        const askText = (initial: string, done: (text: string | undefined) => void) =>
          setArrowRequest({ initial, done });
        for (const toolClass of toolClasses) {
          if (toolClass === cst.ArrowAnnotateTool)
            toolGroup.addTool(toolClass.toolName, {
              getTextCallback: (done: (text: string | undefined) => void) => askText('', done),
              changeTextCallback: (
                data: { data?: { label?: string } },
                _event: unknown,
                done: (text: string | undefined) => void,
              ) => askText(data.data?.label ?? '', done),
            });
          else toolGroup.addTool(toolClass.toolName);
        }
        toolGroup.setToolActive(navigationTools.windowLevel, {
          bindings: [{ mouseButton: MouseBindings.Primary }],
        });
        toolGroup.setToolActive(navigationTools.pan, {
          bindings: [{ mouseButton: MouseBindings.Auxiliary }],
        });
        toolGroup.setToolActive(navigationTools.zoom, {
          bindings: [{ mouseButton: MouseBindings.Secondary }],
        });
        toolGroup.setToolActive(cst.StackScrollTool.toolName, {
          bindings: [{ mouseButton: MouseBindings.Wheel }],
        });
        for (const toolName of Object.values(measurementTools)) {
          if (canMeasure) toolGroup.setToolPassive(toolName);
          else toolGroup.setToolEnabled(toolName);
        }
        const synchronizer = cst.SynchronizerManager.createSynchronizer(
          ids.synchronizer,
          'CORNERSTONE_STACK_NEW_IMAGE',
          followScroll,
        );
        made = { engine, toolGroup, synchronizer };
        // The viewer's tree renders in a transition: React yields every few milliseconds, so the
        // first image's bytes, arriving meanwhile, go to the decoder at once, not after the render.
        startTransition(() => setObjects(made));
      },
      (error: unknown) => {
        if (!cancelled) setStartError(error);
      },
    );
    return () => {
      cancelled = true;
      if (made) {
        cst.SynchronizerManager.destroySynchronizer(ids.synchronizer);
        cst.ToolGroupManager.destroyToolGroup(ids.toolGroup);
      }
      setObjects(null);
    };
  }, [ids, canMeasure]);

  // An image that fails to load is said so on its viewport; Cornerstone's own promises of it
  // (its cache's, its prefetch's) are left without a handler and would reach the console again.
  useEffect(() => {
    const quiet = (event: PromiseRejectionEvent) => {
      const reason: unknown = event.reason;
      if (reason instanceof ContractError || (reason && typeof reason === 'object' && 'error' in reason))
        event.preventDefault();
    };
    window.addEventListener('unhandledrejection', quiet);
    return () => window.removeEventListener('unhandledrejection', quiet);
  }, []);

  useEffect(() => {
    objects?.synchronizer.setEnabled(scrollLinked);
  }, [objects, scrollLinked]);

  const measurements = useMeasurements(study, objects ? RENDERING_ENGINE_ID : null);

  // A viewport's size changed: every viewport is fitted to its new size, then given back what the
  // radiologist made of it (zoom and pan relative to the fit, rotation, flips): one pass per frame.
  const resizeFrame = useRef(0);
  const resizeAll = useCallback(() => {
    if (!objects || resizeFrame.current) return;
    resizeFrame.current = requestAnimationFrame(() => {
      resizeFrame.current = 0;
      const viewports = objects.engine.getViewports() as Types.IStackViewport[];
      const kept = viewports.map((viewport) => ({
        viewport,
        presentation: viewport.getImageIds().length > 0 ? viewport.getViewPresentation() : null,
      }));
      objects.engine.resize(true, false);
      for (const { viewport, presentation } of kept) {
        if (!presentation) continue;
        viewport.setViewPresentation(presentation);
        viewport.render();
      }
    });
  }, [objects]);
  useEffect(() => () => cancelAnimationFrame(resizeFrame.current), []);

  const slots = layoutSlots[layout];
  const activeHandle = () => handles.current[Math.min(activeSlot, slots - 1)] ?? null;

  const choosePrimaryTool = useCallback(
    (tool: PrimaryTool) => {
      if (!objects) return;
      const { toolGroup } = objects;
      const previous = toolNameOf[primaryTool];
      const next = toolNameOf[tool];
      if (previous !== next) toolGroup.setToolPassive(previous);
      toolGroup.setToolActive(next, { bindings: [{ mouseButton: MouseBindings.Primary }] });
      setPrimaryTool(tool);
    },
    [objects, primaryTool],
  );

  const loadSeries = useCallback(
    (seriesInstanceUid: string) => {
      setSlotSeries((current) =>
        current.map((uid, slot) => (slot === Math.min(activeSlot, slots - 1) ? seriesInstanceUid : uid)),
      );
    },
    [activeSlot, slots],
  );

  const changeLayout = useCallback(
    (next: Layout) => {
      setLayout(next);
      // New slots show the series after the ones already shown, as a hanging protocol would.
      setSlotSeries((current) => {
        const shown = new Set(current.slice(0, layoutSlots[next]).filter(Boolean));
        const rest = study.series.filter(
          (series) => !shown.has(series.seriesInstanceUid) && series.instances.length > 0,
        );
        return current.map((uid, slot) =>
          slot < layoutSlots[next] && !uid ? (rest.shift()?.seriesInstanceUid ?? firstSeries) : uid,
        );
      });
      setActiveSlot((slot) => Math.min(slot, layoutSlots[next] - 1));
    },
    [study.series, firstSeries],
  );

  // Measurements are kept in the patient's record: a study not linked to a patient keeps them unsaved.
  const linked = study.study.patientId !== null;
  const save = useCallback(() => {
    if (canMeasure && linked) void measurements.save();
  }, [canMeasure, linked, measurements]);

  const showMeasurement = (measurement: MeasurementView) => {
    const slot = slotSeries.findIndex((uid, index) => index < slots && uid === measurement.seriesInstanceUid);
    if (slot >= 0) {
      setActiveSlot(slot);
      handles.current[slot]?.showImage(measurement.sopInstanceUid, measurement.frame);
    } else {
      pendingShow.current = measurement;
      loadSeries(measurement.seriesInstanceUid);
    }
  };

  const toggleCine = useCallback(() => setCine((current) => ({ ...current, playing: !current.playing })), []);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const target = event.target as HTMLElement;
    if (target.closest('input, textarea, select, [role="slider"], [role="dialog"]')) return;
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's') {
      // The viewer's Ctrl+S saves its measurements, not what the screen around it saves.
      event.preventDefault();
      event.stopPropagation();
      save();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const handle = activeHandle();
    if (!handle) return;
    const onButton = target.closest('button, a, [role="tab"], [role="option"]') !== null;
    const preset = windowPresets.find((candidate) => candidate.key === event.key);
    const actions: Record<string, () => void> = {
      ArrowDown: () => handle.scrollBy(1),
      ArrowRight: () => handle.scrollBy(1),
      ArrowUp: () => handle.scrollBy(-1),
      ArrowLeft: () => handle.scrollBy(-1),
      PageDown: () => handle.scrollBy(handle.pageSize()),
      PageUp: () => handle.scrollBy(-handle.pageSize()),
      Home: () => handle.scrollTo(0),
      End: () => handle.scrollTo(Number.MAX_SAFE_INTEGER),
      '+': () => handle.zoomBy(1.25),
      '-': () => handle.zoomBy(0.8),
      '=': () => handle.fit(),
      r: () => handle.rotate(90),
      l: () => handle.rotate(-90),
      h: () => handle.flip('horizontal'),
      v: () => handle.flip('vertical'),
      i: () => handle.invert(),
      c: toggleCine,
      ' ': () => handle.reset(),
    };
    // Space and Enter press a focused button; the arrows move within the toolbar's groups.
    if (onButton && (event.key === ' ' || event.key === 'Enter' || event.key.startsWith('Arrow'))) return;
    const action = preset ? () => handle.applyPreset(preset.width, preset.center) : actions[event.key];
    if (!action) return;
    event.preventDefault();
    event.stopPropagation();
    action();
  };

  if (startError) {
    return (
      <Center h="100%" data-testid="study-viewer" data-state="error">
        <Alert color="red" role="alert" title={t('viewer.errors.startTitle')}>
          {t('viewer.errors.start')}
        </Alert>
      </Center>
    );
  }
  if (!objects) {
    return (
      <Center h="100%" data-testid="study-viewer" data-state="loading">
        <Loader aria-label={t('viewer.starting')} />
      </Center>
    );
  }

  const activeSeries = slotSeries[Math.min(activeSlot, slots - 1)] ?? null;
  return (
    <div
      className="tabib-viewer"
      data-testid="study-viewer"
      data-state="ready"
      data-layout={layout}
      ref={rootRef}
      onKeyDown={onKeyDown}
    >
      <ViewerToolbar
        canMeasure={canMeasure}
        primaryTool={primaryTool}
        onPrimaryTool={choosePrimaryTool}
        layout={layout}
        onLayout={changeLayout}
        linked={scrollLinked}
        onLinked={setScrollLinked}
        studyLinked={linked}
        cine={cine}
        onCine={setCine}
        onAction={(action) => {
          const handle = activeHandle();
          if (!handle) return;
          if (action.kind === 'preset') handle.applyPreset(action.width, action.center);
          else if (action.kind === 'zoomIn') handle.zoomBy(1.25);
          else if (action.kind === 'zoomOut') handle.zoomBy(0.8);
          else if (action.kind === 'fit') handle.fit();
          else if (action.kind === 'rotateRight') handle.rotate(90);
          else if (action.kind === 'rotateLeft') handle.rotate(-90);
          else if (action.kind === 'flipH') handle.flip('horizontal');
          else if (action.kind === 'flipV') handle.flip('vertical');
          else if (action.kind === 'invert') handle.invert();
          else if (action.kind === 'reset') handle.reset();
        }}
        onTags={() => setTagsImage(activeHandle()?.currentImageId() ?? null)}
        onSave={save}
        unsaved={measurements.unsavedCount}
        saving={measurements.saving}
      />
      {/* Its column keeps its width while empty: the image's size does not change when it fills. */}
      <div className="tabib-viewer-side">
        {imageShown && (
          <>
            <SeriesBrowser
              series={study.series}
              activeSeries={activeSeries}
              onLoad={loadSeries}
              renderingEngineId={RENDERING_ENGINE_ID}
            />
            <MeasurementPanel
              study={study}
              canMeasure={canMeasure}
              state={measurements}
              onSave={save}
              onShow={showMeasurement}
            />
          </>
        )}
      </div>
      <Box className="tabib-viewer-grid" data-layout={layout}>
        {Array.from({ length: slots }, (_, slot) => {
          const seriesUid = slotSeries[slot] ?? null;
          const series = study.series.find((candidate) => candidate.seriesInstanceUid === seriesUid) ?? null;
          return (
            <ViewportPane
              key={slot}
              ref={(handle) => {
                handles.current[slot] = handle;
              }}
              slot={slot}
              viewportId={ids.viewport(slot)}
              engine={objects.engine}
              toolGroup={objects.toolGroup}
              synchronizer={objects.synchronizer}
              study={study}
              series={series}
              active={slot === Math.min(activeSlot, slots - 1)}
              onActivate={() => setActiveSlot(slot)}
              cine={slot === Math.min(activeSlot, slots - 1) ? cine : { playing: false, fps: cine.fps }}
              onResize={resizeAll}
              onImageDrawn={() => {
                setImageShown(true);
                onImageShown?.();
              }}
              onSeriesShown={(seriesInstanceUid, viewportId) => {
                measurements.drawSeries(seriesInstanceUid, viewportId);
                const wanted = pendingShow.current;
                if (wanted && wanted.seriesInstanceUid === seriesInstanceUid) {
                  pendingShow.current = null;
                  handles.current[slot]?.showImage(wanted.sopInstanceUid, wanted.frame);
                }
              }}
            />
          );
        })}
      </Box>
      <TagBrowser
        opened={tagsImage !== false}
        onClose={() => setTagsImage(false)}
        imageId={tagsImage || null}
      />
      <ArrowTextDialog request={arrowRequest} onClose={() => setArrowRequest(null)} />
    </div>
  );
}
