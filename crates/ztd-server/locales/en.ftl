# ztd portal: English.
#
# One catalogue per language (docs/portal.md#languages). Every message here must exist in every
# other catalogue with the same id; a unit test (crates/ztd-server/src/portal/i18n.rs) fails
# otherwise. Sections follow the portal's pages, so a page's text is found in one place.

## The language itself

# Shown in the language menu, in the language's own words.
language-name = English
# Between groups of three digits: 12,345.
language-digit-group-separator = ,
# { $day } { $month } { $year } { $hour } { $minute } (hour and minute have two digits).
date-time = { $day } { $month } { $year }, { $hour }:{ $minute } UTC
month-1 = Jan
month-2 = Feb
month-3 = Mar
month-4 = Apr
month-5 = May
month-6 = Jun
month-7 = Jul
month-8 = Aug
month-9 = Sep
month-10 = Oct
month-11 = Nov
month-12 = Dec

## Shared words and counts

count-devices = { $count ->
    [one] { $count } device
   *[other] { $count } devices
}
count-rows = { $count ->
    [one] { $count } row
   *[other] { $count } rows
}
count-waiting = { $count } waiting
action-copy = Copy
action-copied = Copied.
action-cancel = Cancel
action-save = Save
action-back = Back
group-tag-title = group tag (exact, case-sensitive)
none = none
dash = —

role-admin = admin
role-registrar = registrar
role-reader = reader
org-kind-partner = partner
org-kind-oem = OEM
org-kind-customer = customer
org-kind-operator = operator

## Page shell and menu

app-tagline = zero-touch device registration
skip-to-content = Skip to content
nav-main = Main
nav-customers = Customers
nav-devices = Devices
nav-add-devices = Add devices
nav-profiles = Profiles
nav-partners = Partners
nav-approvals = Approvals
nav-release-requests = Release requests
nav-audit = Audit trail
nav-users = Users
nav-api-keys = API keys
nav-webhooks = Webhooks
nav-orgs = Organisations
nav-account = Account
# The signed-in person: "ann@contoso.example · Contoso (customer, admin)".
who-signed-in = { $email } · { $org } ({ $kind }, { $role })
sign-out = Sign out
language-menu = Language

## Error pages

error-title-forbidden = Not allowed
error-title-not-found = Not found
error-title-conflict = That cannot be done now
error-title-gone = This link can no longer be used
error-title-too-large = The file is too large
error-title-check-input = Please check what you entered
error-title-too-many = Too many requests
error-title-unavailable = The service is unavailable
error-title-internal = Something went wrong
error-title-other = The request could not be done
error-what-to-do = What to do:
error-code = Error code:
error-go-home = Go to the start page
error-csrf-title = This form cannot be accepted
error-csrf-message = The form was not sent from a page of this portal in your current session (its security token is missing or out of date), so nothing was changed.
error-resend-hint = Go back, reload the page, and send the form again.
error-bad-form-title = The form could not be read
error-bad-form-too-large = The form is larger than { $limit } bytes.
error-page-not-found = There is no page at { $path }.
error-page-not-found-hint = Check the address, or use the menu to find the page.
error-bad-id = “{ $value }” in the address is not a valid id.
error-bad-id-hint = Open the page again from the menu or from a list; ids are copied whole.
error-relationship-required = Your organisation has no active relationship with this customer, so it cannot see or register its devices.
error-relationship-required-hint = The customer's admin must accept one of your invitation links first (Customers → Create an invitation link). If the customer revoked the relationship, ask them for consent again.
error-too-large = The file is larger than the upload limit of { $limit }.
error-too-large-hint = Split the file into smaller files (ztd csv split FILE --rows 1000 -o DIR) and upload them one by one.
error-forbidden-role = This needs the { $needed } role; you are signed in as { $actual }.
error-forbidden-role-hint = Ask an admin of your organisation.
error-not-found = Nothing was found with this id, or it belongs to an organisation you cannot see.
error-not-found-hint = Open it again from a list in the menu.
error-internal = The service could not finish the request. Nothing was changed.
error-internal-hint = Try again in a moment. If it happens again, give your administrator the time it happened.
error-unavailable = The database cannot be reached right now.
error-unavailable-hint = Try again in a minute.
error-rate-limited = Too many requests from your network.
error-rate-limited-hint = Wait { $seconds } seconds, then try again.
# Shown above the service's English explanation where the portal has no words of its own for it.
error-detail-in-english = Details (in English):

