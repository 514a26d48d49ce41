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
nav-batches = Batches
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

device-state-registered = registered
device-state-unassigned = unassigned
device-state-active = active
device-state-deregistered = deregistered
# The badge of a device without a profile says why it gets no configuration.
device-badge-unassigned = unassigned: no profile
device-no-profile = no profile
device-tag-matches-no-profile = matches no profile
device-no-serial = (no serial)
devices-title = Devices of { $customer }
devices-lead-partner = The devices your organisation registered for { $customer }.
devices-crumb-customers = Customers
devices-notice-deregistered = The device is deregistered. Its identity is free for a new registration.
devices-add = Add devices
devices-batches = Batches
devices-export-intune = Export (Intune CSV)
devices-export-partner-center = Export (Partner Center CSV)
devices-filter-label = Search and filter devices
devices-search = Serial number
devices-search-hint = Upper and lower case are the same.
devices-search-prefix = starts with
devices-search-exact = is exactly
devices-search-how = How to match the serial number
devices-state = State
devices-state-any = Any state (except deregistered)
devices-group-tag = Profile (group tag)
devices-group-tag-any = Any profile
devices-order = Order number
devices-order-hint = The order number given when the devices were added.
devices-filter = Search
devices-clear = Clear
devices-total = { $count ->
    [one] { $count } device
   *[other] { $count } devices
}
devices-total-filtered = { $count ->
    [one] { $count } device matches
   *[other] { $count } devices match
}
devices-none-match = No device matches the search.
devices-none = No devices yet.
devices-caption = Devices of { $customer }
devices-col-select = Select
devices-col-serial = Serial number
devices-col-manufacturer = Manufacturer
devices-col-model = Model
devices-col-state = State
devices-col-profile = Profile / group tag
devices-col-order = Order
devices-col-registered-by = Registered by
devices-col-registered = Registered
devices-select = Select { $serial }
devices-page-nav = Pages of devices
devices-previous = Previous page
devices-next = Next page
devices-first = First page
devices-bulk-heading = With the selected devices
devices-bulk-action = Action
devices-bulk-retag = Change the profile to
devices-bulk-deregister = Deregister them
devices-bulk-profile = New profile (group tag)
devices-bulk-unassigned = No profile (unassigned)
devices-bulk-continue = Continue…
devices-bulk-hint = You see what will happen and confirm on the next page.
devices-bulk-title = Change { $count ->
    [one] { $count } device
   *[other] { $count } devices
}?
devices-bulk-deregister-title = Deregister { $count ->
    [one] { $count } device
   *[other] { $count } devices
}?
devices-bulk-none-selected = No device was selected
devices-bulk-none-selected-text = Tick the devices in the list first, then choose what to do with them.
devices-bulk-retag-explain = Each device gets the profile { $profile } at its next first boot.
devices-bulk-unassign-explain = Each device loses its profile: at its next first boot it gets no configuration until it gets a profile again.
devices-bulk-deregister-explain = Each device leaves the tenant of { $customer }: at its next first boot it gets no configuration. Its identity is free at once, so it can be registered again.
devices-bulk-col-now = Now
devices-bulk-col-after = After
devices-bulk-left-out = Left out
devices-bulk-left-out-text = These selected devices cannot be changed and are left out:
devices-bulk-will-be-deregistered = deregistered
devices-bulk-confirm-retag = Change the profile of { $count ->
    [one] { $count } device
   *[other] { $count } devices
}
devices-bulk-confirm-deregister = Deregister { $count ->
    [one] { $count } device
   *[other] { $count } devices
}
devices-bulk-cancel = Keep them as they are
devices-bulk-nothing-to-do = None of the selected devices can be changed.
devices-bulk-done-title = Done: { $changed } changed, { $refused } refused
devices-bulk-changed = Changed
devices-bulk-changed-none = No device was changed.
devices-bulk-refused = Refused
devices-bulk-refused-text = These devices were not changed:
devices-bulk-col-reason = Why
devices-bulk-back = Back to the devices
devices-bulk-reason-deregistered = It is already deregistered.
devices-bulk-reason-other-customer = It is not a device of { $customer }.
devices-bulk-too-many = Select at most { $max } devices at a time.
devices-bulk-page-title = Change several devices
device-title = Device { $serial }
device-crumb = Device
device-notice-tag-changed = The profile is changed. The device gets the new configuration at its next first boot.
device-state = State
device-profile = Profile
device-serial = Serial number
device-manufacturer = Manufacturer
device-model = Model
device-product-id = Windows Product ID
device-assigned-user = Assigned user
device-registered-by = Registered by
device-registered-by-on = { $org } on
device-first-boot = First boot
device-deregistered = Deregistered
device-batch = Batch
device-order = Order
device-id = Device id
device-hardware-hash = Hardware hash
device-hash-length = { $count ->
    [one] { $count } character
   *[other] { $count } characters
}
device-no-hash = None: an unverified registration, made from printed facts. A registration carrying the device's hardware hash replaces it.
device-change-profile-heading = Change the profile
device-change-profile-label = Profile (group tag)
device-unassigned-option = No profile (unassigned)
device-change-profile-button = Change profile
device-deregister-heading = Deregister
device-deregister-text = Removes the device from the tenant: it gets no configuration at its next first boot, and it can be registered again (here or by another organisation).
device-deregister-link = Deregister…
device-deregister-crumb = Deregister
device-deregister-question = Deregister device { $serial }?
device-deregister-consequence = The device leaves the tenant of { $customer }: at its next first boot it gets no configuration. Its identity is free at once, so it can be registered again.
device-deregister-button = Deregister the device
device-deregister-keep = Keep it
device-deregister-page-title = Deregister device
batches-title = Batches
batches-title-customer = Batches of { $customer }
batches-lead-partner = The batches your organisation submitted, newest first. Batches for a customer that revoked your access stay readable here, but nothing in them can be changed.
batches-lead-partner-customer = The batches your organisation submitted for { $customer }, newest first.
batches-lead-customer = Every batch registered into your tenant, by your partners or by your organisation, newest first.
batches-revoked-note = { $customer } revoked your access: these batches can be read, but nothing can be changed or registered.
batches-empty = No batch yet.
batches-caption = Batches
batches-col-submitted = Submitted
batches-col-status = Status
batches-col-customer = Customer
batches-col-rows = Rows
batches-col-registered = Registered
batches-col-failed = Failed
batches-col-by = Submitted by
batches-col-file = File
batches-col-order = Order number
batches-open = Open batch from { $when }
batches-by-unknown = (an account that no longer exists)
batches-by-console = the operator console
batches-no-file = sent without a file
batches-next = Older batches
batches-first = Newest batches
batches-page-nav = Pages of batches
batches-all-customers = All customers
batches-status-awaiting_approval = waiting for approval
batches-status-queued = queued
batches-status-processing = processing
batches-status-finished = finished
batches-status-finished_with_errors = finished with errors
batches-status-rejected = rejected
batches-status-voided = voided

