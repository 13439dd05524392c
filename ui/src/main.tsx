import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { TransportContext } from "./api/context";
import { desktopStartupError, inDesktop, tauriTransport } from "./api/tauri";
import { type Transport, httpTransport, signInExpired, takeToken } from "./api/transport";
import { applyTheme, storedTheme } from "./lib/theme";
import { VendorNames } from "./lib/useVendorNames";
import "./styles.css";

applyTheme(storedTheme());
const root = createRoot(document.getElementById("root")!);

function show(transport: Transport) {
  root.render(
    <StrictMode>
      <TransportContext.Provider value={transport}>
        <VendorNames>
          <App />
        </VendorNames>
      </TransportContext.Provider>
    </StrictMode>,
  );
}

function problem(title: string, body: React.ReactNode) {
  root.render(
    <main className="no-token" role="alert">
      <h1>{title}</h1>
      {body}
    </main>,
  );
}

if (inDesktop()) {
  desktopStartupError().then((error) => {
    if (error === null) show(tauriTransport());
    else
      problem(
        "Hookscope could not start",
        <>
          <p data-testid="startup-error">{error}</p>
          <p>Fix the cause and start Hookscope again.</p>
        </>,
      );
  });
} else {
  const token = takeToken(window.location, window.history, window.localStorage);
  const expired = signInExpired(window.location);
  // Signed in by the session cookie (or the token in the address): ask the API once.
  fetch("/api", token === null ? {} : { headers: { Authorization: `Bearer ${token}` } }).then(
    (r) => {
      if (r.status !== 401) {
        show(httpTransport("", token));
        return;
      }
      problem(
        "Hookscope",
        <>
          <p data-testid="signed-out">
            {expired ? "That sign-in link was used already or has expired. " : "This browser is not signed in. "}
            Open the address <code>hookscope serve</code> prints (it ends in <code>?code=…</code>), or run{" "}
            <code>hookscope open</code> for a new one.
          </p>
          <p>Each link signs one browser in, once, within ten minutes.</p>
        </>,
      );
    },
    () => show(httpTransport("", token)),
  );
}
