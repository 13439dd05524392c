import { useState } from "react";
import type { PathMode } from "../api/types.gen";

const TARGET_KEY = "hookscope.replayTarget";
const PATH_KEY = "hookscope.replayPath";
const DEFAULT_TARGET = "http://localhost:3000/webhooks";

/** The handler URL replays and test sends go to, remembered across dialogs and sessions. */
export function useReplayTarget(): [string, (url: string) => void] {
  const [target, setTarget] = useState(() => window.localStorage.getItem(TARGET_KEY) ?? DEFAULT_TARGET);
  return [
    target,
    (url: string) => {
      setTarget(url);
      window.localStorage.setItem(TARGET_KEY, url);
    },
  ];
}

/** How a replayed delivery's path maps onto the target, remembered like the target. */
export function usePathMode(): [PathMode, (mode: PathMode) => void] {
  const [path, setPath] = useState<PathMode>(
    () => (window.localStorage.getItem(PATH_KEY) as PathMode | null) ?? "target",
  );
  return [
    path,
    (mode: PathMode) => {
      setPath(mode);
      window.localStorage.setItem(PATH_KEY, mode);
    },
  ];
}

/** The target URL and path mode fields of a replay form. */
export function ReplayTargetFields({
  target,
  onTarget,
  path,
  onPath,
  disabled = false,
  testIdPrefix,
}: {
  target: string;
  onTarget(url: string): void;
  path: PathMode;
  onPath(mode: PathMode): void;
  disabled?: boolean;
  testIdPrefix: string;
}) {
  return (
    <>
      <label className="field replay-target">
        <span>Target URL (your handler)</span>
        <input
          type="url"
          required
          value={target}
          disabled={disabled}
          onChange={(e) => onTarget(e.target.value)}
          data-testid={`${testIdPrefix}-target`}
        />
      </label>
      <label className="field">
        <span>Path</span>
        <select
          value={path}
          disabled={disabled}
          onChange={(e) => onPath(e.target.value as PathMode)}
          data-testid={`${testIdPrefix}-path`}
        >
          <option value="target">the target URL as given</option>
          <option value="suffix">+ the path after the endpoint</option>
          <option value="full">+ the whole path and query</option>
        </select>
      </label>
    </>
  );
}
