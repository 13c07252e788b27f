/**
 * One stack viewport: Cornerstone's element, the overlays around the image (patient, study,
 * series, image n/N, W/L, zoom, orientation markers), the scrollbar, and the error of an image
 * that cannot be shown. The image area is laid out left to right in every language: the image and
 * its orientation markers are never mirrored.
 */
import { Alert, Slider, Text } from '@mantine/core';
import {
  Enums as CoreEnums,
  eventTarget,
  metaData,
  utilities as coreUtilities,
  type RenderingEngine,
  type Types,
} from '@cornerstonejs/core';
import * as cst from '@cornerstonejs/tools';
import { useEffect, useImperativeHandle, useRef, useState, type Ref } from 'react';
import { useTranslation } from 'react-i18next';
import type { SeriesView, StudyView } from '../../../../main/contract/imaging-types';
import { useConfig } from '../../app/config-context';
import { localeTag } from '../../i18n/format';
import { ContractError } from '../../tabib-client';
import { frameImageId, parseTabibImageId, seriesImageIds } from './image-ids';
import { orientationMarkers, type OrientationMarkers, type Vector3 } from './orientation';
import { markOpening } from './opening-marks';
import { loadFailureCause } from './tabib-image-loader';

export interface ViewportHandle {
  scrollBy(delta: number): void;
  scrollTo(index: number): void;
  pageSize(): number;
  zoomBy(factor: number): void;
  fit(): void;
  rotate(degrees: number): void;
  flip(direction: 'horizontal' | 'vertical'): void;
  invert(): void;
  reset(): void;
  applyPreset(width: number, center: number): void;
  currentImageId(): string | null;
  showImage(sopInstanceUid: string, frame: number): void;
}

export interface ViewportPaneProps {
  ref?: Ref<ViewportHandle>;
  slot: number;
  viewportId: string;
  engine: RenderingEngine;
  toolGroup: cst.Types.IToolGroup;
  synchronizer: cst.Synchronizer;
  study: StudyView;
  series: SeriesView | null;
  active: boolean;
  onActivate(): void;
  cine: { playing: boolean; fps: number };
  /** A series' first image is shown in this viewport: its saved measurements can be drawn. */
  onSeriesShown(seriesInstanceUid: string, viewportId: string): void;
  /**
   * A series' first image is drawn (on screen, not only set), or cannot be (its error is shown):
   * what waited for it may start.
   */
  onImageDrawn(): void;
  /** The element's size changed (the window, the layout, a panel beside the viewer). */
  onResize(): void;
}

interface OverlayState {
  imageId: string;
  index: number;
  total: number;
  window: { width: number; center: number } | null;
  zoom: number;
  markers: OrientationMarkers | null;
  /** The view's state, on the element for tests and tools: rotation (deg), flips, inversion. */
  rotation: number;
  flipHorizontal: boolean;
  flipVertical: boolean;
  invert: boolean;
}

type PaneError = { code: string } | null;

function readOverlay(viewport: Types.IStackViewport, element: HTMLElement): OverlayState | null {
  const imageId = viewport.getCurrentImageId();
  if (!imageId) return null;
  const voi = viewport.getProperties().voiRange;
  const plane = metaData.get('imagePlaneModule', imageId) as { rowCosines?: number[] } | undefined;
  let markers: OrientationMarkers | null = null;
  if (plane?.rowCosines) {
    const width = element.clientWidth;
    const height = element.clientHeight;
    const sub = (a: Types.Point3, b: Types.Point3): Vector3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
    const right = sub(viewport.canvasToWorld([width, height / 2]), viewport.canvasToWorld([0, height / 2]));
    const up = sub(viewport.canvasToWorld([width / 2, 0]), viewport.canvasToWorld([width / 2, height]));
    markers = orientationMarkers(right, up);
  }
  return {
    imageId,
    index: viewport.getCurrentImageIdIndex(),
    total: viewport.getImageIds().length,
    // DICOM's linear window (PS3.3 C.11.2.1.2.1), as Cornerstone computes it.
    window: voi ? windowOf(voi.lower, voi.upper) : null,
    zoom: viewport.getZoom(),
    markers,
    rotation: Math.round(viewport.getRotation()),
    flipHorizontal: Boolean(viewport.getCamera().flipHorizontal),
    flipVertical: Boolean(viewport.getCamera().flipVertical),
    invert: Boolean(viewport.getProperties().invert),
  };
}

function windowOf(lower: number, upper: number): { width: number; center: number } {
  const { windowWidth, windowCenter } = coreUtilities.windowLevel.toWindowLevel(lower, upper);
  return { width: windowWidth, center: windowCenter };
}

