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

## Customers and invitations

## Partners and relationships

## Profiles

## Approvals and release requests

## Audit trail

## Users, API keys and organisations

## Webhooks
