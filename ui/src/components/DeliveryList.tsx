import { useVirtualizer } from "@tanstack/react-virtual";
import { memo, useEffect, useLayoutEffect, useState } from "react";
import type { DeliverySummary } from "../api/types.gen";
import { exactTime, formatSize, relativeTime, visible } from "../lib/format";
import { ruleTitle } from "./detail/rules";
import type { DeliveryList as ListState } from "../lib/useDeliveries";
import { useVendorName } from "../lib/useVendorNames";
import { DuplicateBadge, HandlerAnswerBadge, MethodTag, SignatureBadge, StatusCode } from "./Badges";

export const ROW_HEIGHT = 34;

interface Props {
  list: ListState;
  selected: number | null;
  onSelect(id: number, index: number): void;
  onOpen(id: number): void;
  /** A row Ctrl-, Cmd- or Shift-clicked while another is selected: compare the two. */
  onCompare(id: number): void;
  scrollRef: React.RefObject<HTMLDivElement | null>;
  /** Scroll requests from keyboard navigation. */
  scrollToIndex: number | null;
}

export function DeliveryList({ list, selected, onSelect, onOpen, onCompare, scrollRef, scrollToIndex }: Props) {
  const count = list.total ?? 0;
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;
  const { want } = list;
  useEffect(() => {
    want(first, last);
  }, [first, last, want]);
  // Marks when a fresh first page is on screen: after this commit, once the browser painted.
  const { paintPending } = list;
  const rendered = items.length > 0 && list.row(first) !== undefined;
  useLayoutEffect(() => {
    if (!paintPending.current || !rendered) return;
    paintPending.current = false;
    requestAnimationFrame(() => setTimeout(() => performance.mark("hookscope:list-painted"), 0));
  });
  useEffect(() => {
    if (scrollToIndex !== null) virtualizer.scrollToIndex(scrollToIndex, { align: "auto" });
  }, [scrollToIndex, virtualizer]);

  // Relative times tick while the page is open.
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 10_000);
    return () => window.clearInterval(timer);
  }, []);

  return (
    <div className="list" role="grid" aria-rowcount={count} aria-label="Deliveries">
      <div className="row row-head" role="row">
        <span role="columnheader">Received</span>
        <span role="columnheader" className="cell-method">
          Method
        </span>
        <span role="columnheader" className="cell-path">
          Path
        </span>
        <span role="columnheader">Vendor · event</span>
        <span role="columnheader">Signature</span>
        <span role="columnheader" className="cell-dup">
          Duplicate
        </span>
        <span role="columnheader" className="num cell-size">
          Size
        </span>
        <span role="columnheader" className="num cell-status" title="The status the sender got">
          HTTP
        </span>
        <span role="columnheader" title="Your handler's answer: the latest forward or replay of the delivery">
          Handler
        </span>
      </div>
      <div className="list-scroll" ref={scrollRef} tabIndex={-1} data-testid="list-scroll">
        <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
          {items.map((item) => {
            const row = list.row(item.index);
            return (
              <div
                key={item.key}
                className="row-slot"
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
              >
                {row ? (
                  <Row
                    row={row}
                    index={item.index}
                    now={now}
                    selected={row.id === selected}
                    onSelect={onSelect}
                    onOpen={onOpen}
                    onCompare={selected !== null && selected !== row.id ? onCompare : undefined}
                  />
                ) : (
                  <div className="row row-loading" role="row" aria-busy="true">
                    <span className="skeleton" />
                  </div>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

interface RowProps {
  row: DeliverySummary;
  index: number;
  now: number;
  selected: boolean;
  onSelect(id: number, index: number): void;
  onOpen(id: number): void;
  onCompare?(id: number): void;
}

const Row = memo(function Row({ row, index, now, selected, onSelect, onOpen, onCompare }: RowProps) {
  const vendorName = useVendorName();
  const vendor = row.vendor ? vendorName(row.vendor) : null;
  // Behind a tunnel the original client and the public URL, else the peer that connected.
  const from = [
    row.public_url ? `Sent to ${row.public_url}` : null,
    `From ${row.client_addr ?? row.remote_addr}${row.client_addr ? ` (via ${row.remote_addr})` : ""}`,
  ]
    .filter(Boolean)
    .join("\n");
  return (
    <div
      className={`row${selected ? " row-selected" : ""}`}
      role="row"
      aria-selected={selected}
      aria-rowindex={index + 1}
      data-id={row.id}
      onClick={(e) => {
        if (onCompare && (e.shiftKey || e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          onCompare(row.id);
        } else {
          onSelect(row.id, index);
        }
      }}
      title={onCompare ? "Ctrl- or Shift-click to compare with the selected delivery" : undefined}
      onDoubleClick={() => onOpen(row.id)}
    >
      <span className="cell-time" title={exactTime(row.received_at, row.received_at_us)}>
        {row.pinned && (
          <span className="pin" title="Pinned" role="img" aria-label="pinned">
            ★
          </span>
        )}
        {relativeTime(row.received_at_us, now)}
      </span>
      <span className="cell-method">
        <MethodTag method={row.method} />
      </span>
      <span
        className="cell-path"
        title={`${visible(row.path)}${row.query !== null ? `?${visible(row.query)}` : ""}\n${from}`}
      >
        {visible(row.path)}
        {row.query !== null && <span className="query">?{visible(row.query)}</span>}
      </span>
      <span
        className="cell-event"
        title={
          [vendor, visible(row.event?.type), row.event?.tenant && `tenant ${visible(row.event.tenant)}`]
            .filter(Boolean)
            .join(" · ") || undefined
        }
      >
        {vendor ? <span className="vendor">{vendor}</span> : <span className="muted">unknown</span>}
        {row.event?.type && <span className="event-type">{visible(row.event.type)}</span>}
      </span>
      <span>
        <SignatureBadge delivery={row} />
      </span>
      <span className="cell-dup">
        <DuplicateBadge delivery={row} />
      </span>
      <span className="num cell-size" title={row.truncated ? (row.note ?? "truncated") : undefined}>
        {formatSize(row.body_size)}
        {row.truncated && <span className="warn-mark"> ✂</span>}
      </span>
      <span
        className="num cell-status"
        title={row.rule ? ruleTitle(row.rule) : undefined}
        data-testid={row.rule ? "row-rule" : undefined}
      >
        <StatusCode status={row.response_status} />
        {row.rule && <span className="rule-mark"> ⚑</span>}
      </span>
      <span>
        <HandlerAnswerBadge handler={row.handler} />
      </span>
    </div>
  );
});
