/**
 * The study's measurements: loaded with the study (imaging.measurements), drawn on their image
 * when their series is shown, followed through Cornerstone's annotation events, saved all at once
 * (imaging.saveMeasurements). A measurement differing from its saved form, a new one, or a saved
 * one removed since counts as unsaved.
 */
import { eventTarget, getRenderingEngine, imageLoader, metaData } from '@cornerstonejs/core';
import * as cst from '@cornerstonejs/tools';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { MeasurementView, StudyView } from '../../../../main/contract/imaging-types';
import { invoke } from '../../tabib-client';
import { frameImageId, parseTabibImageId } from './image-ids';
import {
  annotationToMeasurement,
  imagePlaneSpace,
  kindOfToolName,
  measurementToAnnotation,
  sameMeasurement,
  type AnnotationLike,
  type CoordinateSpace,
  type ImagePlaneLike,
  type Point3,
} from './measurements';

const UNSAVED_COLOUR = 'rgb(255, 160, 0)';
const UNSAVED_HIGHLIGHT = 'rgb(255, 200, 90)';
/**
 * An unsaved measurement's look, in every state Cornerstone draws it in: just drawn it is
 * selected, under the pointer highlighted, and each state has its own colour keys.
 */
const UNSAVED_STYLE = {
  color: UNSAVED_COLOUR,
  colorSelected: UNSAVED_COLOUR,
  colorHighlighted: UNSAVED_HIGHLIGHT,
  textBoxColor: UNSAVED_COLOUR,
  textBoxColorSelected: UNSAVED_COLOUR,
  textBoxColorHighlighted: UNSAVED_HIGHLIGHT,
  lineDash: '4,3',
};

export interface MeasurementItem {
  measurement: MeasurementView;
  saved: boolean;
}

export interface MeasurementsState {
  items: MeasurementItem[];
  /** Saved measurements removed since the last save. */
  removed: number;
  unsavedCount: number;
  loading: boolean;
  saving: boolean;
  loadError: unknown;
  saveError: unknown;
  /** The last save's outcome, for a screen reader's announcement. */
  savedCount: number | null;
  save(): Promise<void>;
  remove(id: string): void;
  drawSeries(seriesInstanceUid: string, viewportId: string): void;
}

function spaceOf(imageId: string): CoordinateSpace {
  return imagePlaneSpace(metaData.get('imagePlaneModule', imageId) as ImagePlaneLike | undefined);
}

/** The study's measurements as they stand: what is drawn, and the saved ones not drawn yet (not shown since they were read). */
function currentOf(
  drawn: Map<string, MeasurementView>,
  saved: Map<string, MeasurementView>,
  materialised: ReadonlySet<string>,
): MeasurementView[] {
  const list = [...drawn.values()];
  for (const measurement of saved.values())
    if (!materialised.has(measurement.id) && !drawn.has(measurement.id)) list.push(measurement);
  return list;
}

