use proptest::prelude::*;

use super::*;
use crate::profile::Registry;

fn scheme(id: &str) -> SignatureScheme {
    Registry::builtin()
        .get(id)
        .and_then(|p| p.signature.clone())
        .unwrap_or_else(|| panic!("{id} has a scheme"))
}

fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect()
}

fn check(
    id: &str,
    h: &[(String, String)],
    body: &[u8],
    at_secs: i64,
    secrets: &[&str],
) -> SignatureCheck {
    let req = SignedRequest {
        headers: h,
        body,
        received_at_us: at_secs * 1_000_000,
    };
    let secrets: Vec<String> = secrets.iter().map(|s| (*s).to_owned()).collect();
    let registry = Registry::builtin();
    let schemes: Vec<(String, SignatureScheme)> = registry
        .profiles()
        .filter_map(|p| Some((p.id.clone(), p.signature.clone()?)))
        .collect();
    let others = vec![("endpoint /other".to_owned(), "the-other-secret".to_owned())];
    verify(
        id,
        &scheme(id),
        &req,
        &secrets,
        DoctorContext {
            other_schemes: &schemes,
            other_secrets: &others,
        },
    )
}

const GITHUB_SECRET: &str = "It's a Secret to Everybody";
const GITHUB_SIG: &str = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

#[test]
fn github_documented_example_is_valid() {
    let h = headers(&[("X-Hub-Signature-256", GITHUB_SIG)]);
    let c = check("github", &h, b"Hello, World!", 0, &[GITHUB_SECRET]);
    assert_eq!(c.status, SignatureStatus::Valid, "{c:?}");
    assert_eq!(c.secret.as_deref(), Some("#1 (…body)"));
    assert_eq!(c.received.as_deref(), Some(&GITHUB_SIG[7..]));
    assert_eq!(c.computed, c.received);
    assert!(c.documented);
}

