import { useEffect, useState } from "react";
import { useTransport } from "../api/context";
import type { DesktopSettings } from "../api/types.gen";

/** The desktop app's own settings: the tray, and the control API for scripts. */
export function DesktopSection() {
  const transport = useTransport();
  const desktop = transport.desktop;
  const [settings, setSettings] = useState<DesktopSettings | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => {
    desktop?.settings().then(setSettings, (e: Error) => setMessage(e.message));
  }, [desktop]);
  if (!desktop) return null;

  async function save(change: { tray?: boolean; api?: boolean }) {
    if (!desktop || !settings) return;
    setMessage(null);
    try {
      setSettings(await desktop.saveSettings({ tray: settings.tray, api: settings.api, ...change }));
    } catch (e) {
      setMessage((e as Error).message);
    }
  }

  return (
    <section data-testid="desktop-settings">
      <h3>Desktop</h3>
      {settings === null ? (
        <p className="muted">Loading…</p>
      ) : (
        <>
          <label className="check">
            <input type="checkbox" checked={settings.tray} onChange={(e) => void save({ tray: e.target.checked })} />
            Keep capturing in the system tray when the window is closed
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={settings.api}
              onChange={(e) => void save({ api: e.target.checked })}
              data-testid="desktop-api"
            />
            Serve the control API for scripts (loopback only, with a token)
          </label>
          {settings.api_url && (
            <p className="muted">
              API: <code data-testid="desktop-api-url">{settings.api_url}</code>
            </p>
          )}
          {settings.api_error && <p className="error">{settings.api_error}</p>}
          <p className="muted">
            Data directory: <code>{settings.data_dir}</code>
          </p>
        </>
      )}
      {message && <p className="error">{message}</p>}
    </section>
  );
}
