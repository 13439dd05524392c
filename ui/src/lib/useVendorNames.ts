import { useEffect, useState } from "react";
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