## Signing in and the account

sign-in-title = Sign in
sign-in-email = Email
sign-in-password = Password
sign-in-password-hint = First time here? Use the one-time password you were given; you will choose your own next.
sign-in-button = Sign in
sign-in-signed-out = You are signed out.
sign-in-enter-email = Enter the email address you sign in with, like name@example.com.
sign-in-enter-password = Enter your password.
sign-in-throttled = { $minutes ->
    [one] Too many failed sign-ins from your network. Try again in { $minutes } minute.
   *[other] Too many failed sign-ins from your network. Try again in { $minutes } minutes.
}
sign-in-wrong = The email or the password is not right. Check both and try again. A one-time password expires after 7 days: ask an admin of your organisation for a new one.

account-title = Your account
account-language = Language of the portal
account-language-automatic = As my browser asks ({ $language })
account-language-hint = Kept with your account, on every device you sign in from.
account-language-saved = Language saved.
account-password-heading = Password
account-password-link = Change your password

password-title = Change your password
password-forced-title = Choose your own password
password-forced-text = You signed in with a one-time password. Choose your own password to continue.
password-current = Current password
password-new = New password
password-new-hint = At least 12 characters. A few unrelated words make a good password.
password-confirm = New password again
password-button = Change password
password-changed = Your password is changed.
password-problem-too-short = The new password has { $length } characters; use at least { $min }.
password-problem-too-long = The new password is longer than { $max } characters.
password-problem-same = The new password must differ from the current one.
password-problem-confirm-differs = The two new passwords differ; type the same password twice.
password-problem-current-wrong = This is not your current password.

## Add devices, batches and their results

## CSV problems (one message per code of docs/csv-rules.md)

## Devices

## Customers and invitations

## Partners and relationships

## Profiles

## Approvals and release requests

