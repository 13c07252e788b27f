/**
 * One hint for a whole toolbar: the `data-hint` of the button under the pointer (after a short
 * delay) or with the keyboard's focus (at once), shown below it. One listener and one element for
 * the toolbar, instead of a Tooltip per button: twenty-odd Mantine Tooltips cost the viewer's
 * first image tens of milliseconds at mount (npm run bench:imaging). The hint repeats what the
 * button's aria-label and aria-keyshortcuts already say, so it is hidden from assistive technology.
 */
import { useEffect, useState, type RefObject } from 'react';
import { createPortal } from 'react-dom';

/** The pointer rests this long on a button before its hint shows (Mantine's Tooltip openDelay, as before). */
export const HINT_DELAY_MS = 300;
/** The hint's centre stays this far from the window's edges, so that a short hint is never cut. */
const EDGE = 72;

interface Hint {
  text: string;
  /** Viewport coordinates of the point below the button where the hint is centred. */
  x: number;
  y: number;
}

export function ToolbarHint({ toolbar }: { toolbar: RefObject<HTMLElement | null> }) {
  const [hint, setHint] = useState<Hint | null>(null);
  useEffect(() => {
    const root = toolbar.current;
    if (!root) return;
    let timer = 0;
    let shownFor: HTMLElement | null = null;
    const hide = () => {
      window.clearTimeout(timer);
      shownFor = null;
      setHint(null);
    };
    const show = (target: HTMLElement) => {
      const text = target.dataset.hint;
      if (!text) return hide();
      const box = target.getBoundingClientRect();
      const x = Math.min(Math.max(box.left + box.width / 2, EDGE), window.innerWidth - EDGE);
      shownFor = target;
      setHint({ text, x, y: box.bottom + 6 });
    };
    const hinted = (event: Event) =>
      (event.target instanceof Element ? event.target.closest<HTMLElement>('[data-hint]') : null) ?? null;
    const onPointerOver = (event: PointerEvent) => {
      const target = hinted(event);
      if (target === shownFor && target) return;
      window.clearTimeout(timer);
      if (!target) return hide();
      setHint(null);
      timer = window.setTimeout(() => show(target), HINT_DELAY_MS);
    };
    const onFocusIn = (event: FocusEvent) => {
      const target = hinted(event);
      window.clearTimeout(timer);
      if (target?.matches(':focus-visible')) show(target);
      else hide();
    };
    root.addEventListener('pointerover', onPointerOver);
    root.addEventListener('pointerleave', hide);
    root.addEventListener('pointerdown', hide);
    root.addEventListener('focusin', onFocusIn);
    root.addEventListener('focusout', hide);
    return () => {
      window.clearTimeout(timer);
      root.removeEventListener('pointerover', onPointerOver);
      root.removeEventListener('pointerleave', hide);
      root.removeEventListener('pointerdown', hide);
      root.removeEventListener('focusin', onFocusIn);
      root.removeEventListener('focusout', hide);
    };
  }, [toolbar]);
  if (!hint) return null;
  return createPortal(
    <div
      className="tabib-toolbar-hint"
      aria-hidden
      data-testid="viewer-hint"
      style={{ left: hint.x, top: hint.y }}
    >
      {hint.text}
    </div>,
    document.body,
  );
}
