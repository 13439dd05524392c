// Generated from the Rust types by `cargo test -p hookscope bindings` (UPDATE_BINDINGS=1 rewrites it). Do not edit.

export type ServerInfo = { name: string, version: string, 
/**
 * The capture listener's base URL, for the user to give senders and tunnels (empty while it
 * is not listening).
 */
capture_url: string, 
/**
 * The capture listener's state: up, or why not.
 */
capture: CaptureStatus, deliveries: number, search: SearchProgress, 
/**
 * Vendors `POST /api/samples` can send a sample delivery of.
 */
samples: Array<string>, 
/**
 * Every forward in force: the one for every delivery first, then each endpoint's own.
 */
forwards: Array<ForwardInForce>, 
/**
 * Room on the store's disk.
 */
disk: DiskInfo, };

export type SearchProgress = { indexed_through: number, newest: number, };

export type DeliverySummary = { id: number, 
/**
 * RFC 3339, UTC, microseconds.
 */
received_at: string, received_at_us: number, method: string, path: string, query: string | null, http_version: string, remote_addr: string, endpoint: string | null, content_type: string | null, body_size: number, stored_size: number, truncated: boolean, response_status: number, note: string | null, 
/**
 * Profile id of the sender, when recognised.
 */
vendor: string | null, 
/**
 * How the vendor was decided.
 */
detected_by: string | null, event: EventInfo | null, signature: SignatureCheck | null, duplicate: Duplicate | null, validation: Array<Finding>, 
/**
 * Pinned by the user: kept by retention.
 */
pinned: boolean, 
/**
 * Read from a HAR or JSON Lines file (`hookscope import`), not received.
 */
imported: boolean, 
/**
 * The handler's answer: the latest forward or replay of this delivery, if any.
 */
handler: HandlerAnswer | null, 
/**
 * Behind a tunnel or proxy: the original client (`remote_addr` is then the proxy's).
 */
client_addr: string | null, 
/**
 * Behind a tunnel or proxy: the URL the sender used.
 */
public_url: string | null, 
/**
 * The rules that applied to it and what they did; `None` when no rule matched.
 */
rule: RuleOutcome | null, };

export type DeliveryDetail = { headers: Array<[string, string]>, 
/**
 * `false` when the original header case and order could not be recovered.
 */
head_exact: boolean, body: string | null, body_base64: string, 
/**
 * The body with its `Content-Encoding` (gzip, deflate, br) undone, for display.
 */
decoded: DecodedBody | null, 
/**
 * The headers a replay sends, in order: `headers` without those the connection owns
 * (hop-by-hop, `Host`, `Content-Length`, `Expect`). What the replay editor starts from.
 */
replay_headers: Array<[string, string]>, 
/**
 * Where deliveries like this one are forwarded now (its endpoint's forward, else the one
 * for every delivery): the Replay tab's default target.
 */
forward_to: string | null, id: number, 
/**
 * RFC 3339, UTC, microseconds.
 */
received_at: string, received_at_us: number, method: string, path: string, query: string | null, http_version: string, remote_addr: string, endpoint: string | null, content_type: string | null, body_size: number, stored_size: number, truncated: boolean, response_status: number, note: string | null, 
/**
 * Profile id of the sender, when recognised.
 */
vendor: string | null, 
/**
 * How the vendor was decided.
 */
detected_by: string | null, event: EventInfo | null, signature: SignatureCheck | null, duplicate: Duplicate | null, validation: Array<Finding>, 
/**
 * Pinned by the user: kept by retention.
 */
pinned: boolean, 
/**
 * Read from a HAR or JSON Lines file (`hookscope import`), not received.
 */
imported: boolean, 
/**
 * The handler's answer: the latest forward or replay of this delivery, if any.
 */
handler: HandlerAnswer | null, 
/**
 * Behind a tunnel or proxy: the original client (`remote_addr` is then the proxy's).
 */
client_addr: string | null, 
/**
 * Behind a tunnel or proxy: the URL the sender used.
 */
public_url: string | null, 
/**
 * The rules that applied to it and what they did; `None` when no rule matched.
 */
rule: RuleOutcome | null, };

export type Page = { items: Array<DeliverySummary>, next_cursor: number | null, 
/**
 * How many deliveries the filter selects below the `before` cursor (when asked for).
 * Under a free-text search, counting stops at [`MATCH_CAP`]: `total_capped` then says that
 * more match than `total`.
 */
total?: number, total_capped?: boolean, };

export type EventInfo = { type: string | null, 
/**
 * The event id deliveries are deduplicated on.
 */
id: string | null, 
/**
 * Where `id` came from: `header X-…`, `body /event_id`, or a fingerprint.
 */
id_source: string | null, occurred_at: string | null, tenant: string | null, version: string | null, };