approvals-title = Approvals
approvals-lead = Batches from partners that you review before anything is registered. Open one to see, row by row, what approving it would do.
approvals-approved-title = Batch approved
approvals-approved-text = Its devices are being registered now.
approvals-rejected-title = Batch rejected
approvals-rejected-text = Nothing of it was registered; the partner sees your reason.
approvals-none = Nothing waits for your approval. Partners whose batches you review are marked on the Partners page.
approvals-col-submitted = Submitted
approvals-col-partner = Partner
approvals-col-devices = Devices
approvals-col-order = Order
approvals-review = Review
approvals-review-label = { $count ->
    [one] Review the batch of { $count } device from { $partner }
   *[other] Review the batch of { $count } devices from { $partner }
}
# The title of the void page when the batch has no order number.
void-batch-without-order = batch { $id }
void-crumb-batch = Batch
void-crumb-void = Void
void-title = Void { $order }?
void-warning-devices = Every device of this batch that has not been switched on yet is deregistered from the tenant of { $customer }, as when an order is cancelled.
void-warning-booted = Devices that already booted stay registered: they are in use. The customer can deregister them if they must go. The history stays in the audit trail.
void-confirm = Void the order
void-keep = Keep it
void-page-title = Void the order
voided-crumb = Voided
voided-title = Order voided
voided-count = { $count ->
    [one] { $count } device deregistered
   *[other] { $count } devices deregistered
}
voided-kept = { $count ->
    [one] { $count } device already booted and stays registered
   *[other] { $count } devices already booted and stay registered
}
voided-kept-text = They are in use. Ask the customer to deregister them if they must go.
voided-back = Back to the batch
release-status-pending = waiting for a decision
release-status-approved = released
release-status-denied = denied
releases-title = Release requests
releases-lead = When a device you register is “registered to another tenant”, ask its holder to release it here instead of opening a support ticket. The holder never learns more than your organisation's name; you never learn who the holder is.
releases-asked-title = Request sent
releases-asked-text = The organisation holding the device decides. You see the outcome here.
releases-approved-title = Device released
releases-approved-text = It was deregistered from your tenant; the requester can register it now.
releases-denied-title = Request denied
releases-denied-text = The device stays yours.
releases-incoming-heading = For your devices
releases-no-incoming = Nobody asked for one of your devices.
releases-col-asked = Asked
releases-col-by = By
releases-col-device = Device
releases-col-status = Status
releases-col-decided = Decided
releases-release = Release…
releases-release-label = Release { $serial } to { $requester }…
releases-deny = Deny
releases-deny-label = Deny the request of { $requester } for { $serial }
releases-outgoing-heading = Asked by your organisation
releases-no-outgoing = You have not asked for a release.
releases-ask-heading = Ask for a device
releases-hash-label = Hardware hash of the device
releases-hash-hint = The hash proves that you hold the device: Get-WindowsAutopilotInfo collects it, and it is in your device file.
releases-ask-button = Ask for its release
release-confirm-crumb = Release
release-confirm-title = Release { $serial } to { $requester }?
release-confirm-warning = The device is deregistered from your tenant at once, so that { $requester } can register it. If it boots afterwards, it no longer gets your configuration.
release-confirm-when = Do this when the device was sold, returned or refurbished and is no longer yours.
release-confirm-button = Release the device

## Audit trail

