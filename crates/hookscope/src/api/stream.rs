//! `/api/stream`: Server-Sent Events announcing each change as the store commits it.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;

use super::ApiState;
use crate::events::StreamEvent;

/// Each message's data is the JSON of one [`StreamEvent`], its kind in `type`, exactly as the
/// desktop shell emits it; the events carry no SSE event name, so a client reads them all from
/// `onmessage`. The first is `ready`; a client that falls behind gets `lagged` and should re-read
/// the list.
pub(super) async fn stream(
    State(state): State<ApiState>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let subscription = state.control.subscribe();
    let events = futures_util::stream::unfold(
        (Some(StreamEvent::Ready), subscription),
        |(first, mut subscription)| async move {
            let event = match first {
                Some(ready) => ready,
                None => subscription.next().await?,
            };
            let message = Event::default()
                .json_data(&event)
                .unwrap_or_else(|_| Event::default().data(r#"{"type":"error"}"#));
            Some((Ok(message), (None, subscription)))
        },
    );
    Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}