export type Finding = { 
/**
 * `warning` (the payload breaks what the vendor documents) or `info`.
 */
level: string, 
/**
 * JSON pointer into the body ("" for the whole body).
 */
path: string, message: string, 
/**
 * An `info` that says how the payload differs from the earlier ones of its event type
 * (learned from traffic, [`crate::learn`]), not from what the vendor documents.
 */
drift?: boolean, };

export type SignatureStatus = "valid" | "invalid" | "missing" | "stale" | "malformed" | "unchecked";

export type SignatureCheck = { status: SignatureStatus, 
/**
 * The profile whose scheme was applied.
 */
scheme: string | null, 
/**
 * Which configured secret matched: its position and a masked hint.
 */
secret: string | null, 
/**
 * Why the status is not `valid`, in plain words.
 */
reason: string | null, 
/**
 * For `invalid` and `malformed`: the usual mistake that would explain the signature.
 */
doctor: string | null, 
/**
 * The signature as it arrived (first one, after its prefix).
 */
received: string | null, 
/**
 * The signature computed with the first secret, in the scheme's encoding.
 */
computed: string | null, 
/**
 * The first bytes of the signed content, as text.
 */
signed_preview: string | null, 
/**
 * The signed timestamp, when the scheme has one.
 */
timestamp: number | null, tolerance_secs: number | null, 
/**
 * `false` when the scheme is Hookscope's assumption, not the vendor's documents.
 */
documented: boolean, };

export type DuplicateKind = "first" | "retry" | "conflict";

export type Duplicate = { kind: DuplicateKind, 
/**
 * The first delivery of this event (it may since have been deleted).
 */
first_id: number, 
/**
 * How many times the event has arrived so far.
 */
count: number, 
/**
 * Which arrival this delivery was (1 for the first).
 */
attempt: number, 
/**
 * Seconds since the event's first arrival, and since its previous one: the sender's retry
 * schedule. `None` for the first.
 */
since_first_secs: number | null, since_previous_secs: number | null, };

export type Facets = { total: number, vendors: Array<FacetCount>, 
/**
 * Event types, each with its vendor.
 */
event_types: Array<FacetCount>, signatures: Array<FacetCount>, duplicates: Array<FacetCount>, methods: Array<FacetCount>, 
/**
 * The handler's answer by class (`2xx`, `4xx`, `error` when none came); `null` for
 * deliveries never forwarded or replayed.
 */
handlers: Array<FacetCount>, 
/**
 * The tenants with the most deliveries (at most [`TOP_TENANTS`]), each with its vendor.
 */
tenants: Array<FacetCount>, 
/**
 * Under a free-text search that more than [`MATCH_CAP`] deliveries match (with the filters
 * other than the facets'), the counts are of the newest of them only, this many.
 */
capped_at?: number, };

export type FacetCount = { 
/**
 * The value; `null` for deliveries without one (no vendor recognised, no event type).
 */
value: string | null, vendor?: string, count: number, };

export type ForwardInForce = { 
/**
 * The endpoint whose deliveries go there; `null` for every delivery (`serve --forward-to`)
 * that no endpoint forwards elsewhere.
 */
endpoint: string | null, to: string, 
/**
 * The sender gets the target's answer.
 */
pass_through: boolean, };

export type HandlerAnswer = { 
/**
 * The attempt it came from.
 */
attempt_id: number, kind: AttemptKind, 
/**
 * `None` when no answer came (see `note`).
 */
status: number | null, 
/**
 * 0 when nothing was sent.
 */
latency_ms: number, 
/**
 * A request went out; `false` when it was never sent (its target's queue was full, or the
 * delivery could not be forwarded: `note` says which).
 */
sent: boolean, 
/**
 * Why no answer came, or the first line of the answer's body.
 */
note: string | null, };

export type RuleOutcome = { 
/**
 * The rules applied, in order.
 */
rules: Array<string>, 
/**
 * What they did, in words ("answered 503; forwarded to 2 targets").
 */
did: string, 
/**
 * Why a rule's answer could not be made; the endpoint's answer was given instead.
 */
error?: string, };

export type RuleConfig = { 
/**
 * What the rule is shown as; by default its place (`rules[2]`).
 */
name?: string, 
/**
 * Every condition given must hold; a rule with none matches every delivery.
 */
match: RuleMatch, 
/**
 * What is done with a delivery it matches.
 */
do: RuleDo, };

export type RuleMatch = { 
/**
 * Request methods, any case (`["POST", "PUT"]`, or one as a string).
 */
method: Array<string>, 
/**
 * The path: a glob when it holds `*`, `?` or `[`, else a prefix of whole segments.
 */
path?: string, 
/**
 * Headers by name (any case): a glob of the value, or `"*"` for any value present.
 */
headers: { [key in string]: string }, 
/**
 * Values in the JSON body by JSON pointer (`"/data/object/amount" = 1000`): equal, or for a
 * string pattern, matching it as a glob.
 */
body: Record<string, unknown>, 
/**
 * Vendor profile ids (`stripe`), one or several.
 */
vendor: Array<string>, 
/**
 * Event types as globs (`invoice.*`), one or several.
 */
event: Array<string>, 
/**
 * Signature verdicts: `valid`, `invalid`, `missing`, `stale`, `malformed`, `unchecked`.
 */
signature: Array<string>, 
/**
 * Duplicate kinds: `first`, `retry`, `conflict`.
 */
duplicate: Array<string>, 
/**
 * Which arrival of its event id the delivery is (1 for the first): `2`, or a range as
 * `"1..2"` (both ends included), `"3.."` or `"..2"`.
 */
arrival?: number | string, };