function errorOf(failure: unknown): { code: string } {
  const cause = loadFailureCause(failure);
  return { code: cause instanceof ContractError ? cause.code : 'DECODE' };
}

export function ViewportPane({
  ref,
  slot,
  viewportId,
  engine,
  toolGroup,
  synchronizer,
  study,
  series,
  active,
  onActivate,
  cine,
  onSeriesShown,
  onImageDrawn,
  onResize,
}: ViewportPaneProps) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const locale = localeTag(config.language, config.country);
  const elementRef = useRef<HTMLDivElement>(null);
  const [enabled, setEnabled] = useState(false);
  const [overlay, setOverlay] = useState<OverlayState | null>(null);
  const [error, setError] = useState<PaneError>(null);
  const [loading, setLoading] = useState(false);
  const seriesShown = useRef(onSeriesShown);
  const imageDrawn = useRef(onImageDrawn);
  const resized = useRef(onResize);
  useEffect(() => {
    seriesShown.current = onSeriesShown;
    imageDrawn.current = onImageDrawn;
    resized.current = onResize;
  });

  const viewport = () =>
    enabled ? ((engine.getViewport(viewportId) as Types.IStackViewport | undefined) ?? null) : null;

  // The element joins the rendering engine, the tool group and the scroll synchronizer.
  useEffect(() => {
    const element = elementRef.current;
    if (!element) return;
    engine.enableElement({
      viewportId,
      type: CoreEnums.ViewportType.STACK,
      element,
      defaultOptions: { background: [0, 0, 0] },
    });
    toolGroup.addViewport(viewportId, engine.id);
    synchronizer.add({ renderingEngineId: engine.id, viewportId });
    const resize = new ResizeObserver(() => resized.current());
    resize.observe(element);
    markOpening('viewport-enabled');
    setEnabled(true);
    return () => {
      resize.disconnect();
      synchronizer.remove({ renderingEngineId: engine.id, viewportId });
      toolGroup.removeViewports(engine.id, viewportId);
      engine.disableElement(viewportId);
      setEnabled(false);
    };
  }, [engine, toolGroup, synchronizer, viewportId]);

  // Cornerstone's events on the element: what the overlays show; the image rendered.
  useEffect(() => {
    const element = elementRef.current;
    if (!element || !enabled) return;
    const stack = engine.getViewport(viewportId) as Types.IStackViewport;
    const update = () => {
      const next = readOverlay(stack, element);
      setOverlay((current) => (JSON.stringify(current) === JSON.stringify(next) ? current : next));
    };
    const rendered = () => {
      // The image drawn, not the one asked for: a render before it has loaded (a resize) shows none.
      const imageId = (stack.getCornerstoneImage() as Types.IImage | undefined)?.imageId;
      if (imageId && !element.dataset.renderedImage) {
        markOpening('image-rendered');
        imageDrawn.current();
      }
      if (imageId) element.dataset.renderedImage = imageId;
      update();
    };
    const newImage = () => {
      setError(null);
      update();
    };
    const failed = (event: Event) => {
      const detail = (event as CustomEvent<{ imageId?: string; error?: unknown }>).detail;
      if (detail?.imageId && detail.imageId === stack.getCurrentImageId()) {
        setError(errorOf(detail.error));
        setLoading(false);
        imageDrawn.current();
      }
    };
    element.addEventListener(CoreEnums.Events.IMAGE_RENDERED, rendered);
    element.addEventListener(CoreEnums.Events.STACK_NEW_IMAGE, newImage);
    element.addEventListener(CoreEnums.Events.VOI_MODIFIED, update);
    element.addEventListener(CoreEnums.Events.CAMERA_MODIFIED, update);
    eventTarget.addEventListener(CoreEnums.Events.IMAGE_LOAD_FAILED, failed);
    return () => {
      element.removeEventListener(CoreEnums.Events.IMAGE_RENDERED, rendered);
      element.removeEventListener(CoreEnums.Events.STACK_NEW_IMAGE, newImage);
      element.removeEventListener(CoreEnums.Events.VOI_MODIFIED, update);
      element.removeEventListener(CoreEnums.Events.CAMERA_MODIFIED, update);
      eventTarget.removeEventListener(CoreEnums.Events.IMAGE_LOAD_FAILED, failed);
    };
  }, [engine, viewportId, enabled]);

  // The series shown: its stack, from the first image.
  useEffect(() => {
    const element = elementRef.current;
    if (!element || !enabled || !series) return;
    const stack = engine.getViewport(viewportId) as Types.IStackViewport;
    const imageIds = seriesImageIds(series);
    let cancelled = false;
    setError(null);
    setLoading(true);
    delete element.dataset.renderedImage;
    markOpening('stack-requested');
    stack.setStack(imageIds, 0).then(
      () => {
        if (cancelled) return;
        markOpening('stack-set');
        setLoading(false);
        stack.render();
        seriesShown.current(series.seriesInstanceUid, viewportId);
      },
      (failure: unknown) => {
        if (cancelled) return;
        setLoading(false);
        setError(errorOf(failure));
        imageDrawn.current();
      },
    );
    return () => {
      cancelled = true;
    };
  }, [engine, viewportId, enabled, series]);

  // Cine: the active viewport plays its stack at the chosen rate.
  useEffect(() => {
    const element = elementRef.current;
    if (!element || !enabled || !series || !cine.playing) return;
    if (seriesImageIds(series).length < 2) return;
    cst.utilities.cine.playClip(element, { framesPerSecond: cine.fps, loop: true });
    return () => cst.utilities.cine.stopClip(element);
  }, [enabled, series, cine.playing, cine.fps]);

  const withViewport = (action: (stack: Types.IStackViewport) => void) => {
    const stack = viewport();
    if (!stack || stack.getImageIds().length === 0) return;
    action(stack);
    stack.render();
  };
  const scrollTo = (index: number) =>
    withViewport((stack) => {
      const last = stack.getImageIds().length - 1;
      const next = Math.max(0, Math.min(last, index));
      // A failure is shown from Cornerstone's IMAGE_LOAD_FAILED event (and the promise's reason).
      if (next !== stack.getCurrentImageIdIndex())
        stack.setImageIdIndex(next).catch((failure: unknown) => setError(errorOf(failure)));
    });

  useImperativeHandle(ref, () => ({
    scrollBy: (delta) => {
      const stack = viewport();
      if (stack) scrollTo(stack.getCurrentImageIdIndex() + delta);
    },
    scrollTo,
    pageSize: () => Math.max(1, Math.round((viewport()?.getImageIds().length ?? 0) / 10)),
    zoomBy: (factor) => withViewport((stack) => stack.setZoom(stack.getZoom() * factor)),
    fit: () => withViewport((stack) => stack.resetCamera({ resetPan: true, resetZoom: true })),
    rotate: (degrees) =>
      withViewport((stack) =>
        stack.setViewPresentation({ rotation: (((stack.getRotation() + degrees) % 360) + 360) % 360 }),
      ),
    flip: (direction) =>
      withViewport((stack) => {
        const camera = stack.getCamera();
        if (direction === 'horizontal') stack.setCamera({ flipHorizontal: !camera.flipHorizontal });
        else stack.setCamera({ flipVertical: !camera.flipVertical });
      }),
    invert: () => withViewport((stack) => stack.setProperties({ invert: !stack.getProperties().invert })),
    reset: () =>
      withViewport((stack) => {
        stack.resetProperties();
        stack.resetCamera();
      }),
    applyPreset: (width, center) =>
      withViewport((stack) =>
        stack.setProperties({ voiRange: coreUtilities.windowLevel.toLowHighRange(width, center) }),
      ),
    currentImageId: () => viewport()?.getCurrentImageId() ?? null,
    showImage: (sopInstanceUid, frame) => {
      const stack = viewport();
      if (!stack) return;
      const instance = series?.instances.find((candidate) => candidate.sopInstanceUid === sopInstanceUid);
      if (!instance) return;
      const index = stack.getImageIds().indexOf(frameImageId(sopInstanceUid, frame, instance.frames));
      if (index >= 0) scrollTo(index);
    },
  }));

  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
  const patient = study.study.patientName;
  // As the images name the patient, the family name first, every given and middle name kept.
  const nameLine = (group: { given: string; family: string; middle: string } | null | undefined) =>
    group ? [group.family, group.given, group.middle].filter(Boolean).join(' ') : '';
  const ref0 = overlay ? parseTabibImageId(overlay.imageId) : null;
  const instance = ref0
    ? series?.instances.find((candidate) => candidate.sopInstanceUid === ref0.sopInstanceUid)
    : null;
  const studyDate = study.study.studyDate
    ? new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(
        new Date(`${study.study.studyDate}T00:00:00Z`),
      )
    : '';

  return (
    <div
      className="tabib-viewport-pane"
      data-active={active || undefined}
      data-testid={`viewer-pane-${slot}`}
      onPointerDownCapture={onActivate}
      onFocusCapture={onActivate}
    >
      <div className="tabib-viewport-image" dir="ltr">
        <div
          ref={elementRef}
          className="tabib-viewport-element"
          data-testid={`viewer-viewport-${slot}`}
          data-viewport-id={viewportId}
          data-series={series?.seriesInstanceUid ?? ''}
          data-image-index={overlay?.index ?? ''}
          data-window={
            overlay?.window ? `${Math.round(overlay.window.width)}/${Math.round(overlay.window.center)}` : ''
          }
          data-view={
            overlay
              ? `rotation=${overlay.rotation} flipH=${overlay.flipHorizontal} flipV=${overlay.flipVertical} invert=${overlay.invert}`
              : ''
          }
          data-error-code={error?.code ?? ''}
          role="img"
          tabIndex={0}
          aria-label={
            series
              ? t('viewer.viewport.label', {
                  series: series.description || series.modality,
                  index: (overlay?.index ?? 0) + 1,
                  total: overlay?.total ?? seriesImageIds(series).length,
                })
              : t('viewer.viewport.empty')
          }
          onContextMenu={(event) => event.preventDefault()}
        />
        {series && overlay && !error && (
          <>
            <div
              className="tabib-overlay tabib-overlay-top-left"
              data-testid={`viewer-overlay-patient-${slot}`}
            >
              {nameLine(patient?.alphabetic) && <div dir="auto">{nameLine(patient?.alphabetic)}</div>}
              {nameLine(patient?.ideographic) && <div dir="auto">{nameLine(patient?.ideographic)}</div>}
              {!patient && study.study.patientNameText && <div dir="auto">{study.study.patientNameText}</div>}
              <div dir="ltr">{study.study.dicomPatientId}</div>
            </div>
            <div className="tabib-overlay tabib-overlay-top-right">
              <div dir="auto">{studyDate}</div>
              <div dir="auto">{study.study.description}</div>
            </div>
            <div
              className="tabib-overlay tabib-overlay-bottom-left"
              data-testid={`viewer-overlay-image-${slot}`}
            >
              <div dir="auto">
                {t('viewer.overlay.series', { number: series.seriesNumber ?? '—' })} {series.description}
              </div>
              <div dir="auto">
                {t('viewer.overlay.image', { index: overlay.index + 1, total: overlay.total })}
                {instance && instance.frames > 1 && ref0
                  ? ` · ${t('viewer.overlay.frame', { frame: ref0.frame, frames: instance.frames })}`
                  : ''}
              </div>
            </div>
            <div
              className="tabib-overlay tabib-overlay-bottom-right"
              data-testid={`viewer-overlay-window-${slot}`}
            >
              {overlay.window && (
                <div dir="auto">
                  {t('viewer.overlay.window', {
                    width: number.format(overlay.window.width),
                    center: number.format(overlay.window.center),
                  })}
                </div>
              )}
              <div dir="auto">{t('viewer.overlay.zoom', { zoom: percent.format(overlay.zoom) })}</div>
            </div>
            {overlay.markers && (
              <>
                <div className="tabib-marker tabib-marker-top" data-testid={`viewer-marker-top-${slot}`}>
                  {overlay.markers.top}
                </div>
                <div className="tabib-marker tabib-marker-bottom">{overlay.markers.bottom}</div>
                <div className="tabib-marker tabib-marker-left" data-testid={`viewer-marker-left-${slot}`}>
                  {overlay.markers.left}
                </div>
                <div className="tabib-marker tabib-marker-right">{overlay.markers.right}</div>
              </>
            )}
          </>
        )}
        {!series && (
          <div className="tabib-viewport-message">
            <Text c="gray.4" size="sm">
              {t('viewer.viewport.empty')}
            </Text>
          </div>
        )}
        {series && loading && !error && (
          <div className="tabib-viewport-message">
            <Text c="gray.4" size="sm">
              {t('viewer.viewport.loading')}
            </Text>
          </div>
        )}
        {error && (
          <div className="tabib-viewport-message" dir={config.language === 'ar' ? 'rtl' : 'ltr'}>
            <Alert
              color="red"
              variant="filled"
              role="alert"
              title={t('viewer.errors.imageTitle')}
              data-testid={`viewer-error-${slot}`}
            >
              {error.code === 'DECODE'
                ? t('viewer.errors.decode')
                : t(`errors.${error.code}`, { defaultValue: t('viewer.errors.load') })}
            </Alert>
          </div>
        )}
      </div>
      {/* Always there (its height kept), so the image area does not change size once an image shows. */}
      <div className="tabib-viewport-scroll">
        {series && overlay && overlay.total > 1 && (
          <Slider
            min={1}
            max={overlay.total}
            step={1}
            value={overlay.index + 1}
            onChange={(value) => scrollTo(value - 1)}
            label={(value) => `${value} / ${overlay.total}`}
            thumbLabel={t('viewer.viewport.scroll')}
            size="sm"
            data-testid={`viewer-scroll-${slot}`}
          />
        )}
      </div>
    </div>
  );
}
