//! The TypeScript the UI imports: generated from the Rust types that cross the API, so that the
//! two cannot drift. `ui/src/api/types.gen.ts` is committed; this test fails when it is stale and
//! rewrites it when run with `UPDATE_BINDINGS=1`.

use ts_rs::{Config, TS};

use crate::config::{EndpointConfig, ResponseConfig};
use crate::model::{
    DeliveryDetail, DeliverySummary, Duplicate, DuplicateKind, FacetCount, Facets, Page,
    SearchProgress, ServerInfo,
};
use crate::signature::{SignatureCheck, SignatureStatus};
use crate::store::StoreEvent;
use crate::vendor::{EventInfo, Finding, VendorProfile};

const TARGET: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../ui/src/api/types.gen.ts");

fn generate() -> String {
    // Ids and counts stay far below 2^53, so they are plain numbers in the UI.
    let cfg = Config::new().with_large_int("number");
    let decls = [
        ServerInfo::decl(&cfg),
        SearchProgress::decl(&cfg),
        DeliverySummary::decl(&cfg),
        DeliveryDetail::decl(&cfg),
        Page::decl(&cfg),
        EventInfo::decl(&cfg),
        Finding::decl(&cfg),
        SignatureStatus::decl(&cfg),
        SignatureCheck::decl(&cfg),
        DuplicateKind::decl(&cfg),
        Duplicate::decl(&cfg),
        Facets::decl(&cfg),
        FacetCount::decl(&cfg),
        StoreEvent::decl(&cfg),
        crate::encoding::DecodedBody::decl(&cfg),
        crate::control::SampleSent::decl(&cfg),
        crate::control::SampleAnswer::decl(&cfg),
        crate::control::SampleRequest::decl(&cfg),
        crate::control::Settings::decl(&cfg),
        crate::control::Retention::decl(&cfg),
        crate::control::CaptureStatus::decl(&cfg),
        crate::config::DesktopConfig::decl(&cfg),
        crate::control::DesktopSettings::decl(&cfg),
        EndpointConfig::decl(&cfg),
        ResponseConfig::decl(&cfg),
        crate::config::ForwardConfig::decl(&cfg),
        VendorProfile::decl(&cfg),
        crate::model::Attempt::decl(&cfg),
        crate::model::AttemptKind::decl(&cfg),
        crate::replay::ReplayOptions::decl(&cfg),
        crate::replay::PathMode::decl(&cfg),
        crate::replay::EditedRequest::decl(&cfg),
        crate::replay::bulk::BulkOptions::decl(&cfg),
        crate::replay::bulk::Progress::decl(&cfg),
        crate::replay::jobs::ReplayJob::decl(&cfg),
    ];
    let mut out = String::from(
        "// Generated from the Rust types by `cargo test -p hookscope bindings` \
         (UPDATE_BINDINGS=1 rewrites it). Do not edit.\n",
    );
    for decl in &decls {
        out.push('\n');
        out.push_str("export ");
        out.push_str(decl);
        out.push('\n');
    }
    out
}

#[test]
fn bindings_are_current() {
    let fresh = generate();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(TARGET, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(TARGET).unwrap_or_default();
    assert!(
        committed == fresh,
        "{TARGET} is stale: run `UPDATE_BINDINGS=1 cargo test -p hookscope bindings` and commit it"
    );
}