export type RuleDo = { 
/**
 * The answer's status (200-599).
 */
status?: number, 
/**
 * The answer's headers; values are templates.
 */
headers: { [key in string]: string }, 
/**
 * The answer's body, a MiniJinja template: `{{ body.data.id }}`, `{{ headers["x-request-id"] }}`,
 * `{{ event.type }}` (rendered before the arrival is counted, so not the arrival itself).
 */
body?: string, 
/**
 * Waited before answering (at most 10 minutes).
 */
delay?: string, 
/**
 * Forward to these targets (one URL, or several to fan out), in place of the endpoint's.
 */
forward: Array<string>, 
/**
 * Answer the sender with the first forward target's answer.
 */
pass_through: boolean, 
/**
 * Forward nowhere, not even to the endpoint's target.
 */
skip_forward: boolean, 
/**
 * Go on to the rules after this one: what they set replaces what this one set, and their
 * forward targets are added.
 */
continue: boolean, };

export type RuleSources = { 
/**
 * `[[rules]]`: tried for every delivery, after its endpoint's own.
 */
global: Array<RuleConfig>, 
/**
 * Each endpoint's `[[endpoints.rules]]`, by its path prefix.
 */
endpoints: Array<EndpointRules>, };

export type EndpointRules = { 
/**
 * The endpoint's path prefix.
 */
path: string, rules: Array<RuleConfig>, };

export type CompileError = { 
/**
 * The rule's name or place (`rules[2]`, `endpoint /hooks/a: rules[0] ("orders")`).
 */
rule: string, 
/**
 * Its endpoint's prefix; `None` for a global rule.
 */
endpoint: string | null, 
/**
 * Its place in its list.
 */
index: number, 
/**
 * `match.event`, `do.body`, `do.headers.Retry-After`.
 */
key: string, message: string, };

export type ReloadSource = "start" | "file" | "ui";

export type RulesReload = { 
/**
 * When (RFC 3339).
 */
at: string, source: ReloadSource, 
/**
 * How many rules are in force.
 */
rules: number, 
/**
 * The last reload, when it failed after this set was put in force: the set stayed.
 */
failed?: ReloadFailure, };

export type ReloadFailure = { at: string, source: ReloadSource, 
/**
 * Why: the file does not load, or which rule does not compile and why.
 */
error: string, };

export type RuleTrial = { 
/**
 * What the rules were shown of the request.
 */
facts: TrialFacts, 
/**
 * The rules whose conditions known before storing hold, in order; the arrival and the
 * duplicate kind decide among them.
 */
considered: Array<string>, 
/**
 * The rules that would apply, in order; empty when none would.
 */
applied: Array<string>, 
/**
 * The answer's status (a rule's, else the endpoint's, else 200). With `pass_through` the
 * sender gets the first target's instead.
 */
status: number, 
/**
 * The answer's headers: the endpoint's, with those a rule sets in their place.
 */
headers: { [key in string]: string }, 
/**
 * The answer's body: a rule's (rendered) or the endpoint's; `null` for the default, JSON
 * naming the stored delivery.
 */
body: string | null, 
/**
 * Waited before answering, in milliseconds.
 */
delay_ms: number | null, 
/**
 * Where the delivery would be forwarded.
 */
forward: Array<string>, 
/**
 * What decides `forward`.
 */
forward_from: ForwardFrom, 
/**
 * The sender would get the first target's answer.
 */
pass_through: boolean, 
/**
 * Why a rule's answer could not be made (the endpoint's would be given).
 */
errors: Array<string>, 
/**
 * What the rules did, as the delivery would record it; `null` when none applied.
 */
did: string | null, };

export type TrialFacts = { method: string, path: string, 
/**
 * The endpoint prefix it would come to.
 */
endpoint: string | null, vendor: string | null, event_type: string | null, event_id: string | null, 
/**
 * The signature verdict.
 */
signature: string | null, 
/**
 * Its duplicate kind (`first`, `retry`, `conflict`); `null` without an event id.
 */
duplicate: string | null, 
/**
 * Which arrival of its event id it is (1 for the first).
 */
arrival: number | null, };

export type ForwardFrom = "rule" | "endpoint" | "none";

export type RulesInForce = { global: Array<RuleConfig>, 
/**
 * Every endpoint in force, with its own rules.
 */
endpoints: Array<EndpointRules>, reload: RulesReload, };

