import { createContext, useContext } from "react";
import type { Transport } from "./transport";

export const TransportContext = createContext<Transport | null>(null);

/** The transport the app was started with. */
export function useTransport(): Transport {
  const transport = useContext(TransportContext);
  if (!transport) throw new Error("useTransport outside <TransportContext.Provider>");
  return transport;
}
