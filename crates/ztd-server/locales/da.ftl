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
nav-batches = Batches
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

device-state-registered = registreret
device-state-unassigned = ikke tildelt
device-state-active = aktiv
device-state-deregistered = afregistreret
# The badge of a device without a profile says why it gets no configuration.
device-badge-unassigned = ikke tildelt: ingen profil
device-no-profile = ingen profil
device-tag-matches-no-profile = passer ikke til nogen profil
device-no-serial = (intet serienummer)
devices-title = Enheder for { $customer }
devices-lead-partner = De enheder, din organisation har registreret for { $customer }.
devices-crumb-customers = Kunder
devices-notice-deregistered = Enheden er afregistreret. Dens identitet er fri til en ny registrering.
devices-add = Tilføj enheder
devices-batches = Batches
devices-export-intune = Eksportér (Intune-CSV)
devices-export-partner-center = Eksportér (Partner Center-CSV)
devices-filter-label = Søg i og filtrér enheder
devices-search = Serienummer
devices-search-hint = Store og små bogstaver er det samme.
devices-search-prefix = begynder med
devices-search-exact = er præcis
devices-search-how = Sådan sammenlignes serienummeret
devices-state = Tilstand
devices-state-any = Alle tilstande (undtagen afregistreret)
devices-group-tag = Profil (gruppemærke)
devices-group-tag-any = Alle profiler
devices-order = Ordrenummer
devices-order-hint = Det ordrenummer, der blev angivet, da enhederne blev tilføjet.
devices-filter = Søg
devices-clear = Ryd
devices-total = { $count ->
    [one] { $count } enhed
   *[other] { $count } enheder
}
devices-total-filtered = { $count ->
    [one] { $count } enhed passer
   *[other] { $count } enheder passer
}
devices-none-match = Ingen enheder passer til søgningen.
devices-none = Ingen enheder endnu.
devices-caption = Enheder for { $customer }
devices-col-select = Vælg
devices-col-serial = Serienummer
devices-col-manufacturer = Producent
devices-col-model = Model
devices-col-state = Tilstand
devices-col-profile = Profil / gruppemærke
devices-col-order = Ordre
devices-col-registered-by = Registreret af
devices-col-registered = Registreret
devices-select = Vælg { $serial }
devices-page-nav = Sider med enheder
devices-previous = Forrige side
devices-next = Næste side
devices-first = Første side
devices-bulk-heading = Med de valgte enheder
devices-bulk-action = Handling
devices-bulk-retag = Skift profilen til
devices-bulk-deregister = Afregistrér dem
devices-bulk-profile = Ny profil (gruppemærke)
devices-bulk-unassigned = Ingen profil (ikke tildelt)
devices-bulk-continue = Fortsæt…
devices-bulk-hint = På næste side ser du, hvad der vil ske, og bekræfter.
devices-bulk-title = Skift { $count ->
    [one] { $count } enhed
   *[other] { $count } enheder
}?
devices-bulk-deregister-title = Afregistrér { $count ->
    [one] { $count } enhed
   *[other] { $count } enheder
}?
devices-bulk-none-selected = Ingen enheder er valgt
devices-bulk-none-selected-text = Markér først enhederne på listen, og vælg derefter, hvad der skal ske med dem.
devices-bulk-retag-explain = Hver enhed får profilen { $profile } ved sin næste første opstart.
devices-bulk-unassign-explain = Hver enhed mister sin profil: ved sin næste første opstart får den ingen konfiguration, før den igen får en profil.
devices-bulk-deregister-explain = Hver enhed forlader tenanten for { $customer }: ved sin næste første opstart får den ingen konfiguration. Dens identitet bliver fri med det samme, så den kan registreres igen.
devices-bulk-col-now = Nu
devices-bulk-col-after = Bagefter
devices-bulk-left-out = Udeladt
devices-bulk-left-out-text = Disse valgte enheder kan ikke ændres og udelades:
devices-bulk-will-be-deregistered = afregistreret
devices-bulk-confirm-retag = Skift profilen for { $count ->
    [one] { $count } enhed
   *[other] { $count } enheder
}
devices-bulk-confirm-deregister = Afregistrér { $count ->
    [one] { $count } enhed
   *[other] { $count } enheder
}
devices-bulk-cancel = Lad dem være, som de er
devices-bulk-nothing-to-do = Ingen af de valgte enheder kan ændres.
devices-bulk-done-title = Færdig: { $changed } ændret, { $refused } afvist
devices-bulk-changed = Ændret
devices-bulk-changed-none = Ingen enheder blev ændret.
devices-bulk-refused = Afvist
devices-bulk-refused-text = Disse enheder blev ikke ændret:
devices-bulk-col-reason = Hvorfor
devices-bulk-back = Tilbage til enhederne
devices-bulk-reason-deregistered = Den er allerede afregistreret.
devices-bulk-reason-other-customer = Den er ikke en enhed hos { $customer }.
devices-bulk-too-many = Vælg højst { $max } enheder ad gangen.
devices-bulk-page-title = Skift flere enheder
device-title = Enhed { $serial }
device-crumb = Enhed
device-notice-tag-changed = Profilen er skiftet. Enheden får den nye konfiguration ved sin næste første opstart.
device-state = Tilstand
device-profile = Profil
device-serial = Serienummer
device-manufacturer = Producent
device-model = Model
device-product-id = Windows-produkt-id
device-assigned-user = Tildelt bruger
device-registered-by = Registreret af
device-registered-by-on = { $org } den
device-first-boot = Første opstart
device-deregistered = Afregistreret
device-batch = Batch
device-order = Ordre
device-id = Enheds-id
device-hardware-hash = Hardware-hash
device-hash-length = { $count ->
    [one] { $count } tegn
   *[other] { $count } tegn
}
device-no-hash = Ingen: en ubekræftet registrering ud fra trykte oplysninger. En registrering med enhedens hardware-hash erstatter den.
device-change-profile-heading = Skift profilen
device-change-profile-label = Profil (gruppemærke)
device-unassigned-option = Ingen profil (ikke tildelt)
device-change-profile-button = Skift profil
device-deregister-heading = Afregistrér
device-deregister-text = Fjerner enheden fra tenanten: den får ingen konfiguration ved sin næste første opstart, og den kan registreres igen (her eller af en anden organisation).
device-deregister-link = Afregistrér…
device-deregister-crumb = Afregistrér
device-deregister-question = Afregistrér enheden { $serial }?
device-deregister-consequence = Enheden forlader tenanten for { $customer }: ved sin næste første opstart får den ingen konfiguration. Dens identitet bliver fri med det samme, så den kan registreres igen.
device-deregister-button = Afregistrér enheden
device-deregister-keep = Behold den
device-deregister-page-title = Afregistrér enhed
batches-title = Batches
batches-title-customer = Batches for { $customer }
batches-lead-partner = De batches, din organisation har indsendt, nyeste først. Batches til en kunde, der har tilbagekaldt din adgang, kan stadig læses her, men intet i dem kan ændres.
batches-lead-partner-customer = De batches, din organisation har indsendt for { $customer }, nyeste først.
batches-lead-customer = Alle batches, der er registreret i din tenant af dine partnere eller af din organisation, nyeste først.
batches-revoked-note = { $customer } har tilbagekaldt din adgang: disse batches kan læses, men intet kan ændres eller registreres.
batches-empty = Ingen batches endnu.
batches-caption = Batches
batches-col-submitted = Indsendt
batches-col-status = Status
batches-col-customer = Kunde
batches-col-rows = Rækker
batches-col-registered = Registreret
batches-col-failed = Fejlet
batches-col-by = Indsendt af
batches-col-file = Fil
batches-col-order = Ordrenummer
batches-open = Åbn batchen fra { $when }
batches-by-unknown = (en konto, der ikke længere findes)
batches-by-console = driftskonsollen
batches-no-file = sendt uden fil
batches-next = Ældre batches
batches-first = Nyeste batches
batches-page-nav = Sider med batches
batches-all-customers = Alle kunder
batches-status-awaiting_approval = venter på godkendelse
batches-status-queued = i kø
batches-status-processing = behandles
batches-status-finished = færdig
batches-status-finished_with_errors = færdig med fejl
batches-status-rejected = afvist
batches-status-voided = annulleret