export type RulesChecked = { problems: Array<CompileError>, };

export type TryRules = { delivery: number, 
/**
 * Try it as this arrival of its event id; by default the arrival it was.
 */
arrival?: number, 
/**
 * Rules being edited; by default the ones in force.
 */
rules?: RuleSources, };

export type StreamEvent = { "type": "ready" } | { "type": "delivery", delivery: DeliverySummary, } | { "type": "deleted", id: number, } | { "type": "cleared", count: number, } | { "type": "pinned", id: number, pinned: boolean, } | { "type": "answered", id: number, handler: HandlerAnswer, response_status?: number, } | { "type": "pruned", through_id: number, count: number, } | { "type": "progress", task: string, done: number, total: number, } | { "type": "replay", job: ReplayJob, } | { "type": "check", run: CheckSummary, } | { "type": "rules", reload: RulesReload, } | { "type": "lagged", missed: number, };

export type DecodedBody = { 
/**
 * The codings undone, as the header listed them (`gzip`, `br`, `gzip, br`).
 */
encoding: string, 
/**
 * The decoded bytes as text, when they are UTF-8.
 */
text: string | null, 
/**
 * The decoded bytes, when they are not UTF-8 text.
 */
base64: string | null, 
/**
 * Size of the decoded bytes.
 */
size: number, 
/**
 * Why decoding stopped early (a corrupt stream, or the size limit), when it did.
 */
error: string | null, };

export type SampleSent = { 
/**
 * The stored delivery's id, when it went to this instance's capture listener.
 */
id: number | null, vendor: string, event: string, 
/**
 * Where it was posted on the capture listener (its path), or the target URL.
 */
path: string, url: string, 
/**
 * The first answer's status; 0 when none came.
 */
status: number, 
/**
 * Which secret signed it, in words.
 */
signed_with: string, tampered: boolean, 
/**
 * One per request sent (two with `dup`).
 */
answers: Array<SampleAnswer>, };

export type SampleAnswer = { status: number | null, latency_ms: number, 
/**
 * The answer's first 500 bytes, as text.
 */
body: string, 
/**
 * Why no answer came, in plain words.
 */
error: string | null, };

export type SampleRequest = { 
/**
 * Vendor profile id; by default the first of [`sample::vendors`].
 */
vendor?: string, 
/**
 * Which of the vendor's examples (wraps around), when `event` is not given.
 */
pick?: number, 
/**
 * The event type (`lead.created`); see `GET /api/samples`.
 */
event?: string, 
/**
 * Where to send it; by default this instance's capture listener, on the endpoint bound to
 * the vendor.
 */
to?: string, 
/**
 * Sign with this instead of the bound endpoint's secret.
 */
secret?: string, 
/**
 * Send it twice with the same id and signature: the receiver should process it once.
 */
dup?: boolean, 
/**
 * Alter the body after signing: the receiver's signature check should refuse it.
 */
tamper?: boolean, };

export type UiSettings = { retention: Retention, };

export type Retention = { max_deliveries: number, 
/**
 * Bytes of stored heads and bodies.
 */
max_bytes: number, };

export type CaptureStatus = { 
/**
 * The address asked for (`127.0.0.1:8787`).
 */
addr: string, 
/**
 * The base URL senders and tunnels reach, while listening.
 */
url: string | null, listening: boolean, 
/**
 * Why it is not listening, in words a person can act on.
 */
error: string | null, 
/**
 * A free address to offer when the one asked for is taken.
 */
suggestion: string | null, 
/**
 * Where every delivery is also sent (`hookscope serve --forward-to`), unless its endpoint
 * forwards elsewhere.
 */
forward: string | null, };

export type DiskInfo = { 
/**
 * The last write found the disk full and none has succeeded since: captures are answered
 * 503 (nothing unstored is acknowledged) until there is room again, which deleting
 * deliveries makes.
 */
full: boolean, 
/**
 * Bytes free on that disk, when the system says.
 */
free_bytes: number | null, 
/**
 * Search indexing waits while the disk is this low, so that captures keep the room.
 */
search_paused: boolean, 
/**
 * The folder holding the database.
 */
dir: string, };

export type DesktopConfig = { 
/**
 * Keep capturing with an icon in the system tray when the window is closed.
 */
tray: boolean, 
/**
 * Also serve the control API (loopback, with its token) for scripts while the app runs.
 */
api: boolean, };

export type DesktopSettings = { 
/**
 * Keep capturing in the system tray when the window is closed.
 */
tray: boolean, 
/**
 * Serve the control API for scripts while the app runs.
 */
api: boolean, 
/**
 * The control API's address with its token, while it runs.
 */
api_url: string | null, 
/**
 * Why the API is not running although it is turned on.
 */
api_error: string | null, 
/**
 * Where the store and config live.
 */
data_dir: string, };

