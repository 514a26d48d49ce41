//! Reading the audit log (docs/domain.md#audit): everything the caller's organisation did, and
//! everything done on its tenant by anyone (a customer sees its partners' work too). Newest
//! first, paged by the events' sequence number. The filter's organisation is always the
//! scope's, never the caller's input.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;
use ztd_storage::{AuditEvent, AuditFilter, AuditSearch, OrgKind, Owner, Role, StorageError};

use super::access::{Access, OrgScope};
use super::{Error, Resource};

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

/// What an API caller narrows the trail to (docs/api.md#audit): an action code, the user or API
/// key that acted, the organisation that acted, a time range (`since` included, `until` not;
/// an empty range finds nothing). Everything optional.
pub fn parse_search(
    action: Option<&str>,
    actor_id: Option<Uuid>,
    actor_org_id: Option<Uuid>,
    since: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
) -> Result<AuditSearch, Error> {
    // An empty `action=` is refused like any other non-code: the OpenAPI document says so.
    if let Some(action) = action.filter(|action| !is_action_code(action)) {
        return Err(Error::InvalidParameter {
            message: format!(
                "action {action:?} is not an action code; write it as noun.verb, e.g. device_batch.create"
            ),
        });
    }
    // `since` at or after `until` is an empty range, answered with no events rather than
    // refused: the OpenAPI document cannot state a rule across two parameters.
    Ok(AuditSearch { action: action.map(str::to_owned), actor_id, actor_org_id, since, until })
}

/// A page of the caller's organisation's audit trail narrowed by `search` (any role).
pub async fn list(access: &Access, request: PageRequest, search: &AuditSearch) -> Result<AuditPage, Error> {
    let scope = access.own_org(Role::Reader)?;
    let filter = AuditFilter { org_id: scope.org_id() };
    let events = scope.ctx().db().search_audit(&filter, search, request.before_seq, request.limit).await?;
    Ok(AuditPage { next_cursor: next_cursor(&events, request), events })
}

/// The cursor after `events`: a full page may have an older one.
fn next_cursor(events: &[AuditEvent], request: PageRequest) -> Option<i64> {
    if events.len() as u32 == request.limit {
        events.last().map(|event| event.seq)
    } else {
        None
    }
}

// ------------------------------------------------------------------------------------------
// The trail as people read it (the portal)
// ------------------------------------------------------------------------------------------

/// Whose actions to show: one person or API key of the caller's organisation, or another
/// organisation (anyone of it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorChoice {
    Person(Uuid),
    Organisation(Uuid),
}

impl ActorChoice {
    /// `person:<id>` or `org:<id>`, as [`Self::param`] writes it.
    pub fn parse(text: &str) -> Option<Self> {
        let (kind, id) = text.split_once(':')?;
        let id = Uuid::parse_str(id).ok()?;
        match kind {
            "person" => Some(Self::Person(id)),
            "org" => Some(Self::Organisation(id)),
            _ => None,
        }
    }

    /// The value of a filter form's choice.
    pub fn param(self) -> String {
        match self {
            Self::Person(id) => format!("person:{id}"),
            Self::Organisation(id) => format!("org:{id}"),
        }
    }
}

/// What a person narrows the trail to: an action, an actor, a range of days (UTC, both ends
/// included). Everything optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Narrowing {
    pub action: Option<String>,
    pub actor: Option<ActorChoice>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// Whether `text` has the shape of an action code (`device_batch.create`).
pub fn is_action_code(text: &str) -> bool {
    let part =
        |part: &str| !part.is_empty() && part.bytes().all(|byte| byte.is_ascii_lowercase() || byte == b'_');
    text.split_once('.').is_some_and(|(noun, verb)| part(noun) && part(verb))
}

