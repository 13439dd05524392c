import { useEffect, useRef, useState } from "react";
import { useTransport } from "../api/context";
import type { DeliveryDetail } from "../api/types.gen";
import { copyText, saveBlob } from "../lib/clipboard";
import { formatSize, visible } from "../lib/format";
import { DuplicateBadge, MethodTag, SignatureBadge, StatusCode } from "./Badges";
import { BodyTab } from "./detail/BodyTab";
import { CompareTab } from "./detail/CompareTab";
import { DuplicatesTab } from "./detail/DuplicatesTab";
import { HeadersTab } from "./detail/HeadersTab";
import type { Filters } from "../lib/filters";
import { ShareDelivery } from "./ShareDelivery";
import { Overview } from "./detail/Overview";
import { ReplayTab } from "./detail/ReplayTab";
import { SignatureTab } from "./detail/SignatureTab";

export const TABS = ["overview", "body", "headers", "signature", "duplicates", "compare", "replay"] as const;
export type Tab = (typeof TABS)[number];
const TAB_LABELS: Record<Tab, string> = {
  overview: "Overview",
  body: "Body",
  headers: "Headers",
  signature: "Signature",
  duplicates: "Duplicates",
  compare: "Compare",
  replay: "Replay",
};

interface Props {
  id: number;
  captureUrl: string;
  /** Bumped when the delivery may have changed (pinned elsewhere, re-verified). */
  version: number;
  onSelect(id: number): void;
  onDeleted(id: number): void;
  tab: Tab;
  onTab(tab: Tab): void;
  /** Move the keyboard focus to the tabs once the delivery is shown, then call `onFocused`. */
  focusPending: boolean;
  onFocused(): void;
  /** Narrows the list (the Overview's "this tenant's deliveries"). */
  onFilter(patch: Filters): void;
  /** The list's search words, marked in the body. */
  search?: string;
  /** A delivery picked in the list to compare this one with (the Compare tab). */
  compareWith?: number | null;
}

