// The first paint, marked as the app marks its own (ui/src/components/EmptyState.tsx): after the
// frame that follows the page's first render.
requestAnimationFrame(() => setTimeout(() => performance.mark("bare:painted"), 0));