export type EndpointConfig = { 
/**
 * Path prefix on the capture port.
 */
path: string, 
/**
 * Vendor profile id; when absent the vendor is detected per delivery.
 */
vendor: string | null, 
/**
 * Signing secrets, tried in order (rotation): the check names the one that matched.
 */
secrets: Array<string>, 
/**
 * Secrets this endpoint no longer accepts, newest first. Not used to verify; the signature
 * doctor names one when a sender still signs with it.
 */
retired_secrets?: Array<string>, 
/**
 * Replaces the vendor profile's signature scheme on this endpoint.
 */
signature?: Record<string, unknown>, response?: ResponseConfig | null, 
/**
 * Also send every delivery to this target as it arrives (what `stripe listen --forward-to`
 * does); each forward is stored as an attempt of the delivery.
 */
forward?: ForwardConfig, 
/**
 * This endpoint's rules (`[[endpoints.rules]]`), tried before the global ones for its
 * deliveries.
 */
rules?: Array<RuleConfig>, };

export type ResponseConfig = { status: number, headers: { [key in string]: string }, 
/**
 * Body to answer with; when absent the default JSON naming the stored id is sent.
 */
body: string | null, 
/**
 * Added before answering, to make a sender time out and retry.
 */
delay?: string, };

export type ForwardConfig = { 
/**
 * Target URL, `http://localhost:3000/webhooks` say.
 */
to: string, 
/**
 * How the delivery's path maps onto the target.
 */
path: PathMode, 
/**
 * Answer the sender with the target's status, headers and body (after storing the
 * delivery), so the real handler's answer reaches the vendor. Otherwise the capture
 * listener answers at once and the forward runs beside it.
 */
pass_through: boolean, };

export type VendorProfile = { 
/**
 * Stable id: what endpoints bind to and the API reports (`stripe`, `cooledge`, ...).
 */
id: string, 
/**
 * Display name; the user may rename a profile by overriding it.
 */
name: string, 
/**
 * Where the profile's facts come from, shown beside it.
 */
source: string, 
/**
 * Where it comes in detection order, lowest first: the first profile whose headers or body
 * shape match is the sender. Built-in vendors are 10 to 100, the generic fallback 1000;
 * a profile without one comes after the built-in vendors and before the fallback.
 */
order: number, 
/**
 * A built-in event catalog to import into `events` (`catalogs/leadron.json`: the vendor's
 * own catalog response, kept as it was published).
 */
catalog?: string, 
/**
 * What Hookscope's samples, test events and generator make of the vendor's documented
 * examples (`fixtures/<id>/`).
 */
samples: SampleSpec, detect: unknown, envelope: unknown, 
/**
 * Where the event id used for dedupe comes from, tried in order.
 */
dedupe: unknown, signature: unknown, 
/**
 * A schema every event of this vendor must match (the envelope), besides its own.
 */
envelope_schema: unknown, 
/**
 * The event catalog: type → description and schema. Empty means "not catalogued": unknown
 * types are then not flagged.
 */
events: Record<string, unknown>, 
/**
 * How the vendor delivers: what `hookscope check` grades a handler's answers against.
 */
delivery: DeliveryTerms, 
/**
 * Fields that differ on every delivery by design, besides the event id and time and the
 * signature's headers (which always do): a diff hides them unless asked.
 */
volatile: VolatileFields, };

export type SampleSpec = { 
/**
 * Parts per thousand of `hookscope generate`'s traffic; 0 leaves the vendor out of it.
 */
share: number, 
/**
 * The examples (fixture names) in the order they are offered; by default every fixture of
 * the vendor, by name.
 */
fixtures: Array<string>, 
/**
 * What a generated event id starts with (`evt_` for Stripe: 24 hex digits follow); by
 * default the id is a UUID.
 */
id_prefix?: string, 
/**
 * Offer the examples of the catalog's events (`events.*.example`, with their headers) too,
 * after the fixtures: what `hookscope vendor import-spec` writes, so that the events of an
 * imported description can be sent and checked.
 */
from_events?: boolean, };

export type DeliveryTerms = { 
/**
 * How long the vendor waits for an answer before it counts the delivery as failed.
 */
timeout_ms?: number, 
/**
 * The largest body the vendor sends.
 */
max_body_bytes?: number, 
/**
 * How it retries a failed delivery, in words.
 */
retries?: string, 
/**
 * Deliveries can come more than once (at-least-once): a handler must take a repeat with a
 * 2xx and do its work once.
 */
at_least_once: boolean, 
/**
 * Some deliveries come form-encoded (`application/x-www-form-urlencoded`) with the JSON in
 * this field, signed over the form's bytes, as Slack sends interactions (`payload=`).
 */
form_field?: string, 
/**
 * The vendor's own words these come from, or why there are none.
 */
source: string, };

export type VolatileFields = { 
/**
 * Header names, any case.
 */
headers: Array<string>, 
/**
 * JSON pointers into the body; a segment `*` stands for any array index or key.
 */
pointers: Array<string>, };

