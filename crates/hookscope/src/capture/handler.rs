//! The one handler behind every method and path of the capture listener, in steps: read the
//! request as it came ([`super::read`]), route it to its endpoint, analyse it, store it, and
//! answer ([`super::respond`]) only once it is committed; forward it when its endpoint says so.
//! It never reads stored data back.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures_util::future::BoxFuture;
use http::{HeaderValue, StatusCode, header};
use tracing::Instrument;

use super::forward::{Admission, Arrival, Captured, Forward};
use super::read::{Incoming, read_request, version_text};
use super::respond;
use crate::config::{
    Config, EndpointConfig, Endpoints, ForwardConfig, LiveEndpoints, ResponseConfig,
};
use crate::head;
use crate::model::{NewDelivery, now_us};
use crate::profile::{Decoded, LiveRegistry, Received, failed_analysis};
use crate::rules::{Decided, Facts, Forwarding};
use crate::store::Writer;

/// Shared by every capture request.
pub struct CaptureState {
    /// Limits and timeouts, fixed while the server runs.
    pub config: Arc<Config>,
    /// Endpoints, which the user may change while the server runs.
    pub endpoints: Arc<LiveEndpoints>,
    pub writer: Writer,
    /// The vendor profiles, which an import may replace while the server runs.
    pub registry: Arc<LiveRegistry>,
    /// Sends deliveries on to an endpoint's forward target.
    pub forwarder: Arc<dyn Forward>,
    /// Body bytes read and not yet stored, over every connection: bounded by
    /// `capture.max_in_flight`.
    pub in_flight: Arc<std::sync::atomic::AtomicU64>,
    /// What a sender is told its delivery is: an opaque id, never the store's number.
    pub ack: crate::ack::AckIds,
    /// The rules in force, swapped whole when they are reloaded.
    pub rules: Arc<crate::rules::LiveRules>,
}

/// Bodies larger than this are analysed on a blocking thread, off the async workers.
const INLINE_ANALYSIS_MAX: usize = 256 * 1024;

/// The head, body and analysis compressed for the store, here rather than on the writer's one
/// thread (a large body on a blocking thread); `None` leaves it to the store.
async fn pack(
    head: &[u8],
    body: &Bytes,
    analysis: &str,
    dicts: crate::packed::ForVendor,
) -> Option<Box<crate::packed::Packed>> {
    if body.len() <= INLINE_ANALYSIS_MAX {
        return Some(Box::new(crate::packed::pack(
            head,
            body,
            Some(analysis),
            &dicts,
        )));
    }
    let (head, body, analysis) = (head.to_vec(), body.clone(), analysis.to_owned());
    tokio::task::spawn_blocking(move || {
        Box::new(crate::packed::pack(&head, &body, Some(&analysis), &dicts))
    })
    .await
    .ok()
}

/// [`Registry::analyze_delivery`], on a blocking thread for large bodies.
async fn analyze(
    state: &Arc<CaptureState>,
    endpoints: &Arc<Endpoints>,
    endpoint: Option<usize>,
    head: &[u8],
    body: &Bytes,
    received_at_us: i64,
    truncated: bool,
) -> Decoded {
    let learner = state
        .config
        .capture
        .learn_schemas
        .then(|| state.writer.learner());
    if body.len() <= INLINE_ANALYSIS_MAX {
        let received = Received {
            head,
            body,
            received_at_us,
            truncated,
        };
        return state.registry.current().analyze_delivery(
            endpoints,
            endpoint,
            received,
            learner.map(|l| &**l),
        );
    }
    let (registry, endpoints) = (state.registry.current(), endpoints.clone());
    let learner = learner.cloned();
    let (head, body) = (head.to_vec(), body.clone());
    let blocking = tokio::task::spawn_blocking(move || {
        let received = Received {
            head: &head,
            body: &body,
            received_at_us,
            truncated,
        };
        registry.analyze_delivery(&endpoints, endpoint, received, learner.as_deref())
    });
    // A bug in analysis must not cost the delivery: it is stored with the failure noted.
    blocking
        .await
        .unwrap_or_else(|e| failed_analysis(&e.to_string()))
}

