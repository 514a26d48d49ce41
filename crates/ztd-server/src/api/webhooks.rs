//! HTTP adapter of webhooks ([`crate::app::webhooks`], docs/webhooks.md): an organisation's
//! admins register endpoints, list them, read their deliveries and send one again.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use ztd_storage::{Webhook, WebhookAttempt, WebhookDelivery};

use crate::app::access::Access;
use crate::app::webhooks::{self, NewWebhook};
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, ErrorEnvelope};
use crate::state::AppState;
use crate::webhook_delivery::address::UrlPolicy;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/webhooks", post(create_webhook).get(list_webhooks))
        .route("/api/v1/webhooks/{id}", get(show_webhook).delete(delete_webhook))
        .route("/api/v1/webhooks/{id}/deliveries", get(list_webhook_deliveries))
        .route("/api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver", post(redeliver_webhook_delivery))
}

fn event_types_schema() -> utoipa::openapi::schema::Array {
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(super::text_enum_schema(ztd_storage::webhook_events::EVENT_TYPES))
        .min_items(Some(1))
        .build()
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookRequest {
    /// Where deliveries are POSTed: `https://` to a public address (`http://` and private
    /// addresses only when the server runs with `--webhook-allow-http`). At most 2048
    /// characters; the host must resolve.
    #[schema(max_length = 2048, example = "https://hooks.example.com/ztd")]
    pub url: String,
    /// The event types to deliver (docs/webhooks.md#events).
    #[schema(schema_with = event_types_schema)]
    pub events: Vec<String>,
}

/// The new webhook: `secret` signs every delivery and is shown this once.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CreatedWebhookView {
    pub id: Uuid,
    /// `whsec_…`: the HMAC-SHA256 key of the `ztd-signature` header. Not retrievable later.
    pub secret: String,
    pub url: String,
    #[schema(schema_with = event_types_schema)]
    pub events: Vec<String>,
    pub created_at: DateTime<Utc>,
}

/// A webhook, without its secret.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct WebhookView {
    pub id: Uuid,
    pub url: String,
    #[schema(schema_with = event_types_schema)]
    pub events: Vec<String>,
    pub created_at: DateTime<Utc>,
}

impl From<Webhook> for WebhookView {
    fn from(webhook: Webhook) -> Self {
        Self { id: webhook.id, url: webhook.url, events: webhook.events, created_at: webhook.created_at }
    }
}

/// One attempt to send a delivery.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AttemptView {
    /// 1 for the first.
    pub attempt: i32,
    pub at: DateTime<Utc>,
    /// The HTTP status answered; `null` when no answer came.
    pub status_code: Option<i32>,
    /// Why no answer came (connection refused, timed out, refused destination).
    pub error: Option<String>,
    /// The first 200 characters of the answer's body.
    pub response_excerpt: Option<String>,
    pub duration_ms: i64,
    /// When the next attempt is due; `null` after the last one.
    pub next_attempt_at: Option<DateTime<Utc>>,
}

impl From<WebhookAttempt> for AttemptView {
    fn from(attempt: WebhookAttempt) -> Self {
        Self {
            attempt: attempt.attempt,
            at: attempt.at,
            status_code: attempt.status_code,
            error: attempt.error,
            response_excerpt: attempt.response_excerpt,
            duration_ms: attempt.duration_ms,
            next_attempt_at: attempt.next_attempt_at,
        }
    }
}

/// One event to one webhook.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DeliveryView {
    pub id: Uuid,
    pub webhook_id: Uuid,
    /// The event's id (`id` of the delivered body): the same in a redelivery.
    pub event_id: Uuid,
    #[schema(schema_with = event_type_schema)]
    pub event_type: String,
    pub occurred_at: DateTime<Utc>,
    /// `data` of the delivered body.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    /// `pending` (being retried), `succeeded` (a 2xx answer) or `failed` (gave up after the
    /// last retry, or the webhook was deleted).
    #[schema(schema_with = delivery_status_schema)]
    pub status: String,
    pub attempts: i32,
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Every attempt, oldest first.
    pub attempt_log: Vec<AttemptView>,
}

fn event_type_schema() -> utoipa::openapi::schema::Object {
    super::text_enum_schema(ztd_storage::webhook_events::EVENT_TYPES)
}

fn delivery_status_schema() -> utoipa::openapi::schema::Object {
    super::text_enum_schema(&["pending", "succeeded", "failed"])
}

impl From<WebhookDelivery> for DeliveryView {
    fn from(delivery: WebhookDelivery) -> Self {
        Self {
            id: delivery.id,
            webhook_id: delivery.webhook_id,
            event_id: delivery.event_id,
            event_type: delivery.event_type,
            occurred_at: delivery.occurred_at,
            data: delivery.data,
            status: delivery.status.as_str().to_owned(),
            attempts: delivery.attempts,
            last_status_code: delivery.last_status_code,
            last_error: delivery.last_error,
            next_attempt_at: delivery.next_attempt_at,
            created_at: delivery.created_at,
            finished_at: delivery.finished_at,
            attempt_log: delivery.attempt_log.into_iter().map(AttemptView::from).collect(),
        }
    }
}

