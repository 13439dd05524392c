//! Sizes and durations as a person writes them in the config file, with errors that say what
//! a right value looks like: `max_body = "lots"` is answered with `expected a size such as
//! "16 MiB", "512 KiB" or "2 GB"`, where the libraries alone said "expected parsable string".
//! The TOML error around it names the file, the line and the key.

use std::time::Duration;

use bytesize::ByteSize;
use serde::{Deserialize, Deserializer, de::Error as _};

/// What a size or a duration may be written as: a string, or a bare number for sizes (bytes).
#[derive(Deserialize)]
#[serde(untagged)]
enum Written {
    Text(String),
    Number(u64),
}

const SIZE_EXAMPLE: &str = "a size such as \"16 MiB\", \"512 KiB\" or \"2 GB\"";
const DURATION_EXAMPLE: &str = "a duration such as \"30s\", \"500ms\" or \"2m\"";

pub fn size<'de, D: Deserializer<'de>>(d: D) -> Result<ByteSize, D::Error> {
    match Written::deserialize(d)
        .map_err(|_| D::Error::custom(format!("expected {SIZE_EXAMPLE}")))?
    {
        Written::Number(n) => Ok(ByteSize::b(n)),
        Written::Text(text) => text
            .trim()
            .parse::<ByteSize>()
            .map_err(|_| D::Error::custom(format!("expected {SIZE_EXAMPLE}, got {text:?}"))),
    }
}

pub fn optional_size<'de, D: Deserializer<'de>>(d: D) -> Result<Option<ByteSize>, D::Error> {
    size(d).map(Some)
}

pub fn duration<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    match Written::deserialize(d)
        .map_err(|_| D::Error::custom(format!("expected {DURATION_EXAMPLE}")))?
    {
        Written::Number(n) => Err(D::Error::custom(format!(
            "expected {DURATION_EXAMPLE}, got the number {n}: write its unit, \"{n}s\""
        ))),
        Written::Text(text) => humantime::parse_duration(text.trim()).map_err(|_| {
            let hint = if text.trim().chars().all(|c| c.is_ascii_digit()) && !text.trim().is_empty()
            {
                format!(": write its unit, \"{}s\"", text.trim())
            } else {
                String::new()
            };
            D::Error::custom(format!("expected {DURATION_EXAMPLE}, got {text:?}{hint}"))
        }),
    }
}

pub fn optional_duration<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    duration(d).map(Some)
}

/// `what` is at least `min` and at most `max`, or an error naming it with a right value.
pub fn check_duration(
    what: &str,
    value: Duration,
    min: Duration,
    max: Duration,
) -> Result<(), String> {
    let shown = |d: Duration| humantime::format_duration(d).to_string();
    if value < min || value > max {
        return Err(format!(
            "{what} = \"{}\" is out of range: it must be from {} to {} (for example \"30s\")",
            shown(value),
            shown(min),
            shown(max)
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Debug)]
    struct Both {
        #[serde(deserialize_with = "size")]
        size: ByteSize,
        #[serde(deserialize_with = "duration")]
        timeout: Duration,
    }

    fn error(text: &str) -> String {
        toml::from_str::<Both>(text).unwrap_err().to_string()
    }

    #[test]
    fn wrong_values_say_what_a_right_one_looks_like() {
        let e = error("size = \"lots\"\ntimeout = \"30s\"");
        assert!(e.contains("expected a size such as \"16 MiB\""), "{e}");
        assert!(e.contains("got \"lots\""), "{e}");
        assert!(e.contains("size = \"lots\""), "the line with its key: {e}");
        let e = error("size = 10\ntimeout = \"30\"");
        assert!(e.contains("write its unit, \"30s\""), "{e}");
        let e = error("size = 10\ntimeout = 30");
        assert!(e.contains("write its unit, \"30s\""), "{e}");
        let ok: Both = toml::from_str("size = \"1 KiB\"\ntimeout = \"1m 30s\"").unwrap();
        assert_eq!(ok.size, ByteSize::kib(1));
        assert_eq!(ok.timeout, Duration::from_secs(90));
    }
}
