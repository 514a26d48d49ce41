//! One conformance suite, run on both backends: every case is an `async fn(Arc<dyn Database>)`
//! and `conformance!` instantiates it once for SQLite (a temp file) and once for PostgreSQL (a
//! fresh database; skipped loudly when unreachable, failing under `CI=true`).

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;
use ztd_domain::codes::{RowError, RowErrorCode};
use ztd_domain::profile::{built_in_profiles, POWER_USER_TAG, STANDARD_TAG};
use ztd_storage::*;

macro_rules! conformance {
    ($($case:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    let temp = ztd_storage::testing::TempSqlite::new().await;
                    super::$case(temp.database()).await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    let Some(url) = ztd_storage::testing::fresh_postgres_url().await else { return };
                    let db = ztd_storage::PostgresDatabase::connect(&url).await.expect("connect to PostgreSQL");
                    super::$case(std::sync::Arc::new(db.clone())).await;
                    db.pool().close().await;
                    ztd_storage::testing::drop_postgres_database(&url).await;
                }
            )+
        }
    };
}

conformance!(
    orgs_and_built_in_profiles,
    users_keys_and_sessions,
    invitations_accept_idempotent_and_revoke,
    single_use_invitation_cannot_be_reused,
    profile_conflicts_and_tag_changes,
    device_conflicts_and_deregistration,
    concurrent_chunks_register_each_device_once,
    first_boots_are_activated_in_groups_once,
    batch_claim_lease_expiry_and_resume_exactly_once,
    idempotency_key_returns_first_batch,
    audit_written_with_mutation_and_paged,
    device_paging_and_filters,
    streamed_intake_is_claimable_only_once_sealed,
    abandoned_uploads_are_discarded_after_the_cutoff,
    two_workers_on_one_batch_process_each_row_once,
    revoke_between_chunks_fails_the_rest_of_a_partner_batch,
    revoke_before_any_chunk_fails_every_row,
    intake_after_revoke_is_refused,
    revoke_waits_for_a_chunk_holding_consent,
    owner_filtering_reaches_only_own_tenant_data,
    activation_and_sign_in_are_audited_once,
    create_org_with_admin_is_all_or_nothing,
    bootstrap_operator_only_on_an_empty_database,
    concurrent_bootstrap_creates_one_operator,
    invitation_bound_to_another_customer_is_not_found,
    password_change_ends_sessions_and_expired_ones_are_purged,
    disabling_a_user_ends_their_sessions_once,
    roles_and_access_keep_an_active_admin,
    consent_decisions_reach_the_partners_trail_once,
    the_trail_is_searched_by_action_actor_and_time,
    webhook_events_are_written_with_their_audit_to_each_receiver,
    webhook_deliveries_are_claimed_once_retried_and_settled,
    webhooks_are_reached_only_by_their_organisation,
    device_search_count_and_paging_both_ways,
    batch_history_names_who_submitted_newest_first,
    upload_drafts_are_kept_for_their_person_and_expire,
);

// ---- fixtures -------------------------------------------------------------------------------

fn now() -> DateTime<Utc> {
    // Microsecond precision: what both backends store.
    let now = Utc::now();
    DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now)
}

fn audit(org: Option<Uuid>, tenant: Option<Uuid>, action: &str) -> NewAuditEvent {
    NewAuditEvent {
        request_id: Some("req-test".into()),
        actor_kind: ActorKind::System,
        actor_id: None,
        actor_org_id: org,
        tenant_org_id: tenant,
        action: action.into(),
        target_type: "test".into(),
        target_id: None,
        details: serde_json::json!({ "test": true }),
    }
}

async fn org(db: &Arc<dyn Database>, kind: OrgKind, name: &str) -> Organisation {
    let org = Organisation { id: Uuid::new_v4(), kind, name: name.into(), domain: None, created_at: now() };
    db.create_org(&org, None, &[audit(Some(org.id), Some(org.id), "org.create")]).await.expect("create org");
    org
}

async fn tag_profile(db: &Arc<dyn Database>, customer: Uuid, tag: &str) -> Profile {
    db.list_profiles(customer)
        .await
        .expect("list profiles")
        .into_iter()
        .find(|p| p.group_tag == tag)
        .expect("profile with tag")
}

fn new_device(serial: &str, profile: Option<&Profile>) -> NewDevice {
    NewDevice {
        serial_number: Some(serial.into()),
        product_key_id: None,
        hardware_hash: Some(format!("hash-of-{serial}")),
        manufacturer: Some("Contoso".into()),
        model: Some("Laptop 7".into()),
        group_tag: profile.map(|p| p.group_tag.clone()),
        profile_id: profile.map(|p| p.id),
        assigned_user: None,
        tuple_key: Some(format!("Contoso|Laptop 7|{serial}")),
        pkid_key: None,
        hash_key: Some(format!("uuid|{serial}")),
    }
}

fn batch_for(customer: Uuid, submitter: Uuid, total: i64, key: Option<&str>) -> Batch {
    Batch {
        id: Uuid::new_v4(),
        customer_id: customer,
        submitted_by_org_id: submitter,
        actor_kind: ActorKind::ApiKey,
        actor_id: Some(Uuid::new_v4()),
        status: BatchStatus::Queued,
        default_group_tag: None,
        allow_unknown_tags: false,
        idempotency_key: key.map(str::to_owned),
        total,
        registered: 0,
        unassigned: 0,
        failed: 0,
        created_at: now(),
        started_at: None,
        finished_at: None,
        order: Default::default(),
        decided_at: None,
        decided_by_id: None,
        rejection_reason: None,
        voided_at: None,
        file_name: None,
    }
}

fn pending_items(batch: &Batch, rows: i64) -> Vec<BatchItem> {
    (1..=rows)
        .map(|row| BatchItem {
            batch_id: batch.id,
            row,
            input: serde_json::json!({ "serial_number": format!("S{row}") }),
            status: ItemStatus::Pending,
            device_id: None,
            error: None,
        })
        .collect()
}

/// Creates a batch of `serials` for `customer` and processes it in one chunk.
async fn register(
    db: &Arc<dyn Database>,
    customer: Uuid,
    serials: &[&str],
    profile: Option<&Profile>,
) -> (Batch, Vec<BatchItem>) {
    let batch = batch_for(customer, customer, serials.len() as i64, None);
    let (batch, created) = db
        .create_batch(
            &batch,
            &pending_items(&batch, serials.len() as i64),
            &audit(Some(customer), Some(customer), "batch.create"),
        )
        .await
        .expect("create batch");
    assert!(created);
    let chunk: Vec<ChunkItem> = serials
        .iter()
        .enumerate()
        .map(|(i, serial)| ChunkItem::Register {
            row: i as i64 + 1,
            device: new_device(serial, profile),
            unassigned: profile.is_none(),
        })
        .collect();
    db.process_chunk(&batch, &chunk, now() + Duration::minutes(5)).await.expect("process chunk");
    let items = db.list_batch_items(&Owner::Customer(customer), batch.id, None, 1000).await.expect("items");
    (batch, items)
}

fn code_of(item: &BatchItem) -> Option<RowErrorCode> {
    item.error.as_ref().map(|e| e.code)
}

// ---- cases ----------------------------------------------------------------------------------

async fn orgs_and_built_in_profiles(db: Arc<dyn Database>) {
    assert_eq!(db.list_orgs().await.unwrap().len(), 0);
    let customer = org(&db, OrgKind::Customer, "Fabrikam").await;
    let partner = org(&db, OrgKind::Partner, "Reseller").await;
    assert_eq!(db.get_org(customer.id).await.unwrap(), customer);
    assert_eq!(db.list_orgs().await.unwrap().len(), 2);
    assert_eq!(db.list_orgs().await.unwrap().len(), 2);
    assert!(matches!(db.get_org(Uuid::new_v4()).await, Err(StorageError::NotFound)));
    assert!(matches!(
        db.create_org(&customer, None, &[audit(None, None, "org.create")]).await,
        Err(StorageError::Conflict(_))
    ));

    let profiles = db.list_profiles(customer.id).await.unwrap();
    let tags: HashSet<_> = profiles.iter().map(|p| p.group_tag.as_str()).collect();
    let expected: HashSet<_> = built_in_profiles().iter().map(|p| p.group_tag).collect();
    assert_eq!(tags, expected);
    assert!(profiles.iter().all(|p| p.built_in));
    let power = tag_profile(&db, customer.id, POWER_USER_TAG).await;
    assert_eq!(power.settings["user_is_local_admin"], serde_json::json!(true));
    assert!(db.list_profiles(partner.id).await.unwrap().is_empty(), "only customers get profiles");
    assert!(["sqlite", "postgres"].contains(&db.backend()));
    db.ping().await.unwrap();
}

async fn users_keys_and_sessions(db: Arc<dyn Database>) {
    let customer = org(&db, OrgKind::Customer, "Fabrikam").await;
    let user = User {
        id: Uuid::new_v4(),
        org_id: customer.id,
        email: "Admin@Fabrikam.example".into(),
        role: Role::Admin,
        password_hash: "$argon2id$v=19$stub".into(),
        must_change_password: true,
        created_at: now(),
        disabled_at: None,
        one_time_password_expires_at: None,
        language: None,
    };
    db.create_user(&user, &audit(Some(customer.id), Some(customer.id), "user.create")).await.unwrap();
    assert_eq!(db.get_user(user.id).await.unwrap(), user);
    assert_eq!(db.find_user_by_email("admin@fabrikam.example").await.unwrap().id, user.id);
    let twin = User { id: Uuid::new_v4(), email: "ADMIN@fabrikam.example".into(), ..user.clone() };
    assert!(matches!(
        db.create_user(&twin, &audit(None, None, "user.create")).await,
        Err(StorageError::Conflict(Conflict::EmailTaken))
    ));
    let orphan =
        User { id: Uuid::new_v4(), org_id: Uuid::new_v4(), email: "x@y.example".into(), ..user.clone() };
    assert!(matches!(
        db.create_user(&orphan, &audit(None, None, "user.create")).await,
        Err(StorageError::NotFound)
    ));
    db.set_password(customer.id, user.id, "$argon2id$new", None, None, &audit(None, None, "user.password"))
        .await
        .unwrap();
    let changed = db.get_user(user.id).await.unwrap();
    assert_eq!((changed.password_hash.as_str(), changed.must_change_password), ("$argon2id$new", false));
    assert_eq!(db.list_users(customer.id).await.unwrap().len(), 1);
    db.set_user_language(customer.id, user.id, Some("da")).await.unwrap();
    assert_eq!(db.get_user(user.id).await.unwrap().language.as_deref(), Some("da"));
    db.set_user_language(customer.id, user.id, None).await.unwrap();
    assert_eq!(db.get_user(user.id).await.unwrap().language, None);
    assert!(matches!(
        db.set_user_language(Uuid::new_v4(), user.id, Some("da")).await,
        Err(StorageError::NotFound)
    ));
    assert!(matches!(
        db.set_password(customer.id, Uuid::new_v4(), "x", None, None, &audit(None, None, "user.password"))
            .await,
        Err(StorageError::NotFound)
    ));

    let key = ApiKey {
        expires_at: Some(now() + Duration::days(365)),
        id: Uuid::new_v4(),
        org_id: customer.id,
        name: "factory line".into(),
        role: Role::Registrar,
        key_hash: "ab".repeat(32),
        created_at: now(),
        revoked_at: None,
    };
    db.create_api_key(&key, &audit(None, None, "api_key.create")).await.unwrap();
    assert_eq!(db.find_api_key_by_hash(&key.key_hash).await.unwrap(), key);
    let other = org(&db, OrgKind::Customer, "Other").await;
    assert!(matches!(
        db.revoke_api_key(other.id, key.id, now(), &audit(None, None, "api_key.revoke")).await,
        Err(StorageError::NotFound)
    ));
    db.revoke_api_key(customer.id, key.id, now(), &audit(None, None, "api_key.revoke")).await.unwrap();
    assert!(matches!(db.find_api_key_by_hash(&key.key_hash).await, Err(StorageError::NotFound)));
    assert!(db.list_api_keys(customer.id).await.unwrap()[0].revoked_at.is_some());
    assert!(matches!(
        db.revoke_api_key(customer.id, key.id, now(), &audit(None, None, "api_key.revoke")).await,
        Err(StorageError::NotFound)
    ));

    let session = Session {
        token_hash: "cd".repeat(32),
        user_id: user.id,
        csrf_token: "csrf".into(),
        created_at: now(),
        expires_at: now() + Duration::hours(8),
    };
    db.create_session(&session, &audit(Some(customer.id), Some(customer.id), "session.create"))
        .await
        .unwrap();
    assert_eq!(db.find_session(&session.token_hash).await.unwrap(), session);
    db.delete_session(&session.token_hash).await.unwrap();
    assert!(matches!(db.find_session(&session.token_hash).await, Err(StorageError::NotFound)));
}

fn invitation(creator: Uuid, kind: RelationshipKind, customer: Option<Uuid>, reusable: bool) -> Invitation {
    Invitation {
        id: Uuid::new_v4(),
        token_hash: Uuid::new_v4().simple().to_string(),
        creator_org_id: creator,
        kind,
        customer_id: customer,
        reusable,
        created_at: now(),
        expires_at: now() + Duration::days(7),
        withdrawn_at: None,
        accepted_count: 0,
    }
}

fn relationship(partner: Uuid, customer: Uuid, kind: RelationshipKind) -> Relationship {
    Relationship {
        id: Uuid::new_v4(),
        partner_org_id: partner,
        customer_org_id: customer,
        kind,
        invitation_id: None,
        accepted_by_user_id: None,
        approval_mode: ApprovalMode::AutoAccept,
        created_at: now(),
        revoked_at: None,
        revoked_by_org_id: None,
    }
}