audit-title = Audit trail
audit-lead = Every change made by your organisation or to your organisation's data, by anyone, newest first.
audit-none = Nothing has happened yet.
audit-none-matching = No event matches these filters.
audit-older = Older events
audit-col-when = When
audit-col-what = What happened
audit-col-code = Action code
audit-request-id = Request { $id }
audit-filter-action = Action
audit-filter-any-action = Every action
audit-filter-actor = Done by
audit-filter-anyone = Anyone
audit-filter-people = People
audit-filter-keys = API keys
audit-filter-orgs = Organisations
audit-filter-from = From (UTC)
audit-filter-to = To (UTC)
audit-filter-apply = Show
audit-filter-clear = Clear the filters
# Who did it, when it is not a person of your organisation named by email.
audit-actor-key = API key “{ $name }”
audit-actor-someone = Someone
audit-actor-other-org = Another organisation
audit-actor-operator = The operator
audit-actor-device = A device
audit-actor-system = ztd
audit-device-unnamed = its devices
audit-no-reason = no reason given
# Short names of the actions (the filter's list).
audit-name-device-batch-create = Batch uploaded
audit-name-device-batch-awaiting-approval = Batch waiting for approval
audit-name-device-batch-approve = Batch approved
audit-name-device-batch-reject = Batch rejected
audit-name-device-batch-finished = Batch registered
audit-name-device-batch-discard = Upload discarded
audit-name-device-batch-void = Order voided
audit-name-device-update-group-tag = Group tag changed
audit-name-device-deregister = Device deregistered
audit-name-device-activate = Device started for the first time
audit-name-device-superseded = Registration replaced
audit-name-profile-create = Profile created
audit-name-profile-update = Profile changed
audit-name-profile-delete = Profile deleted
audit-name-invitation-create = Invitation link created
audit-name-invitation-withdraw = Invitation link withdrawn
audit-name-invitation-accept = Invitation accepted
audit-name-relationship-set-approval-mode = Approval of batches changed
audit-name-relationship-revoke = Relationship revoked
audit-name-release-request-create = Release requested
audit-name-release-request-approve = Device released
audit-name-release-request-deny = Release denied
audit-name-user-create = User added
audit-name-user-change-role = Role changed
audit-name-user-password-reset = One-time password given
audit-name-user-password-change = Password changed
audit-name-user-disable = User disabled
audit-name-user-enable = User enabled
audit-name-user-sign-in = Signed in
audit-name-user-sign-in-failed = Sign-in failed
audit-name-csrf-rejected = Form refused
audit-name-api-key-create = API key created
audit-name-api-key-revoke = API key revoked
audit-name-webhook-create = Webhook added
audit-name-webhook-delete = Webhook deleted
audit-name-webhook-redeliver = Webhook delivery sent again
audit-name-org-create = Organisation created
# The actions in words. $actor is who did it; $batch, $device, $profile link to their pages.
audit-action-device-batch-create = { $count ->
    [0] { $actor } uploaded batch { $batch }
    [one] { $actor } uploaded batch { $batch } with { $count } device
   *[other] { $actor } uploaded batch { $batch } with { $count } devices
}
audit-action-device-batch-awaiting-approval = { $count ->
    [one] Batch { $batch } from { $actor } with { $count } device waits for approval
   *[other] Batch { $batch } from { $actor } with { $count } devices waits for approval
}
audit-action-device-batch-approve = { $actor } approved batch { $batch }
audit-action-device-batch-reject = { $actor } rejected batch { $batch }: { $reason }
audit-action-device-batch-reject-system = The customer rejected batch { $batch }: { $reason }
audit-action-device-batch-finished = { $total ->
    [one] { $actor } registered { $registered } of { $total } device in batch { $batch } ({ $unassigned } without a profile, { $failed } failed)
   *[other] { $actor } registered { $registered } of { $total } devices in batch { $batch } ({ $unassigned } without a profile, { $failed } failed)
}
audit-action-device-batch-discard = The upload of batch { $batch } by { $actor } was discarded before anything was registered
audit-action-device-batch-void = { $actor } voided the order of batch { $batch }: its devices that had not started were deregistered
audit-action-device-update-group-tag = { $actor } changed the group tag of device { $device } from { $from } to { $to }
audit-action-device-deregister = { $actor } deregistered device { $device }
audit-action-device-activate = Device { $device } started for the first time and received its profile
audit-action-device-superseded = The registration of device { $device } without a hardware hash was replaced by one with its hash
audit-action-profile-create = { $actor } created the profile { $profile } with the group tag { $tag }
audit-action-profile-update = { $actor } changed the profile { $profile } (group tag { $tag })
audit-action-profile-delete = { $actor } deleted the profile { $profile } (group tag { $tag })
audit-action-invitation-create = { $actor } created an invitation link
audit-action-invitation-withdraw = { $actor } withdrew an invitation link
audit-action-invitation-accept = { $actor } accepted the invitation of { $partner }: { $partner } may now register devices for { $customer }
audit-action-relationship-set-approval-mode = { $mode ->
    [review] { $actor } decided that batches from { $partner } wait for approval
   *[other] { $actor } decided that batches from { $partner } are registered without approval
}
audit-action-relationship-revoke = { $actor } revoked the relationship between { $partner } and { $customer }
audit-action-release-request-create = { $actor } asked for the release of device { $device }
audit-action-release-request-create-incoming = { $requester } asked for the release of your device { $device }
audit-action-release-request-approve = { $actor } released device { $device } to { $requester }
audit-action-release-request-approve-system = Your request for the release of device { $device } was approved: you can register it now
audit-action-release-request-deny = { $actor } denied { $requester } the release of device { $device }
audit-action-release-request-deny-system = Your request for the release of device { $device } was denied
audit-action-user-create = { $actor } added the user { $email } as { $role }
audit-action-user-change-role = { $actor } changed the role of { $email } from { $from } to { $to }
audit-action-user-password-reset = { $actor } gave { $email } a new one-time password
audit-action-user-password-change = { $actor } changed their password
audit-action-user-disable = { $actor } disabled the user { $email }
audit-action-user-enable = { $actor } enabled the user { $email } again
audit-action-user-sign-in = { $actor } signed in
audit-action-user-sign-in-failed = A sign-in as { $email } failed
audit-action-csrf-rejected = A form sent to { $path } was refused: its security token was missing or out of date
audit-action-api-key-create = { $actor } created the API key “{ $name }” with the role { $role }
audit-action-api-key-revoke = { $actor } revoked the API key “{ $name }”
audit-action-webhook-create = { $actor } added a webhook sending to { $url }
audit-action-webhook-delete = { $actor } deleted a webhook
audit-action-webhook-redeliver = { $actor } sent a webhook delivery again
audit-action-org-create = { $actor } created the organisation { $name } ({ $kind })

