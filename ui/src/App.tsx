import { Suspense, lazy, useCallback, useEffect, useRef, useState } from "react";
import { useTransport } from "./api/context";
import type { StreamEvent } from "./api/transport";
import type { CaptureStatus, RulesReload, ServerInfo } from "./api/types.gen";
import { CaptureBanner, CaptureState } from "./components/Capture";
import { copyText } from "./lib/clipboard";
import { DeliveryList, ROW_HEIGHT } from "./components/DeliveryList";
import type { Tab } from "./components/Detail";
import { EmptyState } from "./components/EmptyState";
import { failureReason, reloadFailure } from "./components/rules/status";
import { Sidebar } from "./components/Sidebar";
import { SplitHandle, useDetailWidth } from "./components/SplitHandle";
import { TopBar } from "./components/TopBar";
import { type Filters, filterParams, hasFilters, parseFilters, parseSelected, viewSearch } from "./lib/filters";
import { useDeliveries } from "./lib/useDeliveries";

// What the first screen does not show is loaded when first opened: the first screen's script is
// under half of the whole (CodeMirror, the detail's tabs, settings and rules are the rest), and the
// desktop window parses all of it before its first paint.
const Detail = lazy(() => import("./components/Detail").then((m) => ({ default: m.Detail })));
const Rules = lazy(() => import("./components/Rules").then((m) => ({ default: m.Rules })));
const Settings = lazy(() => import("./components/Settings").then((m) => ({ default: m.Settings })));

