//! A learned shape as code for a handler: TypeScript types, and a Zod schema that checks a
//! payload at run time (with the TypeScript type inferred from it).

use super::shape::{Field, Format, Kind};

/// TypeScript for an event type's learned shape: `export type LeadWon = …;`.
pub fn typescript(event_type: &str, shape: &Field) -> String {
    format!(
        "/** Learned by Hookscope from {} deliveries. */\nexport type {} = {};\n",
        shape.seen,
        type_name(event_type),
        ts(shape, 0)
    )
}

/// A Zod schema for an event type's learned shape, and its type: objects pass through the
/// fields they do not name, since vendors add fields without notice.
pub fn zod(event_type: &str, shape: &Field) -> String {
    let name = type_name(event_type);
    format!(
        "import {{ z }} from \"zod\";\n\n/** Learned by Hookscope from {} deliveries. */\nexport const {name} = {};\nexport type {name} = z.infer<typeof {name}>;\n",
        shape.seen,
        zod_expr(shape, 0)
    )
}

/// `lead.won` as `LeadWon`; a name that would not start with a letter gets `Event` before it.
pub fn type_name(event_type: &str) -> String {
    let mut ident: String = event_type
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect();
    if !ident.starts_with(|c: char| c.is_ascii_alphabetic()) {
        ident.insert_str(0, "Event");
    }
    ident
}

fn key(k: &str) -> String {
    let mut chars = k.chars();
    let identifier = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if identifier { k.to_owned() } else { quoted(k) }
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// The objects a field was, for telling which of its fields are optional.
fn objects(f: &Field) -> u64 {
    f.kinds.get(&Kind::Object).copied().unwrap_or(0)
}

/// An array field's elements, when any were seen (every array may have been empty).
fn known_items(f: &Field) -> Option<&Field> {
    f.items
        .as_deref()
        .filter(|items| !items.kinds.is_empty() || items.nulls > 0)
}

/// The one format every string of the field had.
fn format(f: &Field) -> Option<Format> {
    let strings = f.kinds.get(&Kind::String).copied().unwrap_or(0);
    match f.formats.iter().next() {
        Some((format, n)) if *n == strings && f.formats.len() == 1 => Some(*format),
        _ => None,
    }
}

fn ts(f: &Field, indent: usize) -> String {
    let mut parts: Vec<String> = Vec::new();
    for kind in f.kinds.keys() {
        let part = match kind {
            Kind::String => match f.enum_values() {
                Some(values) => values
                    .keys()
                    .map(|v| quoted(v))
                    .collect::<Vec<_>>()
                    .join(" | "),
                None => "string".to_owned(),
            },
            Kind::Integer | Kind::Number => "number".to_owned(),
            Kind::Boolean => "boolean".to_owned(),
            Kind::Object if f.fields.is_empty() => "Record<string, unknown>".to_owned(),
            Kind::Object => {
                let pad = "  ".repeat(indent + 1);
                let mut text = String::from("{\n");
                for (k, inner) in &f.fields {
                    let optional = if inner.seen < objects(f) { "?" } else { "" };
                    text.push_str(&format!(
                        "{pad}{}{optional}: {};\n",
                        key(k),
                        ts(inner, indent + 1)
                    ));
                }
                text.push_str(&"  ".repeat(indent));
                text.push('}');
                text
            }
            Kind::Array => match known_items(f) {
                Some(items) => format!("Array<{}>", ts(items, indent)),
                None => "unknown[]".to_owned(),
            },
        };
        if !parts.contains(&part) {
            parts.push(part);
        }
    }
    if f.nulls > 0 {
        parts.push("null".to_owned());
    }
    if parts.is_empty() {
        "unknown".to_owned()
    } else {
        parts.join(" | ")
    }
}

fn zod_expr(f: &Field, indent: usize) -> String {
    let mut parts: Vec<String> = Vec::new();
    let numbers = f.kinds.contains_key(&Kind::Number);
    for kind in f.kinds.keys() {
        let part = match kind {
            Kind::String => match (f.enum_values(), format(f)) {
                (Some(values), _) => format!(
                    "z.enum([{}])",
                    values
                        .keys()
                        .map(|v| quoted(v))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                (None, Some(Format::DateTime)) => "z.string().datetime({ offset: true })".into(),
                (None, Some(Format::Uuid)) => "z.string().uuid()".into(),
                (None, Some(Format::Email)) => "z.string().email()".into(),
                (None, Some(Format::Uri)) => "z.string().url()".into(),
                (None, None) => "z.string()".into(),
            },
            // An integer field that is sometimes fractional is a number field.
            Kind::Integer if numbers => continue,
            Kind::Integer => "z.number().int()".into(),
            Kind::Number => "z.number()".into(),
            Kind::Boolean => "z.boolean()".into(),
            Kind::Object if f.fields.is_empty() => "z.record(z.string(), z.unknown())".into(),
            Kind::Object => {
                let pad = "  ".repeat(indent + 1);
                let mut text = String::from("z\n");
                text.push_str(&"  ".repeat(indent + 1));
                text.push_str(".object({\n");
                for (k, inner) in &f.fields {
                    let optional = if inner.seen < objects(f) {
                        ".optional()"
                    } else {
                        ""
                    };
                    text.push_str(&format!(
                        "{pad}  {}: {}{optional},\n",
                        key(k),
                        zod_expr(inner, indent + 2)
                    ));
                }
                text.push_str(&pad);
                text.push_str("})\n");
                text.push_str(&pad);
                text.push_str(".passthrough()");
                text
            }
            Kind::Array => match known_items(f) {
                Some(items) => format!("z.array({})", zod_expr(items, indent)),
                None => "z.array(z.unknown())".into(),
            },
        };
        parts.push(part);
    }
    let expr = match parts.len() {
        0 if f.nulls > 0 => return "z.null()".into(),
        0 => return "z.unknown()".into(),
        1 => parts.remove(0),
        _ => format!("z.union([{}])", parts.join(", ")),
    };
    if f.nulls > 0 {
        format!("{expr}.nullable()")
    } else {
        expr
    }
}

#[cfg(test)]
mod tests {
    use super::super::shape::tests::learned;
    use super::*;

    #[test]
    fn typescript_for_the_handler() {
        let ts = typescript("lead.won", &learned(30));
        assert!(
            ts.starts_with(
                "/** Learned by Hookscope from 30 deliveries. */\nexport type LeadWon = {"
            ),
            "{ts}"
        );
        assert!(ts.contains("wonVia: \"call\" | \"email\";"), "{ts}");
        assert!(ts.contains("note: string | null;"), "{ts}");
        assert!(ts.contains("tags: Array<string>;"), "{ts}");
    }

    #[test]
    fn zod_for_the_handler() {
        let z = zod("lead.won", &learned(30));
        assert!(z.starts_with("import { z } from \"zod\";"), "{z}");
        assert!(z.contains("export const LeadWon = z\n"), "{z}");
        assert!(z.contains("wonVia: z.enum([\"call\", \"email\"]),"), "{z}");
        assert!(z.contains("note: z.string().nullable(),"), "{z}");
        assert!(z.contains("id: z.string().uuid(),"), "{z}");
        assert!(z.contains("amount: z.number().int(),"), "{z}");
        assert!(
            z.ends_with("export type LeadWon = z.infer<typeof LeadWon>;\n"),
            "{z}"
        );
        assert_eq!(type_name("2fa.done"), "Event2faDone");
    }
}
