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

add-devices-title = Add devices to { $customer }
add-devices-lead = The devices in the file are registered into { $customer }'s tenant. Nothing is registered until the whole file passes every check, including the check against the devices already registered.
add-devices-profile = Deployment profile (group tag)
add-devices-profile-hint = Each device gets this exact group tag, unless its row has its own Group Tag. The tag selects the profile its configuration comes from.
add-devices-no-profile = No profile: register the devices unassigned
add-devices-allow-unknown = Register devices whose group tag matches no profile, unassigned (they get no configuration until their tag is fixed)
add-devices-file = Device CSV file
add-devices-file-hint = Partner Center, Autopilot/Intune or MMD format, up to { $limit }.
add-devices-file-again = Choose the corrected file again, or repair it below.
add-devices-file-missing = Choose the CSV file with the devices.
add-devices-file-too-large = The file is larger than the upload limit of { $limit }.
add-devices-samples = Download a sample file:
add-devices-sample = { $format } sample
add-devices-samples-note = Each sample has the exact header of its format and three made-up example devices: replace the rows with your devices in a text editor, keep the header, save as CSV and upload. Every device needs a hardware hash, a Windows Product ID, or manufacturer, model and serial number.
add-devices-column-hash = About 4,000 characters from the device itself: run
add-devices-column-hash-where = on it (PowerShell, as administrator), or take it from the OEM's file.
add-devices-column-serial = The serial number as the device's firmware reports it.
add-devices-column-pkid = The 13-digit product key ID, or empty.
add-devices-column-model = Exactly as the device reports them (they are in its hash).
add-devices-column-tag = The exact tag of one of this customer's profiles (the sample uses them); empty: the profile chosen above.
add-devices-column-user = Optional: the sign-in name of the person the device is for.
add-devices-order = Order (optional)
add-devices-order-hint = Shown with each device, and the devices of one order can be listed and voided together.
add-devices-order-number = Order number
add-devices-purchase-order = Customer's purchase order
add-devices-ship-date = Ship date
add-devices-register-passing = If some devices cannot be registered (already registered, or held by another organisation), register the others anyway
add-devices-submit = Check and register
add-devices-checking = Checking the file…
add-devices-refused = Nothing was registered: { $count ->
    [one] { $count } problem
   *[other] { $count } problems
} in { $file }
add-devices-read-as = Read as { $format } format, { $rows ->
    [one] { $rows } device row.
   *[other] { $rows } device rows.
}
add-devices-fix-and-upload = Fix the problems below in the file, then upload it again.
add-devices-problems-caption = Problems in { $file }
add-devices-kind-count = { $count ->
    [one] { $count } line
   *[other] { $count } lines
}
add-devices-kind-more = Show the other { $count }
add-devices-col-where = Where
add-devices-col-problem = Problem
add-devices-col-fix = How to fix it
add-devices-col-code = Code
add-devices-would-fail = Nothing was registered: { $count ->
    [one] { $count } device
   *[other] { $count } devices
} in { $file } cannot be registered
add-devices-would-fail-text = The file itself is fine, but the check against the registered devices found rows that would fail. { $count ->
    [one] { $count } other device would register.
   *[other] { $count } other devices would register.
} Remove the rows below from the file, or tick
add-devices-register-others = register the others anyway
add-devices-would-fail-end = , and upload it again.
add-devices-would-fail-caption = Devices of { $file } that would fail
add-devices-repair-title = Repair the file here
add-devices-repair-lead = These problems can be repaired without guessing any value, as “ztd csv fix” does:
add-devices-repair-lines = { $count ->
    [one] line { $lines }
   *[other] { $count } lines ({ $lines }{ $more ->
        [yes] , …
       *[other] {""}
    })
}
add-devices-repair-line-endings = Line endings made Windows (CRLF)
add-devices-repair-button = Repair and check again
add-devices-download-repaired = Download the repaired file
add-devices-repair-then = The repaired file is checked like a new upload; if it passes every check, its devices are registered with the choices above. Problems a repair cannot solve stay listed.
add-devices-repair-nothing = None of these problems can be repaired automatically: correct them in the file and upload it again.
add-devices-download-problems = Download every problem (CSV)
add-devices-not-kept = The file is too large to keep for repair here: correct it, or repair it with “ztd csv fix”, and upload it again.
add-devices-repaired-title = The file was repaired

