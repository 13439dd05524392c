// CodeMirror 6 itself, loaded with the first view that shows code (see CodeView.tsx): a read-only
// view with syntax colouring, folding, line numbers and in-body search, and an editable one.
// Text is only ever handed to CodeMirror as a document, never parsed as HTML.

import { json } from "@codemirror/lang-json";
import {
  HighlightStyle,
  bracketMatching,
  codeFolding,
  foldGutter,
  foldKeymap,
  syntaxHighlighting,
} from "@codemirror/language";
import { highlightSelectionMatches, openSearchPanel, search, searchKeymap } from "@codemirror/search";
import { EditorState } from "@codemirror/state";
import {
  Decoration,
  type DecorationSet,
  EditorView,
  MatchDecorator,
  ViewPlugin,
  type ViewUpdate,
  drawSelection,
  keymap,
  lineNumbers,
} from "@codemirror/view";
import { defaultKeymap } from "@codemirror/commands";
import { tags } from "@lezer/highlight";
import { useEffect, useRef } from "react";
import type { EditorProps, Props } from "./CodeView";

// Colours come from CSS variables, so the light and dark themes restyle the editor too.
const highlight = HighlightStyle.define([
  { tag: tags.propertyName, color: "var(--syn-key)" },
  { tag: tags.string, color: "var(--syn-string)" },
  { tag: tags.number, color: "var(--syn-number)" },
  { tag: [tags.bool, tags.null], color: "var(--syn-keyword)" },
  { tag: tags.invalid, color: "var(--bad)" },
]);

const theme = EditorView.theme({
  "&": { height: "100%", fontSize: "12.5px", backgroundColor: "var(--code-bg)", color: "var(--fg)" },
  ".cm-scroller": { fontFamily: "var(--mono)", lineHeight: "1.5" },
  ".cm-gutters": { backgroundColor: "var(--code-bg)", color: "var(--muted)", border: "none" },
  ".cm-activeLine": { backgroundColor: "transparent" },
  "&.cm-focused": { outline: "none" },
  ".cm-panels": { backgroundColor: "var(--panel)", color: "var(--fg)" },
  ".cm-searchMatch": { backgroundColor: "var(--match)" },
  ".cm-search-hit": { backgroundColor: "var(--match)", outline: "1px solid var(--accent)", borderRadius: "2px" },
  ".cm-selectionBackground, &.cm-focused .cm-selectionBackground": { backgroundColor: "var(--selection)" },
  ".cm-cursor": { borderLeftColor: "var(--fg)" },
});

/** Marks every occurrence of `words`, any case. */
function searchHits(words: string[]) {
  const pattern = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
  const decorator = new MatchDecorator({
    regexp: new RegExp(pattern, "gi"),
    decoration: Decoration.mark({ class: "cm-search-hit" }),
  });
  return ViewPlugin.fromClass(
    class {
      decorations: DecorationSet;
      constructor(view: EditorView) {
        this.decorations = decorator.createDeco(view);
      }
      update(u: ViewUpdate) {
        this.decorations = decorator.updateDeco(u, this.decorations);
      }
    },
    { decorations: (v) => v.decorations },
  );
}

export function CodeView({ text, language, wrap, viewRef, testId, highlight: words = [] }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const wordsKey = words.join("\u0000");
  // biome-ignore lint/correctness/useExhaustiveDependencies: `wordsKey` stands for `words` (a new array on every render).
  useEffect(() => {
    const view = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: text,
        extensions: [
          EditorState.readOnly.of(true),
          lineNumbers(),
          codeFolding(),
          foldGutter(),
          drawSelection(),
          bracketMatching(),
          search({ top: true }),
          highlightSelectionMatches(),
          syntaxHighlighting(highlight),
          keymap.of([...searchKeymap, ...foldKeymap, ...defaultKeymap]),
          theme,
          ...(language === "json" ? [json()] : []),
          ...(wrap ? [EditorView.lineWrapping] : []),
          ...(words.length > 0 ? [searchHits(words)] : []),
        ],
      }),
    });
    if (viewRef) viewRef.current = view;
    // The first hit in view, the way a search result opens.
    const lower = text.toLowerCase();
    const first = Math.min(...words.map((w) => lower.indexOf(w.toLowerCase())).filter((i) => i >= 0));
    if (Number.isFinite(first)) {
      view.dispatch({ effects: EditorView.scrollIntoView(first, { y: "center" }) });
    }
    return () => {
      view.destroy();
      if (viewRef) viewRef.current = null;
    };
  }, [text, language, wrap, viewRef, wordsKey]);
  return <div className="code" ref={host} data-testid={testId} />;
}

export function findIn(view: EditorView | null): void {
  if (view) openSearchPanel(view);
}

/** An editable CodeMirror 6 view, for the Replay tab's "edit then send". */
export function CodeEditor({ initial, language, onChange, testId, label }: EditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const changed = useRef(onChange);
  changed.current = onChange;
  useEffect(() => {
    const view = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: initial,
        extensions: [
          lineNumbers(),
          drawSelection(),
          bracketMatching(),
          syntaxHighlighting(highlight),
          keymap.of([...defaultKeymap]),
          theme,
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({ "aria-label": label }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) changed.current(u.state.doc.toString());
          }),
          ...(language === "json" ? [json()] : []),
        ],
      }),
    });
    return () => view.destroy();
    // Created once per starting text: typing must not recreate it.
  }, [initial, language, label]);
  return <div className="code code-editor" ref={host} data-testid={testId} />;
}
