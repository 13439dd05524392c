import { createContext, useContext, useEffect, useState } from "react";
import { useTransport } from "../api/context";

/**
 * The vendor profiles' display names by id (`stripe` → "Stripe"), read once per transport; empty
 * until they arrive, or when they cannot be read (ids are shown instead).
 */
export function useVendorNames(enabled = true): Record<string, string> {
  const transport = useTransport();
  const [names, setNames] = useState<Record<string, string>>({});
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    transport
      .vendors()
      .then((list) => live && setNames(Object.fromEntries(list.map((v) => [v.id, v.name]))))
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [transport, enabled]);
  return names;
}

/** The vendor names of the whole page, read once (see [`VendorNames`]). */
export const VendorNamesContext = createContext<Record<string, string>>({});

/** Provides the vendor names to everything below it. */
export function VendorNames({ children }: { children: React.ReactNode }) {
  const names = useVendorNames();
  return <VendorNamesContext.Provider value={names}>{children}</VendorNamesContext.Provider>;
}

/** A vendor's display name from its id (the id while the names are not known). */
export function useVendorName(): (id: string) => string {
  const names = useContext(VendorNamesContext);
  return (id) => names[id] ?? id;
}
