import { useEffect, useState } from "react";
import { useTransport } from "../api/context";
import type { SchemaFormat } from "../api/transport";
import type { LearnedSchema, Row, SchemaSummary } from "../api/types.gen";
import { copyText, saveBlob } from "../lib/clipboard";
import { visible } from "../lib/format";
import { useVendorName } from "../lib/useVendorNames";
import { CodeView } from "./CodeView";
import { Modal } from "./Modal";

const FORMATS: { format: SchemaFormat; label: string; file: (type: string) => string; media: string }[] = [
  { format: "typescript", label: "TypeScript", file: (t) => `${t}.ts`, media: "text/plain" },
  { format: "zod", label: "Zod", file: (t) => `${t}.zod.ts`, media: "text/plain" },
  { format: "json-schema", label: "JSON Schema", file: (t) => `${t}.schema.json`, media: "application/schema+json" },
];

/** `12 of 14` as `86 %`; an array's elements and a field always there as `100 %`. */
export function presence(row: Pick<Row, "seen" | "within">): string {
  if (row.within <= 0) return "-";
  return `${Math.round((row.seen * 100) / row.within)} %`;
}

/** A field's types as read: `string (uuid)`, `integer | null`. */
export function typesOf(row: Pick<Row, "types" | "nulls" | "formats">): string {
  const types = [...row.types];
  if (row.nulls > 0) types.push("null");
  const text = types.join(" | ") || "-";
  return row.formats.length > 0 ? `${text} (${row.formats.join(", ")})` : text;
}

/** Its set of choices, or its example, on a line. */
export function exampleOf(row: Pick<Row, "values" | "example">): string {
  if (row.values) return row.values.map(([v]) => v).join(" | ");
  if (row.example === null || row.example === undefined) return "";
  return typeof row.example === "string" ? row.example : JSON.stringify(row.example);
}

/**
 * What each event type usually looks like, learned from its deliveries as they came: the event
 * types on the left; the chosen one's fields with how often each is there, its types and an
 * example; and the schema written as TypeScript, Zod or JSON Schema, to copy or save for a handler.
 */
export function LearnedSchemas({ initial, onClose }: { initial?: { vendor: string; type: string }; onClose(): void }) {
  const transport = useTransport();
  const vendorName = useVendorName();
  const [types, setTypes] = useState<SchemaSummary[] | null>(null);
  const [chosen, setChosen] = useState(initial ?? null);
  const [schema, setSchema] = useState<LearnedSchema | null>(null);
  const [format, setFormat] = useState<SchemaFormat | null>(null);
  const [code, setCode] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    transport
      .schemas()
      .then((items) => {
        setTypes(items);
        setChosen((c) => c ?? (items[0] ? { vendor: items[0].vendor, type: items[0].event_type } : null));
      })
      .catch((e: Error) => setError(e.message));
  }, [transport]);

  useEffect(() => {
    if (!chosen) return;
    setSchema(null);
    transport
      .schema(chosen.vendor, chosen.type)
      .then(setSchema)
      .catch((e: Error) => setError(e.message));
  }, [transport, chosen]);

  useEffect(() => {
    setCode("");
    if (!chosen || !format) return;
    transport
      .schemaAs(chosen.vendor, chosen.type, format)
      .then(setCode)
      .catch((e: Error) => setError(e.message));
  }, [transport, chosen, format]);

  const spec = FORMATS.find((f) => f.format === format);
  return (
    <Modal title="Learned schemas" className="schemas-dialog" testId="schemas-dialog" onClose={onClose}>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {types?.length === 0 && (
        <p className="muted" data-testid="schemas-empty">
          No schemas learned yet. Each vendor and event type's is learned from its deliveries as they are captured.
        </p>
      )}
      <div className="schemas">
        <ul className="schema-types" aria-label="Event types">
          {types?.map((t) => {
            const active = chosen?.vendor === t.vendor && chosen.type === t.event_type;
            return (
              <li key={`${t.vendor} ${t.event_type}`}>
                <button
                  type="button"
                  className={active ? "schema-type active" : "schema-type"}
                  aria-current={active}
                  onClick={() => setChosen({ vendor: t.vendor, type: t.event_type })}
                  data-testid="schema-type"
                >
                  <span className="mono">{visible(t.event_type)}</span>
                  <span className="muted">
                    {vendorName(t.vendor)} · {t.seen.toLocaleString()}
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
        {schema && (
          <section className="schema-detail" aria-label={`Schema of ${schema.event_type}`}>
            <p className="muted" data-testid="schema-summary">
              Learned from {schema.seen.toLocaleString()} {schema.seen === 1 ? "delivery" : "deliveries"}, the last{" "}
              {new Date(schema.last_at).toLocaleString()}.
              {schema.more_fields > 0 &&
                ` ${schema.more_fields.toLocaleString()} more fields were not kept (objects with more than 200 keys).`}
            </p>
            <div className="schema-export">
              {FORMATS.map((f) => (
                <button
                  key={f.format}
                  type="button"
                  aria-pressed={format === f.format}
                  onClick={() => setFormat(format === f.format ? null : f.format)}
                  data-testid={`schema-${f.format}`}
                >
                  {f.label}
                </button>
              ))}
            </div>
            {spec && code && (
              <div className="schema-code">
                <div className="schema-code-actions">
                  <button type="button" onClick={() => void copyText(code).then(setCopied)} data-testid="schema-copy">
                    {copied ? "Copied" : "Copy"}
                  </button>
                  <button
                    type="button"
                    onClick={() => saveBlob(new Blob([code], { type: spec.media }), spec.file(schema.event_type))}
                    data-testid="schema-save"
                  >
                    Save {spec.file(schema.event_type)}
                  </button>
                </div>
                <CodeView text={code} language={format === "json-schema" ? "json" : "text"} testId="schema-code" />
              </div>
            )}
            <table className="schema-fields" data-testid="schema-fields">
              <thead>
                <tr>
                  <th>Field</th>
                  <th title="How often it is there, of the times the object holding it was">Present</th>
                  <th>Type</th>
                  <th>Values or example</th>
                </tr>
              </thead>
              <tbody>
                {schema.fields.map((f) => (
                  <tr key={f.pointer} data-path={f.path}>
                    <td className="mono" style={{ paddingLeft: `${(f.depth - 1) * 14 + 6}px` }} title={f.pointer}>
                      {visible(f.path.split(".").pop() ?? f.path)}
                    </td>
                    <td className="num">{presence(f)}</td>
                    <td>{typesOf(f)}</td>
                    <td className="mono example">{visible(exampleOf(f))}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )}
      </div>
    </Modal>
  );
}

/** The top bar's way in: a button that opens the learned schemas. */
export function SchemasButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        onClick={() => setOpen(true)}
        title="What each event type usually looks like, learned from its deliveries"
        data-testid="schemas"
      >
        Schemas
      </button>
      {open && <LearnedSchemas onClose={() => setOpen(false)} />}
    </>
  );
}