export function Detail(props: Props) {
  const {
    id,
    captureUrl,
    version,
    onSelect,
    onDeleted,
    tab,
    onTab,
    focusPending,
    onFocused,
    onFilter,
    search,
    compareWith,
  } = props;
  const transport = useTransport();
  const [detail, setDetail] = useState<DeliveryDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // The attempt the Replay tab opens: the handler's answer, when the Overview asks for it.
  const [openAttempt, setOpenAttempt] = useState<number | null>(null);
  const [sharing, setSharing] = useState(false);

  useEffect(() => {
    let live = true;
    setError(null);
    transport
      .getDelivery(id)
      .then((d) => live && setDetail(d))
      .catch((e: Error) => {
        if (!live) return;
        setDetail(null);
        setError(e.message);
      });
    return () => {
      live = false;
    };
  }, [transport, id, version]);

  const tabsRef = useRef<HTMLDivElement>(null);
  const loaded = detail !== null && detail.id === id;
  useEffect(() => {
    if (!loaded || !focusPending) return;
    tabsRef.current?.querySelector<HTMLElement>("[role=tab][aria-selected=true]")?.focus();
    onFocused();
  }, [loaded, focusPending, onFocused]);

  useEffect(() => {
    if (!notice) return;
    const timer = window.setTimeout(() => setNotice(null), 2500);
    return () => window.clearTimeout(timer);
  }, [notice]);

  if (error) {
    return (
      <section className="detail" aria-label="Delivery">
        <p className="error" role="alert">
          {error}
        </p>
      </section>
    );
  }
  if (!detail || detail.id !== id) {
    return <section className="detail" aria-label="Delivery" aria-busy="true" />;
  }
  const d = detail;
  const say = (ok: boolean, what: string) => setNotice(ok ? `Copied ${what}` : "The clipboard refused the copy");

  return (
    <section className="detail" aria-label={`Delivery ${d.id}`} data-testid="detail">
      <header className="detail-head">
        <div className="detail-title">
          <MethodTag method={d.method} />
          <span className="detail-path" data-testid="detail-path">
            {visible(d.path)}
            {d.query !== null && <span className="query">?{visible(d.query)}</span>}
          </span>
        </div>
        <div className="detail-badges">
          <span className="muted">#{d.id}</span>
          <SignatureBadge delivery={d} />
          <DuplicateBadge delivery={d} />
          <StatusCode status={d.response_status} />
          <span className="muted">{formatSize(d.body_size)}</span>
        </div>
        <div className="actions">
          <button
            type="button"
            onClick={async () => {
              // The core writes the command: the captured request, byte for byte.
              try {
                const curl = await transport.curl(d.id, captureUrl);
                const note = curl.body_file ? ` (save the raw body as ${curl.body_file})` : "";
                say(await copyText(curl.command), `as cURL${note}`);
              } catch (e) {
                setNotice((e as Error).message);
              }
            }}
          >
            Copy cURL
          </button>
          <button type="button" onClick={() => setSharing(true)} data-testid="share">
            Share…
          </button>
          <button
            type="button"
            onClick={async () =>
              say(await copyText(d.body ?? d.body_base64), d.body !== null ? "body" : "body (base64)")
            }
          >
            Copy body
          </button>
          <button
            type="button"
            onClick={async () => {
              try {
                saveBlob(await transport.rawBody(d.id), `delivery-${d.id}.body`);
              } catch (e) {
                setNotice((e as Error).message);
              }
            }}
          >
            Download raw
          </button>
          <button
            type="button"
            aria-pressed={d.pinned}
            data-testid="pin"
            onClick={async () => {
              await transport.setPinned(d.id, !d.pinned);
              setDetail({ ...d, pinned: !d.pinned });
            }}
          >
            {d.pinned ? "★ Pinned" : "☆ Pin"}
          </button>
          <button
            type="button"
            className="danger"
            onClick={async () => {
              if (!window.confirm(`Delete delivery #${d.id}? This cannot be undone.`)) return;
              try {
                await transport.deleteDelivery(d.id);
                onDeleted(d.id);
              } catch (e) {
                setNotice((e as Error).message);
              }
            }}
          >
            Delete
          </button>
        </div>
        {notice && (
          <div className="notice" role="status">
            {notice}
          </div>
        )}
      </header>
      <div className="tabs" role="tablist" ref={tabsRef}>
        {TABS.map((t) => (
          <button
            key={t}
            type="button"
            role="tab"
            aria-selected={tab === t}
            className={tab === t ? "tab tab-active" : "tab"}
            onClick={() => onTab(t)}
            data-testid={`tab-${t}`}
          >
            {TAB_LABELS[t]}
            {t === "duplicates" && d.duplicate && d.duplicate.count > 1 && (
              <span className="tab-count">{d.duplicate.count}</span>
            )}
            {t === "overview" && d.validation.some((f) => f.level === "warning") && (
              <span className="tab-count tab-warn" title="validation warnings">
                !
              </span>
            )}
          </button>
        ))}
      </div>
      {sharing && <ShareDelivery d={d} onClose={() => setSharing(false)} />}
      <div className="tab-body" role="tabpanel">
        {tab === "overview" && (
          <Overview
            d={d}
            onFilter={onFilter}
            onShowAnswer={(attempt) => {
              setOpenAttempt(attempt);
              onTab("replay");
            }}
          />
        )}
        {tab === "body" && <BodyTab d={d} search={search} />}
        {tab === "headers" && <HeadersTab d={d} onCopied={(ok) => say(ok, "headers")} />}
        {tab === "signature" && <SignatureTab d={d} />}
        {tab === "duplicates" && <DuplicatesTab d={d} onSelect={onSelect} />}
        {tab === "compare" && <CompareTab d={d} onSelect={onSelect} pick={compareWith ?? undefined} />}
        {tab === "replay" && <ReplayTab d={d} openAttempt={openAttempt} onCopied={(ok) => say(ok, "the command")} />}
      </div>
    </section>
  );
}