pub(super) async fn capture(State(state): State<Arc<CaptureState>>, req: Request) -> Response {
    // Every line logged while this request is handled names it; `id` once it is stored.
    let span = tracing::info_span!(
        "capture",
        method = %req.method(),
        path = req.uri().path(),
        id = tracing::field::Empty,
    );
    receive(state, req).instrument(span).await
}

async fn receive(state: Arc<CaptureState>, req: Request) -> Response {
    let received_at_us = now_us();
    let (parts, body) = req.into_parts();
    let incoming = read_request(&state, &parts, body).await;
    let endpoints = state.endpoints.get();
    let route = Route::resolve(&state, &endpoints, &incoming);
    let mut decoded = analyze(
        &state,
        &endpoints,
        route.endpoint_index,
        &incoming.head,
        &incoming.body,
        received_at_us,
        incoming.truncated,
    )
    .await;
    let mut status = route.status(&incoming);
    let endpoint = route.endpoint.map(|e| e.path.clone());

    // The rules that can match, with their answers rendered; the store decides among them once
    // it has counted the arrival. A request refused at capture is answered as refused.
    let rules = state.rules.current();
    let json = decoded.body.take();
    let considered = (!rules.is_empty() && incoming.refused.is_none())
        .then(|| {
            let a = &decoded.analysis;
            rules.consider(&Facts {
                json,
                method: parts.method.as_str(),
                path: &incoming.path,
                query: incoming.query.as_deref(),
                headers: &parts.headers,
                body: &incoming.body,
                endpoint: endpoint.as_deref(),
                vendor: a.vendor.as_deref(),
                event_type: a.event.event_type.as_deref(),
                event_id: a.event.id.as_deref(),
                signature: Some(a.signature.status.as_str()),
            })
        })
        .filter(|c| !c.is_empty())
        .map(Box::new);
    // Where a delivery a rule may match is forwarded is known once it is decided.
    let ruled = considered.is_some();
    let endpoint_forward = route.forward;
    let route = Route {
        forward: route.forward.filter(|_| !ruled),
        pass_through: route.pass_through && !ruled,
        ..route
    };

    // Decided before the delivery is stored: a forward that will not be sent (its target's
    // queue is full) is stored with it, in the same transaction, and adds no write of its own.
    let admitted = route.forward.map(|fwd| {
        let arrival = Arrival {
            method: parts.method.as_str(),
            path: &incoming.path,
            query: incoming.query.as_deref(),
            endpoint: endpoint.as_deref(),
            body_len: incoming.body.len(),
            truncated: incoming.truncated,
        };
        (fwd, state.forwarder.admit(fwd, &arrival))
    });
    let (forward, not_sent) = match admitted {
        Some((fwd, Admission::Queued(place))) => {
            // What the forward needs once the delivery is stored (the body is shared).
            let captured = Captured {
                id: 0,
                method: parts.method.as_str().to_owned(),
                path: incoming.path.clone(),
                query: incoming.query.clone(),
                endpoint: endpoint.clone(),
                head: incoming.head.clone(),
                body: incoming.body.clone(),
                pass_through: route.pass_through,
            };
            (Some((fwd.clone(), captured, place)), None)
        }
        Some((_, Admission::NotSent(attempt))) => (None, Some(attempt)),
        None => (None, None),
    };
    if let Some(attempt) = not_sent.as_ref().filter(|_| route.pass_through) {
        // The sender gets what pass-through relays when the target gave no answer.
        status = StatusCode::from_u16(super::relayed_status(&attempt.outcome))
            .unwrap_or(StatusCode::BAD_GATEWAY);
    }
    let close = incoming.close;
    let note = incoming.refused.as_ref().map(|(_, note)| note.clone());
    let forwarded = {
        let target = parts
            .uri
            .path_and_query()
            .map_or_else(|| parts.uri.path(), |pq| pq.as_str());
        crate::head::forwarded_origin(
            parts
                .headers
                .iter()
                .map(|(n, v)| (n.as_str(), v.to_str().unwrap_or(""))),
            target,
        )
    };
    let packed = pack(
        &incoming.head,
        &incoming.body,
        &decoded.json,
        state
            .writer
            .dictionaries()
            .for_vendor(decoded.analysis.vendor.as_deref()),
    )
    .await;
    let delivery = NewDelivery {
        forwarded,
        received_at_us,
        method: parts.method.as_str().to_owned(),
        path: incoming.path,
        query: incoming.query,
        http_version: version_text(parts.version).to_owned(),
        remote_addr: incoming.remote_addr,
        endpoint,
        head: incoming.head,
        head_exact: incoming.head_exact,
        content_type: parts
            .headers
            .get(header::CONTENT_TYPE)
            .map(|v| head::value_text(v.as_bytes())),
        body: incoming.body,
        body_size: incoming.body_size,
        truncated: incoming.truncated,
        response_status: status.as_u16(),
        note: note.clone(),
        decoded: Some(Box::new(decoded)),
        imported: false,
        not_sent: not_sent.clone(),
        rules: considered,
        packed,
    };
    // Kept for forwards decided by the rules, after the delivery is stored.
    let kept = ruled.then(|| Captured {
        id: 0,
        method: delivery.method.clone(),
        path: delivery.path.clone(),
        query: delivery.query.clone(),
        endpoint: delivery.endpoint.clone(),
        head: delivery.head.clone(),
        body: delivery.body.clone(),
        pass_through: false,
    });

    let (id, decided) = match state.writer.insert_deciding(delivery).await {
        Ok(stored) => stored,
        Err(e) => {
            // The writer says once that the disk is full; a line per refused delivery would
            // only fill the log (and the disk, when they share it).
            if matches!(e, crate::Error::DiskFull { .. }) {
                tracing::debug!(error = %e, "a delivery could not be stored");
            } else {
                tracing::error!(error = %e, "a delivery could not be stored");
            }
            return respond::not_stored(&e);
        }
    };
    tracing::Span::current().record("id", id);
    tracing::debug!(status = status.as_u16(), "delivery stored");

    let opaque = state.ack.encode(id);
    if let (Some(decided), Some(captured)) = (decided, kept) {
        return ruled_answer(
            &state,
            &route,
            endpoint_forward,
            *decided,
            captured,
            id,
            &opaque,
            status,
            close,
        )
        .await;
    }
    if let Some(attempt) = not_sent {
        state.forwarder.not_sent(id, &attempt);
        if route.pass_through {
            return respond::closing(respond::passed_through(&opaque, attempt.outcome), close);
        }
    }
    if let Some((fwd, mut captured, place)) = forward {
        captured.id = id;
        let run = state.forwarder.forward(fwd, captured, place);
        if route.pass_through {
            // The delivery is stored; the target's answer is the sender's.
            return respond::closing(respond::passed_through(&opaque, run.await), close);
        }
        tokio::spawn(run);
    }

    let refused = note.is_some();
    let mut resp = match route.custom {
        Some(custom) => respond::custom(custom, status, &opaque).await,
        None => match note {
            Some(error) => {
                respond::json(status, serde_json::json!({ "id": opaque, "error": error }))
            }
            None => respond::ack(status, &opaque),
        },
    };
    if refused && status == StatusCode::SERVICE_UNAVAILABLE {
        // Refused for want of room: a sender may come back in a moment.
        resp.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    respond::closing(resp, close)
}

/// Answers and forwards a stored delivery as the rules decided: their targets (or the
/// endpoint's, or none), then their answer (or the endpoint's where they set none).
#[allow(clippy::too_many_arguments)]
async fn ruled_answer(
    state: &Arc<CaptureState>,
    route: &Route<'_>,
    endpoint_forward: Option<&ForwardConfig>,
    decided: Decided,
    mut captured: Captured,
    id: i64,
    opaque: &str,
    status: StatusCode,
    close: bool,
) -> Response {
    let d = decided.decision;
    if !d.errors.is_empty() {
        tracing::warn!(errors = %d.errors.join("; "), "a rule's answer could not be made; the endpoint's was given");
    }
    captured.id = id;
    let path_mode = endpoint_forward.map(|f| f.path).unwrap_or_default();
    let targets: Vec<ForwardConfig> = match &d.forward {
        Forwarding::AsEndpoint => endpoint_forward.cloned().into_iter().collect(),
        Forwarding::Skip => Vec::new(),
        Forwarding::To(list) => list
            .iter()
            .map(|to| ForwardConfig {
                to: to.clone(),
                path: path_mode,
                pass_through: false,
            })
            .collect(),
    };
    let pass_through = d.pass_through
        || (matches!(d.forward, Forwarding::AsEndpoint)
            && endpoint_forward.is_some_and(|f| f.pass_through));
    let mut relayed: Option<BoxFuture<'static, crate::model::Outcome>> = None;
    for (i, fwd) in targets.into_iter().enumerate() {
        let arrival = Arrival {
            method: &captured.method,
            path: &captured.path,
            query: captured.query.as_deref(),
            endpoint: captured.endpoint.as_deref(),
            body_len: captured.body.len(),
            truncated: false,
        };
        let relay = pass_through && i == 0;
        match state.forwarder.admit(&fwd, &arrival) {
            Admission::Queued(place) => {
                let mut one = captured.clone();
                one.pass_through = relay;
                let run = state.forwarder.forward(fwd, one, place);
                if relay {
                    relayed = Some(run);
                } else {
                    tokio::spawn(run);
                }
            }
            Admission::NotSent(attempt) if relay => {
                // Stored before the sender hears it, as a relayed answer is.
                let outcome = attempt.outcome.clone();
                let sender_got = Some(super::relayed_status(&outcome));
                state
                    .forwarder
                    .record_not_sent(id, *attempt, sender_got)
                    .await;
                relayed = Some(Box::pin(async move { outcome }) as BoxFuture<'static, _>);
            }
            Admission::NotSent(attempt) => {
                tokio::spawn(state.forwarder.record_not_sent(id, *attempt, None));
            }
        }
    }
    if let Some(run) = relayed {
        return respond::closing(respond::passed_through(opaque, run.await), close);
    }
    let status = d
        .status
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(status);
    if let Some(delay) = d.delay.filter(|d| !d.is_zero()) {
        tokio::time::sleep(delay).await;
    }
    let mut resp = match (&d.body, route.custom) {
        (Some(body), _) => {
            // A body that reads as JSON says so; a rule's own Content-Type replaces it.
            let kind = if serde_json::from_str::<serde::de::IgnoredAny>(body).is_ok() {
                "application/json"
            } else {
                "text/plain; charset=utf-8"
            };
            (status, [(header::CONTENT_TYPE, kind)], body.clone()).into_response()
        }
        (None, Some(custom)) => {
            let custom = ResponseConfig {
                delay: if d.delay.is_some() {
                    None
                } else {
                    custom.delay
                },
                ..custom.clone()
            };
            respond::custom(&custom, status, opaque).await
        }
        (None, None) => respond::ack(status, opaque),
    };
    for (name, value) in d.headers {
        resp.headers_mut().insert(name, value);
    }
    respond::closing(resp, close)
}

/// Where a read request goes: its endpoint, how it is answered, and where it is forwarded.
struct Route<'a> {
    endpoint_index: Option<usize>,
    endpoint: Option<&'a EndpointConfig>,
    /// The endpoint's own answer, unless the listener refused the request.
    custom: Option<&'a ResponseConfig>,
    /// The endpoint's forward, else the one for every delivery (`serve --forward-to`).
    forward: Option<&'a ForwardConfig>,
    /// The sender gets the forward target's answer.
    pass_through: bool,
}

impl<'a> Route<'a> {
    fn resolve(
        state: &'a CaptureState,
        endpoints: &'a Endpoints,
        incoming: &Incoming,
    ) -> Route<'a> {
        let endpoint_index = endpoints.index(&incoming.path);
        let endpoint = endpoint_index.map(|i| &endpoints.list[i]);
        let accepted = incoming.refused.is_none();
        let custom = endpoint
            .and_then(|e| e.response.as_ref())
            .filter(|_| accepted);
        let forward =
            endpoint
                .and_then(|e| e.forward.as_ref())
                .or(state.config.capture.forward.as_ref());
        // Pass-through answers with the target's answer; a request refused at capture (too
        // large, too slow, broken off) keeps the capture listener's own answer.
        let pass_through = accepted && forward.is_some_and(|f| f.pass_through);
        Route {
            endpoint_index,
            endpoint,
            custom,
            forward,
            pass_through,
        }
    }

    /// The status the capture listener answers (and stores) itself.
    fn status(&self, incoming: &Incoming) -> StatusCode {
        match (&incoming.refused, self.custom) {
            (Some((status, _)), _) => *status,
            (None, Some(r)) => StatusCode::from_u16(r.status).unwrap_or(StatusCode::OK),
            (None, None) => StatusCode::OK,
        }
    }
}
