use super::*;

fn vendors() -> Vec<String> {
    vec!["stripe".to_owned(), "github".to_owned()]
}

fn rules(text: &str) -> RuleSet {
    #[derive(serde::Deserialize)]
    struct File {
        rules: Vec<RuleConfig>,
    }
    let f: File = toml::from_str(text).unwrap();
    crate::config::check_rules("rules", &f.rules).unwrap();
    RuleSet::compile(&RuleSources::of(&f.rules, &[]), &vendors()).unwrap()
}

fn compile_error(text: &str) -> String {
    #[derive(serde::Deserialize)]
    struct File {
        rules: Vec<RuleConfig>,
    }
    let f: File = toml::from_str(text).unwrap();
    RuleSet::compile(&RuleSources::of(&f.rules, &[]), &vendors())
        .unwrap_err()
        .to_string()
}

struct Request {
    method: &'static str,
    path: &'static str,
    query: Option<&'static str>,
    headers: HeaderMap,
    body: Vec<u8>,
    vendor: Option<&'static str>,
    event_type: Option<&'static str>,
    signature: Option<&'static str>,
}

fn request(event_type: &'static str, body: &str) -> Request {
    let mut headers = HeaderMap::new();
    headers.insert("x-request-id", HeaderValue::from_static("req-42"));
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    Request {
        method: "POST",
        path: "/hooks/stripe",
        query: Some("tenant=acme&x=1"),
        headers,
        body: body.as_bytes().to_vec(),
        vendor: Some("stripe"),
        event_type: Some(event_type),
        signature: Some("valid"),
    }
}

impl Request {
    fn facts(&self) -> Facts<'_> {
        Facts {
            json: None,
            method: self.method,
            path: self.path,
            query: self.query,
            headers: &self.headers,
            body: &self.body,
            endpoint: Some("/hooks"),
            vendor: self.vendor,
            event_type: self.event_type,
            event_id: Some("evt_1"),
            signature: self.signature,
        }
    }
}

const ORDER: &str = r#"{"type":"order.paid","data":{"id":"ord_7","amount":1000,"tags":["a","b"]}}"#;

#[test]
fn the_first_matching_rule_decides() {
    let set = rules(
        r#"
[[rules]]
name = "invoices"
match = { event = "invoice.*" }
do = { forward = "http://localhost:3001/invoices" }

[[rules]]
name = "orders"
match = { event = ["order.*", "charge.*"], vendor = "stripe", method = "post" }
do = { forward = ["http://localhost:3002/orders", "http://localhost:3003/audit"] }

[[rules]]
name = "everything else"
do = { skip_forward = true }
"#,
    );
    let d = set
        .consider(&request("order.paid", ORDER).facts())
        .decide(None);
    assert_eq!(d.rules, [Arc::from("rules[1] (\"orders\")")]);
    assert_eq!(
        d.forward,
        Forwarding::To(vec![
            "http://localhost:3002/orders".into(),
            "http://localhost:3003/audit".into()
        ])
    );
    let d = set
        .consider(&request("invoice.paid", "{}").facts())
        .decide(None);
    assert_eq!(
        d.forward,
        Forwarding::To(vec!["http://localhost:3001/invoices".into()])
    );
    let d = set
        .consider(&request("customer.created", "{}").facts())
        .decide(None);
    assert_eq!(d.forward, Forwarding::Skip);
    assert_eq!(
        d.outcome().unwrap(),
        RuleOutcome {
            rules: vec!["rules[2] (\"everything else\")".into()],
            did: "forwarded nowhere".into(),
            error: None,
        }
    );
}

#[test]
fn conditions_on_path_headers_body_and_signature() {
    let set = rules(
        r#"
[[rules]]
match = { path = "/hooks/*", headers = { "X-Request-Id" = "req-*" }, body = { "/data/amount" = 1000.0, "/data/id" = "ord_*" }, signature = ["valid"] }
do = { status = 202 }
"#,
    );
    let decided = |r: &Request| set.consider(&r.facts()).decide(None).status;
    assert_eq!(decided(&request("order.paid", ORDER)), Some(202));
    let mut r = request("order.paid", &ORDER.replace("1000", "999"));
    assert_eq!(decided(&r), None, "the amount differs");
    r = request("order.paid", ORDER);
    r.headers.remove("x-request-id");
    assert_eq!(decided(&r), None, "the header is missing");
    r = request("order.paid", ORDER);
    r.signature = Some("invalid");
    assert_eq!(decided(&r), None, "the signature is not valid");
    r = request("order.paid", ORDER);
    r.path = "/hooks/a/b";
    assert_eq!(decided(&r), None, "* stays within a segment");
    r = request("order.paid", "not json");
    assert_eq!(decided(&r), None, "a body that is not JSON has no pointers");

    let set = rules("[[rules]]\nmatch = { path = \"/hooks\" }\ndo = { status = 201 }\n");
    let mut r = request("x", "{}");
    assert_eq!(set.consider(&r.facts()).decide(None).status, Some(201));
    r.path = "/hookshot";
    assert_eq!(
        set.consider(&r.facts()).decide(None).status,
        None,
        "a prefix matches whole segments"
    );
}

