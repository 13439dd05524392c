//! `/api/stream`: Server-Sent Events announcing each change as the store commits it.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;

use super::ApiState;
use crate::store::StoreEvent;

/// Each event's name is its kind (`delivery`, `deleted`, `cleared`, `pinned`, `pruned`, `progress`, `replay`) and its data the
/// JSON of [`StoreEvent`]. A client that falls behind gets `lagged` and should re-read the list.
pub(super) async fn stream(
    State(state): State<ApiState>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let events = BroadcastStream::new(state.control.subscribe()).map(|item| {
        Ok(match item {
            Ok(event) => {
                let name = match &event {
                    StoreEvent::Delivery { .. } => "delivery",
                    StoreEvent::Deleted { .. } => "deleted",
                    StoreEvent::Cleared { .. } => "cleared",
                    StoreEvent::Pinned { .. } => "pinned",
                    StoreEvent::Pruned { .. } => "pruned",
                    StoreEvent::Progress { .. } => "progress",
                    StoreEvent::Replay { .. } => "replay",
                };
                Event::default()
                    .event(name)
                    .json_data(&event)
                    .unwrap_or_else(|_| Event::default().event("error"))
            }
            Err(BroadcastStreamRecvError::Lagged(missed)) => Event::default()
                .event("lagged")
                .data(format!("{{\"missed\":{missed}}}")),
        })
    });
    let hello = tokio_stream::once(Ok(Event::default().event("ready").data("{}")));
    Sse::new(hello.chain(events)).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}