/// The newest deliveries of a webhook.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DeliveryPage {
    pub items: Vec<DeliveryView>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeliveryQuery {
    /// How many of the newest deliveries, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}

fn policy(state: &AppState) -> UrlPolicy {
    UrlPolicy { allow_http_and_private: state.config.webhook_allow_http }
}

/// Registers a webhook of the caller's organisation (admins). The URL is checked now: scheme,
/// and the addresses its host resolves to (docs/webhooks.md#destinations).
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "webhooks", request_body = CreateWebhookRequest,
    security(("bearer" = [])),
    responses(
        super::BodyErrors,
        (status = 201, body = CreatedWebhookView),
        super::CommonErrors,
        (status = 409, description = "`webhook_limit`: the organisation has the most webhooks it may have", body = ErrorEnvelope),
        (status = 422, description = "`invalid_webhook_url` (scheme, address, unresolvable host), `unknown_event_type`, `no_event_types`", body = ErrorEnvelope),
    ))]
pub async fn create_webhook(
    State(state): State<AppState>,
    access: Access,
    ApiJson(body): ApiJson<CreateWebhookRequest>,
) -> Result<(StatusCode, Json<CreatedWebhookView>), ApiError> {
    let created =
        webhooks::create_webhook(&access, policy(&state), NewWebhook { url: body.url, events: body.events })
            .await?;
    let webhook = created.webhook;
    Ok((
        StatusCode::CREATED,
        Json(CreatedWebhookView {
            id: webhook.id,
            secret: created.secret,
            url: webhook.url,
            events: webhook.events,
            created_at: webhook.created_at,
        }),
    ))
}

/// The organisation's webhooks (admins), oldest first; never their secrets.
#[utoipa::path(get, path = "/api/v1/webhooks", tag = "webhooks", security(("bearer" = [])),
    responses((status = 200, body = Vec<WebhookView>), super::CommonErrors))]
pub async fn list_webhooks(access: Access) -> Result<Json<Vec<WebhookView>>, ApiError> {
    let all = webhooks::list_webhooks(&access).await?;
    Ok(Json(all.into_iter().map(WebhookView::from).collect()))
}

/// One webhook of the organisation (admins), without its secret.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}", tag = "webhooks", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "webhook id")),
    responses(
        (status = 200, body = WebhookView),
        super::CommonErrors,
        (status = 404, description = "no such webhook of the caller's organisation", body = ErrorEnvelope),
    ))]
pub async fn show_webhook(access: Access, ApiPath(id): ApiPath<Uuid>) -> Result<Json<WebhookView>, ApiError> {
    Ok(Json(webhooks::get_webhook(&access, id).await?.into()))
}

/// Deletes a webhook (admins): nothing more is sent to it; its pending deliveries fail.
#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", tag = "webhooks", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "webhook id")),
    responses(
        (status = 204, description = "deleted"),
        super::CommonErrors,
        (status = 404, description = "no such webhook of the caller's organisation", body = ErrorEnvelope),
    ))]
pub async fn delete_webhook(access: Access, ApiPath(id): ApiPath<Uuid>) -> Result<StatusCode, ApiError> {
    webhooks::delete_webhook(&access, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The newest deliveries of a webhook (admins), each with every attempt.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/deliveries", tag = "webhooks", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "webhook id"), DeliveryQuery),
    responses(
        (status = 200, body = DeliveryPage),
        super::CommonErrors,
        (status = 404, description = "no such webhook of the caller's organisation", body = ErrorEnvelope),
    ))]
pub async fn list_webhook_deliveries(
    access: Access,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<DeliveryQuery>,
) -> Result<Json<DeliveryPage>, ApiError> {
    let deliveries = webhooks::list_deliveries(&access, id, query.limit).await?;
    Ok(Json(DeliveryPage { items: deliveries.into_iter().map(DeliveryView::from).collect() }))
}

/// Sends a delivery's event again (admins): a new delivery (new id) of the same event (same
/// event id), due at once. For deliveries that succeeded or failed.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver", tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "webhook id"), ("delivery_id" = Uuid, Path, description = "delivery id")),
    responses(
        (status = 202, description = "the new delivery, pending", body = DeliveryView),
        super::CommonErrors,
        (status = 404, description = "no such webhook of the caller's organisation, or no such delivery of it", body = ErrorEnvelope),
        (status = 409, description = "`delivery_pending`: the delivery is still being retried", body = ErrorEnvelope),
    ))]
pub async fn redeliver_webhook_delivery(
    access: Access,
    ApiPath((id, delivery_id)): ApiPath<(Uuid, Uuid)>,
) -> Result<(StatusCode, Json<DeliveryView>), ApiError> {
    let delivery = webhooks::redeliver(&access, id, delivery_id).await?;
    Ok((StatusCode::ACCEPTED, Json(delivery.into())))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    create_webhook,
    list_webhooks,
    show_webhook,
    delete_webhook,
    list_webhook_deliveries,
    redeliver_webhook_delivery
))]
pub struct Doc;