#[test]
fn templates_see_the_request() {
    let set = rules(
        r#"
[[rules]]
do = { status = 200, headers = { "X-Echo" = "{{ headers['X-REQUEST-ID'] }}" }, body = '{"received": "{{ body.data.id }}", "type": "{{ event.type }}", "tenant": "{{ query.tenant }}", "tags": {{ body.data.tags | tojson }}, "via": "{{ method }} {{ path }}", "missing": "{{ body.nope.deeper }}"}' }
"#,
    );
    let d = set
        .consider(&request("order.paid", ORDER).facts())
        .decide(None);
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    let body: serde_json::Value = serde_json::from_str(d.body.as_deref().unwrap()).unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "received": "ord_7", "type": "order.paid", "tenant": "acme", "tags": ["a", "b"],
            "via": "POST /hooks/stripe", "missing": ""
        })
    );
    assert_eq!(
        d.headers,
        [(
            HeaderName::from_static("x-echo"),
            HeaderValue::from_static("req-42")
        )]
    );
    assert_eq!(
        d.outcome().unwrap().did,
        "answered 200; with its own body; set x-echo"
    );
}

#[test]
fn a_template_that_fails_falls_back_and_says_why() {
    let set = rules(
        r#"
[[rules]]
name = "broken"
do = { status = 201, body = "{{ body.data.id | no_such_filter }}", forward = "http://localhost:3001/" }
"#,
    );
    // An unknown filter is found when the template runs; the rule still forwards.
    let d = set
        .consider(&request("order.paid", ORDER).facts())
        .decide(None);
    assert_eq!(d.status, None, "the endpoint's answer, not the rule's");
    assert_eq!(d.body, None);
    assert_eq!(
        d.forward,
        Forwarding::To(vec!["http://localhost:3001/".into()])
    );
    let outcome = d.outcome().unwrap();
    let error = outcome.error.unwrap();
    assert!(
        error.starts_with("rules[0] (\"broken\"): do.body: "),
        "{error}"
    );
    assert!(error.contains("no_such_filter"), "{error}");

    let set = rules(
        "[[rules]]\ndo = { body = \"{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}\" }\n",
    );
    let d = set.consider(&request("x", "{}").facts()).decide(None);
    assert!(
        d.errors[0].contains("fuel"),
        "a runaway template is stopped: {:?}",
        d.errors
    );

    let set = rules("[[rules]]\ndo = { headers = { \"X-Bad\" = \"a\\nb{{ '' }}\" } }\n");
    let d = set.consider(&request("x", "{}").facts()).decide(None);
    assert!(
        d.errors[0].contains("cannot be a header value"),
        "{:?}",
        d.errors
    );
}

#[test]
fn a_template_that_cannot_be_parsed_is_refused_where_it_is() {
    let e = compile_error("[[rules]]\nname = \"echo\"\ndo = { body = \"{{ body.id \" }\n");
    assert!(e.starts_with("rules[0] (\"echo\"): do.body: "), "{e}");
    assert!(e.contains("syntax error"), "{e}");
    let e = compile_error("[[rules]]\nmatch = { event = \"order.[\" }\n");
    assert!(
        e.starts_with("rules[0]: match.event: \"order.[\" is not a pattern"),
        "{e}"
    );
}

#[test]
fn sequences_answer_by_arrival() {
    let set = rules(
        r#"
[[rules]]
name = "fail twice"
match = { arrival = "1..2" }
do = { status = 503, headers = { "Retry-After" = "1" } }

[[rules]]
match = { duplicate = "conflict" }
do = { status = 409 }

[[rules]]
do = { status = 200 }
"#,
    );
    let considered = set.consider(&request("order.paid", ORDER).facts());
    assert!(considered.needs_arrival());
    assert_eq!(considered.decide(Some(("first", 1))).status, Some(503));
    assert_eq!(considered.decide(Some(("retry", 2))).status, Some(503));
    assert_eq!(considered.decide(Some(("retry", 3))).status, Some(200));
    assert_eq!(considered.decide(Some(("conflict", 3))).status, Some(409));
    assert_eq!(
        considered.decide(None).status,
        Some(200),
        "without an event id no arrival is counted"
    );
}