export function App() {
  const transport = useTransport();
  const [filters, setFiltersState] = useState<Filters>(() => parseFilters(window.location.search));
  const [selected, setSelected] = useState<number | null>(() => parseSelected(window.location.search));
  const [tab, setTab] = useState<Tab>("overview");
  const [info, setInfo] = useState<ServerInfo | null>(null);
  const [settings, setSettings] = useState(false);
  const [rulesOpen, setRulesOpen] = useState(false);
  // The rules in force as the stream last announced them; a reload that failed is said above
  // the list until dismissed.
  const [rulesReload, setRulesReload] = useState<RulesReload | null>(null);
  const [dismissedFailure, setDismissedFailure] = useState<string | null>(null);
  const [scrollTo, setScrollTo] = useState<number | null>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);

  const atTop = useCallback(() => (scrollRef.current?.scrollTop ?? 0) < ROW_HEIGHT / 2, []);
  // The open delivery is read again when it changes under it.
  const [detailVersion, setDetailVersion] = useState(0);
  const selectedRef = useRef(selected);
  selectedRef.current = selected;
  const onEvent = useCallback(
    (event: StreamEvent) => {
      if (
        (event.type === "pinned" && event.id === selectedRef.current) ||
        (event.type === "progress" && event.done === event.total)
      ) {
        setDetailVersion((v) => v + 1);
      }
      if (event.type === "rules") setRulesReload(event.reload);
      // On (re)connecting, what was announced while the stream was down is read.
      if (event.type === "ready") {
        transport.rules().then(
          (r) => setRulesReload(r.reload),
          () => {},
        );
      }
    },
    [transport],
  );
  const list = useDeliveries(transport, filters, atTop, onEvent);

  // Server facts for the status line, kept fresh while the page is open; the desktop app also
  // announces each change of the capture listener at once.
  const [capture, setCapture] = useState<CaptureStatus | null>(null);
  useEffect(() => {
    const read = () =>
      transport.info().then(
        (i) => {
          setInfo(i);
          setCapture(i.capture);
        },
        () => {},
      );
    read();
    const timer = window.setInterval(read, 5000);
    const stop = transport.desktop?.onCapture((status) => {
      setCapture(status);
      read();
    });
    return () => {
      window.clearInterval(timer);
      stop?.();
    };
  }, [transport]);

  // The desktop app's native menu items that act on the page.
  const captureRef = useRef(capture);
  captureRef.current = capture;
  useEffect(
    () =>
      transport.desktop?.onMenu((item) => {
        switch (item) {
          case "settings":
            setSettings(true);
            break;
          case "rules":
            setRulesOpen(true);
            break;
          case "send-sample":
            transport.sendSample().then(
              (sent) => sent.id !== null && setSelected(sent.id),
              () => {},
            );
            break;
          case "copy-capture-url":
            if (captureRef.current?.url) void copyText(captureRef.current.url);
            break;
          case "reload":
            window.location.reload();
            break;
        }
      }),
    [transport],
  );

  // The view lives in the URL: filters and the selected delivery.
  useEffect(() => {
    const search = viewSearch(filters, selected);
    if (search !== window.location.search) {
      window.history.replaceState(null, "", window.location.pathname + search);
    }
  }, [filters, selected]);
  const filtersRef = useRef(filters);
  filtersRef.current = filters;
  const setFilters = useCallback((next: Filters) => {
    if (filterParams(next).toString() === filterParams(filtersRef.current).toString()) return;
    window.history.pushState(null, "", window.location.pathname + viewSearch(next, null));
    setFiltersState(next);
    scrollRef.current?.scrollTo({ top: 0 });
  }, []);
  useEffect(() => {
    const onPop = () => {
      setFiltersState(parseFilters(window.location.search));
      setSelected(parseSelected(window.location.search));
    };
    window.addEventListener("popstate", onPop);
    return () => window.removeEventListener("popstate", onPop);
  }, []);

  const select = useCallback((id: number) => setSelected(id), []);
  const closeRules = useCallback(() => setRulesOpen(false), []);
  // Opening moves the keyboard focus into the detail, once it has loaded.
  const [focusDetail, setFocusDetail] = useState(false);
  const open = useCallback((id: number) => {
    setSelected(id);
    setFocusDetail(true);
  }, []);
  const focused = useCallback(() => setFocusDetail(false), []);
  // A second row picked in the list (Ctrl- or Shift-click): the selected one is compared with it.
  const [compareWith, setCompareWith] = useState<number | null>(null);
  const compare = useCallback((id: number) => {
    setCompareWith(id);
    setTab("compare");
  }, []);

  // Keyboard: j/k or arrows move, Enter opens, / searches, Escape leaves a field.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (settings || rulesOpen || e.ctrlKey || e.metaKey || e.altKey) return;
      // Fields, the editor and a diff (n/j and p/k move between its changes) keep their keys.
      if (target.closest("input, textarea, select, .cm-editor, .diff-view")) return;
      const move = (step: number) => {
        const total = list.total ?? 0;
        if (total === 0) return;
        const current = selected === null ? -1 : list.indexOf(selected);
        const next = Math.max(0, Math.min(total - 1, current + step));
        const row = list.row(next);
        if (row) {
          setSelected(row.id);
          setScrollTo(next);
        } else {
          list.want(next, next);
          setScrollTo(next);
        }
        e.preventDefault();
      };
      switch (e.key) {
        case "j":
        case "ArrowDown":
          move(1);
          break;
        case "k":
        case "ArrowUp":
          move(-1);
          break;
        case "Enter":
          if (selected !== null) open(selected);
          break;
        case "/":
          e.preventDefault();
          searchRef.current?.focus();
          searchRef.current?.select();
          break;
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [list, selected, settings, rulesOpen, open]);

  const empty = list.total === 0 && !hasFilters(filters);
  // The list takes the room until a delivery is selected; then the split is the user's.
  const split = selected !== null && !empty;
  const [detailWidth, setDetailWidth] = useDetailWidth();
  const rulesFailed = reloadFailure(rulesReload);
  const mainStyle = (
    split && detailWidth !== null ? { "--detail-width": `min(${detailWidth}px, calc(100vw - 560px))` } : {}
  ) as React.CSSProperties;
  return (
    <div className="app">
      <TopBar
        filters={filters}
        onChange={setFilters}
        status={list.status}
        searchRef={searchRef}
        onSettings={() => setSettings(true)}
        onRules={() => setRulesOpen(true)}
        total={list.total}
        onSent={select}
      />
      <div className="banners">
        {capture && <CaptureBanner capture={capture} />}
        {rulesFailed && rulesFailed.at !== dismissedFailure && (
          <div className="banner" role="alert" data-testid="rules-banner">
            <span>
              <strong>Rules not reloaded:</strong> {failureReason(rulesFailed)}. The rules in force are unchanged.
            </span>
            <button type="button" onClick={() => setRulesOpen(true)} data-testid="rules-banner-open">
              Open Rules
            </button>
            <button
              type="button"
              className="link"
              onClick={() => setDismissedFailure(rulesFailed.at)}
              data-testid="rules-banner-dismiss"
            >
              Dismiss
            </button>
          </div>
        )}
      </div>
      <div className={split ? "main main-split" : "main"} style={mainStyle}>
        <Sidebar filters={filters} onChange={setFilters} refreshKey={`${list.total}:${list.fresh}`} />
        <section className="list-pane" aria-label="Delivery list">
          {hasFilters(filters) && (
            <div className="filter-bar">
              <span className="muted" data-testid="matching">
                {list.total === null ? "…" : `${list.total.toLocaleString()}${list.capped ? "+" : ""} matching`}
              </span>
              {Array.from(filterParams(filters)).map(([k, v]) => (
                <button
                  key={k}
                  type="button"
                  className="chip"
                  title="Remove this filter"
                  onClick={() => setFilters({ ...filters, [k]: undefined })}
                >
                  {k.replace("_", " ")}: {v} ✕
                </button>
              ))}
              <button type="button" className="link" onClick={() => setFilters({})}>
                Clear all
              </button>
            </div>
          )}
          {list.error && (
            <p className="error" role="alert">
              {list.error}
            </p>
          )}
          {list.fresh > 0 && (
            <button
              type="button"
              className="pill"
              onClick={() => {
                list.refresh();
                scrollRef.current?.scrollTo({ top: 0 });
              }}
              data-testid="new-pill"
            >
              ↑ {list.fresh === 1 ? "1 new delivery" : `${list.fresh.toLocaleString()} new deliveries`}
            </button>
          )}
          {empty ? (
            <EmptyState info={info} onSent={select} />
          ) : list.total === 0 ? (
            <div className="empty">
              <h2>No deliveries match these filters</h2>
              <button type="button" onClick={() => setFilters({})}>
                Clear filters
              </button>
            </div>
          ) : (
            <DeliveryList
              list={list}
              selected={selected}
              onSelect={select}
              onOpen={open}
              onCompare={compare}
              scrollRef={scrollRef}
              scrollToIndex={scrollTo}
            />
          )}
        </section>
        {split && <SplitHandle width={detailWidth ?? Math.round(window.innerWidth * 0.4)} onResize={setDetailWidth} />}
        {split && selected !== null && (
          <div className="detail-pane">
            <Suspense fallback={<p className="muted loading">Loading…</p>}>
              <Detail
                id={selected}
                captureUrl={info?.capture_url ?? ""}
                version={detailVersion}
                focusPending={focusDetail}
                onFocused={focused}
                onSelect={select}
                onDeleted={() => setSelected(null)}
                tab={tab}
                onTab={setTab}
                onFilter={(patch) => setFilters({ ...filters, ...patch })}
                search={filters.q}
                compareWith={compareWith}
              />
            </Suspense>
          </div>
        )}
      </div>
      <footer className="statusbar">
        <CaptureState capture={capture} forwards={info?.forwards ?? []} />
        {!split && !empty && (
          <span className="muted" data-testid="select-hint">
            Select a delivery to see it: <kbd>j</kbd>/<kbd>k</kbd> move, <kbd>Enter</kbd> opens, <kbd>/</kbd> searches.
          </span>
        )}
        {info?.disk.full && (
          <span className="disk-full" role="alert" data-testid="disk-full" title={`The store is in ${info.disk.dir}`}>
            Disk full: new deliveries are answered 503 and not stored. Delete deliveries or free space on that disk;
            capture resumes by itself.
          </span>
        )}
        {filters.q && info && info.search.indexed_through < info.search.newest && (
          <span
            className="search-behind"
            data-testid="search-behind"
            title="Deliveries are indexed for search as the store has time"
          >
            Search is {(info.search.newest - info.search.indexed_through).toLocaleString()} deliveries behind: the
            newest are not searchable yet
            {info.disk.search_paused ? " (indexing waits while the disk is nearly full)" : ""}
          </span>
        )}
        <span data-testid="stored-count">
          {!hasFilters(filters) && list.total !== null
            ? `${list.total.toLocaleString()} stored`
            : info
              ? `${info.deliveries.toLocaleString()} stored`
              : ""}
        </span>
        <span>{info ? `Hookscope ${info.version}` : ""}</span>
      </footer>
      <Suspense fallback={null}>
        {settings && <Settings onClose={() => setSettings(false)} />}
        {rulesOpen && <Rules delivery={selected} announced={rulesReload} onClose={closeRules} />}
      </Suspense>
    </div>
  );
}
