//! The TypeScript the UI imports: generated from the Rust types that cross the API, so that the
//! two cannot drift. `ui/src/api/types.gen.ts` is committed; this test fails when it is stale and
//! rewrites it when run with `UPDATE_BINDINGS=1`.

use ts_rs::{Config, TS};

use crate::config::{EndpointConfig, ResponseConfig};
use crate::events::StreamEvent;
use crate::model::{
    DeliveryDetail, DeliverySummary, Duplicate, DuplicateKind, FacetCount, Facets, ForwardInForce,
    HandlerAnswer, Page, SearchProgress, ServerInfo,
};
use crate::profile::{EventInfo, Finding, VendorProfile};
use crate::signature::{SignatureCheck, SignatureStatus};

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
        ForwardInForce::decl(&cfg),
        HandlerAnswer::decl(&cfg),
        crate::rules::RuleOutcome::decl(&cfg),
        crate::config::RuleConfig::decl(&cfg),
        crate::config::RuleMatch::decl(&cfg),
        crate::config::RuleDo::decl(&cfg),
        crate::rules::RuleSources::decl(&cfg),
        crate::rules::EndpointRules::decl(&cfg),
        crate::rules::CompileError::decl(&cfg),
        crate::rules::ReloadSource::decl(&cfg),
        crate::rules::RulesReload::decl(&cfg),
        crate::rules::ReloadFailure::decl(&cfg),
        crate::rules::RuleTrial::decl(&cfg),
        crate::rules::TrialFacts::decl(&cfg),
        crate::rules::ForwardFrom::decl(&cfg),
        crate::control::RulesInForce::decl(&cfg),
        crate::control::RulesChecked::decl(&cfg),
        crate::control::TryRules::decl(&cfg),
        StreamEvent::decl(&cfg),
        crate::content_coding::DecodedBody::decl(&cfg),
        crate::control::SampleSent::decl(&cfg),
        crate::control::SampleAnswer::decl(&cfg),
        crate::control::SampleRequest::decl(&cfg),
        crate::control::UiSettings::decl(&cfg),
        crate::control::Retention::decl(&cfg),
        crate::model::CaptureStatus::decl(&cfg),
        crate::model::DiskInfo::decl(&cfg),
        crate::config::DesktopConfig::decl(&cfg),
        crate::control::DesktopSettings::decl(&cfg),
        EndpointConfig::decl(&cfg),
        ResponseConfig::decl(&cfg),
        crate::config::ForwardConfig::decl(&cfg),
        VendorProfile::decl(&cfg),
        crate::profile::SampleSpec::decl(&cfg),
        crate::profile::DeliveryTerms::decl(&cfg),
        crate::profile::VolatileFields::decl(&cfg),
        crate::profile::spec::SpecImported::decl(&cfg),
        crate::profile::spec::ImportedEvent::decl(&cfg),
        crate::profile::spec::Skipped::decl(&cfg),
        crate::profile::spec::ImportRequest::decl(&cfg),
        crate::profile::spec::VendorRemoved::decl(&cfg),
        crate::diff::DeliveryDiff::decl(&cfg),
        crate::diff::DiffSide::decl(&cfg),
        crate::diff::Change::decl(&cfg),
        crate::diff::ChangeKind::decl(&cfg),
        crate::diff::BodyKind::decl(&cfg),
        crate::diff::Basis::decl(&cfg),
        crate::control::SchemaSummary::decl(&cfg),
        crate::control::LearnedSchema::decl(&cfg),
        crate::learn::shape::Row::decl(&cfg),
        crate::check::CheckReport::decl(&cfg),
        crate::check::ProbeResult::decl(&cfg),
        crate::check::Exchange::decl(&cfg),
        crate::check::Grade::decl(&cfg),
        crate::check::CheckRun::decl(&cfg),
        crate::check::ProbeChange::decl(&cfg),
        crate::check::StartCheck::decl(&cfg),
        crate::model::CheckSummary::decl(&cfg),
        crate::model::CheckState::decl(&cfg),
        crate::model::Attempt::decl(&cfg),
        crate::model::AttemptKind::decl(&cfg),
        crate::replay::ReplayOptions::decl(&cfg),
        crate::target::PathMode::decl(&cfg),
        crate::replay::EditedRequest::decl(&cfg),
        crate::replay::bulk::BulkOptions::decl(&cfg),
        crate::model::ReplayProgress::decl(&cfg),
        crate::model::ReplayJob::decl(&cfg),
        crate::replay::jobs::StartReplay::decl(&cfg),
        crate::model::Items::<()>::decl(&cfg),
        crate::model::Deleted::decl(&cfg),
        crate::model::ImportResult::decl(&cfg),
        crate::model::SampleEvent::decl(&cfg),
        crate::control::EndpointsSaved::decl(&cfg),
        crate::control::Reverify::decl(&cfg),
        crate::control::Startup::decl(&cfg),
        crate::model::CurlCommand::decl(&cfg),
        crate::api::ErrorBody::decl(&cfg),
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
    // The filter vocabulary the API accepts, as values the UI can check a URL against.
    let words = |list: &[&str]| {
        let quoted: Vec<String> = list.iter().map(|w| format!("\"{w}\"")).collect();
        quoted.join(", ")
    };
    out.push_str(&format!(
        "\n/** Every signature status, in the order the filters offer them. */\nexport const SIGNATURE_STATUSES: SignatureStatus[] = [{}];\n",
        words(&SignatureStatus::ALL.map(SignatureStatus::as_str))
    ));
    out.push_str(&format!(
        "\n/** What `duplicate=` may be: a duplicate kind, or `any` for retries and conflicts. */\nexport const DUPLICATE_FILTERS = [{}] as const;\n",
        words(&crate::store::DUPLICATE_FILTERS)
    ));
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