export type SpecImported = { 
/**
 * The profile written or extended.
 */
vendor: string, 
/**
 * Whether it is a new profile (else an existing one extended with `--into`).
 */
created: boolean, 
/**
 * The profile extended had no event catalog: event types not among these are now flagged
 * as unknown.
 */
newly_catalogued: boolean, 
/**
 * `OpenAPI 3.1.0`, `AsyncAPI 2.0.0`.
 */
format: string, 
/**
 * The description's title and version.
 */
title: string, version: string, 
/**
 * Where the profile reads a delivery's event type: `body /type`, `header X-Event`.
 */
type_from: string, 
/**
 * Each event of the description, as imported.
 */
imported: Array<ImportedEvent>, 
/**
 * What the description has that was not imported, and why.
 */
skipped: Array<Skipped>, 
/**
 * The profile's event types now.
 */
events: number, 
/**
 * How the profile recognises a delivery (`body fields /type, /data`); none when only an
 * endpoint bound to it does.
 */
detected_by: string | null, 
/**
 * Whether the profile checks signatures.
 */
signs: boolean, 
/**
 * What the import found wrong with the result, to act on: a delivery made from the
 * profile's first example is recognised as another vendor, say
 * ([`crate::sample::recognition_note`]).
 */
notes?: Array<string>, 
/**
 * The profile written (in the data directory's vendors/; it overrides a built-in one).
 */
path: string, };

export type ImportedEvent = { 
/**
 * Its name in the description.
 */
name: string, 
/**
 * The event type a delivery of it carries (what the profile's events are keyed by).
 */
event_type: string, has_schema: boolean, 
/**
 * Whether it has an example `send` and `check` can send.
 */
has_example: boolean, 
/**
 * The description gives no example of it of its own: the example was made from its schema.
 */
example_made?: boolean, 
/**
 * Where its example breaks its own schema (the description disagrees with itself).
 */
example_findings?: Array<string>, };

export type Skipped = { name: string, reason: string, };

export type ImportRequest = { 
/**
 * Add to this profile (id or name) instead of making a new one.
 */
into?: string, id?: string, name?: string, type_pointer?: string, type_header?: string, 
/**
 * A new profile signs as this one does.
 */
signature_like?: string, };

export type VendorRemoved = { vendor: string, 
/**
 * The file removed from the data directory's vendors/.
 */
path: string, 
/**
 * The profile was a built-in one extended: the built-in one is in force again.
 */
builtin_restored: boolean, };

export type DeliveryDiff = { left: DiffSide, right: DiffSide, basis: Basis, headers: Array<Change>, body_kind: BodyKind, body: Array<Change>, 
/**
 * Volatile changes left out (`show_volatile` lists them, marked).
 */
volatile_hidden: number, 
/**
 * Nothing differs but what is volatile.
 */
same: boolean, };

export type DiffSide = { id: number, received_at: string, vendor: string | null, event_type: string | null, event_id: string | null, body_size: number, };

export type Change = { kind: ChangeKind, 
/**
 * A header's name; a JSON pointer into the body (`/data/object/amount`); for text, the
 * right-hand lines (`lines 3-5`, or `line 3` of the left for a removal).
 */
path: string, 
/**
 * For a move: where the value was in the left-hand delivery.
 */
from?: string, 
/**
 * The left-hand value (JSON as JSON; a header's or text's as a string).
 */
left: unknown, right: unknown, 
/**
 * The field varies on every delivery by design (its vendor says so).
 */
volatile: boolean, };

export type ChangeKind = "added" | "removed" | "changed" | "moved";

export type BodyKind = "json" | "text" | "binary";

export type Basis = "chosen" | "previous" | "first_of_event";

export type SchemaSummary = { vendor: string, event_type: string, 
/**
 * Payloads it was learned from.
 */
seen: number, 
/**
 * The first and the last of them (RFC 3339, UTC).
 */
first_at: string, last_at: string, };

export type LearnedSchema = { 
/**
 * Every field at every depth, parents first.
 */
fields: Array<Row>, 
/**
 * Fields not kept, in objects holding too many (a map keyed by ids, say).
 */
more_fields: number, 
/**
 * The schema as JSON Schema (draft 2020-12).
 */
json_schema: unknown, vendor: string, event_type: string, 
/**
 * Payloads it was learned from.
 */
seen: number, 
/**
 * The first and the last of them (RFC 3339, UTC).
 */
first_at: string, last_at: string, };

