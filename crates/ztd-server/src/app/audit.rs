//! Reading the audit log (docs/domain.md#audit): everything the caller's organisation did, and
//! everything done on its tenant by anyone (a customer sees its partners' work too). Newest
//! first, paged by the events' sequence number. The filter's organisation is always the
//! scope's, never the caller's input.

use std::collections::HashMap;

use uuid::Uuid;
use ztd_storage::{AuditEvent, AuditFilter, Role, StorageError};

use super::access::{Access, OrgScope};
use super::Error;

/// Largest page.
pub const MAX_LIMIT: u32 = 1000;

/// Events on one page unless the caller asks for another number.
pub const DEFAULT_LIMIT: u32 = 100;

/// Which page to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// `next_cursor` of the previous page.
    pub before_seq: Option<i64>,
    /// 1–[`MAX_LIMIT`].
    pub limit: u32,
}

impl PageRequest {
    /// The page a caller asks for: `limit` (default [`DEFAULT_LIMIT`]) and the `cursor` of the
    /// previous page (empty or absent: the newest page).
    pub fn parse(limit: Option<u32>, cursor: Option<&str>) -> Result<Self, Error> {
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(Error::InvalidParameter {
                message: format!("limit {limit} must be between 1 and {MAX_LIMIT}"),
            });
        }
        let before_seq = match cursor.filter(|cursor| !cursor.is_empty()) {
            None => None,
            Some(cursor) => Some(parse_cursor(cursor).ok_or_else(|| Error::InvalidParameter {
                message: format!("cursor {cursor:?} is not a cursor this service returned"),
            })?),
        };
        Ok(Self { before_seq, limit })
    }
}

/// One page of events.
#[derive(Debug, Clone)]
pub struct AuditPage {
    pub events: Vec<AuditEvent>,
    /// The cursor of the next (older) page; `None` on the last page.
    pub next_cursor: Option<i64>,
}

/// A cursor as handed out in [`AuditPage::next_cursor`]; `None` for text this service did not
/// hand out.
pub fn parse_cursor(text: &str) -> Option<i64> {
    ztd_storage::parse_cursor_number(text)
}

async fn page(scope: &OrgScope, request: PageRequest) -> Result<AuditPage, Error> {
    let filter = AuditFilter { org_id: scope.org_id() };
    let events = scope.ctx().db().list_audit(&filter, request.before_seq, request.limit).await?;
    let next_cursor =
        if events.len() as u32 == request.limit { events.last().map(|event| event.seq) } else { None };
    Ok(AuditPage { events, next_cursor })
}

/// A page of the caller's organisation's audit trail (any role).
pub async fn list(access: &Access, request: PageRequest) -> Result<AuditPage, Error> {
    page(&access.own_org(Role::Reader)?, request).await
}

/// A page as [`list`] reads it, with the names of the organisations that acted in it: an
/// organisation that acted on the caller's tenant may be named (the caller sees that it acted).
pub async fn list_with_names(
    access: &Access,
    request: PageRequest,
) -> Result<(AuditPage, HashMap<Uuid, String>), Error> {
    let scope = access.own_org(Role::Reader)?;
    let page = page(&scope, request).await?;
    let mut names = HashMap::new();
    for org_id in page.events.iter().filter_map(|event| event.actor_org_id) {
        if names.contains_key(&org_id) {
            continue;
        }
        let name = match scope.ctx().db().get_org(org_id).await {
            Ok(org) => org.name,
            Err(StorageError::NotFound) => org_id.to_string(),
            Err(other) => return Err(other.into()),
        };
        names.insert(org_id, name);
    }
    Ok((page, names))
}
