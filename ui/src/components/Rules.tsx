import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTransport } from "../api/context";
import type { RuleSources, RulesInForce, RulesReload } from "../api/types.gen";
import { Modal } from "./Modal";
import { RuleCard } from "./rules/RuleCard";
import { Trial } from "./rules/Trial";
import {
  type DraftProblem,
  type RuleDraft,
  type Scope,
  emptyDraft,
  move,
  placeProblems,
  placeRefusal,
  toScopes,
  toSources,
} from "./rules/draft";
import { failureLine, inForceLine, reloadFailure } from "./rules/status";

interface Props {
  /** The delivery selected in the list: the one "Try on a delivery" starts with. */
  delivery: number | null;
  /** The latest rules status the stream announced: the editor reads the rules in force again. */
  announced: RulesReload | null;
  onClose(): void;
}

/** How long typing settles before the rules as edited are checked. */
const CHECK_AFTER_MS = 300;

const sourcesKey = (sources: RuleSources) => JSON.stringify(sources);

/**
 * The rules editor: the global rules and each endpoint's own, as cards, checked by the core as
 * they are edited (each problem at its field), saved to the config file and put in force, read
 * again from the file, and tried on a stored delivery.
 */
export function Rules({ delivery, announced, onClose }: Props) {
  const transport = useTransport();
  const [scopes, setScopes] = useState<Scope[] | null>(null);
  /** The rules as loaded, as the API takes them: what "unsaved changes" compares with. */
  const [baseline, setBaseline] = useState("");
  const [reload, setReload] = useState<RulesReload | null>(null);
  /** The scope shown: an endpoint's path prefix, or `null` for the rules for every endpoint. */
  const [shown, setShown] = useState<string | null>(null);
  const [checked, setChecked] = useState<{ key: string; problems: DraftProblem[] } | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  /** The rules in force changed (saved elsewhere, or the file) while these had unsaved changes. */
  const [changedUnder, setChangedUnder] = useState(false);
  /** Bumped each time the rules in force are loaded into the cards: they are checked again. */
  const [loads, setLoads] = useState(0);

  const load = useCallback((inForce: RulesInForce) => {
    const next = toScopes(inForce);
    setScopes(next);
    setBaseline(sourcesKey(toSources(next).sources));
    setReload(inForce.reload);
    setChangedUnder(false);
    setLoads((n) => n + 1);
  }, []);

  const built = useMemo(() => (scopes ? toSources(scopes) : null), [scopes]);
  const key = built ? sourcesKey(built.sources) : "";
  const dirty = built !== null && key !== baseline;

  // The rules in force are read when the editor opens and whenever the stream says they were
  // put in force or a reload failed. Unsaved changes are kept: a note says the rules changed.
  const state = useRef({ loaded: false, dirty, baseline });
  state.current = { loaded: scopes !== null, dirty, baseline };
  useEffect(() => {
    let live = true;
    transport.rules().then(
      (inForce) => {
        if (!live) return;
        const now = state.current;
        const same = sourcesKey(toSources(toScopes(inForce)).sources) === now.baseline;
        if (!now.loaded || (!same && !now.dirty)) {
          load(inForce);
        } else {
          setReload(inForce.reload);
          if (!same) setChangedUnder(true);
        }
      },
      (e: Error) => live && setMessage({ ok: false, text: e.message }),
    );
    return () => {
      live = false;
    };
  }, [announced, transport, load]);

  // The core checks the rules as edited once typing settles; its problems are placed on the
  // cards of the rules as they were when checked, so a card moved meanwhile keeps its own.
  const scopesRef = useRef(scopes);
  scopesRef.current = scopes;
  useEffect(() => {
    const snapshot = scopesRef.current;
    if (!snapshot || key === "") return;
    let live = true;
    const timer = window.setTimeout(() => {
      transport.checkRules(JSON.parse(key) as RuleSources).then(
        (r) => live && setChecked({ key, problems: placeProblems(r.problems, snapshot) }),
        (e: Error) => live && setChecked({ key, problems: [placeRefusal(e.message, snapshot)] }),
      );
    }, CHECK_AFTER_MS);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [key, loads, transport]);

  // The core's problems of the last check, but none of a card since removed or replaced.
  const cards = new Set(scopes?.flatMap((s) => s.drafts.map((d) => d.id)));
  const found = (checked?.problems ?? []).filter((p) => p.draft === null || cards.has(p.draft));
  const problems = [...(built?.problems ?? []), ...found];
  const checking = checked?.key !== key;
  const failed = reloadFailure(reload);
  const scope = scopes?.find((s) => s.endpoint === shown) ?? scopes?.[0] ?? null;

  const edit = (change: (drafts: RuleDraft[]) => RuleDraft[]) => {
    setMessage(null);
    setScopes(
      (list) => list?.map((s) => (s.endpoint === scope?.endpoint ? { ...s, drafts: change(s.drafts) } : s)) ?? null,
    );
  };

  async function save() {
    if (!built) return;
    setBusy(true);
    setMessage(null);
    try {
      load(await transport.saveRules(built.sources));
      setMessage({ ok: true, text: "Saved to the config file, and in force for the next delivery." });
    } catch (e) {
      setMessage({ ok: false, text: (e as Error).message });
    } finally {
      setBusy(false);
    }
  }

  async function reloadFromFile() {
    setBusy(true);
    setMessage(null);
    try {
      load(await transport.reloadRules());
      setMessage({ ok: true, text: "Read from the config file, and in force for the next delivery." });
    } catch (e) {
      // The reload status says why (shown above); the rules as edited here stay.
      try {
        setReload((await transport.rules()).reload);
      } catch {
        setMessage({ ok: false, text: (e as Error).message });
      }
    } finally {
      setBusy(false);
    }
  }

  const problemCount = (s: Scope) => s.drafts.filter((d) => problems.some((p) => p.draft === d.id)).length;
  const scopeLabel = (s: Scope) => {
    const count = s.drafts.length === 1 ? "1 rule" : `${s.drafts.length} rules`;
    const bad = problemCount(s);
    const faults = bad === 0 ? "" : bad === 1 ? ", 1 with a problem" : `, ${bad} with problems`;
    return `${s.endpoint ?? "Every endpoint"} (${count}${faults})`;
  };
  const general = problems.filter((p) => p.draft === null);
  const blocked = problems.length > 0 ? "Fix the problems above first." : null;

  return (
    <Modal title="Rules" className="rules-dialog" testId="rules" closeLabel="Close rules" onClose={onClose}>
      <p className="muted">
        What Hookscope does with each delivery the capture port accepts. An endpoint's own rules are tried first, then
        the rules for every endpoint; the first rule whose conditions all hold decides, unless it says to continue.
        Saving writes the config file and puts the rules in force for the next delivery, without a restart.
      </p>
      <div className="toolbar rules-state">
        <span data-testid="rules-status">{reload ? inForceLine(reload) : "Reading the rules in force…"}</span>
        {dirty && (
          <span className="rules-dirty" data-testid="rules-dirty">
            Unsaved changes
          </span>
        )}
        <button
          type="button"
          onClick={() => void reloadFromFile()}
          disabled={busy}
          title="Read the config file's rules again and put them in force; changes made here are replaced"
          data-testid="reload-rules"
        >
          Reload from file
        </button>
      </div>
      {failed && (
        <p className="error" role="alert" data-testid="rules-reload-failed">
          {failureLine(failed)}
        </p>
      )}
      {changedUnder && (
        <p className="rules-note" role="status" data-testid="rules-changed">
          The rules in force changed since these were loaded. Reload from file to edit them, or save to replace them
          with these.
        </p>
      )}
      {scopes === null || scope === null ? (
        <p className="muted">Loading…</p>
      ) : (
        <>
          <div className="rules-scope">
            <label className="field">
              <span>Rules for</span>
              <select
                value={scope.endpoint ?? ""}
                onChange={(e) => setShown(e.target.value === "" ? null : e.target.value)}
                data-testid="rules-scope"
              >
                {scopes.map((s) => (
                  <option key={s.endpoint ?? ""} value={s.endpoint ?? ""}>
                    {scopeLabel(s)}
                  </option>
                ))}
              </select>
            </label>
            <p className="muted">
              {scope.endpoint === null
                ? "Tried in order for every delivery, after its endpoint's own rules."
                : `Tried in order for deliveries to ${scope.endpoint}, before the rules for every endpoint.`}
            </p>
          </div>
          {general.length > 0 && (
            <div className="error" data-testid="rules-problems">
              {general.map((p, i) => (
                <p key={i}>{p.message}</p>
              ))}
            </div>
          )}
          <div className="rule-list">
            {scope.drafts.length === 0 && (
              <p className="muted" data-testid="rules-none">
                {scope.endpoint === null
                  ? "No rules for every endpoint: each endpoint answers and forwards as set in Settings."
                  : "No rules of its own: the rules for every endpoint apply, else its answer and forward."}
              </p>
            )}
            {scope.drafts.map((d, i) => (
              <RuleCard
                key={d.id}
                draft={d}
                index={i}
                count={scope.drafts.length}
                problems={problems.filter((p) => p.draft === d.id)}
                onChange={(patch) => edit((drafts) => drafts.map((x) => (x.id === d.id ? { ...x, ...patch } : x)))}
                onMove={(step) => edit((drafts) => move(drafts, i, step))}
                onRemove={() => edit((drafts) => drafts.filter((x) => x.id !== d.id))}
              />
            ))}
          </div>
          <div className="toolbar">
            <button type="button" onClick={() => edit((drafts) => [...drafts, emptyDraft()])} data-testid="add-rule">
              Add rule
            </button>
            <button
              type="button"
              className="primary"
              onClick={() => void save()}
              disabled={busy || checking || problems.length > 0}
              title={
                problems.length > 0
                  ? "Fix the problems first"
                  : checking
                    ? "Checking the rules as edited…"
                    : "Write every scope's rules to the config file and put them in force"
              }
              data-testid="save-rules"
            >
              Save rules
            </button>
            {message && (
              <span className={message.ok ? "ok-text" : "error"} role="status" data-testid="rules-message">
                {message.text}
              </span>
            )}
          </div>
          {built && <Trial delivery={delivery} sources={built.sources} blocked={blocked} />}
        </>
      )}
    </Modal>
  );
}