export type Row = { 
/**
 * Its JSON pointer, with `*` standing for every element of an array: `/data/items/*` is
 * each of the items.
 */
pointer: string, 
/**
 * The same as a person reads it: `data.items[]`, `data.items[].sku`.
 */
path: string, 
/**
 * 1 for a top-level field.
 */
depth: number, 
/**
 * Times the object holding it was present (for an array's elements, the elements seen):
 * `seen` of `within` is how often it is there.
 */
within: number, 
/**
 * Times it was present, null included.
 */
seen: number, 
/**
 * Of them, null.
 */
nulls: number, 
/**
 * Its JSON types other than null (`string`, `integer`, `number`, `boolean`, `object`,
 * `array`).
 */
types: Array<string>, 
/**
 * Formats its strings had: `date-time`, `uuid`, `email`, `uri`.
 */
formats: Array<string>, 
/**
 * Its few values and how often each came, when it looks like a set of choices.
 */
values: Array<[string, number]> | null, 
/**
 * The first value seen (a scalar; strings cut short).
 */
example: unknown, 
/**
 * Fields it holds that were not kept (too many of them).
 */
more_fields: number, };

export type CheckReport = { 
/**
 * The vendor's profile id and name.
 */
vendor: string, vendor_name: string, 
/**
 * The handler's URL.
 */
to: string, 
/**
 * Which secret signed the probes, in words.
 */
signed_with: string, 
/**
 * `true` when the vendor's documents do not say how it signs and Hookscope assumes it.
 */
scheme_assumed: boolean, 
/**
 * The answer time over which a probe fails, and where that figure comes from.
 */
timeout_ms: number, timeout_source: string, 
/**
 * RFC 3339 UTC.
 */
started_at: string, duration_ms: number, passed: number, failed: number, warned: number, skipped: number, 
/**
 * The run was stopped before its last probe: `probes` holds those graded.
 */
cancelled: boolean, probes: Array<ProbeResult>, };

export type ProbeResult = { 
/**
 * Stable id: `valid`, `unknown-event`, `tampered-body`, `wrong-secret`,
 * `missing-signature`, `malformed-signature`, `stale-timestamp`, `future-timestamp`,
 * `replay-as-sent`, `duplicate`, `retry`, `out-of-order`, `raw-bytes`, `large-body`,
 * `largest-body`, `content-type`, `form-encoded`.
 */
probe: string, 
/**
 * What was sent, in words.
 */
name: string, 
/**
 * What the vendor expects of the answer.
 */
expected: string, grade: Grade, 
/**
 * Why this grade: on a failure, the likely bug and its fix.
 */
verdict: string, sent: Array<Exchange>, };

export type Exchange = { 
/**
 * The event id the request carried, when it had one.
 */
event_id?: string, request_bytes: number, 
/**
 * `null` when no answer came.
 */
status: number | null, 
/**
 * From sending to the answer's last byte (or the error).
 */
latency_ms: number, 
/**
 * The first line of the answer's body.
 */
answer?: string, 
/**
 * Why no answer came.
 */
error?: string, 
/**
 * The stored attempt, when the run was recorded.
 */
attempt_id?: number, };

export type Grade = "pass" | "warn" | "fail" | "skip";

export type CheckRun = { 
/**
 * The report as far as the run got.
 */
report: CheckReport | null, 
/**
 * The run before it of the same vendor against the same handler.
 */
previous: number | null, 
/**
 * The probes whose grade differs from that run's.
 */
changes: Array<ProbeChange>, id: number, 
/**
 * The vendor's profile id.
 */
vendor: string, 
/**
 * The handler's URL.
 */
to: string, 
/**
 * The event types chosen; empty for all.
 */
events: Array<string>, 
/**
 * RFC 3339 UTC.
 */
started_at: string, state: CheckState, 
/**
 * Probes in the run, and graded so far.
 */
total: number, done: number, passed: number, failed: number, warned: number, skipped: number, };

export type ProbeChange = { probe: string, name: string, 
/**
 * `null` when the run before had no such probe.
 */
before: Grade | null, 
/**
 * `null` when this run has no such probe (it was cancelled first, or the events differ).
 */
after: Grade | null, };

export type StartCheck = { 
/**
 * The vendor's profile id or name.
 */
vendor: string, 
/**
 * The handler's URL.
 */
to: string, 
/**
 * The secret the handler verifies with. Default: the first secret of an endpoint bound to
 * the vendor, else the vendor's test secret. Never stored.
 */
secret?: string, 
/**
 * Only these event types for the valid-delivery probes; all when empty.
 */
events?: Array<string>, 
/**
 * An answer slower than this fails. Default: the vendor's documented timeout.
 */
timeout_ms?: number, };

export type CheckSummary = { id: number, 
/**
 * The vendor's profile id.
 */
vendor: string, 
/**
 * The handler's URL.
 */
to: string, 
/**
 * The event types chosen; empty for all.
 */
events: Array<string>, 
/**
 * RFC 3339 UTC.
 */
started_at: string, state: CheckState, 
/**
 * Probes in the run, and graded so far.
 */
total: number, done: number, passed: number, failed: number, warned: number, skipped: number, };

export type CheckState = "running" | "passed" | "failed" | "cancelled" | "interrupted";