## Customers and invitations

customers-title = Customers
customers-lead = Customers that accepted your invitation link. You can register devices only while the relationship is active; the customer can revoke it at any time. Your batches stay readable after a revocation.
customers-empty = No customer yet. Create an invitation link below and send it to the customer's admin.
customers-col-customer = Customer
customers-col-relationship = Relationship
customers-col-status = Status
customers-col-since = Since
customers-col-actions = Actions
customers-devices = Devices
customers-add-devices = Add devices
customers-batches = Batches
customers-no-access = No access to devices: the relationship was revoked.
invite-heading = Create an invitation link
invite-customer-id = Customer organisation id (optional)
invite-customer-id-hint = With an id, only that customer can accept the link. Leave it empty to let any customer admin who gets the link accept it.
invite-customer-id-error = “{ $value }” is not an organisation id; it looks like 2f1c7a9e-4b3d-4c8e-9f0a-1b2c3d4e5f60 (ask the customer's admin), or leave it empty.
invite-expires = Valid for (days)
invite-expires-hint = 1 to { $max } days.
invite-expires-error = “{ $value }” is not a number of days from 1 to { $max }.
invite-reusable = Reusable: several customers may accept the same link (usual for OEMs)
invite-button = Create invitation link
invitations-heading = Invitation links
invitations-empty = No invitation link yet.
invitations-col-created = Created
invitations-col-kind = Kind
invitations-col-customer = Customer
invitations-col-status = Status
invitations-col-accepted = Accepted
invitations-col-expires = Expires
invitations-col-actions = Actions
invitation-reusable = reusable
invitation-single-use = single use
invitation-any-customer = Any customer who gets the link
invitation-customer-unconnected = A customer not connected yet
invitation-customer-unconnected-hint = Its name shows here once it accepts; until then only its id is known: { $id }
invitation-accepted-by = Accepted by { $names }
invitation-status-open = open
invitation-status-used = used
invitation-status-expired = expired
invitation-status-withdrawn = withdrawn
invitation-withdraw = Withdraw
invitation-created-title = Invitation link created
invitation-created-notice = Send this link to the customer's admin
invitation-created-text = It is shown only now. The admin signs in, opens the link and accepts; from then on you can register devices for that customer.
invitation-link-label = Invitation link
invitation-crumb = Invitation link
invitation-expires = Expires
invitation-days-left = { $days ->
    [one] in { $days } day
   *[other] in { $days } days
}
invitation-use = Use
invitation-use-reusable = reusable: every customer admin who gets it may accept
invitation-use-single = single use
invitation-kind = Kind
invitation-kind-csp = CSP (partner)
invitation-kind-oem = OEM
invitation-only-for = Only for customer
invitation-back = Back to customers
customers-unknown-name = customer { $id }

## Partners and relationships

relationship-kind-csp = CSP
relationship-kind-oem = OEM
relationship-status-active = active
relationship-status-revoked = revoked
relationship-revoked-on = revoked
invitation-page-title = Invitation
invitation-from = Invitation from { $inviter }
invitation-inviter-csp = { $inviter }, a partner (CSP reseller), asks for consent to register devices into your organisation, { $org }.
invitation-inviter-oem = { $inviter }, a hardware maker (OEM), asks for consent to register devices into your organisation, { $org }.
invitation-if-you-accept = If you accept, { $inviter } may add devices to your tenant and see and manage the devices it registered. You can revoke this at any time under Partners; devices already registered stay yours.
invitation-link-expires = Link expires
invitation-expired-badge = expired
invitation-accept = Accept and allow { $inviter }
invitation-not-now = Not now
invitation-admin-only = Only an admin of a customer organisation can accept
invitation-admin-only-text = Forward this link to an admin of your organisation.
relationships-title = Partners
relationships-lead = Partners and hardware makers you allowed to register devices into your tenant.
relationships-accepted = Invitation accepted
relationships-accepted-text = The partner may now register devices into your tenant.
relationships-revoked = Access revoked
relationships-revoked-text = The partner can no longer add, change or deregister devices of yours. Devices already registered stay yours.
relationships-review = Batches from this partner now wait for your approval
relationships-review-text = You find them under Approvals. Batches submitted before stay as they were.
relationships-auto = Batches from this partner are registered at once
relationships-auto-text = No approval is asked for new batches.
relationships-empty = No partner yet. A partner sends you an invitation link; open it while signed in to accept.
relationships-col-org = Organisation
relationships-col-kind = Kind
relationships-col-status = Status
relationships-col-since = Since
relationships-col-work = Recent work
relationships-col-new-batches = New batches
relationships-col-actions = Actions
relationships-accepted-by = accepted by { $who }
relationships-devices-registered = { $count ->
    [one] { $count } device registered
   *[other] { $count } devices registered
}
relationships-batches-30d = { $count ->
    [one] { $count } batch
   *[other] { $count } batches
}
relationships-failed-rows-30d = { $count ->
    [one] { $count } failed row
   *[other] { $count } failed rows
}
relationships-recent = { $batches }, { $failed } in 30 days · last upload
relationships-never = never
relationships-mode-review = wait for approval
relationships-mode-auto = registered at once
relationships-switch-review = Review new batches first
relationships-switch-auto = Register new batches at once
relationships-revoke-link = Revoke…
revoke-already-title = Already revoked
revoke-already-text = The relationship with { $other } is already revoked.
revoke-back = Back to partners
revoke-crumb = Revoke
revoke-page-title = Revoke access
revoke-question = Revoke access for { $other }?
revoke-consequence = From the moment you revoke, { $other } can no longer add, change or deregister any device of yours, and no longer sees your devices.
revoke-what-stays = Devices already registered stay in your tenant: you own them. The history stays in the audit trail, and { $other } can still read the batches it submitted (read only). To work together again, { $other } must send you a new invitation link.
revoke-button = Revoke access
revoke-keep = Keep the relationship
revoke-failed = The relationship was not revoked
revoke-failed-page-title = Not revoked

## Profiles

profiles-title = Profiles of { $customer }
profiles-crumb = Profiles of { $customer }
profiles-lead = A device gets the profile whose group tag equals its own exactly.
profiles-saved = Profile saved
profiles-new = New profile
profiles-col-name = Name
profiles-col-group-tag = Group tag
profiles-col-mode = Mode
profiles-col-join = Join
profiles-col-actions = Actions
profiles-built-in = built-in
profiles-mode-user-driven = user-driven
profiles-mode-self-deploying = self-deploying
profiles-join-cloud = cloud
profiles-join-hybrid = hybrid
profiles-edit = Edit
profiles-view = View
profile-new-title = New profile
profile-edit-title = Edit profile { $name }
profile-view-title = Profile { $name }
profile-read-only = Read only
profile-read-only-text = Only the customer's own admins change its profiles.
profile-built-in-hint = A built-in managed-desktop profile: its name and group tag are fixed; its settings can be changed.
profile-name = Name
profile-group-tag = Group tag
profile-group-tag-hint = Matched exactly, byte for byte: case and a trailing underscore count.
profile-deployment-mode = Deployment mode
profile-deployment-user-driven = User-driven
profile-deployment-self-deploying = Self-deploying
profile-join-type = Join type
profile-join-cloud = Cloud (Microsoft Entra join)
profile-join-hybrid = Hybrid (on-premises domain join)
profile-oobe = Out-of-box experience
profile-user-is-local-admin = The user is a local administrator
profile-skip-eula = Skip the licence terms (EULA)
profile-skip-privacy-settings = Skip the privacy settings
profile-skip-oem-registration = Skip the OEM registration
profile-skip-keyboard-selection = Skip the keyboard selection
profile-language = Language (optional)
profile-language-hint = e.g. en-US; empty lets the user choose.
profile-region = Region (optional)
profile-region-hint = e.g. US; empty lets the user choose.
profile-name-template = Device name template (optional)
profile-name-template-hint = At most 15 characters once expanded; %SERIAL% and %RAND:n% are replaced per device.
profile-update-preview = Update the preview
profile-save = Save profile
profile-preview-title = Configuration file preview
profile-preview-hint = What a device with this profile receives at first boot (AutopilotConfigurationFile).
profile-preview-device-id = (the device's id)
profile-preview-none = No preview yet: { $problem }.
profile-problem-choose = choose a deployment mode and a join type
profile-problem-template-empty = the device name template is empty (leave it empty to keep the default name)
profile-problem-template-too-long = the device name template “{ $template }” is { $length } characters once expanded, more than the 15 a Windows computer name allows
profile-problem-template-too-long-serial = the device name template “{ $template }” is { $length } characters once expanded, more than the 15 a Windows computer name allows, leaving no room for %SERIAL%
profile-problem-template-character = the device name template “{ $template }” has “{ $character }” at position { $position }, which is not allowed (letters, digits and hyphens only)
profile-problem-template-variable = the device name template “{ $template }” has the unknown variable “{ $variable }” at position { $position } (allowed: %SERIAL% and %RAND:n%)
profile-problem-template-unclosed = in the device name template “{ $template }”, the % at position { $position } starts a variable that is never closed
profile-problem-template-rand = in the device name template “{ $template }”, %RAND:{ $digits }% must have 1 to 15 digits
profile-problem-template-digits = the device name template “{ $template }” would make a name of only digits, which Windows refuses
profile-problem-language = the language “{ $value }” is not a language tag like en-US or sr-Latn-RS
profile-problem-region = the region “{ $value }” is not a two-letter country code in capitals like US

## Approvals and release requests

## Audit trail

## Users, API keys and organisations

## Webhooks
