import { useCallback, useState } from "react";

const KEY = "hookscope.detailWidth";
const MIN_DETAIL = 340;
const MIN_LIST = 380;
const SIDEBAR = 180;

/** The detail pane's width in pixels, remembered across sessions; `null` until the user drags. */
export function useDetailWidth(): [number | null, (px: number) => void] {
  const [width, setWidth] = useState<number | null>(() => {
    const stored = Number(window.localStorage.getItem(KEY));
    return Number.isFinite(stored) && stored > 0 ? stored : null;
  });
  const save = useCallback((px: number) => {
    setWidth(px);
    window.localStorage.setItem(KEY, String(Math.round(px)));
  }, []);
  return [width, save];
}

/** `px` within what leaves the sidebar, the list and the detail pane usable at `total` wide. */
export function clampDetail(px: number, total: number): number {
  const max = Math.max(MIN_DETAIL, total - SIDEBAR - MIN_LIST);
  return Math.min(Math.max(px, MIN_DETAIL), max);
}

/**
 * The handle between the list and the detail pane: drag it (or focus it and press the arrow
 * keys) to give either more room.
 */
export function SplitHandle({ width, onResize }: { width: number; onResize(px: number): void }) {
  const start = (e: React.PointerEvent<HTMLDivElement>) => {
    const main = e.currentTarget.parentElement;
    if (!main) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    const rect = main.getBoundingClientRect();
    const move = (ev: PointerEvent) => onResize(clampDetail(rect.right - ev.clientX, rect.width));
    const up = () => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
  };
  return (
    <div
      className="split-handle"
      role="separator"
      aria-orientation="vertical"
      aria-label="Resize the detail pane"
      aria-valuenow={Math.round(width)}
      tabIndex={0}
      onPointerDown={start}
      onKeyDown={(e) => {
        const main = e.currentTarget.parentElement;
        if (!main || (e.key !== "ArrowLeft" && e.key !== "ArrowRight")) return;
        e.preventDefault();
        const step = e.key === "ArrowLeft" ? 32 : -32;
        onResize(clampDetail(width + step, main.getBoundingClientRect().width));
      }}
      data-testid="split-handle"
    />
  );
}