batch-crumb = Batch
batch-title = Devices for { $customer }
batch-page-title = Batch for { $customer }
batch-label = Batch
batch-submitted = submitted
batch-group-tag = Group tag:
batch-progress = { $done } of { $total ->
    [one] { $total } row processed
   *[other] { $total } rows processed
}
batch-count-registered = Registered
batch-count-unassigned = Unassigned
batch-count-failed = Failed
batch-count-waiting = Waiting
batch-order = Order
batch-purchase-order = purchase order
batch-shipped = shipped
batch-refreshes = This page refreshes every { $seconds } seconds until the batch is finished.
batch-status-queued = Waiting to start
batch-status-processing = Registering…
batch-status-finished = Finished
batch-status-finished-with-errors = Finished with errors
batch-status-awaiting-approval = Waiting for the customer's approval
batch-status-rejected = Rejected by the customer
batch-item-pending = pending
batch-item-registered = registered
batch-item-unassigned = unassigned: no profile
batch-item-failed = failed
batch-would-register = would register
batch-would-be-unassigned = would register, no profile
batch-would-fail = would fail
batch-if-approved = if approved:
batch-awaiting-yours = This batch waits for your approval
batch-awaiting-yours-text = Nothing is registered yet. Each row below shows what approving would do. Approve to register the devices, or reject the batch with a reason the partner sees.
batch-awaiting-text = The customer reviews batches from partners before anything is registered. Nothing is registered until one of its admins approves.
batch-rejected = The customer rejected this batch
batch-rejected-text = Nothing was registered. Reason: { $reason }
batch-no-reason = none given
batch-some-failed = { $failed } of { $total ->
    [one] { $total } row failed
   *[other] { $total } rows failed
}
batch-some-failed-text = The other rows are registered. Fix the failed rows (see each row's message), put them in a new file and add them again.
batch-all-done = All rows are done
batch-all-done-text = Every device in the file is in the customer's tenant.
batch-approve = Approve and register { $count ->
    [one] { $count } device
   *[other] { $count } devices
}
batch-reject-reason = Reason for rejecting (the partner sees it)
batch-reject-reason-hint = optional, at most 500 characters
batch-reject = Reject the batch
batch-voided = This order was voided
batch-voided-text = Its devices that had not booted were deregistered on { $at }.
batch-void = Void this order…
batch-download-results = Download the results (CSV)
batch-see-devices = See the devices
batch-add-more = Add more devices
batch-rows = Rows
batch-first-rows = The first { $count } rows are shown; the CSV has every row.
batch-col-row = Row
batch-col-result = Result
batch-col-serial = Serial number
batch-col-manufacturer = Manufacturer
batch-col-model = Model
batch-col-details = Details
batch-fix = Fix:
batch-view-device = View device

# One title per per-row error code (docs/domain.md#errors); the row's own English detail follows it.
row-error-invalid-request-body = The row could not be read
row-error-invalid-hardware-hash = Invalid hardware hash
row-error-missing-device-identity = The row identifies no device
row-error-invalid-device-field = Invalid value
row-error-identity-mismatch = The row contradicts its hardware hash
row-error-unknown-group-tag = The group tag matches no profile
row-error-device-already-registered = Already registered
row-error-device-registered-to-other-tenant = Registered to another organisation
row-error-device-duplicated-in-batch = The same device twice in this upload
row-error-invalid-csv-row = Problem in the CSV row
row-error-device-not-registered = Not registered
row-error-relationship-revoked = The customer revoked the relationship
row-error-batch-rejected = The customer rejected the batch
row-error-device-already-registered-detail = A device with the same identity (hardware hash, product key ID, or manufacturer, model and serial number) is already registered in this tenant.
row-error-device-already-registered-fix = The existing registration is unchanged. To register the device again, deregister it first.
row-error-device-registered-to-other-tenant-detail = This device is registered to another organisation.
row-error-device-registered-to-other-tenant-fix = The device's current owner must deregister it before it can be registered here.
row-error-device-duplicated-in-batch-detail = Another row of this upload registers the same device (same hardware hash, product key ID, or manufacturer, model and serial number).
row-error-device-duplicated-in-batch-fix = List each device once per upload.
row-error-relationship-revoked-detail = The customer revoked its relationship with the organisation that submitted this batch before the row was processed; nothing was registered for it.
row-error-relationship-revoked-fix = The customer must accept a new invitation link before devices can be registered again.
row-error-unknown-group-tag-detail = Group tag “{ $tag }” matches no profile of this customer.
row-error-unknown-group-tag-fix-suggestion = Did you mean { $suggestion }? { $why }
row-error-unknown-group-tag-fix-none = This customer has no profiles with a group tag: leave the tag empty to register the device without a profile.
row-error-unknown-group-tag-fix-few = Use one of the profile tags exactly (case-sensitive): { $tags }; or leave it empty to register the device without a profile.
row-error-unknown-group-tag-fix-many = Use a profile tag exactly (case-sensitive), or leave it empty to register the device without a profile.
tag-near-miss-whitespace = The tag has whitespace around it.
tag-near-miss-case = Tags are case-sensitive.
tag-near-miss-missing-underscore = The trailing underscore is missing.
tag-near-miss-extra-underscore = The profile tag has no trailing underscore.
tag-near-miss-several = Tags match exactly: upper and lower case, spaces around the tag and the trailing underscore all count.
tag-near-miss-distance = { $count ->
    [one] One character differs.
   *[other] { $count } characters differ.
}

## CSV problems (one message per code of docs/csv-rules.md)

# Where a problem is. "Column" is the spreadsheet column; the character counts from the start of the line.
csv-where-line = Line { $line }
csv-where-cell = Line { $line }, column { $field } ({ $column })
csv-where-field = Line { $line }, column { $field }
csv-where-character = character { $char }
# What a problem is about, at the start of a sentence.
csv-subject-header = Header column { $field }
csv-subject-unnamed = Column { $field }

csv-unreadable-file-title = The file cannot be read
csv-unreadable-file = The file could not be read.
csv-unreadable-file-hint = Choose the file again; if it keeps failing, save it again from the program that made it.
csv-empty-file-title = Empty file
csv-empty-file = The file is empty: no header and no device rows.
csv-empty-file-hint = Export the device list again; a device CSV has a header line and one line per device.
csv-binary-file-title = Not a CSV text file
csv-binary-file = { $kind ->
    [zip] The file is a ZIP archive (an Excel .xlsx workbook?), not a CSV text file.
    [xls] The file is an old Excel .xls workbook, not a CSV text file.
    [pdf] The file is a PDF document, not a CSV text file.
    [gzip] The file is compressed with gzip, not a CSV text file.
   *[other] The file contains bytes that no text encoding explains: it is not a text file.
}
csv-binary-file-hint = In the spreadsheet, use Save as → “CSV (Comma delimited)” and upload that file.
csv-utf16-encoding-title = UTF-16 text (PowerShell)
csv-utf16-encoding = The file is UTF-16 text ({ $byte-order ->
    [little] little-endian
   *[big] big-endian
}), which PowerShell 5 writes by default; the portals need ANSI/ASCII text.
csv-utf16-encoding-hint = “Repair and check again” converts it. In PowerShell, write the file with Out-File -Encoding ascii or Export-Csv -Encoding ASCII -NoTypeInformation.
csv-utf8-bom-title = UTF-8 byte-order mark
csv-utf8-bom = The file starts with a UTF-8 byte-order mark, which the portals read as part of the first column name.
csv-utf8-bom-hint = “Repair and check again” removes it. In Excel, save as “CSV (Comma delimited)”, not “CSV UTF-8”.
csv-line-too-long-title = Line too long
csv-line-too-long = The line is longer than { $limit } bytes; the rest of it was not read.
csv-line-too-long-hint = A device row is a few thousand characters at most: check that this is a device CSV file with line breaks.
csv-row-limit-exceeded-title = Too many rows
csv-row-limit-exceeded = The file has more than { $limit } device rows; this line and the rest of the file were not read.
csv-row-limit-exceeded-hint = Split the file into smaller files and upload them one by one.
csv-no-device-rows-title = No device rows
csv-no-device-rows = The file has a header but no device rows.
csv-no-device-rows-hint = Add one line per device below the header.
csv-semicolon-separated-title = Values separated by semicolons
csv-semicolon-separated = { $kind ->
    [comma-in-value] A value on this line holds a comma, which a device CSV value cannot; it was left as it is.
   *[other] The values are separated by semicolons (;), not commas: a spreadsheet saved the file with its regional list separator.
}
csv-semicolon-separated-hint = { $kind ->
    [comma-in-value] Correct the value by hand (a serial number or model never holds a comma), then check the file again.
   *[other] “Repair and check again” puts commas between the values. In the spreadsheet, save as “CSV (Comma delimited)” with a comma as list separator.
}
csv-separator-line-title = Excel's “sep=” line
csv-separator-line = The first line “sep={ $separator }” is Excel's declaration of the separator, not the header; the portals read it as the header and refuse the file.
csv-separator-line-hint = Delete the line (“Repair and check again” does); the header must be the first line.
csv-unknown-header-title = Not a device CSV header
csv-unknown-header = { $kind ->
    [device-row-format] The first line is a device row, not a header: the header line is missing.
    [device-row] The first line is a device row, not a header: the header line is missing.
   *[other] The first line “{ $value }” is not the header of any device CSV format.
}
csv-unknown-header-hint = { $kind ->
    [device-row-format] Add the { $format } header as the first line: { $header }
   *[other] The first line must be one of these headers: { $accepted }
}
csv-header-case-title = Column name in the wrong case
csv-header-case = Column name “{ $value }” should be “{ $expected }”: column names are case-sensitive.
csv-header-case-hint = Write the header exactly as { $header } (“Repair and check again” does).
csv-misspelled-column-title = Misspelled column name
csv-misspelled-column = Column name “{ $value }” is not a column of the { $format } format; it looks like “{ $expected }”.
csv-misspelled-column-hint = Rename it to “{ $expected }”. The { $format } header is { $header }
csv-header-order-title = Columns out of order
csv-header-order = The columns are out of order: found { $found }; the { $format } order is { $expected }.
csv-header-order-hint = Reorder the columns, moving each row's values with them (“Repair and check again” does).
csv-missing-column-title = Missing column
csv-missing-column = { $kind ->
    [group-tag] Column “{ $column }” of the { $format } format is missing (Assigned User must come right after it; leave its values empty when a row has no tag).
   *[other] Column “{ $column }” of the { $format } format is missing.
}
csv-missing-column-hint = Add “{ $column }” as column { $position }, with an empty value in rows that have none. The { $format } header is { $header }
csv-extra-column-title = Column not in the format
csv-extra-column = { $kind ->
    [unnamed] Header column { $field } has no name.
    [dropped-values] Column { $field } is not part of the { $format } format and { $count ->
        [one] { $count } row had a value in it
       *[other] { $count } rows had a value in it
    }; it was left out of the repaired file.
   *[other] Column “{ $value }” is not part of the { $format } format.
}
csv-extra-column-hint = { $kind ->
    [dropped-values] Check that those values are not needed, or move them into the right column.
   *[other] Delete this column and its values. The { $format } header is { $header }
}
csv-repeated-column-title = Column named twice
csv-repeated-column = Column “{ $column }” appears more than once (again as column { $field }).
csv-repeated-column-hint = Keep one of the two columns (and its values) and delete the other.
csv-quote-character-title = Quote characters
csv-quote-character = { $kind ->
    [wrapped] { $subject } “{ $value }” is wrapped in quote characters.
    [several] { $count } values on this line are wrapped in or contain quote characters (columns { $fields }).
   *[other] { $subject } “{ $value }” contains { $count ->
        [one] a quote character (")
       *[other] { $count } quote characters (")
    }.
}
csv-quote-character-hint = Remove the quotes: these formats have no quoting, and no value contains a comma. Save without text qualifiers (“Repair and check again” removes them).
csv-leading-trailing-whitespace-title = Spaces around values
csv-leading-trailing-whitespace = { $kind ->
    [leading] { $subject } “{ $value }” has spaces in front.
    [trailing] { $subject } “{ $value }” has spaces after it.
   *[other] { $subject } “{ $value }” has spaces in front and after it.
}
csv-leading-trailing-whitespace-hint = Remove the spaces around the value: they make it a different value (“Repair and check again” trims them).
csv-tab-character-title = Tab characters
csv-tab-character = { $subject } “{ $value }” contains { $count ->
    [one] a tab
   *[other] { $count } tabs
}.
csv-tab-character-hint = Values are separated by commas, never tabs: delete the tab (“Repair and check again” does).
csv-invisible-character-title = Invisible characters
csv-invisible-character = { $subject } “{ $value }” contains the invisible character { $char-label }{ $count ->
    [one] {""}
   *[other] {""} ({ $count } invisible characters in all)
}.
csv-invisible-character-hint = Delete it; it usually comes from copying out of a web page, an e-mail or a document (“Repair and check again” removes invisible characters).
csv-control-character-title = Control characters
csv-control-character = { $subject } “{ $value }” contains the control character { $char-label }{ $count ->
    [one] {""}
   *[other] {""} ({ $count } control characters in all)
}.
csv-control-character-hint = { $kind ->
    [carriage-return] A carriage return may only end a line; this one is alone inside the line. Save with Windows (CRLF) or Unix (LF) line endings.
   *[other] Delete it: control characters never belong in a device CSV (“Repair and check again” removes them).
}
csv-non-ascii-character-title = Characters outside ASCII
csv-non-ascii-character = { $subject } “{ $value }” contains the non-ASCII character { $char-label }{ $read-as ->
    [windows-1252] {""}, byte { $byte } read as Windows-1252
   *[other] {""}
}{ $count ->
    [one] {""}
   *[other] {""} ({ $count } non-ASCII characters in all)
}.
csv-non-ascii-character-hint = This column must be plain ASCII, as the device reports it: retype the value (look-alike letters and typographic dashes are the usual culprits).
csv-blank-line-title = Blank lines
csv-blank-line = { $kind ->
    [before-header] { $count ->
        [one] Line { $first } is blank: the header must be the first line.
       *[other] Lines { $first }–{ $last } are blank: the header must be the first line.
    }
   *[other] { $count ->
        [one] Line { $first } is blank: empty lines (or lines of only commas) are allowed only at the end of the file.
       *[other] Lines { $first }–{ $last } are blank: empty lines (or lines of only commas) are allowed only at the end of the file.
    }
}
csv-blank-line-hint = Delete the blank lines (“Repair and check again” does); a portal stops reading or rejects the file at the first one.
csv-wrong-column-count-title = Wrong number of values
csv-wrong-column-count = The row has { $found } values but the header has { $expected } columns.
csv-wrong-column-count-hint = { $kind ->
    [more] A value with a comma in it, or an extra comma: remove it (values never contain commas).
   *[other] A value or a comma is missing: every row needs one value per column, empty ones included (a,,c).
}
csv-trailing-empty-columns-title = Trailing empty columns
csv-trailing-empty-columns = { $count ->
    [one] The line ends with an empty column after the last one (a trailing comma).
   *[other] The line ends with { $count } empty columns after the last one (trailing commas).
}
csv-trailing-empty-columns-hint = Delete the trailing commas; spreadsheets add them when a column further right once held data (“Repair and check again” removes them).
csv-spreadsheet-serial-title = Serial number damaged by a spreadsheet
csv-spreadsheet-serial = { $kind ->
    [scientific] Serial number “{ $value }” was saved from a spreadsheet: it is in scientific notation and its digits are lost.
   *[other] Serial number “{ $value }” was saved from a spreadsheet: its leading zeros are lost.
}
csv-spreadsheet-serial-hint = { $has-hash-serial ->
    [yes] The hardware hash carries the serial number { $hash-serial }: use it.
   *[other] Export the file again with the serial column formatted as Text, or take the serial number from the device.
}
csv-invalid-product-key-id-title = Invalid Windows Product ID
csv-invalid-product-key-id = Windows Product ID “{ $value }” is not 13 digits.
csv-invalid-product-key-id-hint = { $kind ->
    [scientific] A spreadsheet turned the ID into a number in scientific notation: take it from the original export and format the column as Text.
   *[other] The Windows Product ID is exactly 13 digits; leave it empty when unknown.
}
csv-invalid-hardware-hash-title = Invalid hardware hash
csv-invalid-hardware-hash = { $problem ->
    [empty] The hardware hash is empty.
    [too-long] The hardware hash is longer than any hash can be.
    [not-base64] The hardware hash is not base64 text{ $has-position ->
        [yes] {""} (character { $position } of the hash)
       *[other] {""}
    }.
    [truncated] The hardware hash is cut short.
    [checksum] The hardware hash was changed after the device made it (its checksum does not match).
   *[other] The hardware hash is damaged.
}{ $has-hash-serial ->
    [yes] {""} It carries the serial number { $hash-serial }.
   *[other] {""}
} Details: { $detail }
csv-invalid-hardware-hash-hint = { $problem ->
    [truncated] Copy the hash again in full from Get-WindowsAutopilotInfo's output (spreadsheets cut cells at 32,767 characters; editors may wrap lines).
    [checksum] Export the hash again from the device.
   *[other] Export the hash again from the device (Get-WindowsAutopilotInfo) and paste it unchanged.
}
csv-missing-device-identity-title = The row identifies no device
csv-missing-device-identity = { $kind ->
    [incomplete-tuple] The row has no hardware hash and no Windows Product ID, and manufacturer, model and serial number lack { $missing }.
   *[other] The row identifies no device: it has no hardware hash and no Windows Product ID.
}
csv-missing-device-identity-hint = { $tuple ->
    [yes] Give the hardware hash, the 13-digit Windows Product ID, or all of manufacturer, model and serial number.
   *[other] Give the hardware hash (Get-WindowsAutopilotInfo) or the 13-digit Windows Product ID.
}
csv-identity-mismatch-title = The row contradicts its hardware hash
csv-identity-mismatch = { $column } “{ $value }” differs from the { $role ->
    [serial-number] serial number
    [product-key-id] Windows Product ID
    [manufacturer] manufacturer
    [model] model (product name)
   *[other] value
} in the hardware hash, “{ $expected }”.
csv-identity-mismatch-hint = The hash is what the device reports: use “{ $expected }” (case-sensitive), leave the value empty, or check that the hash belongs to this row's device.
csv-invalid-device-field-title = Invalid value
csv-invalid-device-field = { $kind ->
    [too-long] { $column } is { $length } characters long, more than the { $max } allowed.
    [not-converted] Not converted: the { $format } format needs { $missing }, and neither the row nor its hardware hash has it.
   *[other] Not converted: { $detail }
}
csv-invalid-device-field-hint = { $kind ->
    [too-long] Check that the columns are not shifted (a value pasted into the wrong column).
    [not-converted] Add the { $missing } to the row, or convert to a format without that column.
   *[other] Correct the value.
}
csv-group-tag-near-miss-title = Group tag almost a managed-desktop tag
csv-group-tag-near-miss = Group Tag “{ $value }” is not the managed-desktop tag { $suggestion }: the device would get no profile.
csv-group-tag-near-miss-hint = Write the tag exactly, character for character: { $suggestion }
csv-duplicate-row-title = Repeated rows
csv-duplicate-row = This row repeats line { $earlier }.
csv-duplicate-row-hint = Delete one of the two rows: a device is registered once.
csv-duplicate-device-title = The same device twice
csv-duplicate-device = The same device as line { $earlier } (same { $key ->
    [tuple] manufacturer, model and serial number
    [product-key-id] Windows Product ID
   *[other] hardware hash: SMBIOS UUID and serial number
}).
csv-duplicate-device-hint = Keep one row per device (this one or line { $earlier }); each device may appear once per upload.

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