## Customers and invitations

customers-title = Kunder
customers-lead = Kunder, der har accepteret dit invitationslink. Du kan kun registrere enheder, mens relationen er aktiv; kunden kan til enhver tid tilbagekalde den. Dine batches kan stadig læses efter en tilbagekaldelse.
customers-empty = Ingen kunder endnu. Opret et invitationslink herunder, og send det til kundens administrator.
customers-col-customer = Kunde
customers-col-relationship = Relation
customers-col-status = Status
customers-col-since = Siden
customers-col-actions = Handlinger
customers-devices = Enheder
customers-add-devices = Tilføj enheder
customers-batches = Batches
customers-no-access = Ingen adgang til enheder: relationen er tilbagekaldt.
invite-heading = Opret et invitationslink
invite-customer-id = Kundens organisations-id (valgfrit)
invite-customer-id-hint = Med et id kan kun den kunde acceptere linket. Lad feltet være tomt, hvis enhver kundeadministrator, der får linket, må acceptere det.
invite-customer-id-error = “{ $value }” er ikke et organisations-id; et id ser ud som 2f1c7a9e-4b3d-4c8e-9f0a-1b2c3d4e5f60 (spørg kundens administrator), eller lad feltet være tomt.
invite-expires = Gyldigt i (dage)
invite-expires-hint = 1 til { $max } dage.
invite-expires-error = “{ $value }” er ikke et antal dage fra 1 til { $max }.
invite-reusable = Genbrugeligt: flere kunder kan acceptere det samme link (almindeligt for OEM'er)
invite-button = Opret invitationslink
invitations-heading = Invitationslinks
invitations-empty = Ingen invitationslinks endnu.
invitations-col-created = Oprettet
invitations-col-kind = Type
invitations-col-customer = Kunde
invitations-col-status = Status
invitations-col-accepted = Accepteret
invitations-col-expires = Udløber
invitations-col-actions = Handlinger
invitation-reusable = genbrugeligt
invitation-single-use = til én brug
invitation-any-customer = Enhver kunde, der får linket
invitation-customer-unconnected = En kunde, der ikke er forbundet endnu
invitation-customer-unconnected-hint = Navnet vises her, når kunden accepterer; indtil da kendes kun id'et: { $id }
invitation-accepted-by = Accepteret af { $names }
invitation-status-open = åbent
invitation-status-used = brugt
invitation-status-expired = udløbet
invitation-status-withdrawn = trukket tilbage
invitation-withdraw = Træk tilbage
invitation-created-title = Invitationslinket er oprettet
invitation-created-notice = Send dette link til kundens administrator
invitation-created-text = Det vises kun nu. Administratoren logger ind, åbner linket og accepterer; derefter kan du registrere enheder for kunden.
invitation-link-label = Invitationslink
invitation-crumb = Invitationslink
invitation-expires = Udløber
invitation-days-left = { $days ->
    [one] om { $days } dag
   *[other] om { $days } dage
}
invitation-use = Brug
invitation-use-reusable = genbrugeligt: alle kundeadministratorer, der får det, kan acceptere
invitation-use-single = til én brug
invitation-kind = Type
invitation-kind-csp = CSP (partner)
invitation-kind-oem = OEM
invitation-only-for = Kun for kunden
invitation-back = Tilbage til kunder
customers-unknown-name = kunde { $id }

## Partners and relationships

relationship-kind-csp = CSP
relationship-kind-oem = OEM
relationship-status-active = aktiv
relationship-status-revoked = tilbagekaldt
relationship-revoked-on = tilbagekaldt
invitation-page-title = Invitation
invitation-from = Invitation fra { $inviter }
invitation-inviter-csp = { $inviter }, en partner (CSP-forhandler), beder om samtykke til at registrere enheder i din organisation, { $org }.
invitation-inviter-oem = { $inviter }, en hardwareproducent (OEM), beder om samtykke til at registrere enheder i din organisation, { $org }.
invitation-if-you-accept = Hvis du accepterer, kan { $inviter } tilføje enheder til din tenant og se og administrere de enheder, den har registreret. Du kan til enhver tid tilbagekalde samtykket under Partnere; enheder, der allerede er registreret, forbliver dine.
invitation-link-expires = Linket udløber
invitation-expired-badge = udløbet
invitation-accept = Acceptér og giv { $inviter } adgang
invitation-not-now = Ikke nu
invitation-admin-only = Kun en administrator i en kundeorganisation kan acceptere
invitation-admin-only-text = Send linket videre til en administrator i din organisation.
relationships-title = Partnere
relationships-lead = Partnere og hardwareproducenter, du har givet lov til at registrere enheder i din tenant.
relationships-accepted = Invitationen er accepteret
relationships-accepted-text = Partneren kan nu registrere enheder i din tenant.
relationships-revoked = Adgangen er tilbagekaldt
relationships-revoked-text = Partneren kan ikke længere tilføje, ændre eller afregistrere dine enheder. Enheder, der allerede er registreret, forbliver dine.
relationships-review = Batches fra denne partner venter nu på din godkendelse
relationships-review-text = Du finder dem under Godkendelser. Batches, der er indsendt før, forbliver som de var.
relationships-auto = Batches fra denne partner registreres med det samme
relationships-auto-text = Nye batches skal ikke godkendes.
relationships-empty = Ingen partnere endnu. En partner sender dig et invitationslink; åbn det, mens du er logget ind, for at acceptere.
relationships-col-org = Organisation
relationships-col-kind = Type
relationships-col-status = Status
relationships-col-since = Siden
relationships-col-work = Seneste arbejde
relationships-col-new-batches = Nye batches
relationships-col-actions = Handlinger
relationships-accepted-by = accepteret af { $who }
relationships-devices-registered = { $count ->
    [one] { $count } enhed registreret
   *[other] { $count } enheder registreret
}
relationships-batches-30d = { $count ->
    [one] { $count } batch
   *[other] { $count } batches
}
relationships-failed-rows-30d = { $count ->
    [one] { $count } fejlet række
   *[other] { $count } fejlede rækker
}
relationships-recent = { $batches }, { $failed } på 30 dage · seneste indlæsning
relationships-never = aldrig
relationships-mode-review = venter på godkendelse
relationships-mode-auto = registreres med det samme
relationships-switch-review = Gennemgå nye batches først
relationships-switch-auto = Registrér nye batches med det samme
relationships-revoke-link = Tilbagekald…
revoke-already-title = Allerede tilbagekaldt
revoke-already-text = Relationen med { $other } er allerede tilbagekaldt.
revoke-back = Tilbage til partnere
revoke-crumb = Tilbagekald
revoke-page-title = Tilbagekald adgang
revoke-question = Tilbagekald adgangen for { $other }?
revoke-consequence = Fra det øjeblik, du tilbagekalder, kan { $other } ikke længere tilføje, ændre eller afregistrere nogen af dine enheder og kan ikke længere se dine enheder.
revoke-what-stays = Enheder, der allerede er registreret, forbliver i din tenant: de er dine. Historikken bliver i revisionsloggen, og { $other } kan stadig læse de batches, den selv har indsendt (kun læseadgang). For at samarbejde igen skal { $other } sende dig et nyt invitationslink.
revoke-button = Tilbagekald adgang
revoke-keep = Behold relationen
revoke-failed = Relationen blev ikke tilbagekaldt
revoke-failed-page-title = Ikke tilbagekaldt

## Profiles

profiles-title = Profiler for { $customer }
profiles-crumb = Profiler for { $customer }
profiles-lead = En enhed får den profil, hvis gruppemærke er præcis det samme som enhedens eget.
profiles-saved = Profilen er gemt
profiles-new = Ny profil
profiles-col-name = Navn
profiles-col-group-tag = Gruppemærke
profiles-col-mode = Tilstand
profiles-col-join = Tilmelding
profiles-col-actions = Handlinger
profiles-built-in = indbygget
profiles-mode-user-driven = brugerstyret
profiles-mode-self-deploying = selvinstallerende
profiles-join-cloud = cloud
profiles-join-hybrid = hybrid
profiles-edit = Redigér
profiles-view = Vis
profile-new-title = Ny profil
profile-edit-title = Redigér profilen { $name }
profile-view-title = Profilen { $name }
profile-read-only = Kun læseadgang
profile-read-only-text = Kun kundens egne administratorer kan ændre kundens profiler.
profile-built-in-hint = En indbygget profil til administrerede computere: navn og gruppemærke ligger fast; indstillingerne kan ændres.
profile-name = Navn
profile-group-tag = Gruppemærke
profile-group-tag-hint = Sammenlignes præcist, tegn for tegn: store og små bogstaver og en understregning til sidst tæller med.
profile-deployment-mode = Installationstilstand
profile-deployment-user-driven = Brugerstyret
profile-deployment-self-deploying = Selvinstallerende
profile-join-type = Tilmeldingstype
profile-join-cloud = Cloud (Microsoft Entra-tilmelding)
profile-join-hybrid = Hybrid (tilmelding til lokalt domæne)
profile-oobe = Førstegangsopsætning (OOBE)
profile-user-is-local-admin = Brugeren er lokal administrator
profile-skip-eula = Spring licensvilkårene (EULA) over
profile-skip-privacy-settings = Spring indstillingerne for beskyttelse af personlige oplysninger over
profile-skip-oem-registration = Spring OEM-registreringen over
profile-skip-keyboard-selection = Spring valget af tastatur over
profile-language = Sprog (valgfrit)
profile-language-hint = fx da-DK; tomt lader brugeren vælge.
profile-region = Område (valgfrit)
profile-region-hint = fx DK; tomt lader brugeren vælge.
profile-name-template = Skabelon for enhedsnavn (valgfri)
profile-name-template-hint = Højst 15 tegn, når den er udfyldt; %SERIAL% og %RAND:n% erstattes for hver enhed.
profile-update-preview = Opdatér forhåndsvisningen
profile-save = Gem profil
profile-preview-title = Forhåndsvisning af konfigurationsfilen
profile-preview-hint = Det, en enhed med denne profil modtager ved første opstart (AutopilotConfigurationFile).
profile-preview-device-id = (enhedens id)
profile-preview-none = Ingen forhåndsvisning endnu: { $problem }.
profile-problem-choose = vælg en installationstilstand og en tilmeldingstype
profile-problem-template-empty = skabelonen for enhedsnavn er tom (lad feltet være tomt for at beholde standardnavnet)
profile-problem-template-too-long = skabelonen for enhedsnavn “{ $template }” giver { $length } tegn, når den er udfyldt, mere end de 15, et Windows-computernavn må have
profile-problem-template-too-long-serial = skabelonen for enhedsnavn “{ $template }” giver { $length } tegn, når den er udfyldt, mere end de 15, et Windows-computernavn må have, og der er ikke plads til %SERIAL%
profile-problem-template-character = skabelonen for enhedsnavn “{ $template }” har “{ $character }” på position { $position }, og det er ikke tilladt (kun bogstaver, cifre og bindestreger)
profile-problem-template-variable = skabelonen for enhedsnavn “{ $template }” har den ukendte variabel “{ $variable }” på position { $position } (tilladt: %SERIAL% og %RAND:n%)
profile-problem-template-unclosed = i skabelonen for enhedsnavn “{ $template }” starter % på position { $position } en variabel, der aldrig afsluttes
profile-problem-template-rand = i skabelonen for enhedsnavn “{ $template }” skal %RAND:{ $digits }% have 1 til 15 cifre
profile-problem-template-digits = skabelonen for enhedsnavn “{ $template }” ville give et navn med kun cifre, og det afviser Windows
profile-problem-language = sproget “{ $value }” er ikke et sprogmærke som da-DK eller sr-Latn-RS
profile-problem-region = området “{ $value }” er ikke en landekode med to store bogstaver som DK

## Approvals and release requests

## Audit trail

## Users, API keys and organisations

## Webhooks
