import { useEffect, useState } from "react";
import type { DeliveryDetail } from "../../api/types.gen";
import { type Against, DiffView } from "./DiffView";

/**
 * This delivery compared with another: by default the first of its event when it repeats one,
 * else the previous of its type; or any delivery by id.
 */
export function CompareTab({ d, onSelect, pick }: { d: DeliveryDetail; onSelect(id: number): void; pick?: number }) {
  const [against, setAgainst] = useState<Against>(pick !== undefined && pick !== d.id ? pick : undefined);
  const [typed, setTyped] = useState(pick !== undefined && pick !== d.id ? String(pick) : "");
  // A row picked in the list (Ctrl- or Shift-click) is what this one is compared with.
  useEffect(() => {
    if (pick !== undefined && pick !== d.id) {
      setAgainst(pick);
      setTyped(String(pick));
    }
  }, [pick, d.id]);
  const type = d.event?.type;
  const repeats = d.duplicate != null && d.duplicate.first_id !== d.id;
  return (
    <div className="compare-tab" data-testid="compare">
      <form
        className="diff-controls"
        onSubmit={(e) => {
          e.preventDefault();
          const id = Number.parseInt(typed.trim().replace(/^#/, ""), 10);
          if (Number.isFinite(id) && id > 0) setAgainst(id);
        }}
      >
        <span>Compare with</span>
        {repeats && (
          <button
            type="button"
            aria-pressed={against === "first" || against === undefined}
            onClick={() => setAgainst("first")}
          >
            the first of its event
          </button>
        )}
        {type && (
          <button
            type="button"
            aria-pressed={against === "previous" || (against === undefined && !repeats)}
            onClick={() => setAgainst("previous")}
            data-testid="compare-previous"
          >
            the previous {type}
          </button>
        )}
        <label>
          delivery #{" "}
          <input
            type="text"
            inputMode="numeric"
            size={8}
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            aria-label="Delivery id to compare with"
            data-testid="compare-id"
          />
        </label>
        <button type="submit" data-testid="compare-go">
          Compare
        </button>
      </form>
      <p className="muted">Tip: Ctrl- or Shift-click a row in the list to compare this delivery with it.</p>
      <DiffView id={d.id} against={against} onSelect={onSelect} />
    </div>
  );
}