export function useMeasurements(study: StudyView, renderingEngineId: string | null): MeasurementsState {
  const studyUid = study.study.studyInstanceUid;
  const seriesOfInstance = useMemo(() => {
    const map = new Map<string, { seriesInstanceUid: string; modality: string; frames: number }>();
    for (const series of study.series)
      for (const instance of series.instances)
        map.set(instance.sopInstanceUid, {
          seriesInstanceUid: series.seriesInstanceUid,
          modality: series.modality,
          frames: instance.frames,
        });
    return map;
  }, [study]);
  const [saved, setSaved] = useState<Map<string, MeasurementView>>(new Map());
  const [drawn, setDrawn] = useState<Map<string, MeasurementView>>(new Map());
  const [loading, setLoading] = useState(true);
  const [saving, setSaving] = useState(false);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [savedCount, setSavedCount] = useState<number | null>(null);
  /**
   * Saved measurements handed to Cornerstone (drawn at least once): from then on Cornerstone's
   * state says whether they still exist. The ref mirrors the state for the callbacks.
   */
  const [materialised, setMaterialised] = useState<ReadonlySet<string>>(new Set());
  const materialisedRef = useRef<ReadonlySet<string>>(materialised);
  const markMaterialised = useCallback((ids: string[]) => {
    const next = new Set(materialisedRef.current);
    for (const id of ids) next.add(id);
    materialisedRef.current = next;
    setMaterialised(next);
  }, []);
  const pending = useRef(new Set<string>());
  const savedRef = useRef(saved);
  const drawnRef = useRef(drawn);
  useEffect(() => {
    savedRef.current = saved;
    drawnRef.current = drawn;
  }, [saved, drawn]);

  /** This study's annotations in Cornerstone's state, as the contract's measurements. */
  const collectDrawn = useCallback((): Map<string, MeasurementView> => {
    const next = new Map<string, MeasurementView>();
    for (const annotation of cst.annotation.state.getAllAnnotations() as unknown as AnnotationLike[]) {
      if (!kindOfToolName[annotation.metadata.toolName]) continue;
      const imageId = annotation.metadata.referencedImageId;
      const ref = imageId ? parseTabibImageId(imageId) : null;
      const instance = ref ? seriesOfInstance.get(ref.sopInstanceUid) : undefined;
      if (!imageId || !ref || !instance) continue;
      try {
        const measurement = annotationToMeasurement(
          annotation,
          { ...ref, seriesInstanceUid: instance.seriesInstanceUid },
          spaceOf(imageId),
          instance.modality,
        );
        if (measurement) {
          // Cornerstone computes values when it draws the annotation; one on an image not shown
          // yet has none: a saved measurement left as it was keeps its saved values.
          const before = savedRef.current.get(measurement.id);
          if (Object.keys(measurement.values).length === 0 && before && sameMeasurement(before, measurement))
            measurement.values = before.values;
          next.set(measurement.id, measurement);
        }
      } catch {
        // An annotation on an image whose metadata is gone (decached): left as it was.
        const previous = drawnRef.current.get(annotation.annotationUID ?? '');
        if (previous) next.set(previous.id, previous);
      }
    }
    return next;
  }, [seriesOfInstance]);
  const readDrawn = useCallback(() => setDrawn(collectDrawn()), [collectDrawn]);

  // Load the saved measurements when the study opens.
  useEffect(() => {
    let cancelled = false;
    invoke('imaging.measurements', { studyInstanceUid: studyUid }).then(
      (list) => {
        if (cancelled) return;
        setSaved(new Map(list.map((measurement) => [measurement.id, measurement])));
        setLoading(false);
      },
      (error: unknown) => {
        if (cancelled) return;
        setLoadError(error);
        setLoading(false);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [studyUid]);

  // Follow Cornerstone's annotation events (one read per frame, however many events).
  useEffect(() => {
    let frame = 0;
    const schedule = () => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        readDrawn();
      });
    };
    const events = [
      cst.Enums.Events.ANNOTATION_ADDED,
      cst.Enums.Events.ANNOTATION_COMPLETED,
      cst.Enums.Events.ANNOTATION_MODIFIED,
      cst.Enums.Events.ANNOTATION_REMOVED,
    ];
    for (const name of events) eventTarget.addEventListener(name, schedule);
    return () => {
      for (const name of events) eventTarget.removeEventListener(name, schedule);
      if (frame) cancelAnimationFrame(frame);
    };
  }, [readDrawn]);

  // Leaving the study: its annotations leave Cornerstone's (page-wide) state. Only then: its view
  // read again (linked to a patient, its series arrived after its opening) keeps what is drawn,
  // unsaved measurements included.
  const seriesOfInstanceRef = useRef(seriesOfInstance);
  useEffect(() => {
    seriesOfInstanceRef.current = seriesOfInstance;
  }, [seriesOfInstance]);
  useEffect(
    () => () => {
      for (const annotation of cst.annotation.state.getAllAnnotations() as unknown as AnnotationLike[]) {
        const ref = annotation.metadata.referencedImageId
          ? parseTabibImageId(annotation.metadata.referencedImageId)
          : null;
        if (ref && seriesOfInstanceRef.current.has(ref.sopInstanceUid) && annotation.annotationUID)
          cst.annotation.state.removeAnnotation(annotation.annotationUID);
      }
    },
    [studyUid],
  );

  /** The series each viewport shows (drawSeries): what to draw on when the saved measurements come. */
  const shownSeries = useRef(new Map<string, string>());
  const drawSeries = useCallback(
    (seriesInstanceUid: string, viewportId: string) => {
      shownSeries.current.set(viewportId, seriesInstanceUid);
      if (!renderingEngineId) return;
      const toDraw = [...savedRef.current.values()].filter(
        (measurement) =>
          measurement.seriesInstanceUid === seriesInstanceUid &&
          !materialisedRef.current.has(measurement.id) &&
          !pending.current.has(measurement.id),
      );
      if (toDraw.length === 0) return;
      for (const measurement of toDraw) pending.current.add(measurement.id);
      void (async () => {
        const drawnIds: string[] = [];
        const viewport = getRenderingEngine(renderingEngineId)?.getViewport(viewportId);
        for (const measurement of toDraw) {
          try {
            const instance = seriesOfInstance.get(measurement.sopInstanceUid);
            if (!viewport || !instance) continue;
            const imageId = frameImageId(measurement.sopInstanceUid, measurement.frame, instance.frames);
            await imageLoader.loadAndCacheImage(imageId);
            const plane = metaData.get('imagePlaneModule', imageId) as {
              rowCosines?: number[];
              columnCosines?: number[];
              frameOfReferenceUID?: string;
            };
            const row = (plane.rowCosines ?? [1, 0, 0]) as Point3;
            const column = (plane.columnCosines ?? [0, 1, 0]) as Point3;
            const normal: Point3 = [
              row[1] * column[2] - row[2] * column[1],
              row[2] * column[0] - row[0] * column[2],
              row[0] * column[1] - row[1] * column[0],
            ];
            const annotation = measurementToAnnotation(measurement, imageId, imagePlaneSpace(plane), {
              viewPlaneNormal: [-normal[0], -normal[1], -normal[2]],
              viewUp: [-column[0], -column[1], -column[2]],
              frameOfReferenceUid: plane.frameOfReferenceUID ?? viewport.getFrameOfReferenceUID(),
            });
            if (!cst.annotation.state.getAnnotation(measurement.id))
              cst.annotation.state.addAnnotation(
                annotation as unknown as cst.Types.Annotation,
                viewport.element,
              );
            drawnIds.push(measurement.id);
          } catch {
            // Its image cannot be read: it stays in the list, saved as it was, not drawn.
          } finally {
            pending.current.delete(measurement.id);
          }
        }
        const engine = getRenderingEngine(renderingEngineId);
        if (engine)
          cst.utilities.triggerAnnotationRenderForViewportIds(engine.getViewports().map((each) => each.id));
        readDrawn();
      })();
    },
    [renderingEngineId, seriesOfInstance, readDrawn],
  );

  // The saved measurements came after their series was shown (a study's image in the cache is
  // shown before they are read): drawn now. savedRef is set by the effect above, run before this one.
  useEffect(() => {
    for (const [viewportId, seriesInstanceUid] of shownSeries.current)
      drawSeries(seriesInstanceUid, viewportId);
  }, [saved, drawSeries]);

  const current = useMemo(() => currentOf(drawn, saved, materialised), [drawn, saved, materialised]);

  const items = current.map((measurement) => {
    const before = saved.get(measurement.id);
    return { measurement, saved: before !== undefined && sameMeasurement(before, measurement) };
  });
  const currentIds = new Set(current.map((measurement) => measurement.id));
  const removed = [...saved.keys()].filter((id) => !currentIds.has(id)).length;
  const unsavedCount = items.filter((item) => !item.saved).length + removed;

  // On the image too, an unsaved measurement looks unsaved: orange and dashed until it is saved.
  const drawnStyles = useRef(new Map<string, boolean>());
  useEffect(() => {
    let changed = false;
    for (const { measurement, saved: isSaved } of items) {
      if (!drawn.has(measurement.id) || drawnStyles.current.get(measurement.id) === isSaved) continue;
      cst.annotation.config.style.setAnnotationStyles(measurement.id, isSaved ? {} : UNSAVED_STYLE);
      drawnStyles.current.set(measurement.id, isSaved);
      changed = true;
    }
    const engine = changed && renderingEngineId ? getRenderingEngine(renderingEngineId) : undefined;
    if (engine)
      cst.utilities.triggerAnnotationRenderForViewportIds(engine.getViewports().map((each) => each.id));
  });

  const save = useCallback(async () => {
    // What is drawn now, not as of the last frame read: a Ctrl+S pressed as the mouse is released
    // saves the line where it was released (the read after Cornerstone's last event waits for the
    // next animation frame).
    const drawnNow = collectDrawn();
    setDrawn(drawnNow);
    setSaving(true);
    setSaveError(null);
    try {
      const result = await invoke('imaging.saveMeasurements', {
        studyInstanceUid: studyUid,
        measurements: currentOf(drawnNow, saved, materialised),
      });
      setSaved(new Map(result.map((measurement) => [measurement.id, measurement])));
      markMaterialised(
        result.filter((measurement) => drawnNow.has(measurement.id)).map((measurement) => measurement.id),
      );
      setSavedCount(result.length);
    } catch (error) {
      setSaveError(error);
    } finally {
      setSaving(false);
    }
  }, [studyUid, collectDrawn, saved, materialised, markMaterialised]);

  const remove = useCallback(
    (id: string) => {
      if (cst.annotation.state.getAnnotation(id)) cst.annotation.state.removeAnnotation(id);
      // Saved, not drawn yet: it leaves the list as if drawn and removed.
      else markMaterialised([id]);
      if (renderingEngineId) {
        const engine = getRenderingEngine(renderingEngineId);
        if (engine)
          cst.utilities.triggerAnnotationRenderForViewportIds(engine.getViewports().map((each) => each.id));
      }
      readDrawn();
    },
    [renderingEngineId, readDrawn, markMaterialised],
  );

  return {
    items,
    removed,
    unsavedCount,
    loading,
    saving,
    loadError,
    saveError,
    savedCount,
    save,
    remove,
    drawSeries,
  };
}