impl Narrowing {
    /// The filter form as typed; empty fields narrow nothing.
    pub fn parse(
        action: Option<&str>,
        actor: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<Self, Error> {
        let given =
            |text: Option<&str>| text.map(str::trim).filter(|text| !text.is_empty()).map(str::to_owned);
        let invalid = |message: String| Error::InvalidParameter { message };
        let action = given(action);
        if let Some(action) = action.as_deref().filter(|action| !is_action_code(action)) {
            return Err(invalid(format!("{action:?} is not an action code such as device_batch.create")));
        }
        let actor =
            match given(actor) {
                None => None,
                Some(text) => Some(ActorChoice::parse(&text).ok_or_else(|| {
                    invalid(format!("{text:?} is not a person or organisation of this trail"))
                })?),
            };
        let day = |text: Option<String>| -> Result<Option<NaiveDate>, Error> {
            text.map(|text| {
                NaiveDate::parse_from_str(&text, "%Y-%m-%d")
                    .map_err(|_| invalid(format!("{text:?} is not a date written as YYYY-MM-DD")))
            })
            .transpose()
        };
        let (from, to) = (day(given(from))?, day(given(to))?);
        if let (Some(from), Some(to)) = (from, to) {
            if from > to {
                return Err(invalid(format!("the range starts ({from}) after it ends ({to})")));
            }
        }
        Ok(Self { action, actor, from, to })
    }

    fn search(&self) -> AuditSearch {
        let midnight = |day: NaiveDate| day.and_hms_opt(0, 0, 0).map(|at| at.and_utc());
        AuditSearch {
            action: self.action.clone(),
            actor_id: match self.actor {
                Some(ActorChoice::Person(id)) => Some(id),
                _ => None,
            },
            actor_org_id: match self.actor {
                Some(ActorChoice::Organisation(id)) => Some(id),
                _ => None,
            },
            since: self.from.and_then(midnight),
            until: self.to.and_then(|day| day.succ_opt()).and_then(midnight),
        }
    }
}

/// One page of a trail with what it takes to put its events in words: the names of the
/// organisations and the caller organisation's people they mention, and the serial numbers of
/// their devices.
#[derive(Debug, Clone)]
pub struct ReadablePage {
    /// The organisation whose trail it is.
    pub org_id: Uuid,
    pub page: AuditPage,
    /// Organisations acting in, or named by, the events: acting, tenant, the sides of a
    /// relationship.
    pub orgs: HashMap<Uuid, String>,
    /// The organisation's users (email) and API keys (name), by id.
    pub people: HashMap<Uuid, String>,
    /// The serial numbers of the devices of the events, where the organisation still reaches
    /// them.
    pub serials: HashMap<Uuid, String>,
    /// The sides (partner, customer) of the relationships of the events.
    pub relationships: HashMap<Uuid, (Uuid, Uuid)>,
}

/// Who may be picked in the actor filter: the organisation's people (users, then API keys)
/// and the organisations it has a relationship with.
#[derive(Debug, Clone, Default)]
pub struct Actors {
    pub users: Vec<(Uuid, String)>,
    pub keys: Vec<(Uuid, String)>,
    pub orgs: Vec<(Uuid, String)>,
}

/// A page of the caller organisation's trail, narrowed and ready to be put in words (any role).
pub async fn list_readable(
    access: &Access,
    request: PageRequest,
    narrowing: &Narrowing,
) -> Result<ReadablePage, Error> {
    let scope = access.own_org(Role::Reader)?;
    readable(&scope, access.owner(), request, narrowing).await
}

/// The newest events of any organisation's trail, ready to be put in words (the operator's
/// admins).
pub async fn recent_of_org(access: &Access, org_id: Uuid, limit: u32) -> Result<ReadablePage, Error> {
    let scope = access.operator("reading an organisation's audit trail")?.org_scope(org_id).await?;
    let org = scope
        .ctx()
        .db()
        .get_org(org_id)
        .await
        .map_err(Error::or_not_found(Resource::Organisation, org_id))?;
    let owner = match org.kind {
        OrgKind::Partner | OrgKind::Oem => Owner::Partner(org_id),
        _ => Owner::Customer(org_id),
    };
    readable(
        &scope,
        owner,
        PageRequest { before_seq: None, limit: limit.clamp(1, MAX_LIMIT) },
        &Narrowing::default(),
    )
    .await
}

async fn readable(
    scope: &OrgScope,
    owner: Owner,
    request: PageRequest,
    narrowing: &Narrowing,
) -> Result<ReadablePage, Error> {
    let db = scope.ctx().db();
    let filter = AuditFilter { org_id: scope.org_id() };
    let events = db.search_audit(&filter, &narrowing.search(), request.before_seq, request.limit).await?;
    let mut readable = ReadablePage {
        org_id: scope.org_id(),
        page: AuditPage { next_cursor: next_cursor(&events, request), events },
        orgs: HashMap::new(),
        people: people(scope).await?.into_iter().collect(),
        serials: HashMap::new(),
        relationships: HashMap::new(),
    };
    let mut org_ids = vec![scope.org_id()];
    for event in &readable.page.events {
        org_ids.extend(event.actor_org_id);
        org_ids.extend(event.tenant_org_id);
        for key in ["partner_org_id", "customer_org_id"] {
            org_ids.extend(
                event.details.get(key).and_then(|id| id.as_str()).and_then(|id| id.parse::<Uuid>().ok()),
            );
        }
        let target = event.target_id.as_deref().and_then(|id| Uuid::parse_str(id).ok());
        match (event.target_type.as_str(), target) {
            ("device", Some(id)) if !readable.serials.contains_key(&id) => {
                let known = event.details.get("serial_number").and_then(|serial| serial.as_str());
                let serial = match known {
                    Some(serial) => Some(serial.to_owned()),
                    None => match db.get_device(&owner, id).await {
                        Ok(device) => device.serial_number,
                        Err(StorageError::NotFound) => None,
                        Err(other) => return Err(other.into()),
                    },
                };
                if let Some(serial) = serial {
                    readable.serials.insert(id, serial);
                }
            }
            ("relationship", Some(id)) if !readable.relationships.contains_key(&id) => {
                match db.get_relationship(scope.org_id(), id).await {
                    Ok(relationship) => {
                        org_ids.extend([relationship.partner_org_id, relationship.customer_org_id]);
                        readable
                            .relationships
                            .insert(id, (relationship.partner_org_id, relationship.customer_org_id));
                    }
                    Err(StorageError::NotFound) => {}
                    Err(other) => return Err(other.into()),
                }
            }
            _ => {}
        }
    }
    for org_id in org_ids {
        if readable.orgs.contains_key(&org_id) {
            continue;
        }
        match db.get_org(org_id).await {
            Ok(org) => {
                readable.orgs.insert(org_id, org.name);
            }
            Err(StorageError::NotFound) => {}
            Err(other) => return Err(other.into()),
        }
    }
    Ok(readable)
}

/// The organisation's users (email) and API keys (name), users first.
async fn people(scope: &OrgScope) -> Result<Vec<(Uuid, String)>, Error> {
    let db = scope.ctx().db();
    let users = db.list_users(scope.org_id()).await?.into_iter().map(|user| (user.id, user.email));
    let keys = db.list_api_keys(scope.org_id()).await?.into_iter().map(|key| (key.id, key.name));
    Ok(users.chain(keys).collect())
}

/// Who the caller may pick in the trail's actor filter (any role).
pub async fn actors(access: &Access) -> Result<Actors, Error> {
    let scope = access.own_org(Role::Reader)?;
    let db = scope.ctx().db();
    let mut actors = Actors {
        users: db.list_users(scope.org_id()).await?.into_iter().map(|user| (user.id, user.email)).collect(),
        keys: db.list_api_keys(scope.org_id()).await?.into_iter().map(|key| (key.id, key.name)).collect(),
        orgs: Vec::new(),
    };
    for relationship in db.list_relationships(scope.org_id()).await? {
        let other = if relationship.partner_org_id == scope.org_id() {
            relationship.customer_org_id
        } else {
            relationship.partner_org_id
        };
        if actors.orgs.iter().any(|(id, _)| *id == other) {
            continue;
        }
        match db.get_org(other).await {
            Ok(org) => actors.orgs.push((other, org.name)),
            Err(StorageError::NotFound) => {}
            Err(other) => return Err(other.into()),
        }
    }
    actors.orgs.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(actors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_form_is_read_or_refused_with_its_value() {
        let empty = Narrowing::parse(Some(""), Some(" "), None, Some("")).unwrap();
        assert_eq!(empty, Narrowing::default());
        let person = Uuid::new_v4();
        let narrowed = Narrowing::parse(
            Some("device_batch.create"),
            Some(&ActorChoice::Person(person).param()),
            Some("2026-01-02"),
            Some("2026-01-02"),
        )
        .unwrap();
        let search = narrowed.search();
        assert_eq!(search.actor_id, Some(person));
        assert_eq!(
            search.until.unwrap() - search.since.unwrap(),
            chrono::Duration::days(1),
            "both ends included"
        );
        for (action, actor, from, to) in [
            (Some("DROP TABLE"), None, None, None),
            (None, Some("someone"), None, None),
            (None, None, Some("02/01/2026"), None),
            (None, None, Some("2026-01-03"), Some("2026-01-02")),
        ] {
            let refused = Narrowing::parse(action, actor, from, to).unwrap_err();
            assert!(matches!(refused, Error::InvalidParameter { .. }), "{refused:?}");
        }
    }
}