async fn invitations_accept_idempotent_and_revoke(db: Arc<dyn Database>) {
    let oem = org(&db, OrgKind::Oem, "OEM").await;
    let first = org(&db, OrgKind::Customer, "First").await;
    let second = org(&db, OrgKind::Customer, "Second").await;
    let link = invitation(oem.id, RelationshipKind::Oem, None, true);
    db.create_invitation(&link, &audit(Some(oem.id), None, "invitation.create")).await.unwrap();
    assert_eq!(db.find_invitation_by_token_hash(&link.token_hash).await.unwrap(), link);

    let accepted = db
        .accept_invitation(
            link.id,
            &relationship(oem.id, first.id, RelationshipKind::Oem),
            &audit(None, None, "a"),
        )
        .await
        .unwrap();
    assert_eq!(accepted.invitation_id, Some(link.id));
    let again = db
        .accept_invitation(
            link.id,
            &relationship(oem.id, first.id, RelationshipKind::Oem),
            &audit(None, None, "a"),
        )
        .await
        .unwrap();
    assert_eq!(again.id, accepted.id, "accepting twice returns the first relationship");
    db.accept_invitation(
        link.id,
        &relationship(oem.id, second.id, RelationshipKind::Oem),
        &audit(None, None, "a"),
    )
    .await
    .unwrap();
    assert_eq!(db.find_invitation_by_token_hash(&link.token_hash).await.unwrap().accepted_count, 2);
    assert_eq!(db.list_relationships(oem.id).await.unwrap().len(), 2);
    assert_eq!(db.list_relationships(first.id).await.unwrap().len(), 1);
    assert_eq!(db.find_active_relationship(oem.id, first.id).await.unwrap().map(|r| r.id), Some(accepted.id));

    db.revoke_relationship(first.id, accepted.id, now(), &audit(None, None, "relationship.revoke"))
        .await
        .unwrap();
    assert!(db.find_active_relationship(oem.id, first.id).await.unwrap().is_none());
    let revoked = db.get_relationship(first.id, accepted.id).await.unwrap();
    assert_eq!(revoked.revoked_by_org_id, Some(first.id));
    assert!(matches!(
        db.revoke_relationship(first.id, accepted.id, now(), &audit(None, None, "relationship.revoke")).await,
        Err(StorageError::NotFound)
    ));
    // After revocation the customer may accept the reusable link again: a new relationship.
    let renewed = db
        .accept_invitation(
            link.id,
            &relationship(oem.id, first.id, RelationshipKind::Oem),
            &audit(None, None, "a"),
        )
        .await
        .unwrap();
    assert_ne!(renewed.id, accepted.id);

    db.withdraw_invitation(oem.id, link.id, now(), &audit(None, None, "invitation.withdraw")).await.unwrap();
    assert!(db.list_invitations(oem.id).await.unwrap()[0].withdrawn_at.is_some());
    let third = org(&db, OrgKind::Customer, "Third").await;
    assert!(matches!(
        db.accept_invitation(
            link.id,
            &relationship(oem.id, third.id, RelationshipKind::Oem),
            &audit(None, None, "a")
        )
        .await,
        Err(StorageError::Conflict(Conflict::InvitationWithdrawn))
    ));
    assert!(matches!(
        db.withdraw_invitation(third.id, link.id, now(), &audit(None, None, "w")).await,
        Err(StorageError::NotFound)
    ));

    let expired = Invitation {
        expires_at: now() - Duration::minutes(1),
        ..invitation(oem.id, RelationshipKind::Oem, None, true)
    };
    db.create_invitation(&expired, &audit(None, None, "invitation.create")).await.unwrap();
    assert!(matches!(
        db.accept_invitation(
            expired.id,
            &relationship(oem.id, third.id, RelationshipKind::Oem),
            &audit(None, None, "a")
        )
        .await,
        Err(StorageError::Conflict(Conflict::InvitationExpired))
    ));
}

async fn single_use_invitation_cannot_be_reused(db: Arc<dyn Database>) {
    let partner = org(&db, OrgKind::Partner, "CSP").await;
    let customer = org(&db, OrgKind::Customer, "Customer").await;
    let intruder = org(&db, OrgKind::Customer, "Intruder").await;
    let link = invitation(partner.id, RelationshipKind::Csp, None, false);
    db.create_invitation(&link, &audit(None, None, "invitation.create")).await.unwrap();
    let first = db
        .accept_invitation(
            link.id,
            &relationship(partner.id, customer.id, RelationshipKind::Csp),
            &audit(None, None, "a"),
        )
        .await
        .unwrap();
    let same = db
        .accept_invitation(
            link.id,
            &relationship(partner.id, customer.id, RelationshipKind::Csp),
            &audit(None, None, "a"),
        )
        .await
        .unwrap();
    assert_eq!(same.id, first.id);
    assert!(matches!(
        db.accept_invitation(
            link.id,
            &relationship(partner.id, intruder.id, RelationshipKind::Csp),
            &audit(None, None, "a")
        )
        .await,
        Err(StorageError::Conflict(Conflict::InvitationUsed))
    ));
    assert_eq!(db.find_invitation_by_token_hash(&link.token_hash).await.unwrap().accepted_count, 1);
    assert!(matches!(
        db.accept_invitation(
            Uuid::new_v4(),
            &relationship(partner.id, customer.id, RelationshipKind::Csp),
            &audit(None, None, "a")
        )
        .await,
        Err(StorageError::NotFound)
    ));
}

async fn profile_conflicts_and_tag_changes(db: Arc<dyn Database>) {
    let customer = org(&db, OrgKind::Customer, "Fabrikam").await;
    let standard = tag_profile(&db, customer.id, STANDARD_TAG).await;
    let clash = Profile { id: Uuid::new_v4(), name: "Clash".into(), built_in: false, ..standard.clone() };
    assert!(matches!(
        db.create_profile(&clash, &audit(None, None, "profile.create")).await,
        Err(StorageError::Conflict(Conflict::ProfileGroupTag))
    ));

    // A device registered unassigned with a tag no profile has yet…
    let (_, items) = register(&db, customer.id, &["LAB-1"], None).await;
    let unassigned_id = items[0].device_id.expect("registered unassigned");
    db.update_device_tag(
        &Owner::Customer(customer.id),
        unassigned_id,
        Some("Lab_"),
        None,
        &audit(None, None, "device.tag"),
    )
    .await
    .unwrap();
    assert_eq!(
        db.get_device(&Owner::Customer(customer.id), unassigned_id).await.unwrap().state,
        DeviceState::Unassigned
    );
    // …takes the profile created with that tag.
    let lab = Profile {
        id: Uuid::new_v4(),
        name: "Lab".into(),
        group_tag: "Lab_".into(),
        built_in: false,
        created_at: now(),
        updated_at: now(),
        ..standard.clone()
    };
    db.create_profile(&lab, &audit(None, None, "profile.create")).await.unwrap();
    let adopted = db.get_device(&Owner::Customer(customer.id), unassigned_id).await.unwrap();
    assert_eq!((adopted.state, adopted.profile_id), (DeviceState::Registered, Some(lab.id)));

    // Renaming the tag moves the devices with it.
    let renamed = Profile { group_tag: "Lab2_".into(), updated_at: now(), ..lab.clone() };
    db.update_profile(&renamed, &audit(None, None, "profile.update")).await.unwrap();
    let moved = db.get_device(&Owner::Customer(customer.id), unassigned_id).await.unwrap();
    assert_eq!((moved.group_tag.as_deref(), moved.profile_id), (Some("Lab2_"), Some(lab.id)));
    let onto_standard = Profile { group_tag: STANDARD_TAG.into(), ..renamed.clone() };
    assert!(matches!(
        db.update_profile(&onto_standard, &audit(None, None, "profile.update")).await,
        Err(StorageError::Conflict(Conflict::ProfileGroupTag))
    ));

    assert!(matches!(
        db.delete_profile(customer.id, lab.id, &audit(None, None, "profile.delete")).await,
        Err(StorageError::Conflict(Conflict::ProfileInUse))
    ));
    let other = org(&db, OrgKind::Customer, "Other").await;
    assert!(matches!(db.get_profile(other.id, lab.id).await, Err(StorageError::NotFound)));
    assert!(matches!(
        db.delete_profile(other.id, lab.id, &audit(None, None, "profile.delete")).await,
        Err(StorageError::NotFound)
    ));
    db.deregister_device(
        &Owner::Customer(customer.id),
        unassigned_id,
        now(),
        &audit(None, None, "device.deregister"),
    )
    .await
    .unwrap();
    db.delete_profile(customer.id, lab.id, &audit(None, None, "profile.delete")).await.unwrap();
    assert!(matches!(db.get_profile(customer.id, lab.id).await, Err(StorageError::NotFound)));
    assert_eq!(db.get_device(&Owner::Customer(customer.id), unassigned_id).await.unwrap().profile_id, None);
}

async fn device_conflicts_and_deregistration(db: Arc<dyn Database>) {
    let first = org(&db, OrgKind::Customer, "First").await;
    let second = org(&db, OrgKind::Customer, "Second").await;
    let standard = tag_profile(&db, first.id, STANDARD_TAG).await;
    let (batch, items) = register(&db, first.id, &["SN-1", "SN-2"], Some(&standard)).await;
    assert!(items.iter().all(|i| i.status == ItemStatus::Registered && i.device_id.is_some()));
    let batch = db.get_batch(&Owner::Customer(first.id), batch.id).await.unwrap();
    assert_eq!((batch.registered, batch.failed), (2, 0));
    let device = db.get_device(&Owner::Customer(first.id), items[0].device_id.unwrap()).await.unwrap();
    assert_eq!(
        (device.state, device.profile_id, device.batch_id),
        (DeviceState::Registered, Some(standard.id), Some(batch.id))
    );

    let (_, same) = register(&db, first.id, &["SN-1"], None).await;
    assert_eq!(same[0].status, ItemStatus::Failed);
    assert_eq!(code_of(&same[0]), Some(RowErrorCode::DeviceAlreadyRegistered));
    assert_eq!(same[0].device_id, None);

    let (_, twice) = register(&db, first.id, &["SN-3", "SN-3"], None).await;
    assert_eq!(twice[0].status, ItemStatus::Unassigned);
    assert_eq!(code_of(&twice[1]), Some(RowErrorCode::DeviceDuplicatedInBatch));

    let (other_batch, other) = register(&db, second.id, &["SN-2"], None).await;
    assert_eq!(code_of(&other[0]), Some(RowErrorCode::DeviceRegisteredToOtherTenant));
    let error = other[0].error.clone().expect("error");
    assert_eq!(error, RowError::registered_to_other_tenant());
    let message = error.message + error.hint.as_deref().unwrap_or("");
    assert!(
        !message.contains("First") && !message.contains(&first.id.to_string()),
        "names nothing: {message}"
    );
    assert_eq!(db.get_batch(&Owner::Customer(second.id), other_batch.id).await.unwrap().failed, 1);

    // The lookup finds the device by any one key (with its profile and tenant), and marks it
    // active only once.
    let boot =
        db.find_first_boot(None, None, Some("uuid|SN-1")).await.unwrap().expect("first boot by hash key");
    assert_eq!(
        (boot.device_id, boot.customer_id, boot.state, boot.activated_at),
        (device.id, first.id, DeviceState::Registered, None)
    );
    assert_eq!(boot.serial_number.as_deref(), Some("SN-1"));
    assert_eq!(boot.tenant_domain, db.get_org(first.id).await.unwrap().domain);
    let profile = boot.profile.expect("the device's profile");
    assert_eq!(
        (profile.id, &profile.name, &profile.settings),
        (standard.id, &standard.name, &standard.settings)
    );
    let unprofiled = register(&db, first.id, &["SN-9"], None).await.1[0].device_id.unwrap();
    let boot = db.find_first_boot(None, None, Some("uuid|SN-9")).await.unwrap().expect("unassigned device");
    assert_eq!((boot.device_id, boot.state, boot.profile), (unprofiled, DeviceState::Unassigned, None));
    assert!(db
        .find_first_boot(Some("nobody"), Some("nothing"), Some("uuid|SN-404"))
        .await
        .unwrap()
        .is_none());
    let first_seen = now();
    let active =
        db.mark_device_active(device.id, first_seen, &audit(None, None, "device.activated")).await.unwrap();
    assert_eq!((active.state, active.activated_at), (DeviceState::Active, Some(first_seen)));
    let later = db
        .mark_device_active(
            device.id,
            first_seen + Duration::hours(1),
            &audit(None, None, "device.activated"),
        )
        .await
        .unwrap();
    assert_eq!(later.activated_at, Some(first_seen));
    let retagged = db
        .update_device_tag(
            &Owner::Customer(first.id),
            device.id,
            None,
            None,
            &audit(None, None, "device.tag"),
        )
        .await
        .unwrap();
    assert_eq!(retagged.state, DeviceState::Active, "an active device stays active");

    // Deregistering frees the identity at once.
    let gone = db
        .deregister_device(
            &Owner::Customer(first.id),
            device.id,
            now(),
            &audit(None, None, "device.deregister"),
        )
        .await
        .unwrap();
    assert_eq!(gone.state, DeviceState::Deregistered);
    assert!(gone.deregistered_at.is_some());
    assert!(db.find_first_boot(Some("Contoso|Laptop 7|SN-1"), None, None).await.unwrap().is_none());
    assert!(db.find_first_boot(None, None, Some("uuid|SN-1")).await.unwrap().is_none(), "deregistered");
    assert!(matches!(
        db.deregister_device(
            &Owner::Customer(first.id),
            device.id,
            now(),
            &audit(None, None, "device.deregister")
        )
        .await,
        Err(StorageError::NotFound)
    ));
    let (_, moved) = register(&db, second.id, &["SN-1"], None).await;
    assert_eq!(moved[0].status, ItemStatus::Unassigned);
    let moved_device = db.get_device(&Owner::Customer(second.id), moved[0].device_id.unwrap()).await.unwrap();
    assert_eq!(moved_device.customer_id, second.id);
    let looked_up =
        db.mark_device_active(moved_device.id, now(), &audit(None, None, "device.activated")).await.unwrap();
    assert_eq!(
        (looked_up.state, looked_up.activated_at),
        (DeviceState::Unassigned, None),
        "unassigned stays so"
    );
    assert!(matches!(
        db.mark_device_active(Uuid::new_v4(), now(), &audit(None, None, "device.activated")).await,
        Err(StorageError::NotFound)
    ));
}

async fn concurrent_chunks_register_each_device_once(db: Arc<dyn Database>) {
    let serials: Vec<String> = (0..300).map(|i| format!("RACE-{i:04}")).collect();
    let mut tasks = Vec::new();
    let mut customers = Vec::new();
    for name in ["Alpha", "Beta", "Gamma"] {
        let customer = org(&db, OrgKind::Customer, name).await;
        customers.push(customer.id);
        let batch = batch_for(customer.id, customer.id, serials.len() as i64, None);
        db.create_batch(
            &batch,
            &pending_items(&batch, serials.len() as i64),
            &audit(None, None, "batch.create"),
        )
        .await
        .unwrap();
        let chunk: Vec<ChunkItem> = serials
            .iter()
            .enumerate()
            .map(|(i, s)| ChunkItem::Register {
                row: i as i64 + 1,
                device: new_device(s, None),
                unassigned: true,
            })
            .collect();
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            // Several chunks per batch, so the racers interleave.
            for part in chunk.chunks(50) {
                db.process_chunk(&batch, part, now() + Duration::minutes(5)).await.expect("chunk");
            }
            (batch.customer_id, batch.id)
        }));
    }
    let mut registered = 0;
    for task in tasks {
        let (customer, batch_id) = task.await.unwrap();
        let batch = db.get_batch(&Owner::Customer(customer), batch_id).await.unwrap();
        assert_eq!(batch.registered + batch.unassigned + batch.failed, serials.len() as i64);
        registered += batch.unassigned;
    }
    assert_eq!(registered, serials.len() as i64, "each device registered exactly once across the racers");
    let mut live = 0;
    for customer in customers {
        let filter = DeviceFilter::default();
        live += db
            .list_devices(&Owner::Customer(customer), customer, &filter, None, 1000)
            .await
            .unwrap()
            .items
            .len();
    }
    assert_eq!(live, serials.len());
}