#[test]
fn continue_lets_later_rules_add_to_what_one_did() {
    let set = rules(
        r#"
[[rules]]
match = { vendor = "stripe" }
do = { forward = "http://localhost:3001/a", delay = "1s", continue = true }

[[rules]]
match = { event = "order.*" }
do = { forward = ["http://localhost:3001/a", "http://localhost:3002/b"], status = 202 }

[[rules]]
do = { status = 500 }
"#,
    );
    let d = set
        .consider(&request("order.paid", ORDER).facts())
        .decide(None);
    assert_eq!(d.rules.len(), 2, "the second does not continue");
    assert_eq!(d.status, Some(202));
    assert_eq!(d.delay, Some(Duration::from_secs(1)));
    assert_eq!(
        d.forward,
        Forwarding::To(vec![
            "http://localhost:3001/a".into(),
            "http://localhost:3002/b".into()
        ])
    );
    assert_eq!(
        d.outcome().unwrap().did,
        "answered 202; waited 1s; forwarded to 2 targets"
    );
}

#[test]
fn endpoint_rules_come_first_and_only_for_their_endpoint() {
    #[derive(serde::Deserialize)]
    struct File {
        rules: Vec<RuleConfig>,
    }
    let global: File = toml::from_str("[[rules]]\ndo = { status = 200 }\n").unwrap();
    let own: File = toml::from_str("[[rules]]\ndo = { status = 418 }\n").unwrap();
    let sources = RuleSources {
        global: global.rules,
        endpoints: vec![
            EndpointRules {
                path: "/hooks".to_owned(),
                rules: own.rules.clone(),
            },
            EndpointRules {
                path: "/other".to_owned(),
                rules: vec![RuleConfig::default()],
            },
        ],
    };
    let set = RuleSet::compile(&sources, &vendors()).unwrap();
    let r = request("x", "{}");
    let d = set.consider(&r.facts()).decide(None);
    assert_eq!(d.status, Some(418));
    assert_eq!(d.rules, [Arc::from("endpoint /hooks: rules[0]")]);
    let mut f = r.facts();
    f.endpoint = None;
    assert_eq!(set.consider(&f).decide(None).status, Some(200));
}

#[test]
fn no_rules_decide_nothing() {
    let set = RuleSet::empty();
    let considered = set.consider(&request("x", "{}").facts());
    assert!(considered.is_empty());
    let d = considered.decide(Some(("first", 1)));
    assert!(!d.applied());
    assert_eq!(d.outcome(), None);
}

#[test]
fn problems_name_each_rule_and_the_key_at_fault() {
    #[derive(serde::Deserialize)]
    struct File {
        rules: Vec<RuleConfig>,
    }
    let f: File = toml::from_str(
        r#"
[[rules]]
do = { body = "{{ body.id " }

[[rules]]
name = "fine"
do = { status = 202, headers = { "X-Id" = "{{ event.id }}" } }

[[rules]]
match = { event = "[" }

[[rules]]
do = { status = 99 }

[[rules]]
match = { vendor = "nobody" }

[[rules]]
do = { headers = { "X-Id" = "{% if %}" } }
"#,
    )
    .unwrap();
    let sources = RuleSources::of(&f.rules, &[]);
    let problems = sources.problems(&vendors());
    let at: Vec<(usize, &str)> = problems.iter().map(|e| (e.index, e.key.as_str())).collect();
    assert_eq!(
        at,
        [
            (0, "do.body"),
            (2, "match.event"),
            (3, "do.status"),
            (4, "match.vendor"),
            (5, "do.headers.X-Id")
        ]
    );
    assert!(
        problems[0].message.contains("line 1"),
        "{}",
        problems[0].message
    );
    assert!(problems[3].message.contains("stripe, github"));
    // Compiling refuses the set at its first problem, with the same words.
    let first = RuleSet::compile(&sources, &vendors()).unwrap_err();
    assert_eq!((first.index, first.key.as_str()), (0, "do.body"));
    assert_eq!(
        RuleSources::of(&f.rules[1..2], &[])
            .problems(&vendors())
            .len(),
        0
    );
}