## Users, API keys and organisations

users-title = Users
users-heading = Users of { $org }
users-col-email = Email
users-col-role = Role
users-col-password = Password
users-col-since = Since
users-col-access = Access
users-password-one-time = one-time password not changed yet
users-password-set = set
users-disabled = disabled
users-disable = Disable
users-disable-label = Disable the user { $email }
users-col-actions = Actions
users-you = you
users-active = active
users-role-of = Role of { $email }
users-change-role = Change role
users-change-role-label = Change the role of { $email }
users-change-own-password = Change your password
users-reset-password = Reset password…
users-reset-password-label = Give { $email } a new one-time password…
users-enable = Enable
users-enable-label = Enable the user { $email }
users-notice-role-changed = The role of { $email } is changed.
users-notice-disabled = { $email } is disabled: they can no longer sign in, and their sessions have ended.
users-notice-enabled = { $email } is enabled again and can sign in with their password.
users-reset-crumb = New one-time password
users-reset-title = Give { $email } a new one-time password?
users-reset-warning = The current password of { $email } stops working, and every session of theirs ends at once.
users-reset-validity = The new one-time password is shown once, on the next page. It works for 7 days, and the user chooses their own password at the first sign-in.
users-reset-button = Give a new one-time password
users-reset-done-title = New one-time password
users-reset-done-heading = New one-time password for { $email }
users-reset-done-text = It is shown only now and works for 7 days. At the next sign-in the user chooses their own password; their sessions have ended.
users-refusal-cannot-change-own-role = You cannot change your own role.
users-refusal-cannot-change-own-role-hint = Ask another admin of your organisation.
users-refusal-cannot-reset-own-password = You cannot give yourself a one-time password.
users-refusal-cannot-reset-own-password-hint = Change your own password on the Account page.
users-refusal-last-admin = This would leave your organisation without an active admin.
users-refusal-last-admin-hint = Make another user an admin first.
users-add-heading = Add a user
users-email-label = Email
users-role-label = Role
# A role and what it may do: "admin: users, keys, …".
users-role-choice = { $role }: { $can }
users-role-can-admin = users, keys, relationships, profiles, devices
users-role-can-registrar = registers and deregisters devices
users-role-can-reader = read-only
users-role-line = Role: { $role }
users-add-hint = The user gets a one-time password, shown once on the next page; they choose their own at the first sign-in.
users-add-button = Add user
users-back = Back to users
users-new-crumb = New user
users-added-title = User added
users-added-heading = User { $email } added
users-password-notice = Hand over this one-time password
users-password-notice-text = It is shown only now. At the first sign-in the user chooses their own password.
users-one-time-password = One-time password
users-refusal-email-taken = A user with the email { $email } already exists.
users-refusal-email-taken-hint = Each email signs in to one organisation; use another address.
users-refusal-invalid-email = “{ $email }” is not an email address.
users-refusal-invalid-email-hint = Use one address such as admin@contoso.com.
users-refusal-cannot-disable-yourself = You cannot disable your own account.
users-refusal-cannot-disable-yourself-hint = Ask another admin of your organisation.
keys-title = API keys
keys-heading = API keys of { $org }
keys-lead = For machines (factory lines, scripts, ztd upload). Only a hash of each key is stored. A key is sent as
keys-none = No API key yet.
keys-col-name = Name
keys-col-role = Role
keys-col-created = Created
keys-col-status = Status
keys-status-revoked = revoked
keys-status-expired = expired
keys-status-active = active
keys-expires = works until
keys-revoke = Revoke
keys-revoke-label = Revoke the key { $name }
keys-create-heading = Create an API key
keys-name-label = Name
keys-name-hint = What uses it, e.g. “factory line 3”.
keys-create-button = Create key
keys-back = Back to API keys
keys-new-crumb = New key
keys-created-title = API key created
keys-created-heading = API key { $name } created
keys-copy-notice = Copy the key now
keys-copy-notice-text = It is shown only now; the service keeps only its hash. If it is lost, revoke it and create another.
keys-secret-label = API key
keys-refusal-invalid-name = Give the key a name of at most 100 characters, without control characters.
orgs-title = Organisations
orgs-col-name = Name
orgs-col-kind = Kind
orgs-col-domain = Domain
orgs-col-id = Id
orgs-col-created = Created
orgs-create-heading = Create an organisation
orgs-kind-customer = Customer
orgs-kind-partner = Partner (CSP reseller)
orgs-kind-oem = OEM (hardware maker)
orgs-domain-label = Domain (customers)
orgs-domain-hint = The tenant's DNS domain, e.g. contoso.com; devices receive it in their configuration.
orgs-admin-email-label = First admin's email
orgs-admin-email-hint = Gets a one-time password, shown once on the next page.
orgs-create-button = Create organisation
orgs-new-crumb = New
orgs-created-title = Organisation created
orgs-created-heading = { $name } created
orgs-created-notice = Hand the first admin their sign-in
orgs-created-notice-text = The one-time password is shown only now.
orgs-id-label = Organisation id
orgs-admin-label = Admin
orgs-open = Open { $name }
orgs-back = Back to organisations
orgs-refusal-email-taken = A user with the email { $email } already exists.
orgs-refusal-email-taken-hint = Each email signs in to one organisation; use another address for the first admin.
orgs-refusal-invalid-email = “{ $email }” is not an email address.
orgs-refusal-invalid-email-hint = Use one address such as admin@contoso.com.
orgs-refusal-invalid-name = Give the organisation a name of at most 200 characters, without control characters.
orgs-refusal-invalid-domain = This is not a DNS domain.
orgs-refusal-invalid-domain-hint = Use the tenant's DNS domain, e.g. contoso.com, or leave it empty.
org-page-devices = Devices
org-page-devices-in-tenant = { $count ->
    [one] { $count } device in its tenant
   *[other] { $count } devices in its tenant
}
org-page-devices-registered = { $count ->
    [one] { $count } device registered by it for its customers
   *[other] { $count } devices registered by it for its customers
}
org-page-users-heading = Users ({ $count })
org-page-no-users = No users.
org-page-keys = { $count ->
    [one] { $count } API key works.
   *[other] { $count } API keys work.
}
org-page-relationships-heading = Relationships
org-page-no-relationships = No relationships.
org-page-col-other = With
org-page-col-kind = Kind
org-page-col-since = Since
org-page-col-status = Status
org-page-col-approval = Batches
org-page-relationship-csp = CSP partner
org-page-relationship-oem = OEM
org-page-active = active
org-page-revoked = revoked
org-page-approval-review = wait for approval
org-page-approval-auto = registered at once
org-page-audit-heading = Latest audit events

