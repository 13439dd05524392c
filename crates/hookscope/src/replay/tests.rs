use super::*;

#[test]
fn hop_by_hop_headers_and_those_connection_names_are_dropped_in_order() {
    let head = b"POST /x HTTP/1.1\r\nHost: a\r\nX-One: 1\r\nConnection: close, X-Private\r\nX-Private: p\r\nTransfer-Encoding: chunked\r\nexpect: 100-continue\r\nx-one: 2\r\nContent-Length: 3\r\n\r\n";
    let kept: Vec<(String, Vec<u8>)> = forwardable_headers(head);
    assert_eq!(
        kept,
        vec![
            ("X-One".to_owned(), b"1".to_vec()),
            ("x-one".to_owned(), b"2".to_vec())
        ]
    );
    assert!(forwardable_headers(b"not a head").is_empty());
}

#[test]
fn a_fresh_id_keeps_the_shape_of_the_old_one() {
    let old = "evt_1NvQaV2eZvKYlo2C0k8s7xyz";
    let new = fresh_id(Some(old));
    assert_ne!(new, old);
    assert!(new.starts_with("evt_") && new.len() == old.len(), "{new}");
    let hex = fresh_id(Some("msg_0123abcd"));
    assert!(hex[4..].bytes().all(|b| b.is_ascii_hexdigit()), "{hex}");
    let uuid = fresh_id(Some("6f1c2b9e-0000-4000-8000-000000000000"));
    assert_eq!(uuid.len(), 36);
    assert_eq!(fresh_id(None).len(), 36);
    assert_ne!(fresh_id(None), fresh_id(None));
}

#[test]
fn an_id_is_replaced_as_a_json_string_and_nothing_else_moves() {
    let body = br#"{"id": "evt_1",  "data":{"ref":"evt_1","note":"evt_10"}}"#;
    let out = replace_json_string(body, "evt_1", "evt_2").unwrap();
    assert_eq!(
        out,
        br#"{"id": "evt_2",  "data":{"ref":"evt_2","note":"evt_10"}}"#.to_vec()
    );
    assert_eq!(replace_json_string(body, "absent", "x"), None);
    assert_eq!(replace_json_string(b"\xff\x00", "evt_1", "x"), None);
}

#[test]
fn set_header_replaces_the_first_of_a_name_and_drops_the_rest() {
    let mut h = vec![
        ("Stripe-Signature".to_owned(), b"old".to_vec()),
        ("X".to_owned(), b"1".to_vec()),
        ("stripe-signature".to_owned(), b"older".to_vec()),
    ];
    set_header(&mut h, "stripe-signature", b"new");
    assert_eq!(
        h,
        vec![
            ("Stripe-Signature".to_owned(), b"new".to_vec()),
            ("X".to_owned(), b"1".to_vec())
        ]
    );
    set_header(&mut h, "Webhook-Id", b"id");
    assert_eq!(h.last().unwrap().0, "Webhook-Id");
}