async fn batch_claim_lease_expiry_and_resume_exactly_once(db: Arc<dyn Database>) {
    let customer = org(&db, OrgKind::Customer, "Fabrikam").await;
    assert!(db.claim_batch("w1", now(), now() + Duration::minutes(1)).await.unwrap().is_none());
    let batch = batch_for(customer.id, customer.id, 4, None);
    db.create_batch(&batch, &pending_items(&batch, 4), &audit(None, None, "batch.create")).await.unwrap();

    let t0 = now();
    let claimed =
        db.claim_batch("w1", t0, t0 + Duration::seconds(30)).await.unwrap().expect("claims the queued batch");
    assert_eq!(
        (claimed.id, claimed.status, claimed.started_at),
        (batch.id, BatchStatus::Processing, Some(t0))
    );
    assert!(db.claim_batch("w2", t0, t0 + Duration::seconds(30)).await.unwrap().is_none(), "leased");

    // Worker 1 processes rows 1–2, then "crashes".
    let all: Vec<ChunkItem> = ["R-1", "R-2", "R-3", "R-4"]
        .iter()
        .enumerate()
        .map(|(i, s)| ChunkItem::Register {
            row: i as i64 + 1,
            device: new_device(s, None),
            unassigned: true,
        })
        .collect();
    let done = db.process_chunk(&claimed, &all[..2], t0 + Duration::seconds(30)).await.unwrap();
    assert_eq!(done.len(), 2);
    assert_eq!(
        db.pending_items(batch.id, 10).await.unwrap().iter().map(|i| i.row).collect::<Vec<_>>(),
        vec![3, 4]
    );

    // After the lease expires a second worker takes over and replays the whole batch.
    let t1 = t0 + Duration::seconds(31);
    let resumed = db.claim_batch("w2", t1, t1 + Duration::seconds(30)).await.unwrap().expect("expired lease");
    assert_eq!((resumed.id, resumed.started_at), (batch.id, Some(t0)));
    let replay = db.process_chunk(&resumed, &all, t1 + Duration::seconds(30)).await.unwrap();
    assert_eq!(replay.iter().map(|r| r.0).collect::<Vec<_>>(), vec![3, 4], "processed rows are skipped");
    assert!(db.process_chunk(&resumed, &all, t1).await.unwrap().is_empty());
    assert!(db.pending_items(batch.id, 10).await.unwrap().is_empty());

    let finished =
        db.finish_batch(batch.id, t1, &audit(None, Some(customer.id), "batch.finish")).await.unwrap();
    assert_eq!((finished.status, finished.unassigned, finished.failed), (BatchStatus::Finished, 4, 0));
    assert_eq!(finished.finished_at, Some(t1));
    let again = db.finish_batch(batch.id, t1, &audit(None, Some(customer.id), "batch.finish")).await.unwrap();
    assert_eq!(again.status, BatchStatus::Finished);
    let finishes = db.list_audit(&AuditFilter { org_id: customer.id }, None, 100).await.unwrap();
    assert_eq!(finishes.iter().filter(|e| e.action == "batch.finish").count(), 1, "finished exactly once");
    assert!(db.claim_batch("w3", t1 + Duration::hours(1), t1 + Duration::hours(2)).await.unwrap().is_none());

    // A batch with failures, and finishing with rows still pending is refused.
    let failing = batch_for(customer.id, customer.id, 2, None);
    db.create_batch(&failing, &pending_items(&failing, 2), &audit(None, None, "batch.create")).await.unwrap();
    let fail = ChunkItem::Fail { row: 1, error: RowError::new(RowErrorCode::InvalidHardwareHash, "bad") };
    db.process_chunk(&failing, &[fail], now()).await.unwrap();
    assert!(matches!(
        db.finish_batch(failing.id, now(), &audit(None, None, "batch.finish")).await,
        Err(StorageError::Conflict(Conflict::BatchItemsPending))
    ));
    // Row 2 repeats a device registered above: a conflict, recorded as a failure.
    let duplicate = ChunkItem::Register { row: 2, device: new_device("R-1", None), unassigned: true };
    db.process_chunk(&failing, &[duplicate], now()).await.unwrap();
    let finished = db.finish_batch(failing.id, now(), &audit(None, None, "batch.finish")).await.unwrap();
    assert_eq!((finished.status, finished.failed), (BatchStatus::FinishedWithErrors, 2));
    let items = db.list_batch_items(&Owner::Customer(customer.id), failing.id, Some(1), 10).await.unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(code_of(&items[0]), Some(RowErrorCode::DeviceAlreadyRegistered));
}

async fn idempotency_key_returns_first_batch(db: Arc<dyn Database>) {
    let (partner, customer, _) = partner_and_customer(&db).await;
    let first = batch_for(customer.id, partner.id, 3, Some("retry-42"));
    let (created, is_new) =
        db.create_batch(&first, &pending_items(&first, 3), &audit(None, None, "batch.create")).await.unwrap();
    assert!(is_new);
    assert_eq!(created.id, first.id);
    let retry = batch_for(customer.id, partner.id, 3, Some("retry-42"));
    let (existing, is_new) =
        db.create_batch(&retry, &pending_items(&retry, 3), &audit(None, None, "batch.create")).await.unwrap();
    assert!(!is_new);
    assert_eq!(existing.id, first.id);
    assert!(
        matches!(db.get_batch(&Owner::Partner(partner.id), retry.id).await, Err(StorageError::NotFound)),
        "the retry wrote nothing"
    );
    // The key is scoped to the submitting organisation.
    let elsewhere = batch_for(customer.id, customer.id, 3, Some("retry-42"));
    let (_, is_new) = db
        .create_batch(&elsewhere, &pending_items(&elsewhere, 3), &audit(None, None, "batch.create"))
        .await
        .unwrap();
    assert!(is_new);
    assert_eq!(db.list_batch_items(&Owner::Partner(partner.id), first.id, None, 10).await.unwrap().len(), 3);
}

async fn audit_written_with_mutation_and_paged(db: Arc<dyn Database>) {
    let customer = org(&db, OrgKind::Customer, "Fabrikam").await;
    let partner = org(&db, OrgKind::Partner, "CSP").await;
    let stranger = org(&db, OrgKind::Customer, "Stranger").await;
    for i in 0..5 {
        db.append_audit(&audit(Some(partner.id), Some(customer.id), &format!("device.tag.{i}")))
            .await
            .unwrap();
    }
    // A failed mutation leaves no audit event behind.
    let before = db.list_audit(&AuditFilter { org_id: customer.id }, None, 1000).await.unwrap().len();
    let standard = tag_profile(&db, customer.id, STANDARD_TAG).await;
    let clash = Profile { id: Uuid::new_v4(), ..standard };
    assert!(db
        .create_profile(&clash, &audit(Some(customer.id), Some(customer.id), "profile.create"))
        .await
        .is_err());
    assert_eq!(db.list_audit(&AuditFilter { org_id: customer.id }, None, 1000).await.unwrap().len(), before);

    let seen_by_customer = db.list_audit(&AuditFilter { org_id: customer.id }, None, 1000).await.unwrap();
    assert_eq!(seen_by_customer.len(), 6, "org.create + 5 by the partner on its tenant");
    let seen_by_partner = db.list_audit(&AuditFilter { org_id: partner.id }, None, 1000).await.unwrap();
    assert_eq!(seen_by_partner.len(), 6);
    let seen_by_stranger = db.list_audit(&AuditFilter { org_id: stranger.id }, None, 1000).await.unwrap();
    assert_eq!(seen_by_stranger.len(), 1);

    let page1 = db.list_audit(&AuditFilter { org_id: customer.id }, None, 4).await.unwrap();
    assert_eq!(page1.len(), 4);
    assert!(page1.windows(2).all(|w| w[0].seq > w[1].seq), "newest first");
    assert_eq!(page1[0].action, "device.tag.4");
    let page2 = db.list_audit(&AuditFilter { org_id: customer.id }, Some(page1[3].seq), 4).await.unwrap();
    assert_eq!(page2.len(), 2);
    assert_eq!(page2[1].action, "org.create");
    assert_eq!(page2[1].details, serde_json::json!({ "test": true }));
    assert_eq!(page2[1].request_id.as_deref(), Some("req-test"));
}

async fn device_paging_and_filters(db: Arc<dyn Database>) {
    let customer = org(&db, OrgKind::Customer, "Fabrikam").await;
    let standard = tag_profile(&db, customer.id, STANDARD_TAG).await;
    let serials: Vec<String> = (0..7).map(|i| format!("PAGE-{i}")).collect();
    let refs: Vec<&str> = serials.iter().map(String::as_str).collect();
    register(&db, customer.id, &refs[..4], Some(&standard)).await;
    let (_, unassigned) = register(&db, customer.id, &refs[4..], None).await;
    db.deregister_device(
        &Owner::Customer(customer.id),
        unassigned[0].device_id.unwrap(),
        now(),
        &audit(None, None, "d"),
    )
    .await
    .unwrap();

    let mut cursor = None;
    let mut seen = Vec::new();
    loop {
        let page = db
            .list_devices(
                &Owner::Customer(customer.id),
                customer.id,
                &DeviceFilter::default(),
                cursor.as_deref(),
                2,
            )
            .await
            .unwrap();
        assert!(page.items.len() <= 2);
        seen.extend(page.items.into_iter().map(|d| d.id));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen.len(), 6, "deregistered devices are left out by default");
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 6, "no device twice across pages");

    let by_state = DeviceFilter { state: Some(DeviceState::Unassigned), ..DeviceFilter::default() };
    assert_eq!(
        db.list_devices(&Owner::Customer(customer.id), customer.id, &by_state, None, 100)
            .await
            .unwrap()
            .items
            .len(),
        2
    );
    let by_tag = DeviceFilter { group_tag: Some(STANDARD_TAG.into()), ..DeviceFilter::default() };
    assert_eq!(
        db.list_devices(&Owner::Customer(customer.id), customer.id, &by_tag, None, 100)
            .await
            .unwrap()
            .items
            .len(),
        4
    );
    let all = DeviceFilter { include_deregistered: true, ..DeviceFilter::default() };
    assert_eq!(
        db.list_devices(&Owner::Customer(customer.id), customer.id, &all, None, 100)
            .await
            .unwrap()
            .items
            .len(),
        7
    );
    let gone = DeviceFilter { state: Some(DeviceState::Deregistered), ..DeviceFilter::default() };
    assert_eq!(
        db.list_devices(&Owner::Customer(customer.id), customer.id, &gone, None, 100)
            .await
            .unwrap()
            .items
            .len(),
        1
    );

    let other = org(&db, OrgKind::Customer, "Other").await;
    assert!(db
        .list_devices(&Owner::Customer(other.id), other.id, &all, None, 100)
        .await
        .unwrap()
        .items
        .is_empty());
    assert!(db
        .list_devices(&Owner::Customer(other.id), customer.id, &all, None, 100)
        .await
        .unwrap()
        .items
        .is_empty());
    assert!(matches!(
        db.list_devices(&Owner::Customer(customer.id), customer.id, &all, Some("not-a-cursor"), 10).await,
        Err(StorageError::InvalidCursor)
    ));
}

async fn streamed_intake_is_claimable_only_once_sealed(db: Arc<dyn Database>) {
    let customer = org(&db, OrgKind::Customer, "Fabrikam").await;
    let batch = batch_for(customer.id, customer.id, 0, Some("upload-1"));
    let (opened, is_new) =
        db.open_batch(&batch, &audit(None, Some(customer.id), "batch.create")).await.unwrap();
    assert!(is_new);
    assert_eq!(opened.id, batch.id);
    // A retry never gets a batch still receiving as its answer (docs/domain.md#batch-lifecycle).
    let retry = batch_for(customer.id, customer.id, 0, Some("upload-1"));
    assert!(matches!(
        db.open_batch(&retry, &audit(None, None, "batch.create")).await,
        Err(StorageError::Conflict(Conflict::UploadInProgress))
    ));

    let items = pending_items(&batch, 5);
    db.append_batch_items(batch.id, &items[..3]).await.unwrap();
    assert!(
        db.claim_batch("w", now(), now() + Duration::minutes(1)).await.unwrap().is_none(),
        "still receiving"
    );
    assert!(matches!(
        db.append_batch_items(batch.id, &items[2..3]).await,
        Err(StorageError::Conflict(Conflict::BatchItemRow))
    ));
    db.append_batch_items(batch.id, &items[3..]).await.unwrap();
    let sealed = db.seal_batch(batch.id).await.unwrap();
    assert_eq!((sealed.total, sealed.status), (5, BatchStatus::Queued));
    assert_eq!(
        db.open_batch(&retry, &audit(None, None, "batch.create")).await.unwrap(),
        (sealed.clone(), false)
    );
    assert_eq!(db.seal_batch(batch.id).await.unwrap().total, 5, "sealing twice is harmless");
    assert!(matches!(
        db.append_batch_items(batch.id, &items[..1]).await,
        Err(StorageError::Conflict(Conflict::BatchSealed))
    ));
    assert!(matches!(
        db.discard_open_batch(batch.id, &audit(None, None, "batch.discard")).await,
        Err(StorageError::Conflict(Conflict::BatchSealed))
    ));
    let claimed =
        db.claim_batch("w", now(), now() + Duration::minutes(1)).await.unwrap().expect("sealed batch");
    assert_eq!(claimed.id, batch.id);
    assert_eq!(db.pending_items(batch.id, 10).await.unwrap().len(), 5);
    assert_eq!(
        db.list_batch_items(&Owner::Customer(customer.id), batch.id, None, 10).await.unwrap()[4].input,
        items[4].input
    );

    // An upload that broke off is discarded whole.
    let broken = batch_for(customer.id, customer.id, 0, None);
    db.open_batch(&broken, &audit(None, None, "batch.create")).await.unwrap();
    db.append_batch_items(broken.id, &pending_items(&broken, 2)).await.unwrap();
    db.discard_open_batch(broken.id, &audit(None, Some(customer.id), "batch.discard")).await.unwrap();
    assert!(matches!(
        db.get_batch(&Owner::Customer(customer.id), broken.id).await,
        Err(StorageError::NotFound)
    ));
    assert!(matches!(
        db.list_batch_items(&Owner::Customer(customer.id), broken.id, None, 10).await,
        Err(StorageError::NotFound)
    ));
    assert!(matches!(db.append_batch_items(broken.id, &[]).await, Err(StorageError::NotFound)));
    let discards = db.list_audit(&AuditFilter { org_id: customer.id }, None, 10).await.unwrap();
    assert_eq!(discards[0].action, "batch.discard");
}

