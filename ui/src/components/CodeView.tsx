// Code on screen: a read-only view with syntax colouring, folding, line numbers and in-body search
// (Ctrl/Cmd-F, or the Find button), and an editor. CodeMirror is half the UI's script and no
// first screen shows code, so it is loaded with the first view that does (CodeMirror.tsx).

import type { EditorView } from "@codemirror/view";
import { Suspense, lazy } from "react";

const View = lazy(() => import("./CodeMirror").then((m) => ({ default: m.CodeView })));
const Editor = lazy(() => import("./CodeMirror").then((m) => ({ default: m.CodeEditor })));

export interface Props {
  text: string;
  language: "json" | "text";
  /** Wrap long lines (raw views). */
  wrap?: boolean;
  viewRef?: React.RefObject<EditorView | null>;
  testId?: string;
  /** Words to mark (the list's search): every occurrence, any case; the first is scrolled to. */
  highlight?: string[];
}

/** The words of a search box query, as the store's full-text search reads them. */
export function searchWords(q: string | undefined): string[] {
  if (!q) return [];
  return q
    .split(/\s+/)
    .map((w) => w.replace(/^["'(]+|["')*]+$/g, ""))
    .filter((w) => w.length > 0 && !["AND", "OR", "NOT", "NEAR"].includes(w));
}

export interface EditorProps {
  /** The starting text; later edits go to `onChange` (the editor keeps its own document). */
  initial: string;
  language: "json" | "text";
  onChange(text: string): void;
  testId?: string;
  label: string;
}

export function CodeView(props: Props) {
  return (
    <Suspense fallback={<div className="code" />}>
      <View {...props} />
    </Suspense>
  );
}

/** An editable CodeMirror 6 view, for the Replay tab's "edit then send". */
export function CodeEditor(props: EditorProps) {
  return (
    <Suspense fallback={<div className="code code-editor" />}>
      <Editor {...props} />
    </Suspense>
  );
}

/** Opens the search panel of `view` (a view exists only once CodeMirror is loaded). */
export function findIn(view: EditorView | null): void {
  if (view) import("./CodeMirror").then((m) => m.findIn(view));
}
