import { useState } from "react";
import { useTransport } from "../api/context";
import type { ImportRequest, SpecImported, VendorProfile } from "../api/types.gen";

/** What the source of a profile an import made or extended names. */
const IMPORTED_BY = "hookscope vendor import-spec";

/** What an imported event came with, in words. */
export function importedWhat(e: SpecImported["imported"][number]): string {
  const parts: string[] = [];
  if (e.has_schema) parts.push("schema");
  if (e.has_example) parts.push(e.example_made ? "example made from its schema" : "example");
  else parts.push("no example (cannot be sent)");
  return parts.join(", ");
}

/** The import's outcome as sentences, in the order the command line prints them. */
export function importSummary(r: SpecImported): string[] {
  const lines = [
    `${r.imported.length} ${r.imported.length === 1 ? "event" : "events"} from ${r.title} ${r.version} (${r.format}) ${
      r.created ? `make the new profile ${r.vendor}` : `were added to ${r.vendor}`
    }; the event type is read from ${r.type_from}.`,
  ];
  if (r.newly_catalogued)
    lines.push(`${r.vendor} had no event catalog: event types not among these are now flagged as unknown.`);
  if (r.created) {
    lines.push(
      r.detected_by
        ? `Deliveries are recognised by ${r.detected_by}.`
        : `Deliveries are not recognised by themselves: bind an endpoint to ${r.vendor} below.`,
    );
    if (!r.signs)
      lines.push(`The description does not say how ${r.vendor} signs: choose "Sign like" to check signatures.`);
  }
  for (const n of r.notes ?? []) lines.push(`Note: ${n}`);
  for (const s of r.skipped) lines.push(`Not imported: ${s.name}: ${s.reason}`);
  return lines;
}

/**
 * The vendor profiles in detection order, and the import of a vendor's OpenAPI 3.1 webhooks or
 * AsyncAPI document as a profile (in force at once): its events validated against the
 * published schemas, and sent as test events from its examples.
 */
export function VendorProfiles({ vendors, onChange }: { vendors: VendorProfile[]; onChange(): void }) {
  const transport = useTransport();
  const [file, setFile] = useState<File | null>(null);
  const [into, setInto] = useState("");
  const [id, setId] = useState("");
  const [typePointer, setTypePointer] = useState("");
  const [signatureLike, setSignatureLike] = useState("");
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<SpecImported | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [removed, setRemoved] = useState<string | null>(null);

  async function importFile() {
    if (!file) return;
    setBusy(true);
    setError(null);
    setResult(null);
    setRemoved(null);
    const request: ImportRequest = into
      ? { into }
      : {
          id: id.trim() || undefined,
          type_pointer: typePointer.trim() || undefined,
          signature_like: signatureLike || undefined,
        };
    try {
      setResult(await transport.importSpec(await file.text(), request));
      onChange();
    } catch (e) {
      setError(`${file.name}: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  }

  async function remove(v: VendorProfile) {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const removed = await transport.removeVendor(v.id);
      setRemoved(
        removed.builtin_restored
          ? `The events imported into ${v.name} are removed: its built-in profile is in force again.`
          : `${v.name} is removed.`,
      );
      onChange();
    } catch (e) {
      setError(`${v.name}: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  }

  const signing = vendors.filter((v) => v.signature);
  return (
    <section data-testid="vendor-profiles">
      <h3>Vendors</h3>
      <p className="muted">
        The profiles deliveries are recognised, decoded and validated by, in detection order. Import a vendor&apos;s
        published API description (an OpenAPI 3.1 document with <code>webhooks</code>, or an AsyncAPI 2.x/3.0 document;
        JSON or YAML) to validate its events against its schemas and send its examples as test events.
      </p>
      <table className="vendor-table" data-testid="vendor-table">
        <thead>
          <tr>
            <th>Vendor</th>
            <th>Events</th>
            <th>Signature</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {vendors.map((v) => (
            <tr key={v.id} data-vendor={v.id}>
              <td title={v.source}>
                {v.name} <span className="muted">{v.id}</span>
              </td>
              <td>{Object.keys(v.events).length || "—"}</td>
              <td>{v.signature ? (v.signature as { header?: string }).header : "—"}</td>
              <td>
                {v.source.includes(IMPORTED_BY) && (
                  <button
                    type="button"
                    className="link"
                    disabled={busy}
                    onClick={() => void remove(v)}
                    data-testid="vendor-remove"
                    title={
                      v.source.startsWith("Imported from ")
                        ? `Remove ${v.name}`
                        : `Remove the events imported into ${v.name}: its built-in profile is in force again`
                    }
                  >
                    {v.source.startsWith("Imported from ") ? "Remove" : "Undo import"}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="spec-import">
        <label className="field">
          <span>API description</span>
          <input
            type="file"
            accept=".json,.yaml,.yml,application/json,application/yaml"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            data-testid="spec-file"
          />
        </label>
        <label className="field">
          <span>Import as</span>
          <select value={into} onChange={(e) => setInto(e.target.value)} data-testid="spec-into">
            <option value="">A new profile</option>
            {vendors.map((v) => (
              <option key={v.id} value={v.id}>
                Events of {v.name}
              </option>
            ))}
          </select>
        </label>
        {into === "" && (
          <>
            <label className="field">
              <span>Profile id</span>
              <input value={id} onChange={(e) => setId(e.target.value)} placeholder="from the title" />
            </label>
            <label className="field">
              <span>Event type at</span>
              <input
                value={typePointer}
                onChange={(e) => setTypePointer(e.target.value)}
                placeholder="found in the examples"
                data-testid="spec-type-pointer"
              />
            </label>
            <label className="field">
              <span>Sign like</span>
              <select value={signatureLike} onChange={(e) => setSignatureLike(e.target.value)}>
                <option value="">Not signed</option>
                {signing.map((v) => (
                  <option key={v.id} value={v.id}>
                    {v.name}
                  </option>
                ))}
              </select>
            </label>
          </>
        )}
        <button
          type="button"
          className="primary"
          disabled={!file || busy}
          onClick={() => void importFile()}
          data-testid="spec-import"
        >
          {busy ? "Importing…" : "Import"}
        </button>
      </div>
      {removed && (
        <p className="ok-text" role="status" data-testid="vendor-removed">
          {removed}
        </p>
      )}
      {error && (
        <p className="error" role="alert" data-testid="spec-error">
          {error}
        </p>
      )}
      {result && (
        <div className="spec-result" role="status" data-testid="spec-result">
          {importSummary(result).map((line) => (
            <p key={line}>{line}</p>
          ))}
          <ul>
            {result.imported.map((e) => (
              <li key={e.event_type}>
                <code>{e.event_type}</code> <span className="muted">{importedWhat(e)}</span>
                {(e.example_findings ?? []).map((f) => (
                  <div key={f} className="bad-text">
                    The description&apos;s example breaks its own schema: {f}
                  </div>
                ))}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
