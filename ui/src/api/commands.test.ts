import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { tauriTransport } from "./tauri";

/** `src-tauri/commands.txt`: the one list of the desktop app's commands (build.rs registers them). */
function commandList(): string[] {
  const text = readFileSync(new URL("../../../src-tauri/commands.txt", import.meta.url), "utf8");
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
}

/** The command names `tauri.ts` invokes. */
function invokedNames(): string[] {
  const source = readFileSync(new URL("./tauri.ts", import.meta.url), "utf8");
  return [...source.matchAll(/\b(?:call|invokeImpl)(?:<[^(]*>)?\(\s*"([a-z_]+)"/g)].map((m) => m[1]!);
}

const camel = (name: string) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** The desktop app's own commands, which are not operations of the core's `Control`. */
const DESKTOP_ONLY = ["startup", "move_capture", "desktop_settings", "save_desktop_settings"];

describe("the desktop transport and the command list", () => {
  it("invokes exactly the commands the app registers", () => {
    const listed = commandList();
    expect(listed.length).toBeGreaterThan(20);
    expect([...new Set(invokedNames())].sort()).toEqual([...listed].sort());
  });

  it("names each operation after its command, in camelCase", () => {
    const t = tauriTransport(
      async () => undefined as never,
      async () => () => {},
    );
    const methods = Object.keys(t);
    const missing = commandList()
      .filter((c) => !DESKTOP_ONLY.includes(c))
      .filter((c) => !methods.includes(camel(c)));
    expect(missing).toEqual([]);
  });
});
