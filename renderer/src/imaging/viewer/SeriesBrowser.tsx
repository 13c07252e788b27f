/**
 * The study browser: one button per series with a thumbnail of its middle image, its number,
 * modality, description and image count. Click, Enter or Space loads it into the active viewport;
 * the arrow keys move between series.
 */
import { Text, UnstyledButton } from '@mantine/core';
import { utilities as coreUtilities } from '@cornerstonejs/core';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SeriesView } from '../../../../main/contract/imaging-types';
import { middleImageId, seriesImageIds } from './image-ids';

const THUMBNAIL = 96;

function Thumbnail({ series }: { series: SeriesView }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading');
  useEffect(() => {
    const canvas = canvasRef.current;
    const imageId = middleImageId(series);
    if (!canvas || !imageId) {
      setState('error');
      return;
    }
    let cancelled = false;
    coreUtilities.loadImageToCanvas({ canvas, imageId, thumbnail: true }).then(
      () => !cancelled && setState('ready'),
      () => !cancelled && setState('error'),
    );
    return () => {
      cancelled = true;
    };
  }, [series]);
  return (
    <div className="tabib-thumbnail" data-state={state}>
      <canvas ref={canvasRef} width={THUMBNAIL} height={THUMBNAIL} aria-hidden />
    </div>
  );
}

/** Rendered once the viewer's first image is drawn (ViewerCore), so its thumbnails do not delay it. */
export interface SeriesBrowserProps {
  series: SeriesView[];
  activeSeries: string | null;
  onLoad(seriesInstanceUid: string): void;
  renderingEngineId: string;
}

export function SeriesBrowser({ series, activeSeries, onLoad }: SeriesBrowserProps) {
  const { t } = useTranslation();
  const listRef = useRef<HTMLUListElement>(null);
  const onKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const buttons = [...(listRef.current?.querySelectorAll('button') ?? [])];
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const next = buttons[index + (event.key === 'ArrowDown' ? 1 : -1)];
    if (next) {
      event.preventDefault();
      event.stopPropagation();
      next.focus();
    }
  };
  return (
    <nav className="tabib-series-browser" aria-label={t('viewer.series.title')}>
      <ul ref={listRef} onKeyDown={onKeyDown}>
        {series.map((each) => {
          const count = seriesImageIds(each).length;
          return (
            <li key={each.seriesInstanceUid}>
              <UnstyledButton
                className="tabib-series-button"
                data-active={each.seriesInstanceUid === activeSeries || undefined}
                aria-current={each.seriesInstanceUid === activeSeries ? 'true' : undefined}
                disabled={count === 0}
                onClick={() => onLoad(each.seriesInstanceUid)}
                data-testid={`viewer-series-${each.seriesInstanceUid}`}
              >
                <Thumbnail series={each} />
                <div className="tabib-series-text">
                  <Text size="xs" fw={600}>
                    {t('viewer.series.label', { number: each.seriesNumber ?? '—', modality: each.modality })}
                  </Text>
                  <Text size="xs" dir="auto" lineClamp={2}>
                    {each.description}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {t('viewer.series.images', { count })}
                  </Text>
                </div>
              </UnstyledButton>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
