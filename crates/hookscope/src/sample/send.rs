//! Signed test events, as `stripe trigger` makes them for Stripe: a vendor's documented example
//! (`fixtures/<vendor>/<event>.json`) with a fresh event id and time, the vendor's headers, and
//! the signature of its scheme; optionally altered after signing (`tamper`), to check that a
//! handler refuses it. `hookscope send`, the API's `/api/samples` and the UI's "send a test
//! event" all build their requests here.

use crate::config::EndpointConfig;
use crate::error::{Error, Result};
use crate::profile::Registry;

/// Which event to build, and with which secret.
#[derive(Debug, Clone, Default)]
pub struct Wanted<'a> {
    pub vendor: &'a str,
    /// The event type (`lead.created`), or the fixture's file name (`orders-create` for Shopify's
    /// `orders/create`); `None` for the vendor's first example.
    pub event: Option<&'a str>,
    /// Signs with this; else the first secret of an endpoint bound to the vendor, else the fixed
    /// test secret of `hookscope generate`'s endpoint for it.
    pub secret: Option<&'a str>,
    pub tamper: bool,
}

/// A test event, ready to send.
#[derive(Debug, Clone)]
pub struct Built {
    pub vendor: String,
    pub event: String,
    /// Headers in sending order (no `Host` or `Content-Length`).
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Which secret signed it, in words: "the secret you gave", "the secret of endpoint /hooks/x",
    /// "the test secret whsec_…", or that the vendor does not sign.
    pub signed_with: String,
}

/// Every `(vendor, event)` that can be sent, first-class vendors first.
pub fn catalog(registry: &Registry) -> Vec<(String, String)> {
    super::vendors(registry)
        .into_iter()
        .flat_map(|vendor| {
            super::sample_events(registry, &vendor)
                .into_iter()
                .map(move |(_, event)| (vendor.clone(), event))
        })
        .collect()
}

/// Builds the test event `wanted` asks for.
pub fn build(registry: &Registry, endpoints: &[EndpointConfig], wanted: &Wanted) -> Result<Built> {
    let vendor = wanted.vendor;
    let events = super::sample_events(registry, vendor);
    if events.is_empty() {
        return Err(Error::Invalid(format!(
            "no examples of vendor {vendor:?}; these can be sent: {}",
            super::vendors(registry).join(", ")
        )));
    }
    let (pick, event) = match wanted.event {
        // A fixture's file name stands for its event, with `-` for the `/` a file name cannot
        // hold.
        Some(e) => events
            .iter()
            .find(|(_, t)| t == e || t.replace('/', "-") == e)
            .cloned()
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "{vendor} has no example of {e}; it has: {}",
                    events
                        .iter()
                        .map(|(_, t)| t.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?,
        None => events[0].clone(),
    };
    let bound = endpoints
        .iter()
        .find(|e| e.vendor.as_deref() == Some(vendor) && !e.secrets.is_empty());
    let (secret, signed_with) = match (wanted.secret, bound) {
        (Some(s), _) => (Some(s.to_owned()), "the secret you gave".to_owned()),
        (None, Some(ep)) => (
            ep.secrets.first().cloned(),
            format!("the secret of endpoint {}", ep.path),
        ),
        (None, None) => match super::endpoints(registry)
            .into_iter()
            .find(|e| e.vendor.as_deref() == Some(vendor))
            .and_then(|e| e.secrets.into_iter().next())
        {
            Some(s) => (None, format!("the test secret {s}")),
            None => (None, "no secret (the vendor does not sign)".to_owned()),
        },
    };
    let sample = super::sample(registry, vendor, secret.as_deref(), pick)
        .ok_or_else(|| Error::Invalid(format!("vendor {vendor:?} is not a loaded profile")))?;
    let body = if wanted.tamper {
        tamper(&sample.body)
    } else {
        sample.body
    };
    Ok(Built {
        vendor: vendor.to_owned(),
        event,
        headers: sample.headers,
        body,
        signed_with,
    })
}

/// The body with a field added at its start (JSON) or a byte flipped (anything else): what a
/// signature check must refuse.
pub fn tamper(body: &[u8]) -> Vec<u8> {
    match body.iter().position(|b| *b == b'{') {
        Some(at) => {
            let mut out = body[..=at].to_vec();
            out.extend_from_slice(br#""tampered":true,"#);
            out.extend_from_slice(&body[at + 1..]);
            out
        }
        None => {
            let mut out = body.to_vec();
            if let Some(b) = out.first_mut() {
                *b ^= 1;
            } else {
                out.push(b'x');
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_resolve_by_type_or_file_name_and_mistakes_list_the_choices() {
        let registry = Registry::builtin();
        let wanted = |event| Wanted {
            vendor: "shopify",
            event,
            ..Wanted::default()
        };
        let a = build(&registry, &[], &wanted(Some("orders/create"))).unwrap();
        let b = build(&registry, &[], &wanted(Some("orders-create"))).unwrap();
        assert_eq!(
            (a.event.as_str(), b.event.as_str()),
            ("orders/create", "orders/create")
        );
        let err = build(&registry, &[], &wanted(Some("nope"))).unwrap_err();
        assert!(err.to_string().contains("customers/update"), "{err}");
        let err = build(
            &registry,
            &[],
            &Wanted {
                vendor: "nobody",
                ..Wanted::default()
            },
        )
        .unwrap_err();
        assert!(err.to_string().contains("leadron"), "{err}");
    }

    #[test]
    fn the_secret_comes_from_the_caller_then_the_bound_endpoint_then_the_test_secret() {
        let registry = Registry::builtin();
        let endpoint: EndpointConfig = serde_json::from_value(serde_json::json!({
            "path": "/hooks/ld", "vendor": "leadron", "secrets": ["ld-secret"]
        }))
        .unwrap();
        let wanted = Wanted {
            vendor: "leadron",
            ..Wanted::default()
        };
        let bound = build(&registry, std::slice::from_ref(&endpoint), &wanted).unwrap();
        assert_eq!(bound.signed_with, "the secret of endpoint /hooks/ld");
        let given = build(
            &registry,
            &[endpoint],
            &Wanted {
                secret: Some("mine"),
                ..wanted.clone()
            },
        )
        .unwrap();
        assert_eq!(given.signed_with, "the secret you gave");
        assert_ne!(bound.headers, given.headers);
        assert!(
            build(&registry, &[], &wanted)
                .unwrap()
                .signed_with
                .starts_with("the test secret ")
        );
    }

    #[test]
    fn tampering_changes_json_and_binary_bodies() {
        assert_eq!(
            tamper(br#"{"a":1}"#),
            br#"{"tampered":true,"a":1}"#.to_vec()
        );
        assert_eq!(tamper(b"\x00\x01"), b"\x01\x01".to_vec());
        assert_eq!(tamper(b""), b"x".to_vec());
    }
}
