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

## Audit trail

## Users, API keys and organisations

## Webhooks