/// An upload whose process died stays receiving; once its last rows are older than the cutoff
/// it is discarded with its rows and a closing event, and its idempotency key is free again.
/// A fresh one, and sealed batches, are kept (docs/domain.md#batch-lifecycle).
async fn abandoned_uploads_are_discarded_after_the_cutoff(db: Arc<dyn Database>) {
    let customer = org(&db, OrgKind::Customer, "Fabrikam").await;
    let abandoned = batch_for(customer.id, customer.id, 0, Some("crashed"));
    db.open_batch(&abandoned, &audit(None, Some(customer.id), "batch.create")).await.unwrap();
    db.append_batch_items(abandoned.id, &pending_items(&abandoned, 3)).await.unwrap();
    let sealed = batch_for(customer.id, customer.id, 0, None);
    db.open_batch(&sealed, &audit(None, None, "batch.create")).await.unwrap();
    db.append_batch_items(sealed.id, &pending_items(&sealed, 2)).await.unwrap();
    db.seal_batch(sealed.id).await.unwrap();
    let cutoff = now() + Duration::milliseconds(1);
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let fresh = batch_for(customer.id, customer.id, 0, Some("sending"));
    db.open_batch(&fresh, &audit(None, None, "batch.create")).await.unwrap();

    assert_eq!(db.discard_stale_uploads(cutoff).await.unwrap(), vec![abandoned.id]);
    assert!(db.discard_stale_uploads(cutoff).await.unwrap().is_empty(), "once");
    let owner = Owner::Customer(customer.id);
    assert!(matches!(db.get_batch(&owner, abandoned.id).await, Err(StorageError::NotFound)));
    assert!(matches!(db.append_batch_items(abandoned.id, &[]).await, Err(StorageError::NotFound)));
    assert_eq!(db.get_batch(&owner, sealed.id).await.unwrap().total, 2);
    db.append_batch_items(fresh.id, &pending_items(&fresh, 1)).await.unwrap();
    let trail = db.list_audit(&AuditFilter { org_id: customer.id }, None, 10).await.unwrap();
    let closing = trail.iter().find(|e| e.target_id.as_deref() == Some(&abandoned.id.to_string())).unwrap();
    assert_eq!((closing.action.as_str(), closing.tenant_org_id), ("device_batch.discard", Some(customer.id)));
    assert!(closing.details["reason"].as_str().unwrap().contains("abandoned"), "{:?}", closing.details);

    // The key is free: the retry is a new upload; the fresh upload's key still answers 409.
    let retry = batch_for(customer.id, customer.id, 0, Some("crashed"));
    assert!(db.open_batch(&retry, &audit(None, None, "batch.create")).await.unwrap().1);
    let again = batch_for(customer.id, customer.id, 0, Some("sending"));
    assert!(matches!(
        db.open_batch(&again, &audit(None, None, "batch.create")).await,
        Err(StorageError::Conflict(Conflict::UploadInProgress))
    ));
}

/// A worker that lost its lease may still be mid-chunk when another takes the batch over:
/// both run the same chunk at once, and each row must still be processed exactly once.
async fn two_workers_on_one_batch_process_each_row_once(db: Arc<dyn Database>) {
    let customer = org(&db, OrgKind::Customer, "Fabrikam").await;
    let rows = 200;
    let batch = batch_for(customer.id, customer.id, rows, None);
    db.create_batch(&batch, &pending_items(&batch, rows), &audit(None, None, "batch.create")).await.unwrap();
    let chunk: Arc<Vec<ChunkItem>> = Arc::new(
        (1..=rows)
            .map(|row| ChunkItem::Register {
                row,
                device: new_device(&format!("TWIN-{row}"), None),
                unassigned: true,
            })
            .collect(),
    );
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let (db, batch, chunk) = (db.clone(), batch.clone(), chunk.clone());
            tokio::spawn(async move { db.process_chunk(&batch, &chunk, now() + Duration::minutes(1)).await })
        })
        .collect();
    let mut processed = 0;
    for worker in workers {
        processed += worker.await.unwrap().expect("chunk").len();
    }
    assert_eq!(processed, rows as usize, "every row processed by exactly one of the workers");
    let batch = db.get_batch(&Owner::Customer(customer.id), batch.id).await.unwrap();
    assert_eq!((batch.unassigned, batch.failed), (rows, 0));
    let items = db.list_batch_items(&Owner::Customer(customer.id), batch.id, None, 1000).await.unwrap();
    assert!(items.iter().all(|i| i.status == ItemStatus::Unassigned && i.error.is_none()));
}

// ---- consent checked where the work happens -------------------------------------------------

/// A partner with an active relationship to a fresh customer.
async fn partner_and_customer(db: &Arc<dyn Database>) -> (Organisation, Organisation, Relationship) {
    let partner = org(db, OrgKind::Partner, "CSP").await;
    let customer = org(db, OrgKind::Customer, "Customer").await;
    let link = invitation(partner.id, RelationshipKind::Csp, None, false);
    db.create_invitation(&link, &audit(Some(partner.id), None, "invitation.create")).await.unwrap();
    let rel = db
        .accept_invitation(
            link.id,
            &relationship(partner.id, customer.id, RelationshipKind::Csp),
            &audit(Some(customer.id), Some(customer.id), "invitation.accept"),
        )
        .await
        .unwrap();
    (partner, customer, rel)
}

fn register_rows(prefix: &str, rows: std::ops::RangeInclusive<i64>) -> Vec<ChunkItem> {
    rows.map(|row| ChunkItem::Register {
        row,
        device: new_device(&format!("{prefix}-{row}"), None),
        unassigned: true,
    })
    .collect()
}

async fn revoke_between_chunks_fails_the_rest_of_a_partner_batch(db: Arc<dyn Database>) {
    let (partner, customer, rel) = partner_and_customer(&db).await;
    let batch = batch_for(customer.id, partner.id, 6, None);
    db.create_batch(
        &batch,
        &pending_items(&batch, 6),
        &audit(Some(partner.id), Some(customer.id), "batch.create"),
    )
    .await
    .unwrap();
    let claimed = db.claim_batch("w", now(), now() + Duration::minutes(1)).await.unwrap().expect("claimed");
    let first =
        db.process_chunk(&claimed, &register_rows("REV", 1..=3), now() + Duration::minutes(1)).await.unwrap();
    assert!(first.iter().all(|(_, status, id)| *status == ItemStatus::Unassigned && id.is_some()));

    db.revoke_relationship(customer.id, rel.id, now(), &audit(Some(customer.id), Some(customer.id), "r"))
        .await
        .unwrap();
    let mut second = register_rows("REV", 4..=5);
    second.push(ChunkItem::Fail { row: 6, error: RowError::new(RowErrorCode::InvalidHardwareHash, "bad") });
    let done = db.process_chunk(&claimed, &second, now() + Duration::minutes(1)).await.unwrap();
    assert_eq!(
        done,
        vec![(4, ItemStatus::Failed, None), (5, ItemStatus::Failed, None), (6, ItemStatus::Failed, None)]
    );
    for serial in ["REV-4", "REV-5"] {
        let key = format!("uuid|{serial}");
        assert!(
            db.find_first_boot(None, None, Some(&key)).await.unwrap().is_none(),
            "{serial} not registered"
        );
    }
    assert!(db.pending_items(batch.id, 10).await.unwrap().is_empty());
    let finished =
        db.finish_batch(batch.id, now(), &audit(None, Some(customer.id), "batch.finish")).await.unwrap();
    assert_eq!(
        (finished.status, finished.unassigned, finished.registered, finished.failed),
        (BatchStatus::FinishedWithErrors, 3, 0, 3)
    );
    let items = db.list_batch_items(&Owner::Customer(customer.id), batch.id, None, 10).await.unwrap();
    assert!(items[..3].iter().all(|i| i.status == ItemStatus::Unassigned));
    for item in &items[3..] {
        assert_eq!(item.status, ItemStatus::Failed);
        assert_eq!(code_of(item), Some(RowErrorCode::RelationshipRevoked));
        assert_eq!(item.error, Some(RowError::relationship_revoked()));
    }
}

async fn revoke_before_any_chunk_fails_every_row(db: Arc<dyn Database>) {
    let (partner, customer, rel) = partner_and_customer(&db).await;
    let batch = batch_for(customer.id, partner.id, 4, None);
    db.create_batch(&batch, &pending_items(&batch, 4), &audit(None, None, "batch.create")).await.unwrap();
    // A customer's own batch, queued at the same time, is not affected by the revocation.
    let own = batch_for(customer.id, customer.id, 2, None);
    db.create_batch(&own, &pending_items(&own, 2), &audit(None, None, "batch.create")).await.unwrap();
    db.revoke_relationship(customer.id, rel.id, now(), &audit(None, None, "r")).await.unwrap();

    let claimed = db.claim_batch("w", now(), now() + Duration::minutes(1)).await.unwrap().expect("claimed");
    assert_eq!(claimed.id, batch.id, "oldest first");
    let done = db
        .process_chunk(&claimed, &register_rows("EARLY", 1..=4), now() + Duration::minutes(1))
        .await
        .unwrap();
    assert_eq!(done.len(), 4);
    assert!(done.iter().all(|(_, status, id)| *status == ItemStatus::Failed && id.is_none()));
    let finished = db.finish_batch(batch.id, now(), &audit(None, None, "batch.finish")).await.unwrap();
    assert_eq!(
        (finished.status, finished.failed, finished.unassigned),
        (BatchStatus::FinishedWithErrors, 4, 0)
    );
    let all = DeviceFilter { include_deregistered: true, ..DeviceFilter::default() };
    assert!(
        db.list_devices(&Owner::Customer(customer.id), customer.id, &all, None, 100)
            .await
            .unwrap()
            .items
            .is_empty(),
        "zero devices"
    );

    let claimed = db.claim_batch("w", now(), now() + Duration::minutes(1)).await.unwrap().expect("own batch");
    assert_eq!(claimed.id, own.id);
    let done =
        db.process_chunk(&claimed, &register_rows("OWN", 1..=2), now() + Duration::minutes(1)).await.unwrap();
    assert!(done.iter().all(|(_, status, _)| *status == ItemStatus::Unassigned));
}

async fn intake_after_revoke_is_refused(db: Arc<dyn Database>) {
    let (partner, customer, rel) = partner_and_customer(&db).await;
    let streamed = batch_for(customer.id, partner.id, 0, None);
    db.open_batch(&streamed, &audit(None, None, "batch.create")).await.unwrap();
    let items = pending_items(&streamed, 4);
    db.append_batch_items(streamed.id, &items[..2]).await.unwrap();
    let keyed = batch_for(customer.id, partner.id, 1, Some("key-1"));
    db.create_batch(&keyed, &pending_items(&keyed, 1), &audit(None, None, "batch.create")).await.unwrap();
    db.revoke_relationship(customer.id, rel.id, now(), &audit(None, None, "r")).await.unwrap();
    // (The revocation itself is on the partner's trail: a copy of the customer's decision.)
    let audit_before = db.list_audit(&AuditFilter { org_id: partner.id }, None, 1000).await.unwrap().len();
    assert!(matches!(
        db.append_batch_items(streamed.id, &items[2..]).await,
        Err(StorageError::ConsentRevoked)
    ));
    assert!(matches!(db.seal_batch(streamed.id).await, Err(StorageError::ConsentRevoked)));
    let fresh = batch_for(customer.id, partner.id, 2, None);
    assert!(matches!(
        db.create_batch(&fresh, &pending_items(&fresh, 2), &audit(Some(partner.id), None, "batch.create"))
            .await,
        Err(StorageError::ConsentRevoked)
    ));
    let opened = batch_for(customer.id, partner.id, 0, None);
    assert!(matches!(
        db.open_batch(&opened, &audit(Some(partner.id), None, "batch.create")).await,
        Err(StorageError::ConsentRevoked)
    ));
    let retry = batch_for(customer.id, partner.id, 1, Some("key-1"));
    assert!(matches!(
        db.create_batch(&retry, &pending_items(&retry, 1), &audit(None, None, "batch.create")).await,
        Err(StorageError::ConsentRevoked)
    ));
    // Nothing written: no batch, no items, not claimable, no audit event.
    assert!(matches!(
        db.get_batch(&Owner::Customer(customer.id), fresh.id).await,
        Err(StorageError::NotFound)
    ));
    assert!(matches!(
        db.get_batch(&Owner::Customer(customer.id), opened.id).await,
        Err(StorageError::NotFound)
    ));
    assert_eq!(
        db.list_batch_items(&Owner::Customer(customer.id), streamed.id, None, 10).await.unwrap().len(),
        2
    );
    let claimed = db.claim_batch("w", now(), now() + Duration::minutes(1)).await.unwrap().expect("keyed");
    assert_eq!(claimed.id, keyed.id, "the unsealed upload is never claimable");
    assert!(db.claim_batch("w", now(), now() + Duration::minutes(1)).await.unwrap().is_none());
    let audit_after = db.list_audit(&AuditFilter { org_id: partner.id }, None, 1000).await.unwrap().len();
    assert_eq!(audit_after, audit_before, "the refused calls wrote no audit event");

    // The customer's own intake goes on.
    let own = batch_for(customer.id, customer.id, 0, None);
    db.open_batch(&own, &audit(None, None, "batch.create")).await.unwrap();
    db.append_batch_items(own.id, &pending_items(&own, 2)).await.unwrap();
    assert_eq!(db.seal_batch(own.id).await.unwrap().total, 2);
}