export type Attempt = { id: number, delivery_id: number | null, kind: AttemptKind, 
/**
 * RFC 3339, UTC, microseconds.
 */
started_at: string, started_at_us: number, method: string, url: string, request_headers: Array<[string, string]>, 
/**
 * The body sent, as text when it is UTF-8; `None` with `request_body_base64` `None` when it
 * was the source delivery's body, unchanged.
 */
request_body: string | null, request_body_base64: string | null, request_size: number, resigned: boolean, event_id: string | null, status: number | null, response_headers: Array<[string, string]>, response_body: string | null, response_body_base64: string | null, response_size: number, 
/**
 * The stored response body is the first bytes of a longer one.
 */
response_truncated: boolean, 
/**
 * `None` when nothing was sent.
 */
latency_ms: number | null, error: string | null, 
/**
 * A request went out; `false` when it was never sent (`error` says why), so there is no
 * request to show.
 */
sent: boolean, 
/**
 * An answer with a 2xx status.
 */
ok: boolean, 
/**
 * The first line of the answer's body: what a handler says when it refuses.
 */
answer_line: string | null, 
/**
 * What may explain a refusal (the original signature was past its tolerance).
 */
hint: string | null, };

export type AttemptKind = "replay" | "forward" | "edit" | "send" | "check";

export type ReplayOptions = { 
/**
 * The target URL, `http://localhost:3000/webhooks` say.
 */
to: string, path: PathMode, 
/**
 * Compute the signature anew, with the current time and the endpoint's secret.
 */
resign: boolean, 
/**
 * Send it as a new event: a new event id (in the headers and the body), and re-signed.
 */
fresh_id: boolean, 
/**
 * Sign with this secret instead of the endpoint's.
 */
secret?: string, };

export type PathMode = "target" | "suffix" | "full";

export type EditedRequest = { method: string, headers: Array<[string, string]>, body?: string, body_base64?: string, };

export type BulkOptions = { 
/**
 * Requests in flight at once; 1 keeps the receive order strictly.
 */
concurrency?: number, 
/**
 * Requests started per second at most; `None` for as fast as the target answers.
 */
rate?: number, 
/**
 * Stop starting new requests after the first failure (no answer, or not a 2xx).
 */
stop_on_failure?: boolean, };

export type ReplayProgress = { total: number, 
/**
 * Sent, or given up on before sending (see `failed`).
 */
done: number, ok: number, failed: number, 
/**
 * Not sent because the replay stopped at a failure or was cancelled.
 */
skipped: number, 
/**
 * The first failure, in plain words, with its delivery id.
 */
first_failure: string | null, 
/**
 * Stopped at a failure (`stop_on_failure`) before the end.
 */
stopped: boolean, 
/**
 * Cancelled before the end.
 */
cancelled: boolean, elapsed_ms: number, };

export type ReplayJob = { id: number, 
/**
 * The target URL.
 */
to: string, 
/**
 * When it started, Unix microseconds.
 */
started_at_us: number, progress: ReplayProgress, 
/**
 * Every delivery was sent or skipped; nothing more will change.
 */
finished: boolean, };

export type StartReplay = { 
/**
 * These deliveries instead of the filter's, sent oldest first whatever their order here.
 */
ids?: Array<number>, 
/**
 * The target URL, `http://localhost:3000/webhooks` say.
 */
to: string, path: PathMode, 
/**
 * Compute the signature anew, with the current time and the endpoint's secret.
 */
resign: boolean, 
/**
 * Send it as a new event: a new event id (in the headers and the body), and re-signed.
 */
fresh_id: boolean, 
/**
 * Sign with this secret instead of the endpoint's.
 */
secret?: string, 
/**
 * Requests in flight at once; 1 keeps the receive order strictly.
 */
concurrency?: number, 
/**
 * Requests started per second at most; `None` for as fast as the target answers.
 */
rate?: number, 
/**
 * Stop starting new requests after the first failure (no answer, or not a 2xx).
 */
stop_on_failure?: boolean, };

export type Items<T> = { items: Array<T>, };

export type Deleted = { deleted: number, };

export type ImportResult = { imported: number, 
/**
 * The new deliveries' ids, in the file's order.
 */
ids: Array<number>, };

export type SampleEvent = { vendor: string, event: string, };

export type EndpointsSaved = { items: Array<EndpointConfig>, reverify: Reverify, };

export type Reverify = { task: string, started: boolean, };

export type Startup = { 
/**
 * Why the instance did not start; the window shows only this.
 */
error: string | null, };

export type CurlCommand = { command: string, 
/**
 * The file a binary body is read from (`--data-binary @name`): the raw body saved under
 * that name. `None` when the body is inline.
 */
body_file: string | null, };

export type ErrorBody = { 
/**
 * What went wrong and what to do about it.
 */
error: string, };

/** Every signature status, in the order the filters offer them. */
export const SIGNATURE_STATUSES: SignatureStatus[] = ["valid", "invalid", "missing", "stale", "malformed", "unchecked"];

/** What `duplicate=` may be: a duplicate kind, or `any` for retries and conflicts. */
export const DUPLICATE_FILTERS = ["any", "retry", "conflict", "first"] as const;
