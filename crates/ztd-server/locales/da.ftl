# ztd-portalen: dansk.
#
# Ét katalog pr. sprog (docs/portal.md#languages). Hver besked skal findes i alle kataloger med
# samme id; en enhedstest (crates/ztd-server/src/portal/i18n.rs) fejler ellers. Afsnittene følger
# portalens sider i samme rækkefølge som en.ftl.

## The language itself

language-name = Dansk
language-digit-group-separator = .
date-time = { $day }. { $month } { $year } kl. { $hour }.{ $minute } UTC
month-1 = jan.
month-2 = feb.
month-3 = mar.
month-4 = apr.
month-5 = maj
month-6 = jun.
month-7 = jul.
month-8 = aug.
month-9 = sep.
month-10 = okt.
month-11 = nov.
month-12 = dec.

## Shared words and counts

count-devices = { $count ->
    [one] { $count } enhed
   *[other] { $count } enheder
}
count-rows = { $count ->
    [one] { $count } række
   *[other] { $count } rækker
}
count-waiting = { $count } venter
action-copy = Kopiér
action-copied = Kopieret.
action-cancel = Annullér
action-save = Gem
action-back = Tilbage
group-tag-title = gruppemærke (præcist, forskel på store og små bogstaver)
none = ingen
dash = —

role-admin = administrator
role-registrar = registrant
role-reader = læser
org-kind-partner = partner
org-kind-oem = OEM
org-kind-customer = kunde
org-kind-operator = driftsansvarlig

## Page shell and menu

app-tagline = zero-touch-registrering af enheder
skip-to-content = Gå til indholdet
nav-main = Hovedmenu
nav-customers = Kunder
nav-devices = Enheder
nav-add-devices = Tilføj enheder
nav-profiles = Profiler
nav-partners = Partnere
nav-approvals = Godkendelser
nav-release-requests = Anmodninger om frigivelse
nav-audit = Revisionslog
nav-users = Brugere
nav-api-keys = API-nøgler
nav-webhooks = Webhooks
nav-orgs = Organisationer
nav-account = Konto
who-signed-in = { $email } · { $org } ({ $kind }, { $role })
sign-out = Log ud
language-menu = Sprog

## Error pages

error-title-forbidden = Ikke tilladt
error-title-not-found = Ikke fundet
error-title-conflict = Det kan ikke lade sig gøre nu
error-title-gone = Linket kan ikke længere bruges
error-title-too-large = Filen er for stor
error-title-check-input = Kontrollér det, du har indtastet
error-title-too-many = For mange forespørgsler
error-title-unavailable = Tjenesten er ikke tilgængelig
error-title-internal = Noget gik galt
error-title-other = Forespørgslen kunne ikke gennemføres
error-what-to-do = Det kan du gøre:
error-code = Fejlkode:
error-go-home = Gå til forsiden
error-csrf-title = Formularen kan ikke modtages
error-csrf-message = Formularen blev ikke sendt fra en side i portalen i din nuværende session (dens sikkerhedsnøgle mangler eller er forældet), så intet er ændret.
error-resend-hint = Gå tilbage, genindlæs siden, og send formularen igen.
error-bad-form-title = Formularen kunne ikke læses
error-bad-form-too-large = Formularen fylder mere end { $limit } byte.
error-page-not-found = Der er ingen side på { $path }.
error-page-not-found-hint = Kontrollér adressen, eller find siden i menuen.
error-bad-id = “{ $value }” i adressen er ikke et gyldigt id.
error-bad-id-hint = Åbn siden igen fra menuen eller fra en liste; id'er skal kopieres i deres helhed.
error-relationship-required = Din organisation har ingen aktiv relation til denne kunde og kan derfor hverken se eller registrere kundens enheder.
error-relationship-required-hint = Kundens administrator skal først acceptere et af jeres invitationslinks (Kunder → Opret et invitationslink). Har kunden tilbagekaldt relationen, så bed om samtykke igen.
error-too-large = Filen er større end uploadgrænsen på { $limit }.
error-too-large-hint = Del filen op i mindre filer (ztd csv split FIL --rows 1000 -o MAPPE), og upload dem én ad gangen.
error-forbidden-role = Det kræver rollen { $needed }; du er logget ind som { $actual }.
error-forbidden-role-hint = Spørg en administrator i din organisation.
error-not-found = Der blev ikke fundet noget med dette id, eller det tilhører en organisation, du ikke kan se.
error-not-found-hint = Åbn det igen fra en liste i menuen.
error-internal = Tjenesten kunne ikke gennemføre forespørgslen. Intet er ændret.
error-internal-hint = Prøv igen om lidt. Sker det igen, så fortæl din administrator, hvornår det skete.
error-unavailable = Databasen kan ikke nås lige nu.
error-unavailable-hint = Prøv igen om et minut.
error-rate-limited = For mange forespørgsler fra dit netværk.
error-rate-limited-hint = Vent { $seconds } sekunder, og prøv så igen.
error-detail-in-english = Detaljer (på engelsk):

## Signing in and the account

sign-in-title = Log ind
sign-in-email = E-mail
sign-in-password = Adgangskode
sign-in-password-hint = Første gang? Brug den engangsadgangskode, du har fået; bagefter vælger du din egen.
sign-in-button = Log ind
sign-in-signed-out = Du er logget ud.
sign-in-enter-email = Skriv den e-mailadresse, du logger ind med, fx navn@eksempel.dk.
sign-in-enter-password = Skriv din adgangskode.
sign-in-throttled = { $minutes ->
    [one] For mange mislykkede logins fra dit netværk. Prøv igen om { $minutes } minut.
   *[other] For mange mislykkede logins fra dit netværk. Prøv igen om { $minutes } minutter.
}
sign-in-wrong = E-mailen eller adgangskoden er forkert. Kontrollér begge, og prøv igen. En engangsadgangskode udløber efter 7 dage: bed en administrator i din organisation om en ny.

account-title = Din konto
account-language = Portalens sprog
account-language-automatic = Som min browser beder om ({ $language })
account-language-hint = Gemmes med din konto på alle de enheder, du logger ind fra.
account-language-saved = Sproget er gemt.
account-password-heading = Adgangskode
account-password-link = Skift din adgangskode

password-title = Skift din adgangskode
password-forced-title = Vælg din egen adgangskode
password-forced-text = Du loggede ind med en engangsadgangskode. Vælg din egen adgangskode for at fortsætte.
password-current = Nuværende adgangskode
password-new = Ny adgangskode
password-new-hint = Mindst 12 tegn. Nogle få ord, der ikke hænger sammen, giver en god adgangskode.
password-confirm = Ny adgangskode igen
password-button = Skift adgangskode
password-changed = Din adgangskode er skiftet.
password-problem-too-short = Den nye adgangskode har { $length } tegn; brug mindst { $min }.
password-problem-too-long = Den nye adgangskode er længere end { $max } tegn.
password-problem-same = Den nye adgangskode skal være en anden end den nuværende.
password-problem-confirm-differs = De to nye adgangskoder er forskellige; skriv den samme adgangskode to gange.
password-problem-current-wrong = Det er ikke din nuværende adgangskode.

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
