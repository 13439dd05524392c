//! `hookscope verify`: check a saved request's vendor, signature and payload without a server.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use hookscope::config::EndpointConfig;
use hookscope::profile::{Inspect, Registry};
use hookscope::signature::SignatureStatus;
use hookscope::visible::Visible;

use crate::OrUsage;
use crate::inspect::describe;

#[derive(Args)]
pub struct VerifyArgs {
    /// A saved request: an HTTP/1 request as received (`hookscope show ID --request`), or with
    /// --body-only just the body, its headers given with -H.
    pub file: PathBuf,
    /// Vendor profile id; omitted: detected as the capture listener would.
    #[arg(long)]
    pub vendor: Option<String>,
    /// Signing secret; repeat for several (tried in order).
    #[arg(long = "secret", value_name = "SECRET")]
    pub secrets: Vec<String>,
    /// The file holds only the body.
    #[arg(long)]
    pub body_only: bool,
    /// A header, `Name: value`; repeat for several.
    #[arg(short = 'H', long = "header", value_name = "HEADER")]
    pub headers: Vec<String>,
    /// When the request arrived, for timestamp tolerance: RFC 3339 or an age. Default: now.
    #[arg(long)]
    pub at: Option<String>,
    /// Print JSON (the analysis object).
    #[arg(long)]
    pub json: bool,
}

pub fn verify(args: VerifyArgs, data_dir: &std::path::Path) -> Result<()> {
    let bytes =
        std::fs::read(&args.file).or_usage(|| format!("cannot read {}", args.file.display()))?;
    let (mut headers, body) = if args.body_only {
        (Vec::new(), bytes)
    } else {
        let head = hookscope::head::parse(&bytes).or_usage(|| {
            format!(
                "{} is not an HTTP/1 request (request line, headers, empty line, body); pass --body-only if it holds just the body",
                args.file.display()
            )
        })?;
        let len = head.len;
        (
            hookscope::head::header_pairs(&bytes[..len]),
            bytes[len..].to_vec(),
        )
    };
    for h in &args.headers {
        let (name, value) = h
            .split_once(':')
            .or_usage(|| format!("header {h:?} is not `Name: value`"))?;
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    let received_at_us = match &args.at {
        Some(at) => hookscope::store::parse_time(at).or_usage(|| "--at")?,
        None => hookscope::model::now_us(),
    };
    let registry = Registry::load(&data_dir.join(hookscope::server::VENDORS_DIR))?;
    if let Some(v) = &args.vendor
        && registry.get(v).is_none()
    {
        let known: Vec<&str> = registry.profiles().map(|p| p.id.as_str()).collect();
        return Err(crate::usage(format!(
            "unknown vendor {v:?}; known profiles: {}",
            known.join(", ")
        )));
    }
    let endpoint = EndpointConfig {
        path: "/".into(),
        vendor: args.vendor.clone(),
        secrets: args.secrets.clone(),
        retired_secrets: Vec::new(),
        signature: None,
        response: None,
        forward: None,
        rules: Vec::new(),
    };
    let analysis = registry.analyze(&Inspect {
        headers: &headers,
        body: &body,
        received_at_us,
        endpoint: Some(&endpoint),
        all_secrets: &[],
    });
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &analysis)?;
        writeln!(out)?;
    } else {
        describe(
            &mut Visible(&mut out),
            analysis.vendor.as_deref(),
            analysis.detected_by.as_deref(),
            Some(&analysis.event),
            Some(&analysis.signature),
            None,
            &analysis.validation,
        )?;
    }
    out.flush()?;
    if analysis.signature.status != SignatureStatus::Valid {
        // Scripts branch on it: 0 only for a valid signature.
        return Err(crate::Exit(1).into());
    }
    Ok(())
}
