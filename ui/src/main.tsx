import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { TransportContext } from "./api/context";
import { desktopStartupError, inDesktop, tauriTransport } from "./api/tauri";
import { type Transport, httpTransport, takeToken } from "./api/transport";
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
  if (token === null) {
    problem(
      "Hookscope",
      <p>
        This page needs the API token. Open the address <code>hookscope serve</code> prints (it ends in{" "}
        <code>?token=…</code>), or add the token from the data directory's <code>api-token</code> file.
      </p>,
    );
  } else {
    show(httpTransport("", token));
  }
}
