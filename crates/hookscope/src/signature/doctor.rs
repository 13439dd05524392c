//! The signature doctor: when a signature does not match, recompute it the ways senders and
//! receivers usually get wrong and say which one would have produced what arrived.

use super::{
    Algorithm, DoctorContext, Encoding, SecretFormat, SignatureScheme, SignedRequest, mac, render,
};

pub(super) struct Case<'a> {
    pub profile: &'a str,
    pub scheme: &'a SignatureScheme,
    pub req: &'a SignedRequest<'a>,
    /// The signatures as they arrived, after their prefix.
    pub signatures: &'a [&'a str],
    pub timestamp: Option<(i64, &'a str)>,
    pub id: Option<&'a str>,
    pub secrets: &'a [String],
    pub ctx: DoctorContext<'a>,
}

/// One way of computing a signature, and what to tell the user when it is the one that matches.
struct Variant {
    algorithm: Algorithm,
    key: Vec<u8>,
    content: Vec<u8>,
    encoding: Encoding,
    finding: String,
}

pub(super) fn diagnose(case: &Case<'_>) -> Option<String> {
    let s = case.scheme;
    let signed =
        |template: &str, body: &[u8]| render(template, case.id, case.timestamp.map(|t| t.1), body);
    let content = signed(&s.template, case.req.body);
    let keys: Vec<Vec<u8>> = case
        .secrets
        .iter()
        .filter_map(|x| s.secret.key(x))
        .collect();
    let mut variants: Vec<Variant> = Vec::new();
    let mut push = |algorithm, key: &[u8], content: Vec<u8>, encoding, finding: String| {
        variants.push(Variant {
            algorithm,
            key: key.to_vec(),
            content,
            encoding,
            finding,
        });
    };

    for key in &keys {
        push(
            s.algorithm,
            key,
            content.clone(),
            s.encoding.other(),
            format!(
                "the signature is {}-encoded, but {} signatures are {}: the sender encodes its digest differently",
                s.encoding.other().name(),
                case.profile,
                s.encoding.name()
            ),
        );
    }
    for secret in case.secrets {
        let raw = secret.as_bytes();
        let stripped = secret.strip_prefix("whsec_");
        match s.secret {
            SecretFormat::Whsec => {
                push(s.algorithm, raw, content.clone(), s.encoding,
                    "this signature matches if the secret is used as typed, without base64-decoding it".into());
                if let Some(rest) = stripped {
                    push(s.algorithm, rest.as_bytes(), content.clone(), s.encoding,
                        "this signature matches if the whsec_ prefix is stripped and the rest is used as typed, without base64-decoding it".into());
                }
            }
            SecretFormat::Raw => {
                if let Some(key) = SecretFormat::Whsec.key(secret) {
                    push(s.algorithm, &key, content.clone(), s.encoding,
                        "this signature matches if the secret is base64-decoded first (a whsec_-style secret)".into());
                }
                if let Some(rest) = stripped {
                    push(
                        s.algorithm,
                        rest.as_bytes(),
                        content.clone(),
                        s.encoding,
                        "this signature matches if the whsec_ prefix is left out of the secret"
                            .into(),
                    );
                }
            }
        }
    }
    for key in &keys {
        for (body, finding) in body_variants(case.req.body) {
            push(
                s.algorithm,
                key,
                signed(&s.template, &body),
                s.encoding,
                finding,
            );
        }
        for template in [
            "{body}",
            "{timestamp}.{body}",
            "{id}.{timestamp}.{body}",
            "v0:{timestamp}:{body}",
        ] {
            if template == s.template
                || (template.contains("{timestamp}") && case.timestamp.is_none())
                || (template.contains("{id}") && case.id.is_none())
            {
                continue;
            }
            push(
                s.algorithm,
                key,
                signed(template, case.req.body),
                s.encoding,
                format!(
                    "this signature matches if the signed content is {template} instead of {}: the sender uses another construction",
                    s.template
                ),
            );
        }
        let other = match s.algorithm {
            Algorithm::HmacSha256 => Algorithm::HmacSha1,
            Algorithm::HmacSha1 => Algorithm::HmacSha256,
        };
        push(
            other,
            key,
            content.clone(),
            s.encoding,
            format!(
                "this signature is {}, not {}",
                algorithm_name(other),
                algorithm_name(s.algorithm)
            ),
        );
    }
    for (place, secret) in case.ctx.other_secrets {
        if case.secrets.iter().any(|x| x == secret) {
            continue;
        }
        if let Some(key) = s.secret.key(secret) {
            push(
                s.algorithm,
                &key,
                content.clone(),
                s.encoding,
                format!(
                    "this signature matches the secret configured for {place}: the sender uses another endpoint's (or an older) secret"
                ),
            );
        }
    }

    for v in &variants {
        let expected = mac(v.algorithm, &v.key, &v.content);
        let hit = case.signatures.iter().any(|sig| {
            v.encoding
                .decode(sig)
                .is_some_and(|d| constant_time_eq::constant_time_eq(&d, &expected))
        });
        if hit {
            return Some(v.finding.clone());
        }
    }

    // Another vendor's scheme, when the request carries that vendor's header.
    for (name, other) in case.ctx.other_schemes {
        if name == case.profile || case.req.header(&other.header).is_none() {
            continue;
        }
        let check = super::verify(
            name,
            other,
            case.req,
            case.secrets,
            DoctorContext::default(),
        );
        if matches!(
            check.status,
            super::SignatureStatus::Valid | super::SignatureStatus::Stale
        ) {
            return Some(format!(
                "this request carries a valid {name} signature ({}): the endpoint is checking it as {}",
                other.header, case.profile
            ));
        }
    }
    None
}

fn body_variants(body: &[u8]) -> Vec<(Vec<u8>, String)> {
    let mut out = Vec::new();
    let mut with_newline = body.to_vec();
    with_newline.push(b'\n');
    out.push((
        with_newline,
        "this signature matches the body with a trailing newline added: the sender signed a slightly different body than it sent".into(),
    ));
    if let Some(trimmed) = body
        .strip_suffix(b"\r\n")
        .or_else(|| body.strip_suffix(b"\n"))
    {
        out.push((
            trimmed.to_vec(),
            "this signature matches the body without its trailing newline: something added one after signing".into(),
        ));
    }
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) {
        if let Ok(compact) = serde_json::to_vec(&value)
            && compact != body
        {
            out.push((
                compact,
                "this signature matches the JSON re-serialized compactly: the sender signed the parsed object, not the bytes it sent".into(),
            ));
        }
        if let Ok(pretty) = serde_json::to_vec_pretty(&value)
            && pretty != body
        {
            out.push((
                pretty,
                "this signature matches the JSON re-serialized with indentation: the sender signed the parsed object, not the bytes it sent".into(),
            ));
        }
    }
    out
}

fn algorithm_name(a: Algorithm) -> &'static str {
    match a {
        Algorithm::HmacSha256 => "HMAC-SHA256",
        Algorithm::HmacSha1 => "HMAC-SHA1",
    }
}
