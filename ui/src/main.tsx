import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { TransportContext } from "./api/context";
import { httpTransport, takeToken } from "./api/transport";
import { applyTheme, storedTheme } from "./lib/theme";
import "./styles.css";

applyTheme(storedTheme());
const token = takeToken(window.location, window.history, window.localStorage);
const root = createRoot(document.getElementById("root")!);

if (token === null) {
  root.render(
    <main className="no-token">
      <h1>Hookscope</h1>
      <p>
        This page needs the API token. Open the address <code>hookscope serve</code> prints (it
        ends in <code>?token=…</code>), or add the token from the data directory's{" "}
        <code>api-token</code> file.
      </p>
    </main>,
  );
} else {
  root.render(
    <StrictMode>
      <TransportContext.Provider value={httpTransport("", token)}>
        <App />
      </TransportContext.Provider>
    </StrictMode>,
  );
}