/// The chunk reads the relationship in its own transaction: a revocation committed before the
/// chunk fails its rows; one that races the chunk waits for it (PostgreSQL `FOR SHARE`, SQLite's
/// single writer), so no chunk registers a device after the revocation committed.
async fn revoke_waits_for_a_chunk_holding_consent(db: Arc<dyn Database>) {
    let (partner, customer, rel) = partner_and_customer(&db).await;
    let rows = 400;
    let batch = batch_for(customer.id, partner.id, rows, None);
    db.create_batch(&batch, &pending_items(&batch, rows), &audit(None, None, "batch.create")).await.unwrap();
    let claimed = db.claim_batch("w", now(), now() + Duration::minutes(5)).await.unwrap().expect("claimed");
    let worker = {
        let (db, claimed) = (db.clone(), claimed.clone());
        tokio::spawn(async move {
            let mut outcomes = Vec::new();
            for part in register_rows("RACE", 1..=rows).chunks(20) {
                let at = Utc::now();
                let done = db.process_chunk(&claimed, part, now() + Duration::minutes(5)).await.unwrap();
                outcomes.push((at, Utc::now(), done));
            }
            outcomes
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    db.revoke_relationship(customer.id, rel.id, now(), &audit(None, None, "r")).await.unwrap();
    let revoked_at = Utc::now();
    let outcomes = worker.await.unwrap();
    // Every chunk is all-or-nothing, chunks that registered precede the ones that failed, and no
    // chunk that started after the revocation returned registered anything.
    let mut failing = false;
    for (started, _, done) in &outcomes {
        let failed = done.iter().all(|(_, status, _)| *status == ItemStatus::Failed);
        let registered = done.iter().all(|(_, status, _)| *status == ItemStatus::Unassigned);
        assert!(failed || registered, "a chunk is all-or-nothing");
        if failing {
            assert!(failed, "no chunk registers after one saw the revocation");
        }
        failing |= failed;
        if *started > revoked_at {
            assert!(failed, "a chunk started after the revoke committed must fail");
        }
    }
    let registered: usize = outcomes
        .iter()
        .flat_map(|(_, _, done)| done)
        .filter(|(_, status, _)| *status == ItemStatus::Unassigned)
        .count();
    let all = DeviceFilter::default();
    assert_eq!(
        db.list_devices(&Owner::Customer(customer.id), customer.id, &all, None, 1000)
            .await
            .unwrap()
            .items
            .len(),
        registered
    );
}

// ---- owner filtering ------------------------------------------------------------------------

fn user_of(org: Uuid, email: &str) -> User {
    User {
        id: Uuid::new_v4(),
        org_id: org,
        email: email.into(),
        role: Role::Admin,
        password_hash: "$argon2id$stub".into(),
        must_change_password: false,
        created_at: now(),
        disabled_at: None,
        one_time_password_expires_at: None,
        language: None,
    }
}

/// A batch of `serials` for `customer` submitted by `submitter`, processed in one chunk.
async fn register_as(
    db: &Arc<dyn Database>,
    customer: Uuid,
    submitter: Uuid,
    serials: &[&str],
) -> (Batch, Vec<Uuid>) {
    let batch = batch_for(customer, submitter, serials.len() as i64, None);
    db.create_batch(&batch, &pending_items(&batch, serials.len() as i64), &audit(None, None, "batch.create"))
        .await
        .unwrap();
    let chunk: Vec<ChunkItem> = serials
        .iter()
        .enumerate()
        .map(|(i, serial)| ChunkItem::Register {
            row: i as i64 + 1,
            device: new_device(serial, None),
            unassigned: true,
        })
        .collect();
    let done = db.process_chunk(&batch, &chunk, now() + Duration::minutes(5)).await.unwrap();
    (batch, done.into_iter().map(|(_, _, id)| id.expect("registered")).collect())
}

async fn assert_unreachable(db: &Arc<dyn Database>, owner: Owner, device: Uuid, batch: Uuid, why: &str) {
    let a = audit(Some(owner.org_id()), None, "device.tag");
    assert!(matches!(db.get_device(&owner, device).await, Err(StorageError::NotFound)), "get_device: {why}");
    assert!(
        matches!(
            db.update_device_tag(&owner, device, Some("X"), None, &a).await,
            Err(StorageError::NotFound)
        ),
        "update_device_tag: {why}"
    );
    assert!(
        matches!(db.deregister_device(&owner, device, now(), &a).await, Err(StorageError::NotFound)),
        "deregister_device: {why}"
    );
    assert!(matches!(db.get_batch(&owner, batch).await, Err(StorageError::NotFound)), "get_batch: {why}");
    assert!(
        matches!(db.list_batch_items(&owner, batch, None, 10).await, Err(StorageError::NotFound)),
        "list_batch_items: {why}"
    );
}

async fn owner_filtering_reaches_only_own_tenant_data(db: Arc<dyn Database>) {
    let (partner, customer, rel) = partner_and_customer(&db).await;
    let stranger = org(&db, OrgKind::Customer, "Stranger").await;
    // Another partner of the same customer.
    let rival = org(&db, OrgKind::Partner, "Rival").await;
    let link = invitation(rival.id, RelationshipKind::Csp, None, false);
    db.create_invitation(&link, &audit(None, None, "invitation.create")).await.unwrap();
    db.accept_invitation(
        link.id,
        &relationship(rival.id, customer.id, RelationshipKind::Csp),
        &audit(None, None, "a"),
    )
    .await
    .unwrap();

    let (partner_batch, partner_devices) =
        register_as(&db, customer.id, partner.id, &["OWN-1", "OWN-2", "OWN-3"]).await;
    let (own_batch, own_devices) = register_as(&db, customer.id, customer.id, &["CUST-1"]).await;
    let (p, c) = (Owner::Partner(partner.id), Owner::Customer(customer.id));
    let all = DeviceFilter { include_deregistered: true, ..DeviceFilter::default() };

    // Reachable: the customer everything on its tenant, the partner its own registrations.
    assert_eq!(db.get_device(&p, partner_devices[0]).await.unwrap().registered_by_org_id, partner.id);
    assert_eq!(db.get_device(&c, partner_devices[0]).await.unwrap().id, partner_devices[0]);
    assert_eq!(db.get_batch(&p, partner_batch.id).await.unwrap().id, partner_batch.id);
    assert_eq!(db.get_batch(&c, partner_batch.id).await.unwrap().id, partner_batch.id);
    assert_eq!(db.list_batch_items(&p, partner_batch.id, None, 10).await.unwrap().len(), 3);
    assert_eq!(db.list_devices(&p, customer.id, &all, None, 100).await.unwrap().items.len(), 3);
    assert_eq!(db.list_devices(&c, customer.id, &all, None, 100).await.unwrap().items.len(), 4);
    let tagged = db
        .update_device_tag(&p, partner_devices[0], Some("Lab_"), None, &audit(None, None, "device.tag"))
        .await
        .unwrap();
    assert_eq!(tagged.group_tag.as_deref(), Some("Lab_"));

    // Not reachable: another customer, another partner, the partner on the customer's own data.
    for (owner, why) in [
        (Owner::Customer(stranger.id), "another customer"),
        (Owner::Partner(rival.id), "a partner that did not register it"),
    ] {
        assert_unreachable(&db, owner, partner_devices[1], partner_batch.id, why).await;
        assert!(
            db.list_devices(&owner, customer.id, &all, None, 100).await.unwrap().items.is_empty(),
            "{why}"
        );
    }
    assert_unreachable(&db, p, own_devices[0], own_batch.id, "the customer's own registration").await;
    // A profile of another tenant cannot be put on a device.
    let foreign = tag_profile(&db, stranger.id, STANDARD_TAG).await;
    assert!(matches!(
        db.update_device_tag(
            &c,
            own_devices[0],
            Some(STANDARD_TAG),
            Some(foreign.id),
            &audit(None, None, "t")
        )
        .await,
        Err(StorageError::NotFound)
    ));

    // Relationships: only either side sees or revokes.
    assert!(matches!(db.get_relationship(stranger.id, rel.id).await, Err(StorageError::NotFound)));
    assert!(matches!(db.get_relationship(rival.id, rel.id).await, Err(StorageError::NotFound)));
    assert_eq!(db.get_relationship(partner.id, rel.id).await.unwrap().id, rel.id);
    for outsider in [stranger.id, rival.id] {
        assert!(matches!(
            db.revoke_relationship(outsider, rel.id, now(), &audit(None, None, "r")).await,
            Err(StorageError::NotFound)
        ));
    }
    assert!(db.find_active_relationship(partner.id, customer.id).await.unwrap().is_some(), "still active");

    // After the customer revoked, the partner reaches nothing of the tenant; the customer all.
    db.revoke_relationship(customer.id, rel.id, now(), &audit(Some(customer.id), Some(customer.id), "r"))
        .await
        .unwrap();
    assert_eq!(db.get_relationship(partner.id, rel.id).await.unwrap().revoked_by_org_id, Some(customer.id));
    assert_unreachable(&db, p, partner_devices[1], partner_batch.id, "a partner after revocation").await;
    assert!(db.list_devices(&p, customer.id, &all, None, 100).await.unwrap().items.is_empty());
    assert_eq!(db.get_device(&c, partner_devices[1]).await.unwrap().state, DeviceState::Unassigned);
    db.deregister_device(&c, partner_devices[1], now(), &audit(None, None, "d")).await.unwrap();

    // Users: a password only within the org.
    let user = user_of(customer.id, "admin@customer.example");
    db.create_user(&user, &audit(Some(customer.id), Some(customer.id), "user.create")).await.unwrap();
    assert!(matches!(
        db.set_password(stranger.id, user.id, "$argon2id$evil", None, None, &audit(None, None, "p")).await,
        Err(StorageError::NotFound)
    ));
    assert_eq!(db.get_user(user.id).await.unwrap().password_hash, user.password_hash);

    // Audit: only the org's own events and those on its tenant.
    for event in db.list_audit(&AuditFilter { org_id: stranger.id }, None, 1000).await.unwrap() {
        assert!(
            event.actor_org_id == Some(stranger.id) || event.tenant_org_id == Some(stranger.id),
            "{event:?}"
        );
    }
    let customers_view = db.list_audit(&AuditFilter { org_id: customer.id }, None, 1000).await.unwrap();
    assert!(customers_view.iter().any(|e| e.action == "user.create"));
    assert!(db
        .list_audit(&AuditFilter { org_id: stranger.id }, None, 1000)
        .await
        .unwrap()
        .iter()
        .all(|e| e.action != "user.create"));
}

async fn activation_and_sign_in_are_audited_once(db: Arc<dyn Database>) {
    let customer = org(&db, OrgKind::Customer, "Fabrikam").await;
    let standard = tag_profile(&db, customer.id, STANDARD_TAG).await;
    let (_, items) = register(&db, customer.id, &["ACT-1"], Some(&standard)).await;
    let id = items[0].device_id.unwrap();
    let activated = || audit(None, Some(customer.id), "device.activated");
    let count = |events: &[AuditEvent]| events.iter().filter(|e| e.action == "device.activated").count();

    let first = db.mark_device_active(id, now(), &activated()).await.unwrap();
    assert_eq!(first.state, DeviceState::Active);
    for _ in 0..2 {
        assert_eq!(
            db.mark_device_active(id, now(), &activated()).await.unwrap().activated_at,
            first.activated_at
        );
    }
    let events = db.list_audit(&AuditFilter { org_id: customer.id }, None, 1000).await.unwrap();
    assert_eq!(count(&events), 1, "only the first activation is audited");
    // An unassigned device is not activated and nothing is audited.
    let (_, items) = register(&db, customer.id, &["ACT-2"], None).await;
    db.mark_device_active(items[0].device_id.unwrap(), now(), &activated()).await.unwrap();
    let events = db.list_audit(&AuditFilter { org_id: customer.id }, None, 1000).await.unwrap();
    assert_eq!(count(&events), 1);

    let user = user_of(customer.id, "signin@fabrikam.example");
    db.create_user(&user, &audit(None, None, "user.create")).await.unwrap();
    let session = Session {
        token_hash: "ef".repeat(32),
        user_id: user.id,
        csrf_token: "csrf".into(),
        created_at: now(),
        expires_at: now() + Duration::hours(1),
    };
    db.create_session(&session, &audit(Some(customer.id), Some(customer.id), "session.sign_in"))
        .await
        .unwrap();
    assert!(matches!(
        db.create_session(&session, &audit(Some(customer.id), Some(customer.id), "session.sign_in")).await,
        Err(StorageError::Conflict(Conflict::SessionTaken))
    ));
    let events = db.list_audit(&AuditFilter { org_id: customer.id }, None, 1000).await.unwrap();
    assert_eq!(events.iter().filter(|e| e.action == "session.sign_in").count(), 1);
}

async fn create_org_with_admin_is_all_or_nothing(db: Arc<dyn Database>) {
    let first = Organisation {
        id: Uuid::new_v4(),
        kind: OrgKind::Customer,
        name: "First".into(),
        domain: None,
        created_at: now(),
    };
    let admin = user_of(first.id, "admin@example.com");
    db.create_org(
        &first,
        Some(&admin),
        &[audit(None, Some(first.id), "org.create"), audit(None, Some(first.id), "user.create")],
    )
    .await
    .unwrap();
    assert_eq!(db.get_user(admin.id).await.unwrap(), admin);
    assert_eq!(db.list_audit(&AuditFilter { org_id: first.id }, None, 10).await.unwrap().len(), 2);

    let second = Organisation { id: Uuid::new_v4(), name: "Second".into(), ..first.clone() };
    let clash = user_of(second.id, "ADMIN@example.com");
    assert!(matches!(
        db.create_org(&second, Some(&clash), &[audit(None, Some(second.id), "org.create")]).await,
        Err(StorageError::Conflict(Conflict::EmailTaken))
    ));
    assert!(matches!(db.get_org(second.id).await, Err(StorageError::NotFound)));
    assert!(matches!(db.get_user(clash.id).await, Err(StorageError::NotFound)));
    assert!(db.list_profiles(second.id).await.unwrap().is_empty());
    assert!(db.list_audit(&AuditFilter { org_id: second.id }, None, 10).await.unwrap().is_empty());
}

fn operator(name: &str) -> (Organisation, User) {
    let org = Organisation {
        id: Uuid::new_v4(),
        kind: OrgKind::Operator,
        name: name.into(),
        domain: None,
        created_at: now(),
    };
    let admin = user_of(org.id, &format!("admin@{name}.example"));
    (org, admin)
}

async fn bootstrap_operator_only_on_an_empty_database(db: Arc<dyn Database>) {
    let (org, admin) = operator("first");
    assert!(db
        .bootstrap_operator(&org, &admin, &[audit(None, Some(org.id), "org.bootstrap")])
        .await
        .unwrap());
    assert_eq!(db.get_org(org.id).await.unwrap().kind, OrgKind::Operator);
    assert_eq!(db.get_user(admin.id).await.unwrap().org_id, org.id);
    assert_eq!(db.list_audit(&AuditFilter { org_id: org.id }, None, 10).await.unwrap().len(), 1);
    let (again, again_admin) = operator("second");
    assert!(!db
        .bootstrap_operator(&again, &again_admin, &[audit(None, Some(again.id), "org.bootstrap")])
        .await
        .unwrap());
    assert!(matches!(db.get_org(again.id).await, Err(StorageError::NotFound)));
    assert!(matches!(db.get_user(again_admin.id).await, Err(StorageError::NotFound)));
    assert!(db.list_audit(&AuditFilter { org_id: again.id }, None, 10).await.unwrap().is_empty());
    assert_eq!(db.list_orgs().await.unwrap().len(), 1);
}

async fn concurrent_bootstrap_creates_one_operator(db: Arc<dyn Database>) {
    let tasks: Vec<_> = (0..4)
        .map(|i| {
            let db = db.clone();
            tokio::spawn(async move {
                let (org, admin) = operator(&format!("racer{i}"));
                db.bootstrap_operator(&org, &admin, &[audit(None, Some(org.id), "org.bootstrap")]).await
            })
        })
        .collect();
    let mut created = 0;
    for task in tasks {
        created += usize::from(task.await.unwrap().expect("bootstrap"));
    }
    assert_eq!(created, 1, "exactly one bootstrap wins");
    assert_eq!(db.list_orgs().await.unwrap().len(), 1);
}

async fn invitation_bound_to_another_customer_is_not_found(db: Arc<dyn Database>) {
    let partner = org(&db, OrgKind::Partner, "CSP").await;
    let intended = org(&db, OrgKind::Customer, "Intended").await;
    let other = org(&db, OrgKind::Customer, "Other").await;
    let link = invitation(partner.id, RelationshipKind::Csp, Some(intended.id), false);
    db.create_invitation(&link, &audit(None, None, "invitation.create")).await.unwrap();
    assert!(matches!(
        db.accept_invitation(
            link.id,
            &relationship(partner.id, other.id, RelationshipKind::Csp),
            &audit(None, None, "a")
        )
        .await,
        Err(StorageError::NotFound)
    ));
    // A relationship with someone else than the link's creator is refused the same way.
    let impostor = org(&db, OrgKind::Partner, "Impostor").await;
    assert!(matches!(
        db.accept_invitation(
            link.id,
            &relationship(impostor.id, intended.id, RelationshipKind::Csp),
            &audit(None, None, "a")
        )
        .await,
        Err(StorageError::NotFound)
    ));
    assert_eq!(db.find_invitation_by_token_hash(&link.token_hash).await.unwrap().accepted_count, 0);
    assert!(db.list_relationships(other.id).await.unwrap().is_empty());
    let accepted = db
        .accept_invitation(
            link.id,
            &relationship(partner.id, intended.id, RelationshipKind::Csp),
            &audit(None, None, "a"),
        )
        .await
        .unwrap();
    assert_eq!(accepted.customer_org_id, intended.id);
}

/// PostgreSQL only: the chunk reads the relationship `FOR SHARE`, so a revocation in progress
/// (its `UPDATE` holds the row) makes the chunk wait, and once it commits the chunk sees it
/// revoked. Without the lock the chunk would read the old, active row and register devices.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_chunk_waits_for_a_revocation_in_progress() {
    let Some(url) = ztd_storage::testing::fresh_postgres_url().await else { return };
    let pg = PostgresDatabase::connect(&url).await.expect("connect to PostgreSQL");
    let db: Arc<dyn Database> = Arc::new(pg.clone());
    let (partner, customer, rel) = partner_and_customer(&db).await;
    let batch = batch_for(customer.id, partner.id, 3, None);
    db.create_batch(&batch, &pending_items(&batch, 3), &audit(None, None, "batch.create")).await.unwrap();

    let mut revoking = pg.pool().begin().await.unwrap();
    sqlx::query(
        "UPDATE relationships SET revoked_at = now(), revoked_by_org_id = customer_org_id WHERE id = $1",
    )
    .bind(rel.id)
    .execute(&mut *revoking)
    .await
    .unwrap();
    let chunk = {
        let (db, batch) = (db.clone(), batch.clone());
        tokio::spawn(async move {
            db.process_chunk(&batch, &register_rows("WAIT", 1..=3), now() + Duration::minutes(1)).await
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(!chunk.is_finished(), "the chunk waits for the revocation to commit or roll back");
    revoking.commit().await.unwrap();
    let done = chunk.await.unwrap().unwrap();
    assert_eq!(done.len(), 3);
    assert!(done.iter().all(|(_, status, id)| *status == ItemStatus::Failed && id.is_none()));

    // The same for a partner's device mutation and a streamed upload's append.
    let (partner, customer, rel) = partner_and_customer(&db).await;
    let (_, devices) = register_as(&db, customer.id, partner.id, &["HELD-1"]).await;
    let upload = batch_for(customer.id, partner.id, 0, None);
    db.open_batch(&upload, &audit(None, None, "batch.create")).await.unwrap();
    let mut revoking = pg.pool().begin().await.unwrap();
    sqlx::query(
        "UPDATE relationships SET revoked_at = now(), revoked_by_org_id = customer_org_id WHERE id = $1",
    )
    .bind(rel.id)
    .execute(&mut *revoking)
    .await
    .unwrap();
    let deregister = {
        let db = db.clone();
        let owner = Owner::Partner(partner.id);
        tokio::spawn(
            async move { db.deregister_device(&owner, devices[0], now(), &audit(None, None, "d")).await },
        )
    };
    let append = {
        let (db, items) = (db.clone(), pending_items(&upload, 2));
        tokio::spawn(async move { db.append_batch_items(upload.id, &items).await })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(!deregister.is_finished() && !append.is_finished(), "both wait for the revocation");
    revoking.commit().await.unwrap();
    assert!(matches!(deregister.await.unwrap(), Err(StorageError::NotFound)));
    assert!(matches!(append.await.unwrap(), Err(StorageError::ConsentRevoked)));

    pg.pool().close().await;
    ztd_storage::testing::drop_postgres_database(&url).await;
}

fn session_of(user_id: Uuid, expires_at: DateTime<Utc>) -> Session {
    Session {
        token_hash: Uuid::new_v4().simple().to_string(),
        user_id,
        csrf_token: Uuid::new_v4().simple().to_string(),
        created_at: now(),
        expires_at,
    }
}

/// A password change ends every session of the user and stores the rotated one in the same
/// transaction; a refused change (another org's user) ends none. Expired sessions are purged,
/// live ones stay (docs/security.md).
async fn password_change_ends_sessions_and_expired_ones_are_purged(db: Arc<dyn Database>) {
    let customer = org(&db, OrgKind::Customer, "Sessions").await;
    let stranger = org(&db, OrgKind::Customer, "Stranger").await;
    let user = User {
        id: Uuid::new_v4(),
        org_id: customer.id,
        email: "sessions@fabrikam.example".into(),
        role: Role::Admin,
        password_hash: "$argon2id$old".into(),
        must_change_password: false,
        created_at: now(),
        disabled_at: None,
        one_time_password_expires_at: None,
        language: None,
    };
    db.create_user(&user, &audit(None, None, "user.create")).await.unwrap();
    let live = now() + Duration::hours(8);
    let (a, b) = (session_of(user.id, live), session_of(user.id, live));
    for session in [&a, &b] {
        db.create_session(session, &audit(None, None, "user.sign_in")).await.unwrap();
    }
    let rotated = session_of(user.id, live);
    assert!(matches!(
        db.set_password(stranger.id, user.id, "x", None, Some(&rotated), &audit(None, None, "p")).await,
        Err(StorageError::NotFound)
    ));
    assert!(db.find_session(&a.token_hash).await.is_ok(), "a refused change ended a session");
    assert!(matches!(db.find_session(&rotated.token_hash).await, Err(StorageError::NotFound)));
    db.set_password(customer.id, user.id, "$argon2id$new", None, Some(&rotated), &audit(None, None, "p"))
        .await
        .unwrap();
    for ended in [&a, &b] {
        assert!(matches!(db.find_session(&ended.token_hash).await, Err(StorageError::NotFound)));
    }
    assert_eq!(db.find_session(&rotated.token_hash).await.unwrap(), rotated);

    let expired =
        [session_of(user.id, now() - Duration::minutes(1)), session_of(user.id, now() - Duration::days(3))];
    for session in &expired {
        db.create_session(session, &audit(None, None, "user.sign_in")).await.unwrap();
    }
    assert_eq!(db.purge_expired_sessions(now()).await.unwrap(), 2);
    for session in &expired {
        assert!(matches!(db.find_session(&session.token_hash).await, Err(StorageError::NotFound)));
    }
    assert_eq!(db.find_session(&rotated.token_hash).await.unwrap(), rotated);
    assert_eq!(db.purge_expired_sessions(now()).await.unwrap(), 0);

    // A one-time password (a reset) must be changed and expires; it ends the sessions too.
    let until = now() + Duration::days(7);
    db.set_password(customer.id, user.id, "$argon2id$otp", Some(until), None, &audit(None, None, "p"))
        .await
        .unwrap();
    let reset = db.get_user(user.id).await.unwrap();
    assert_eq!((reset.must_change_password, reset.one_time_password_expires_at), (true, Some(until)));
    assert!(matches!(db.find_session(&rotated.token_hash).await, Err(StorageError::NotFound)));
    db.set_password(customer.id, user.id, "$argon2id$own", None, None, &audit(None, None, "p"))
        .await
        .unwrap();
    let own = db.get_user(user.id).await.unwrap();
    assert_eq!((own.must_change_password, own.one_time_password_expires_at), (false, None));
}

/// Disabling a user sets `disabled_at` and deletes their sessions in one transaction; another
/// org cannot, and a second disable is `NotFound`.
async fn disabling_a_user_ends_their_sessions_once(db: Arc<dyn Database>) {
    let customer = org(&db, OrgKind::Customer, "Disabling").await;
    let stranger = org(&db, OrgKind::Customer, "Stranger").await;
    let user = user_of(customer.id, "leaver@fabrikam.example");
    db.create_user(&user, &audit(None, None, "user.create")).await.unwrap();
    let session = session_of(user.id, now() + Duration::hours(8));
    db.create_session(&session, &audit(None, None, "user.sign_in")).await.unwrap();
    let at = now();
    assert!(matches!(
        db.disable_user(stranger.id, user.id, at, true, &audit(None, None, "user.disable")).await,
        Err(StorageError::NotFound)
    ));
    assert!(db.find_session(&session.token_hash).await.is_ok());
    // The only admin: the operator console may disable it (`keep_an_admin` false).
    db.disable_user(
        customer.id,
        user.id,
        at,
        false,
        &audit(Some(customer.id), Some(customer.id), "user.disable"),
    )
    .await
    .unwrap();
    assert_eq!(db.get_user(user.id).await.unwrap().disabled_at, Some(at));
    assert!(matches!(db.find_session(&session.token_hash).await, Err(StorageError::NotFound)));
    assert!(matches!(
        db.disable_user(customer.id, user.id, now(), false, &audit(None, None, "user.disable")).await,
        Err(StorageError::NotFound)
    ));
}

/// Roles change and users come back (`enable_user`), each with its audit event; with
/// `keep_an_admin` the last active admin can neither lose the role nor be disabled, also when
/// two admins take it from each other at once; another organisation reaches none of it.
async fn roles_and_access_keep_an_active_admin(db: Arc<dyn Database>) {
    let customer = org(&db, OrgKind::Customer, "Admins").await;
    let stranger = org(&db, OrgKind::Customer, "Stranger").await;
    let ann = user_of(customer.id, "ann@admins.example");
    let bob = user_of(customer.id, "bob@admins.example");
    for user in [&ann, &bob] {
        db.create_user(user, &audit(None, None, "user.create")).await.unwrap();
    }
    let changed = audit(Some(customer.id), Some(customer.id), "user.change_role");
    assert!(matches!(
        db.set_user_role(stranger.id, bob.id, Role::Reader, true, &changed).await,
        Err(StorageError::NotFound)
    ));
    let bob_reader = db.set_user_role(customer.id, bob.id, Role::Reader, true, &changed).await.unwrap();
    assert_eq!(bob_reader.role, Role::Reader);
    assert_eq!(db.get_user(bob.id).await.unwrap().role, Role::Reader);
    // Ann is the last admin now: neither demoted nor disabled while an admin must stay.
    assert!(matches!(
        db.set_user_role(customer.id, ann.id, Role::Registrar, true, &changed).await,
        Err(StorageError::Conflict(Conflict::LastAdmin))
    ));
    assert!(matches!(
        db.disable_user(customer.id, ann.id, now(), true, &audit(None, None, "user.disable")).await,
        Err(StorageError::Conflict(Conflict::LastAdmin))
    ));
    assert_eq!(db.get_user(ann.id).await.unwrap().role, Role::Admin);
    // Giving the admin role never leaves an organisation without one.
    db.set_user_role(customer.id, bob.id, Role::Admin, true, &changed).await.unwrap();
    // Disabled admins do not count: with Bob disabled, Ann is the last active admin again.
    db.disable_user(customer.id, bob.id, now(), true, &audit(None, None, "user.disable")).await.unwrap();
    assert!(matches!(
        db.disable_user(customer.id, ann.id, now(), true, &audit(None, None, "user.disable")).await,
        Err(StorageError::Conflict(Conflict::LastAdmin))
    ));
    let enabled = audit(Some(customer.id), Some(customer.id), "user.enable");
    assert!(matches!(db.enable_user(stranger.id, bob.id, &enabled).await, Err(StorageError::NotFound)));
    assert!(matches!(db.enable_user(customer.id, ann.id, &enabled).await, Err(StorageError::NotFound)));
    let bob_back = db.enable_user(customer.id, bob.id, &enabled).await.unwrap();
    assert_eq!((bob_back.disabled_at, bob_back.role), (None, Role::Admin));
    // Two admins taking the role from each other at once: exactly one succeeds.
    let (first, second) = tokio::join!(
        db.set_user_role(customer.id, ann.id, Role::Reader, true, &changed),
        db.set_user_role(customer.id, bob.id, Role::Reader, true, &changed),
    );
    let outcomes = [first.is_ok(), second.is_ok()];
    assert_eq!(outcomes.iter().filter(|ok| **ok).count(), 1, "{first:?} {second:?}");
    for refused in [first, second].into_iter().filter_map(Result::err) {
        assert!(matches!(refused, StorageError::Conflict(Conflict::LastAdmin)), "{refused:?}");
    }
    let admins =
        db.list_users(customer.id).await.unwrap().into_iter().filter(|user| user.role == Role::Admin);
    assert_eq!(admins.count(), 1);
    // Each change is in the trail, with the mutation.
    let trail = db.list_audit(&AuditFilter { org_id: customer.id }, None, 100).await.unwrap();
    let actions: Vec<&str> = trail.iter().map(|event| event.action.as_str()).collect();
    assert_eq!(actions.iter().filter(|action| **action == "user.change_role").count(), 3, "{actions:?}");
    assert_eq!(actions.iter().filter(|action| **action == "user.enable").count(), 1, "{actions:?}");
}

/// The customer's acceptance and revocation are on the partner's trail too: a copy done "by the
/// system" (no person of the customer), naming the customer in its details; the customer's
/// trail keeps the original only, and the partner's webhook gets one delivery per decision.
/// A revocation by the partner itself needs no copy.
async fn consent_decisions_reach_the_partners_trail_once(db: Arc<dyn Database>) {
    let partner = org(&db, OrgKind::Partner, "Partner").await;
    let customer = org(&db, OrgKind::Customer, "Customer").await;
    let hook = create_webhook(&db, partner.id, &["relationship.created", "relationship.revoked"]).await;
    let link = invitation(partner.id, RelationshipKind::Csp, None, true);
    db.create_invitation(&link, &audit(Some(partner.id), Some(partner.id), "invitation.create"))
        .await
        .unwrap();
    let by_customer = |action: &str| {
        let mut event = audit(Some(customer.id), Some(customer.id), action);
        event.actor_kind = ActorKind::User;
        event.actor_id = Some(Uuid::new_v4());
        event.details = serde_json::json!({ "partner_org_id": partner.id });
        event.target_type = "relationship".into();
        event
    };
    let new = relationship(partner.id, customer.id, RelationshipKind::Csp);
    let mut accept = by_customer("invitation.accept");
    accept.target_id = Some(new.id.to_string());
    let accepted = db.accept_invitation(link.id, &new, &accept).await.unwrap();
    let mut revoke = by_customer("relationship.revoke");
    revoke.target_id = Some(new.id.to_string());
    db.revoke_relationship(customer.id, accepted.id, now(), &revoke).await.unwrap();

    let trail = |org: Uuid| {
        let db = db.clone();
        async move { db.list_audit(&AuditFilter { org_id: org }, None, 100).await.unwrap() }
    };
    let partners = trail(partner.id).await;
    for action in ["invitation.accept", "relationship.revoke"] {
        let copies: Vec<_> = partners.iter().filter(|event| event.action == action).collect();
        assert_eq!(copies.len(), 1, "{action} on the partner's trail: {copies:?}");
        let copy = copies[0];
        assert_eq!((copy.actor_kind, copy.actor_id, copy.actor_org_id), (ActorKind::System, None, None));
        assert_eq!(copy.tenant_org_id, Some(partner.id));
        assert_eq!(copy.target_id.as_deref(), Some(accepted.id.to_string().as_str()));
        assert_eq!(copy.details["customer_org_id"], customer.id.to_string());
        assert_eq!(copy.details["partner_org_id"], partner.id.to_string());
        let originals = trail(customer.id).await;
        let originals: Vec<_> = originals.iter().filter(|event| event.action == action).collect();
        assert_eq!(originals.len(), 1, "{action} once on the customer's trail");
        assert_eq!(originals[0].actor_kind, ActorKind::User);
    }
    let mut types: Vec<String> =
        deliveries(&db, partner.id, hook.id).await.into_iter().map(|d| d.event_type).collect();
    types.sort_unstable();
    assert_eq!(types, ["relationship.created", "relationship.revoked"], "one delivery per decision");

    // Revoked by the partner: its own event is on its trail; no copy.
    let again = invitation(partner.id, RelationshipKind::Csp, None, true);
    db.create_invitation(&again, &audit(Some(partner.id), Some(partner.id), "invitation.create"))
        .await
        .unwrap();
    let second = db
        .accept_invitation(
            again.id,
            &relationship(partner.id, customer.id, RelationshipKind::Csp),
            &by_customer("invitation.accept"),
        )
        .await
        .unwrap();
    let mut by_partner = audit(Some(partner.id), Some(customer.id), "relationship.revoke");
    by_partner.details = serde_json::json!({ "partner_org_id": partner.id });
    db.revoke_relationship(partner.id, second.id, now(), &by_partner).await.unwrap();
    let revocations =
        trail(partner.id).await.into_iter().filter(|event| event.action == "relationship.revoke").count();
    assert_eq!(revocations, 2, "the first copy and the partner's own revocation");
}

/// `search_audit` narrows an organisation's trail by action, actor (a person or key, or an
/// organisation) and time, and never reaches beyond the organisation's trail.
async fn the_trail_is_searched_by_action_actor_and_time(db: Arc<dyn Database>) {
    let customer = org(&db, OrgKind::Customer, "Searched").await;
    let partner = org(&db, OrgKind::Partner, "Searching Partner").await;
    let stranger = org(&db, OrgKind::Customer, "Stranger").await;
    let person = Uuid::new_v4();
    let mut mine = audit(Some(customer.id), Some(customer.id), "device.update_group_tag");
    mine.actor_id = Some(person);
    db.append_audit(&mine).await.unwrap();
    db.append_audit(&audit(Some(partner.id), Some(customer.id), "device_batch.create")).await.unwrap();
    db.append_audit(&audit(Some(stranger.id), Some(stranger.id), "device_batch.create")).await.unwrap();
    let filter = AuditFilter { org_id: customer.id };
    let search = |search: AuditSearch| {
        let (db, filter) = (db.clone(), filter.clone());
        async move {
            let found = db.search_audit(&filter, &search, None, 100).await.unwrap();
            found.into_iter().map(|event| event.action).collect::<Vec<_>>()
        }
    };
    let batches =
        search(AuditSearch { action: Some("device_batch.create".into()), ..Default::default() }).await;
    assert_eq!(batches, ["device_batch.create"], "the stranger's batch is not on this trail");
    let by_person = search(AuditSearch { actor_id: Some(person), ..Default::default() }).await;
    assert_eq!(by_person, ["device.update_group_tag"]);
    let by_partner = search(AuditSearch { actor_org_id: Some(partner.id), ..Default::default() }).await;
    assert_eq!(by_partner, ["device_batch.create"]);
    let hour = Duration::hours(1);
    let today =
        search(AuditSearch { since: Some(now() - hour), until: Some(now() + hour), ..Default::default() })
            .await;
    assert_eq!(today.len(), 3, "the organisation's creation and both events: {today:?}");
    assert!(search(AuditSearch { until: Some(now() - hour), ..Default::default() }).await.is_empty());
    assert!(search(AuditSearch { since: Some(now() + hour), ..Default::default() }).await.is_empty());
}

/// `activate_devices`: one group commit of first boots; a device already active, unassigned,
/// deregistered or unknown is left as it is and gets no event; a repeat changes nothing.
async fn first_boots_are_activated_in_groups_once(db: Arc<dyn Database>) {
    let customer = org(&db, OrgKind::Customer, "Contoso").await;
    let profile = tag_profile(&db, customer.id, ztd_domain::profile::STANDARD_TAG).await;
    let (_, items) = register(&db, customer.id, &["G-1", "G-2", "G-3"], Some(&profile)).await;
    let (_, unassigned) = register(&db, customer.id, &["G-4"], None).await;
    let ids: Vec<Uuid> = items.iter().map(|item| item.device_id.unwrap()).collect();
    let unassigned_id = unassigned[0].device_id.unwrap();
    let at = now();
    let activation =
        |device_id| Activation { device_id, at, audit: audit(None, Some(customer.id), "device.activate") };
    let group: Vec<Activation> =
        [ids[0], ids[1], ids[0], unassigned_id, Uuid::new_v4()].into_iter().map(activation).collect();
    let activated = db.activate_devices(&group).await.unwrap();
    assert_eq!(activated, vec![ids[0], ids[1]]);
    for id in &ids[..2] {
        let device = db.get_device(&Owner::Customer(customer.id), *id).await.unwrap();
        assert_eq!((device.state, device.activated_at), (DeviceState::Active, Some(at)));
    }
    let untouched = db.get_device(&Owner::Customer(customer.id), ids[2]).await.unwrap();
    assert_eq!(untouched.state, DeviceState::Registered);
    let still = db.get_device(&Owner::Customer(customer.id), unassigned_id).await.unwrap();
    assert_eq!((still.state, still.activated_at), (DeviceState::Unassigned, None));
    assert!(db.activate_devices(&[activation(ids[0])]).await.unwrap().is_empty(), "a repeat activated again");
    assert!(db.activate_devices(&[]).await.unwrap().is_empty());
    let events = db.list_audit(&AuditFilter { org_id: customer.id }, None, 100).await.unwrap();
    assert_eq!(events.iter().filter(|e| e.action == "device.activate").count(), 2);

    // A group larger than one statement takes: every device once, in the order given.
    let serials: Vec<String> = (0..600).map(|i| format!("ROLL-{i}")).collect();
    let serials: Vec<&str> = serials.iter().map(String::as_str).collect();
    let (_, rollout) = register(&db, customer.id, &serials, Some(&profile)).await;
    let mut rollout: Vec<Uuid> = rollout.iter().map(|item| item.device_id.unwrap()).collect();
    rollout.reverse();
    let group: Vec<Activation> = rollout.iter().copied().map(activation).collect();
    assert_eq!(db.activate_devices(&group).await.unwrap(), rollout);
    let events = db.list_audit(&AuditFilter { org_id: customer.id }, None, 1_000).await.unwrap();
    assert_eq!(events.iter().filter(|e| e.action == "device.activate").count(), 2 + 600);
}

// ---- webhooks ---------------------------------------------------------------------------------

fn webhook(org: Uuid, events: &[&str]) -> Webhook {
    Webhook {
        id: Uuid::new_v4(),
        org_id: org,
        url: "https://hooks.example/ztd".into(),
        secret: "whsec_test".into(),
        events: events.iter().map(|e| (*e).to_owned()).collect(),
        created_at: now(),
        created_by: Some("api_key:test".into()),
    }
}

async fn create_webhook(db: &Arc<dyn Database>, org: Uuid, events: &[&str]) -> Webhook {
    let webhook = webhook(org, events);
    db.create_webhook(&webhook, &audit(Some(org), Some(org), "webhook.create"))
        .await
        .expect("create webhook");
    webhook
}

async fn deliveries(db: &Arc<dyn Database>, org: Uuid, webhook: Uuid) -> Vec<WebhookDelivery> {
    db.list_webhook_deliveries(org, webhook, 100).await.expect("list deliveries")
}

async fn webhook_events_are_written_with_their_audit_to_each_receiver(db: Arc<dyn Database>) {
    let customer = org(&db, OrgKind::Customer, "Hooked Customer").await;
    let partner = org(&db, OrgKind::Partner, "Hooked Partner").await;
    let bystander = org(&db, OrgKind::Customer, "Bystander").await;
    let customer_hook = create_webhook(&db, customer.id, &["batch.finished", "device.deregistered"]).await;
    let customer_other = create_webhook(&db, customer.id, &["relationship.created"]).await;
    let partner_hook = create_webhook(&db, partner.id, &["batch.finished", "relationship.created"]).await;
    let bystander_hook = create_webhook(&db, bystander.id, &["batch.finished", "device.deregistered"]).await;

    // A partner's batch finished on the customer's tenant: both sides receive it, one event id.
    db.append_audit(&audit(Some(partner.id), Some(customer.id), "device_batch.finished")).await.unwrap();
    // The customer's own change: its webhook receives it once, not once per side.
    db.append_audit(&audit(Some(customer.id), Some(customer.id), "device.deregister")).await.unwrap();
    // Not a webhook event, and an event nobody subscribed to.
    db.append_audit(&audit(Some(customer.id), Some(customer.id), "webhook.create")).await.unwrap();
    db.append_audit(&audit(Some(customer.id), Some(customer.id), "device.activate")).await.unwrap();
    // The partner side of a relationship is named in the details.
    let mut accepted = audit(Some(customer.id), Some(customer.id), "invitation.accept");
    accepted.details = serde_json::json!({ "partner_org_id": partner.id });
    db.append_audit(&accepted).await.unwrap();

    let mine = deliveries(&db, customer.id, customer_hook.id).await;
    let mut types: Vec<&str> = mine.iter().map(|d| d.event_type.as_str()).collect();
    types.sort_unstable();
    assert_eq!(types, ["batch.finished", "device.deregistered"]);
    let theirs = deliveries(&db, partner.id, partner_hook.id).await;
    let mut types: Vec<&str> = theirs.iter().map(|d| d.event_type.as_str()).collect();
    types.sort_unstable();
    assert_eq!(types, ["batch.finished", "relationship.created"]);
    let finished =
        |list: &[WebhookDelivery]| list.iter().find(|d| d.event_type == "batch.finished").cloned().unwrap();
    let (for_customer, for_partner) = (finished(&mine), finished(&theirs));
    assert_eq!(for_customer.event_id, for_partner.event_id, "one event, one id for every receiver");
    assert_ne!(for_customer.id, for_partner.id);
    assert_eq!(for_customer.org_id, customer.id);
    assert_eq!(for_partner.org_id, partner.id);
    assert_eq!(for_customer.status, DeliveryStatus::Pending);
    assert_eq!(for_customer.attempts, 0);
    assert!(for_customer.next_attempt_at.is_some());
    assert_eq!(for_customer.data["details"]["test"], true);
    assert_eq!(for_customer.data["tenant_org_id"], customer.id.to_string());
    assert_eq!(deliveries(&db, customer.id, customer_other.id).await.len(), 1);
    assert!(deliveries(&db, bystander.id, bystander_hook.id).await.is_empty());

    // What a requester must not learn: a release request's owner (docs/webhooks.md#privacy).
    let requester_hook = create_webhook(&db, bystander.id, &["release_request.created"]).await;
    let owner_hook = create_webhook(&db, customer.id, &["release_request.created"]).await;
    let mut request = audit(Some(bystander.id), Some(customer.id), "release_request.create");
    request.details = serde_json::json!({ "customer_id": customer.id, "owner_name": customer.name, "serial_number": "SN-1" });
    db.append_audit(&request).await.unwrap();
    let seen = deliveries(&db, bystander.id, requester_hook.id).await;
    let text = seen[0].data.to_string();
    assert!(!text.contains(&customer.id.to_string()) && !text.contains(&customer.name), "{text}");
    assert_eq!(seen[0].data["details"]["serial_number"], "SN-1");
    let owned = deliveries(&db, customer.id, owner_hook.id).await;
    assert_eq!(owned[0].data["details"]["owner_name"], customer.name.as_str());
}

fn attempt(outcome: AttemptOutcome, code: Option<i32>) -> NewAttempt {
    NewAttempt {
        at: now(),
        status_code: code,
        error: code.is_none().then(|| "connection refused".to_owned()),
        response_excerpt: code.map(|code| format!("answer {code}")),
        duration_ms: 12,
        outcome,
    }
}

async fn webhook_deliveries_are_claimed_once_retried_and_settled(db: Arc<dyn Database>) {
    let customer = org(&db, OrgKind::Customer, "Dispatch Customer").await;
    let hook = create_webhook(&db, customer.id, &["device.deregistered"]).await;
    for _ in 0..6 {
        db.append_audit(&audit(Some(customer.id), Some(customer.id), "device.deregister")).await.unwrap();
    }
    assert_eq!(db.count_pending_webhook_deliveries().await.unwrap(), 6);
    let start = now() + Duration::seconds(1);
    let lease = start + Duration::seconds(30);

    // Two dispatchers at once never claim the same delivery.
    let (first, second) = tokio::join!(
        db.claim_webhook_deliveries("one", start, lease, 4),
        db.claim_webhook_deliveries("two", start, lease, 4),
    );
    let (first, second) = (first.unwrap(), second.unwrap());
    let mut ids: Vec<Uuid> = first.iter().chain(&second).map(|c| c.delivery.id).collect();
    assert_eq!(ids.len(), 6, "{} + {}", first.len(), second.len());
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 6, "a delivery was claimed twice");
    assert_eq!(first.first().or(second.first()).unwrap().url, hook.url);
    assert_eq!(first.first().or(second.first()).unwrap().secret, hook.secret);
    // Under a live lease nothing is claimable; after it, everything again (a dead dispatcher).
    assert!(db.claim_webhook_deliveries("three", start, lease, 10).await.unwrap().is_empty());
    let after = lease + Duration::seconds(1);
    let retaken =
        db.claim_webhook_deliveries("three", after, after + Duration::seconds(30), 10).await.unwrap();
    assert_eq!(retaken.len(), 6);

    // The dispatcher that lost its claim records nothing.
    let lost = first.first().or(second.first()).unwrap().delivery.id;
    let old_holder = if first.iter().any(|c| c.delivery.id == lost) { "one" } else { "two" };
    assert!(!db
        .record_webhook_attempt(lost, old_holder, &attempt(AttemptOutcome::Succeeded, Some(200)))
        .await
        .unwrap());

    // A retry: pending, attempt recorded, not due before its time.
    let retry_at = after + Duration::seconds(60);
    assert!(db
        .record_webhook_attempt(lost, "three", &attempt(AttemptOutcome::RetryAt(retry_at), Some(500)))
        .await
        .unwrap());
    let shown = db.get_webhook_delivery(customer.id, hook.id, lost).await.unwrap();
    assert_eq!(
        (shown.status, shown.attempts, shown.last_status_code),
        (DeliveryStatus::Pending, 1, Some(500))
    );
    assert_eq!(shown.next_attempt_at, Some(retry_at));
    assert_eq!(shown.attempt_log.len(), 1);
    assert_eq!(shown.attempt_log[0].attempt, 1);
    assert_eq!(shown.attempt_log[0].next_attempt_at, Some(retry_at));
    assert_eq!(shown.attempt_log[0].response_excerpt.as_deref(), Some("answer 500"));
    let later = after + Duration::seconds(31);
    let others = db.claim_webhook_deliveries("four", later, later + Duration::seconds(30), 10).await.unwrap();
    assert!(others.iter().all(|c| c.delivery.id != lost), "claimed before its next attempt was due");
    assert_eq!(others.len(), 5);
    let at_retry = retry_at + Duration::seconds(1);
    let due =
        db.claim_webhook_deliveries("four", at_retry, at_retry + Duration::seconds(30), 10).await.unwrap();
    assert!(due.iter().any(|c| c.delivery.id == lost));

    // A connection failure, then success: two attempts, settled, out of the queue.
    assert!(db
        .record_webhook_attempt(lost, "four", &attempt(AttemptOutcome::Succeeded, Some(204)))
        .await
        .unwrap());
    let done = db.get_webhook_delivery(customer.id, hook.id, lost).await.unwrap();
    assert_eq!((done.status, done.attempts, done.next_attempt_at), (DeliveryStatus::Succeeded, 2, None));
    assert!(done.finished_at.is_some());
    let other = others[0].delivery.id;
    assert!(db.record_webhook_attempt(other, "four", &attempt(AttemptOutcome::GaveUp, None)).await.unwrap());
    let failed = db.get_webhook_delivery(customer.id, hook.id, other).await.unwrap();
    assert_eq!(failed.status, DeliveryStatus::Failed);
    assert_eq!(failed.last_error.as_deref(), Some("connection refused"));
    assert_eq!(db.count_pending_webhook_deliveries().await.unwrap(), 4);

    // Redelivery: a new delivery of the same event; not while the original is pending.
    let redeliver = |id: Uuid| {
        let db = db.clone();
        async move {
            db.redeliver_webhook_delivery(
                customer.id,
                hook.id,
                id,
                Uuid::new_v4(),
                now(),
                &audit(Some(customer.id), Some(customer.id), "webhook.redeliver"),
            )
            .await
        }
    };
    let copy = redeliver(lost).await.unwrap();
    assert_ne!(copy.id, lost);
    assert_eq!(copy.event_id, done.event_id);
    assert_eq!((copy.status, copy.attempts), (DeliveryStatus::Pending, 0));
    assert!(redeliver(other).await.is_ok(), "failed deliveries may be redelivered too");
    assert!(matches!(redeliver(copy.id).await, Err(StorageError::Conflict(Conflict::DeliveryPending))));
    assert_eq!(db.count_pending_webhook_deliveries().await.unwrap(), 6);

    // Deleting the webhook fails what is pending: nothing more is sent.
    db.delete_webhook(
        customer.id,
        hook.id,
        now(),
        &audit(Some(customer.id), Some(customer.id), "webhook.delete"),
    )
    .await
    .unwrap();
    assert_eq!(db.count_pending_webhook_deliveries().await.unwrap(), 0);
    let far = now() + Duration::days(30);
    assert!(db
        .claim_webhook_deliveries("five", far, far + Duration::seconds(30), 10)
        .await
        .unwrap()
        .is_empty());
    assert!(matches!(db.get_webhook(customer.id, hook.id).await, Err(StorageError::NotFound)));
    assert!(matches!(
        db.list_webhook_deliveries(customer.id, hook.id, 10).await,
        Err(StorageError::NotFound)
    ));
}

async fn webhooks_are_reached_only_by_their_organisation(db: Arc<dyn Database>) {
    let owner = org(&db, OrgKind::Customer, "Webhook Owner").await;
    let stranger = org(&db, OrgKind::Partner, "Stranger").await;
    let hook = create_webhook(&db, owner.id, &["device.deregistered"]).await;
    db.append_audit(&audit(Some(owner.id), Some(owner.id), "device.deregister")).await.unwrap();
    let delivery = deliveries(&db, owner.id, hook.id).await.remove(0);

    let listed = db.list_webhooks(owner.id).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].events, ["device.deregistered"]);
    assert!(db.list_webhooks(stranger.id).await.unwrap().is_empty());
    assert!(matches!(db.get_webhook(stranger.id, hook.id).await, Err(StorageError::NotFound)));
    assert!(matches!(
        db.list_webhook_deliveries(stranger.id, hook.id, 10).await,
        Err(StorageError::NotFound)
    ));
    assert!(matches!(
        db.get_webhook_delivery(stranger.id, hook.id, delivery.id).await,
        Err(StorageError::NotFound)
    ));
    let stranger_audit = audit(Some(stranger.id), Some(stranger.id), "webhook.redeliver");
    assert!(matches!(
        db.redeliver_webhook_delivery(
            stranger.id,
            hook.id,
            delivery.id,
            Uuid::new_v4(),
            now(),
            &stranger_audit
        )
        .await,
        Err(StorageError::NotFound)
    ));
    let stranger_delete = audit(Some(stranger.id), Some(stranger.id), "webhook.delete");
    assert!(matches!(
        db.delete_webhook(stranger.id, hook.id, now(), &stranger_delete).await,
        Err(StorageError::NotFound)
    ));
    // The stranger's own webhook does not open the owner's deliveries either.
    let own = create_webhook(&db, stranger.id, &["device.deregistered"]).await;
    assert!(matches!(
        db.get_webhook_delivery(stranger.id, own.id, delivery.id).await,
        Err(StorageError::NotFound)
    ));
    assert_eq!(db.get_webhook(owner.id, hook.id).await.unwrap().url, hook.url);
}

// ---- findable devices and batches (docs/portal.md#devices, docs/portal.md#batches) ----------

async fn device_search_count_and_paging_both_ways(db: Arc<dyn Database>) {
    let (partner, customer, _) = partner_and_customer(&db).await;
    let own = Owner::Customer(customer.id);
    let serials = ["SRCH-A1", "srch-a2", "SRCH-B1", "OTHER_1", "OTHERX1", "SRCH-A10", "Z-9"];
    register(&db, customer.id, &serials, None).await;
    register_as(&db, customer.id, partner.id, &["PART-1", "PART-2"]).await;

    let search = |text: &str, exact: bool| DeviceFilter {
        serial: Some(SerialSearch { text: text.into(), exact }),
        ..DeviceFilter::default()
    };
    let serials_of = |devices: Vec<Device>| {
        let mut found: Vec<String> = devices.into_iter().filter_map(|d| d.serial_number).collect();
        found.sort();
        found
    };
    for (filter, expected) in [
        (search("srch-a", false), vec!["SRCH-A1", "SRCH-A10", "srch-a2"]),
        (search("SRCH-A1", true), vec!["SRCH-A1"]),
        (search("srch-a1", false), vec!["SRCH-A1", "SRCH-A10"]),
        // `_` and `%` are literal characters of a serial, not wildcards.
        (search("other_", false), vec!["OTHER_1"]),
        (search("%", false), vec![]),
        (search("nothing", false), vec![]),
    ] {
        let listed = db.list_devices(&own, customer.id, &filter, None, 100).await.unwrap();
        assert_eq!(serials_of(listed.items), expected, "{filter:?}");
        let count = db.count_devices(&own, customer.id, &filter).await.unwrap();
        assert_eq!(count, expected.len() as i64, "{filter:?}");
    }
    assert_eq!(db.count_devices(&own, customer.id, &DeviceFilter::default()).await.unwrap(), 9);
    // A partner counts and finds only what it registered.
    let theirs = Owner::Partner(partner.id);
    assert_eq!(db.count_devices(&theirs, customer.id, &DeviceFilter::default()).await.unwrap(), 2);
    assert_eq!(db.count_devices(&theirs, customer.id, &search("srch", false)).await.unwrap(), 0);

    // Forward two at a time, then back from the last page: the same pages in reverse.
    let all = DeviceFilter::default();
    let mut forward = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let window = db.list_devices_window(&own, customer.id, &all, cursor.as_deref(), 2).await.unwrap();
        assert_eq!(
            window.previous_cursor.is_some(),
            cursor.is_some(),
            "only the first page has none before it"
        );
        forward.push(window.items.iter().map(|d| d.id).collect::<Vec<_>>());
        match window.next_cursor {
            Some(next) => cursor = Some(next),
            None => {
                cursor = window.previous_cursor;
                break;
            }
        }
    }
    assert_eq!(forward.len(), 5, "9 devices, 2 a page");
    assert_eq!(forward.iter().flatten().collect::<HashSet<_>>().len(), 9);
    let mut backward = vec![forward.last().unwrap().clone()];
    while let Some(previous) = cursor.take() {
        let window = db.list_devices_window(&own, customer.id, &all, Some(&previous), 2).await.unwrap();
        assert!(window.next_cursor.is_some(), "a page before has a page after it");
        backward.push(window.items.iter().map(|d| d.id).collect());
        cursor = window.previous_cursor;
    }
    backward.reverse();
    assert_eq!(backward, forward, "paging back shows the same pages");
    assert!(matches!(
        db.list_devices_window(&own, customer.id, &all, Some("u-1"), 2).await,
        Err(StorageError::InvalidCursor)
    ));
}

async fn batch_history_names_who_submitted_newest_first(db: Arc<dyn Database>) {
    let (partner, customer, relationship) = partner_and_customer(&db).await;
    let person = user_of(customer.id, "ann@customer.example");
    db.create_user(&person, &audit(None, None, "user.create")).await.unwrap();
    let key = ApiKey {
        expires_at: None,
        id: Uuid::new_v4(),
        org_id: partner.id,
        name: "factory line".into(),
        role: Role::Registrar,
        key_hash: "cd".repeat(32),
        created_at: now(),
        revoked_at: None,
    };
    db.create_api_key(&key, &audit(None, None, "api_key.create")).await.unwrap();

    let mut own = batch_for(customer.id, customer.id, 1, None);
    own.actor_kind = ActorKind::User;
    own.actor_id = Some(person.id);
    own.file_name = Some("devices.csv".into());
    own.created_at = now() - Duration::minutes(3);
    let mut first = batch_for(customer.id, partner.id, 1, None);
    first.actor_id = Some(key.id);
    first.created_at = now() - Duration::minutes(2);
    let mut second = batch_for(customer.id, partner.id, 1, None);
    second.actor_id = Some(key.id);
    second.created_at = now() - Duration::minutes(1);
    for batch in [&own, &first, &second] {
        db.create_batch(batch, &pending_items(batch, 1), &audit(None, None, "batch.create")).await.unwrap();
    }
    // An upload still receiving its rows is nobody's batch yet.
    let receiving = batch_for(customer.id, customer.id, 0, None);
    db.open_batch(&receiving, &audit(None, None, "batch.create")).await.unwrap();

    let tenant = db.list_batch_history(&BatchReach::Tenant(customer.id), None, 10).await.unwrap();
    let ids: Vec<Uuid> = tenant.iter().map(|listing| listing.batch.id).collect();
    assert_eq!(ids, vec![second.id, first.id, own.id], "newest first, the receiving upload left out");
    assert_eq!(tenant[2].submitted_by.as_deref(), Some("ann@customer.example"));
    assert_eq!(tenant[2].batch.file_name.as_deref(), Some("devices.csv"));
    assert_eq!(tenant[2].submitter_org_name, customer.name);
    assert_eq!(tenant[0].submitted_by.as_deref(), Some("factory line"));
    assert_eq!(tenant[0].submitter_org_name, partner.name);
    assert_eq!(tenant[0].customer_name, customer.name);

    // Paged: the cursor is the last batch of the page before.
    let page = db.list_batch_history(&BatchReach::Tenant(customer.id), None, 2).await.unwrap();
    let last = &page[1].batch;
    let rest = db
        .list_batch_history(&BatchReach::Tenant(customer.id), Some((last.created_at, last.id)), 2)
        .await
        .unwrap();
    assert_eq!(rest.iter().map(|listing| listing.batch.id).collect::<Vec<_>>(), vec![own.id]);

    // The submitter sees its own, to one customer or all, and still after a revocation.
    db.revoke_relationship(customer.id, relationship.id, now(), &audit(None, None, "relationship.revoke"))
        .await
        .unwrap();
    let submitter = BatchReach::Submitter { org_id: partner.id, customer_id: None };
    let theirs = db.list_batch_history(&submitter, None, 10).await.unwrap();
    assert_eq!(theirs.iter().map(|listing| listing.batch.id).collect::<Vec<_>>(), vec![second.id, first.id]);
    // Its own history reads its batches (and their rows), never a device, nor others' batches.
    let history = Owner::Submitter(partner.id);
    assert_eq!(db.get_batch(&history, first.id).await.unwrap().id, first.id);
    assert_eq!(db.list_batch_items(&history, first.id, None, 10).await.unwrap().len(), 1);
    assert!(matches!(db.get_batch(&history, own.id).await, Err(StorageError::NotFound)));
    assert!(matches!(db.get_batch(&Owner::Partner(partner.id), first.id).await, Err(StorageError::NotFound)));
    let (_, devices) = register_as(&db, customer.id, customer.id, &["HIST-1"]).await;
    assert!(matches!(db.get_device(&history, devices[0]).await, Err(StorageError::NotFound)));
    let everything = DeviceFilter { include_deregistered: true, ..DeviceFilter::default() };
    assert_eq!(db.count_devices(&history, customer.id, &everything).await.unwrap(), 0);
    let other = org(&db, OrgKind::Customer, "Other").await;
    let elsewhere = BatchReach::Submitter { org_id: partner.id, customer_id: Some(other.id) };
    assert!(db.list_batch_history(&elsewhere, None, 10).await.unwrap().is_empty());
    assert!(db.list_batch_history(&BatchReach::Tenant(other.id), None, 10).await.unwrap().is_empty());
}

/// Upload drafts (docs/portal.md#repair-in-the-browser): read back only by their person in their
/// organisation and only until they expire; a new draft deletes the expired ones and the
/// person's drafts beyond the newest few.
async fn upload_drafts_are_kept_for_their_person_and_expire(db: Arc<dyn Database>) {
    let customer = org(&db, OrgKind::Customer, "Drafts").await;
    let partner = org(&db, OrgKind::Partner, "Draft Partner").await;
    let person = |org_id: Uuid, email: &str| User {
        id: Uuid::new_v4(),
        org_id,
        email: email.into(),
        role: Role::Registrar,
        password_hash: "$argon2id$x".into(),
        must_change_password: false,
        created_at: now(),
        disabled_at: None,
        one_time_password_expires_at: None,
        language: None,
    };
    let (ann, bob) = (person(partner.id, "ann@drafts.example"), person(partner.id, "bob@drafts.example"));
    for user in [&ann, &bob] {
        db.create_user(user, &audit(None, None, "user.create")).await.unwrap();
    }
    let draft = |user: &User, created_at: DateTime<Utc>, content: &[u8]| UploadDraft {
        id: Uuid::new_v4(),
        org_id: user.org_id,
        user_id: user.id,
        customer_id: customer.id,
        file_name: "devices.csv".into(),
        content: content.to_vec(),
        created_at,
        expires_at: created_at + Duration::hours(1),
    };
    let bytes: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let first = draft(&ann, now(), &bytes);
    db.create_upload_draft(&first, 3).await.unwrap();
    assert_eq!(db.get_upload_draft(partner.id, ann.id, first.id, now()).await.unwrap(), first);
    for (org_id, user_id) in [(partner.id, bob.id), (customer.id, ann.id)] {
        assert!(matches!(
            db.get_upload_draft(org_id, user_id, first.id, now()).await,
            Err(StorageError::NotFound)
        ));
    }
    assert!(matches!(
        db.get_upload_draft(partner.id, ann.id, first.id, first.expires_at).await,
        Err(StorageError::NotFound)
    ));

    // Three more of Ann's: only the newest three stay. Bob's is not Ann's count.
    let bobs = draft(&bob, now(), b"bob");
    db.create_upload_draft(&bobs, 3).await.unwrap();
    let later: Vec<UploadDraft> =
        (1..=3).map(|minutes| draft(&ann, now() + Duration::minutes(minutes), b"later")).collect();
    for newer in &later {
        db.create_upload_draft(newer, 3).await.unwrap();
    }
    assert!(matches!(
        db.get_upload_draft(partner.id, ann.id, first.id, now()).await,
        Err(StorageError::NotFound)
    ));
    for kept in &later {
        assert!(db.get_upload_draft(partner.id, ann.id, kept.id, now()).await.is_ok());
    }
    assert!(db.get_upload_draft(partner.id, bob.id, bobs.id, now()).await.is_ok());

    // Expired drafts go when a new one is kept, and with the purge.
    let much_later = now() + Duration::hours(2);
    db.create_upload_draft(&draft(&bob, much_later, b"new"), 3).await.unwrap();
    for gone in &later {
        assert!(matches!(
            db.get_upload_draft(partner.id, ann.id, gone.id, now()).await,
            Err(StorageError::NotFound)
        ));
    }
    assert_eq!(db.purge_expired_upload_drafts(much_later + Duration::hours(1)).await.unwrap(), 1);
    assert_eq!(db.purge_expired_upload_drafts(much_later + Duration::hours(1)).await.unwrap(), 0);
}