#[test]
fn a_trial_gives_the_answer_and_targets_with_the_endpoints_filled_in() {
    let set = rules(
        r#"
[[rules]]
name = "orders"
match = { event = "order.*" }
do = { status = 202, headers = { "X-Order" = "{{ body.data.id }}" }, forward = ["http://localhost:3001/a", "http://localhost:3002/b"] }

[[rules]]
name = "retries"
match = { arrival = "2.." }
do = { status = 503, skip_forward = true }
"#,
    );
    let endpoint: crate::config::EndpointConfig = toml::from_str(
        r#"
path = "/hooks"
forward = { to = "http://localhost:4000/" }
response = { status = 201, headers = { "X-Env" = "test", "x-order" = "none" }, body = "ok" }
"#,
    )
    .unwrap();
    let r = request("order.paid", ORDER);
    let t = trial(&set, &r.facts(), Some(("first", 1)), Some(&endpoint), None);
    assert_eq!(
        t.considered,
        ["rules[0] (\"orders\")", "rules[1] (\"retries\")"]
    );
    assert_eq!(t.applied, ["rules[0] (\"orders\")"]);
    assert_eq!(t.status, 202);
    assert_eq!(t.headers.get("X-Env").map(String::as_str), Some("test"));
    assert_eq!(t.headers.get("x-order").map(String::as_str), Some("ord_7"));
    assert_eq!(t.headers.len(), 2, "{:?}", t.headers);
    assert_eq!(t.body.as_deref(), Some("ok"));
    assert_eq!(t.forward_from, ForwardFrom::Rule);
    assert_eq!(t.forward.len(), 2);
    assert_eq!(t.facts.arrival, Some(1));
    // Its second arrival skips the first rule for none, as the arrival decides.
    let other = request("refund.made", "{}");
    let t = trial(
        &set,
        &other.facts(),
        Some(("retry", 2)),
        Some(&endpoint),
        None,
    );
    assert_eq!(t.applied, ["rules[1] (\"retries\")"]);
    assert_eq!((t.status, t.forward_from), (503, ForwardFrom::Rule));
    assert!(t.forward.is_empty());
    // No rule: the endpoint's answer and forward.
    let t = trial(
        &set,
        &other.facts(),
        Some(("first", 1)),
        Some(&endpoint),
        None,
    );
    assert!(t.applied.is_empty() && t.did.is_none());
    assert_eq!((t.status, t.forward_from), (201, ForwardFrom::Endpoint));
    assert_eq!(t.forward, ["http://localhost:4000/"]);
}

#[test]
fn the_reload_status_says_what_is_in_force_and_what_failed_since() {
    let live = LiveRules::new(RuleSet::empty());
    assert_eq!(live.status().source, ReloadSource::Start);
    live.failed(ReloadSource::File, "rules[0]: do.body: syntax error".into());
    let s = live.status();
    assert_eq!(s.rules, 0);
    assert_eq!(s.failed.as_ref().unwrap().source, ReloadSource::File);
    live.replace(
        rules("[[rules]]\ndo = { status = 202 }\n"),
        ReloadSource::Ui,
    );
    let s = live.status();
    assert_eq!((s.source, s.rules, s.failed), (ReloadSource::Ui, 1, None));
    assert_eq!(live.current().sources().global.len(), 1);
}

#[test]
fn templates_reach_into_the_json_body_as_far_as_they_go() {
    let set = rules(
        r#"
[[rules]]
do = { body = "{{ body.data.tags | length }} {{ body.data.tags[1] }} {{ body.data.amount + 1 }} {% for k in body.data %}{{ k }},{% endfor %} {% for t in body.data.tags %}{{ loop.index }}={{ t }};{% endfor %} {{ body.data.missing is undefined }} {{ body.data | tojson }}" }
"#,
    );
    let r = request("order.paid", ORDER);
    let parsed = serde_json::from_str(ORDER).map(Arc::new).unwrap();
    // The analysis's parse and the rules' own give the same answer.
    for json in [None, Some(parsed)] {
        let mut facts = r.facts();
        facts.json = json;
        let d = set.consider(&facts).decide(None);
        assert_eq!(
            d.body.as_deref(),
            Some(
                r#"2 b 1001 amount,id,tags, 1=a;2=b; True {"amount": 1000, "id": "ord_7", "tags": ["a", "b"]}"#
            ),
            "{:?}",
            d.errors
        );
    }
}