#[test]
fn standard_webhooks_published_vector_is_valid_then_stale() {
    let h = headers(&[
        ("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
        ("webhook-timestamp", "1614265330"),
        (
            "webhook-signature",
            "v1,bm9ldHZhbGlk v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        ),
    ]);
    let body = br#"{"test": 2432232314}"#;
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let c = check("standard-webhooks", &h, body, 1_614_265_330, &[secret]);
    assert_eq!(c.status, SignatureStatus::Valid, "{c:?}");
    assert_eq!(c.timestamp, Some(1_614_265_330));
    assert!(
        c.signed_preview
            .as_deref()
            .unwrap()
            .starts_with("msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330.{")
    );

    let late = check(
        "standard-webhooks",
        &h,
        body,
        1_614_265_330 + 3600,
        &[secret],
    );
    assert_eq!(late.status, SignatureStatus::Stale);
    assert!(
        late.reason
            .as_deref()
            .unwrap()
            .contains("3600 s before it arrived"),
        "{late:?}"
    );
    assert!(late.reason.as_deref().unwrap().contains("allows 300 s"));
}

#[test]
fn slack_documented_example_is_valid() {
    let body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    let h = headers(&[
        ("X-Slack-Request-Timestamp", "1531420618"),
        (
            "X-Slack-Signature",
            "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
        ),
    ]);
    let c = check(
        "slack",
        &h,
        body.as_bytes(),
        1_531_420_618,
        &["8f742231b10e8888abcd99yyyzzz85a5"],
    );
    assert_eq!(c.status, SignatureStatus::Valid, "{c:?}");
}

const STRIPE_BODY: &[u8] = br#"{"id":"evt_1","object":"event"}"#;
const STRIPE_HEADER: &str =
    "t=1700000000,v1=0c8670ed117751cc551a20e35839447075c42800ea3cf3e8a2fbda99cd1e6edd,v0=ignored";

#[test]
fn stripe_layout_with_the_secret_used_as_is() {
    let h = headers(&[("Stripe-Signature", STRIPE_HEADER)]);
    let c = check(
        "stripe",
        &h,
        STRIPE_BODY,
        1_700_000_100,
        &["whsec_test_secret"],
    );
    assert_eq!(c.status, SignatureStatus::Valid, "{c:?}");
    let stale = check(
        "stripe",
        &h,
        STRIPE_BODY,
        1_700_000_301,
        &["whsec_test_secret"],
    );
    assert_eq!(stale.status, SignatureStatus::Stale);
}

#[test]
fn statuses_for_missing_unchecked_malformed_and_tampered() {
    let none = check("github", &[], b"x", 0, &[GITHUB_SECRET]);
    assert_eq!(none.status, SignatureStatus::Missing);
    assert!(none.reason.unwrap().contains("X-Hub-Signature-256"));

    let h = headers(&[("X-Hub-Signature-256", GITHUB_SIG)]);
    let unchecked = check("github", &h, b"Hello, World!", 0, &[]);
    assert_eq!(unchecked.status, SignatureStatus::Unchecked);
    assert!(
        unchecked
            .reason
            .unwrap()
            .contains("no secret is configured")
    );

    let bad = headers(&[("Stripe-Signature", "garbage")]);
    let malformed = check("stripe", &bad, STRIPE_BODY, 0, &["whsec_test_secret"]);
    assert_eq!(malformed.status, SignatureStatus::Malformed);
    assert!(malformed.reason.unwrap().contains("no v1= entry"));

    let no_ts = headers(&[("Stripe-Signature", "v1=abcd")]);
    let malformed = check("stripe", &no_ts, STRIPE_BODY, 0, &["whsec_test_secret"]);
    assert_eq!(malformed.status, SignatureStatus::Malformed);
    assert!(malformed.reason.unwrap().contains("timestamp"));

    let tampered = check("github", &h, b"Hello, World?", 0, &[GITHUB_SECRET]);
    assert_eq!(tampered.status, SignatureStatus::Invalid);
    assert!(
        tampered
            .reason
            .unwrap()
            .contains("does not match this body")
    );
    assert_eq!(
        tampered.doctor, None,
        "no usual mistake explains a changed body"
    );

    let wrong = check("github", &h, b"Hello, World!", 0, &["not it"]);
    assert_eq!(wrong.status, SignatureStatus::Invalid);
}

#[test]
fn rotation_names_the_secret_that_matched() {
    let h = headers(&[("X-Hub-Signature-256", GITHUB_SIG)]);
    let c = check(
        "github",
        &h,
        b"Hello, World!",
        0,
        &["old-one", GITHUB_SECRET],
    );
    assert_eq!(c.status, SignatureStatus::Valid);
    assert_eq!(c.secret.as_deref(), Some("#2 of 2 (…body)"));
}

fn github_sig(secret: &[u8], content: &[u8], encoding: Encoding, algorithm: Algorithm) -> String {
    format!(
        "sha256={}",
        encoding.encode(&mac(algorithm, secret, content))
    )
}

#[test]
fn the_doctor_names_the_usual_mistakes() {
    let body = br#"{"a": 1}"#;
    let doctor = |sig: String, secret: &str, body: &[u8]| {
        let h = headers(&[("X-Hub-Signature-256", &sig)]);
        let c = check("github", &h, body, 0, &[secret]);
        assert_ne!(c.status, SignatureStatus::Valid);
        c.doctor
            .clone()
            .unwrap_or_else(|| panic!("no finding for {c:?}"))
    };

    let b64 = github_sig(b"s3cret", body, Encoding::Base64, Algorithm::HmacSha256);
    assert!(doctor(b64, "s3cret", body).contains("base64-encoded"));

    let newline = github_sig(
        b"s3cret",
        b"{\"a\": 1}\n",
        Encoding::Hex,
        Algorithm::HmacSha256,
    );
    assert!(doctor(newline, "s3cret", body).contains("trailing newline added"));

    let compact = github_sig(
        b"s3cret",
        br#"{"a":1}"#,
        Encoding::Hex,
        Algorithm::HmacSha256,
    );
    assert!(doctor(compact, "s3cret", body).contains("re-serialized compactly"));

    let sha1 = github_sig(b"s3cret", body, Encoding::Hex, Algorithm::HmacSha1);
    assert!(doctor(sha1, "s3cret", body).contains("HMAC-SHA1"));

    let other = github_sig(
        b"the-other-secret",
        body,
        Encoding::Hex,
        Algorithm::HmacSha256,
    );
    assert!(doctor(other, "s3cret", body).contains("endpoint /other"));

    // A whsec_ secret used raw by a sender whose scheme decodes it.
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let content = b"msg_1.1614265330.{}";
    let raw = Encoding::Base64.encode(&mac(Algorithm::HmacSha256, secret.as_bytes(), content));
    let h = headers(&[
        ("webhook-id", "msg_1"),
        ("webhook-timestamp", "1614265330"),
        ("webhook-signature", &format!("v1,{raw}")),
    ]);
    let c = check("standard-webhooks", &h, b"{}", 1_614_265_330, &[secret]);
    assert_eq!(c.status, SignatureStatus::Invalid);
    assert!(c.doctor.unwrap().contains("without base64-decoding it"));
}

#[test]
fn the_doctor_recognises_another_vendors_scheme() {
    let h = headers(&[
        ("Stripe-Signature", STRIPE_HEADER),
        ("X-Hub-Signature-256", "sha256=00"),
    ]);
    let c = check(
        "github",
        &h,
        STRIPE_BODY,
        1_700_000_000,
        &["whsec_test_secret"],
    );
    assert_eq!(c.status, SignatureStatus::Invalid);
    assert!(c.doctor.unwrap().contains("valid stripe signature"));
}

#[test]
fn templates_fill_every_placeholder() {
    assert_eq!(
        render("{id}.{timestamp}.{body}", Some("m"), Some("1"), b"b"),
        b"m.1.b"
    );
    assert_eq!(
        render("v0:{timestamp}:{body}", None, Some("9"), b"{}"),
        b"v0:9:{}"
    );
    assert_eq!(render("{body}{", None, None, b"x"), b"x{");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn verification_never_panics(
        value in proptest::collection::vec(any::<u8>(), 0..200),
        ts in proptest::collection::vec(any::<u8>(), 0..20),
        body in proptest::collection::vec(any::<u8>(), 0..300),
        secret in ".{0,40}",
        at in any::<i64>(),
    ) {
        let value = String::from_utf8_lossy(&value).into_owned();
        let ts = String::from_utf8_lossy(&ts).into_owned();
        let registry = Registry::builtin();
        for profile in registry.profiles() {
            let Some(scheme) = &profile.signature else { continue };
            let mut h = vec![(scheme.header.clone(), value.clone())];
            if let Some(t) = &scheme.timestamp_header { h.push((t.clone(), ts.clone())); }
            if let Some(i) = &scheme.id_header { h.push((i.clone(), ts.clone())); }
            let req = SignedRequest { headers: &h, body: &body, received_at_us: at };
            let c = verify(&profile.id, scheme, &req, std::slice::from_ref(&secret), DoctorContext::default());
            prop_assert!(c.status != SignatureStatus::Missing);
        }
    }
}

#[test]
fn signing_matches_the_published_github_vector() {
    let h = sign(
        &scheme("github"),
        b"Hello, World!",
        SignParams {
            secret: GITHUB_SECRET,
            id: None,
            timestamp: 0,
        },
    )
    .unwrap();
    assert_eq!(h, headers(&[("X-Hub-Signature-256", GITHUB_SIG)]));
}

#[test]
fn signing_refuses_what_the_scheme_cannot_use() {
    let sw = scheme("standard-webhooks");
    let no_id = sign(
        &sw,
        b"{}",
        SignParams {
            secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            id: None,
            timestamp: 1,
        },
    );
    assert!(no_id.unwrap_err().contains("event id"));
    let bad_secret = sign(
        &sw,
        b"{}",
        SignParams {
            secret: "whsec_!!!",
            id: Some("msg_1"),
            timestamp: 1,
        },
    );
    assert!(bad_secret.unwrap_err().contains("whsec_"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Whatever the body, what `sign` makes, `verify` accepts, for every built-in scheme.
    #[test]
    fn what_sign_makes_verify_accepts(
        body in proptest::collection::vec(any::<u8>(), 0..300),
        at in 1_500_000_000i64..2_000_000_000,
    ) {
        let registry = Registry::builtin();
        for profile in registry.profiles() {
            let Some(scheme) = &profile.signature else { continue };
            let secret = match scheme.secret {
                scheme::SecretFormat::Whsec => "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                scheme::SecretFormat::Raw => "a raw secret",
            };
            let h = sign(scheme, &body, SignParams { secret, id: Some("evt_42"), timestamp: at })
                .map_err(TestCaseError::fail)?;
            let req = SignedRequest { headers: &h, body: &body, received_at_us: at * 1_000_000 };
            let c = verify(&profile.id, scheme, &req, &[secret.to_owned()], DoctorContext::default());
            prop_assert_eq!(c.status, SignatureStatus::Valid, "{}: {:?}", profile.id, c);
        }
    }
}