## Webhooks

webhooks-title = Webhooks
webhooks-heading = Webhooks of { $org }
webhooks-lead = ztd POSTs each chosen event to your HTTPS endpoint as JSON, signed with the webhook's secret in the ztd-signature header, and retries failures for 25 hours. The documentation (docs/webhooks.md) shows how to verify a signature.
webhooks-deleted-title = Webhook deleted
webhooks-deleted-text = Nothing more is sent to it; its pending deliveries were dropped.
webhooks-none = No webhook yet.
webhooks-col-url = URL
webhooks-col-events = Events
webhooks-col-created = Created
webhooks-deliveries = Deliveries
webhooks-deliveries-label = Deliveries to { $url }
webhooks-delete = Delete…
webhooks-delete-label = Delete the webhook { $url }…
webhooks-add-heading = Add a webhook
webhooks-url-label = Endpoint URL
webhooks-url-hint = https:// and publicly reachable, e.g. https://hooks.example.com/ztd
webhooks-secret-once = The signing secret is shown once, on the next page.
webhooks-add-button = Add webhook
webhooks-new-crumb = New
webhooks-added-title = Webhook added
webhooks-added-notice = Copy the signing secret now
webhooks-added-notice-text = It is shown only now. Your endpoint uses it to check the ztd-signature header of every delivery. If it is lost, delete the webhook and add it again.
webhooks-secret-label = Signing secret
webhooks-see-deliveries = See its deliveries
webhooks-back = Back to webhooks
webhooks-status-pending = pending
webhooks-status-succeeded = succeeded
webhooks-status-failed = failed
# Before the time of the last attempt: "last 2 Dec 2026, 09:05 UTC: connection refused".
webhooks-last-attempt = last
webhooks-deliveries-heading = Deliveries to
webhooks-deliveries-title = Webhook deliveries
webhooks-redelivered-title = Sent again
webhooks-redelivered-text = A new delivery of the event is on its way; it appears at the top.
webhooks-deliveries-lead = The 50 newest deliveries; a failed one is retried with growing waits for 25 hours.
webhooks-no-deliveries = Nothing delivered yet.
webhooks-col-event = Event
webhooks-col-occurred = Occurred
webhooks-col-status = Status
webhooks-col-attempts = Attempts
webhooks-col-last-code = Last code
webhooks-col-next-attempt = Next attempt
webhooks-redeliver = Redeliver
webhooks-redeliver-label = Send the { $event } event { $id } again
webhooks-delete-this = Delete this webhook…
webhooks-delete-crumb = Delete
webhooks-delete-title = Delete this webhook?
webhooks-delete-warning = Nothing more is sent to { $url }. Deliveries still being retried are dropped, and its delivery log is no longer shown.
webhooks-delete-again = To receive events again, add a webhook anew: it gets a new secret.
webhooks-delete-button = Delete webhook
webhooks-refusal-no-event-types = Choose at least one event to send.
# The webhook event types as people read them (the code is shown next to the name).
webhook-event-batch-finished = Batch finished
webhook-event-batch-finished-about = a device batch finished (counts of registered, unassigned and failed devices)
webhook-event-batch-awaiting-approval = Batch awaits approval
webhook-event-batch-awaiting-approval-about = a partner's batch waits for the customer's approval
webhook-event-batch-rejected = Batch rejected
webhook-event-batch-rejected-about = the customer rejected a partner's batch
webhook-event-device-activated = Device activated
webhook-event-device-activated-about = a device booted for the first time and received its profile
webhook-event-device-deregistered = Device deregistered
webhook-event-device-deregistered-about = a device was deregistered
webhook-event-relationship-created = Relationship created
webhook-event-relationship-created-about = a customer accepted an invitation link
webhook-event-relationship-revoked = Relationship revoked
webhook-event-relationship-revoked-about = a relationship was revoked by either side
webhook-event-release-request-created = Release requested
webhook-event-release-request-created-about = a device's release was requested
webhook-event-release-request-decided = Release request decided
webhook-event-release-request-decided-about = a release request was approved or denied
