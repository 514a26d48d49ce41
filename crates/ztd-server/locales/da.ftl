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

add-devices-title = Tilføj enheder til { $customer }
add-devices-lead = Enhederne i filen registreres i { $customer }s tenant. Intet registreres, før hele filen har bestået alle kontroller, også kontrollen mod de enheder, der allerede er registreret.
add-devices-profile = Udrulningsprofil (gruppemærke)
add-devices-profile-hint = Hver enhed får præcis dette gruppemærke, medmindre dens række har sit eget Group Tag. Mærket vælger den profil, enhedens konfiguration kommer fra.
add-devices-no-profile = Ingen profil: registrér enhederne uden profil
add-devices-allow-unknown = Registrér enheder, hvis gruppemærke ikke passer til nogen profil, uden profil (de får ingen konfiguration, før deres mærke er rettet)
add-devices-file = CSV-fil med enheder
add-devices-file-hint = Partner Center-, Autopilot/Intune- eller MMD-format, højst { $limit }.
add-devices-file-again = Vælg den rettede fil igen, eller reparér den herunder.
add-devices-file-missing = Vælg CSV-filen med enhederne.
add-devices-file-too-large = Filen er større end uploadgrænsen på { $limit }.
add-devices-samples = Hent en eksempelfil:
add-devices-sample = { $format }-eksempel
add-devices-samples-note = Hvert eksempel har sit formats nøjagtige overskrift og tre opdigtede eksempelenheder: erstat rækkerne med dine enheder i en teksteditor, behold overskriften, gem som CSV, og upload. Hver enhed skal have en hardwarehash, et Windows-produkt-id eller både producent, model og serienummer.
add-devices-column-hash = Omkring 4.000 tegn fra selve enheden: kør
add-devices-column-hash-where = på den (PowerShell, som administrator), eller tag den fra producentens fil.
add-devices-column-serial = Serienummeret, sådan som enhedens firmware rapporterer det.
add-devices-column-pkid = Det 13-cifrede produktnøgle-id, eller tomt.
add-devices-column-model = Nøjagtigt som enheden rapporterer dem (de står i dens hash).
add-devices-column-tag = Det nøjagtige mærke fra en af kundens profiler (eksemplet bruger dem); tomt: profilen valgt ovenfor.
add-devices-column-user = Valgfrit: loginnavnet på den person, enheden er til.
add-devices-order = Ordre (valgfrit)
add-devices-order-hint = Vises ved hver enhed, og enhederne fra én ordre kan vises og annulleres samlet.
add-devices-order-number = Ordrenummer
add-devices-purchase-order = Kundens indkøbsordre
add-devices-ship-date = Afsendelsesdato
add-devices-register-passing = Hvis nogle enheder ikke kan registreres (allerede registreret eller ejet af en anden organisation), så registrér de andre alligevel
add-devices-submit = Kontrollér og registrér
add-devices-checking = Kontrollerer filen…
add-devices-refused = Intet blev registreret: { $count ->
    [one] { $count } problem
   *[other] { $count } problemer
} i { $file }
add-devices-read-as = Læst som { $format }-format, { $rows ->
    [one] { $rows } enhedsrække.
   *[other] { $rows } enhedsrækker.
}
add-devices-fix-and-upload = Ret problemerne herunder i filen, og upload den igen.
add-devices-problems-caption = Problemer i { $file }
add-devices-kind-count = { $count ->
    [one] { $count } linje
   *[other] { $count } linjer
}
add-devices-kind-more = Vis de øvrige { $count }
add-devices-col-where = Hvor
add-devices-col-problem = Problem
add-devices-col-fix = Sådan retter du det
add-devices-col-code = Kode
add-devices-would-fail = Intet blev registreret: { $count ->
    [one] { $count } enhed
   *[other] { $count } enheder
} i { $file } kan ikke registreres
add-devices-would-fail-text = Selve filen er i orden, men kontrollen mod de registrerede enheder fandt rækker, der ville fejle. { $count ->
    [one] { $count } anden enhed ville blive registreret.
   *[other] { $count } andre enheder ville blive registreret.
} Fjern rækkerne herunder fra filen, eller sæt hak i
add-devices-register-others = registrér de andre alligevel
add-devices-would-fail-end = , og upload den igen.
add-devices-would-fail-caption = Enheder i { $file }, der ville fejle
add-devices-repair-title = Reparér filen her
add-devices-repair-lead = Disse problemer kan repareres uden at gætte nogen værdi, sådan som “ztd csv fix” gør:
add-devices-repair-lines = { $count ->
    [one] linje { $lines }
   *[other] { $count } linjer ({ $lines }{ $more ->
        [yes] , …
       *[other] {""}
    })
}
add-devices-repair-line-endings = Linjeskift gjort til Windows-linjeskift (CRLF)
add-devices-repair-button = Reparér og kontrollér igen
add-devices-download-repaired = Hent den reparerede fil
add-devices-repair-then = Den reparerede fil kontrolleres som en ny upload; består den alle kontroller, registreres dens enheder med valgene ovenfor. Problemer, som en reparation ikke kan løse, vises fortsat.
add-devices-repair-nothing = Ingen af disse problemer kan repareres automatisk: ret dem i filen, og upload den igen.
add-devices-download-problems = Hent alle problemer (CSV)
add-devices-not-kept = Filen er for stor til at blive gemt til reparation her: ret den, eller reparér den med “ztd csv fix”, og upload den igen.
add-devices-repaired-title = Filen blev repareret

batch-crumb = Batch
batch-title = Enheder til { $customer }
batch-page-title = Batch til { $customer }
batch-label = Batch
batch-submitted = indsendt
batch-group-tag = Gruppemærke:
batch-progress = { $done } af { $total ->
    [one] { $total } række behandlet
   *[other] { $total } rækker behandlet
}
batch-count-registered = Registreret
batch-count-unassigned = Uden profil
batch-count-failed = Fejlet
batch-count-waiting = Venter
batch-order = Ordre
batch-purchase-order = indkøbsordre
batch-shipped = afsendt
batch-refreshes = Siden opdateres hvert { $seconds }. sekund, indtil batchen er færdig.
batch-status-queued = Venter på at starte
batch-status-processing = Registrerer…
batch-status-finished = Færdig
batch-status-finished-with-errors = Færdig med fejl
batch-status-awaiting-approval = Venter på kundens godkendelse
batch-status-rejected = Afvist af kunden
batch-item-pending = venter
batch-item-registered = registreret
batch-item-unassigned = uden profil
batch-item-failed = fejlet
batch-would-register = ville blive registreret
batch-would-be-unassigned = ville blive registreret uden profil
batch-would-fail = ville fejle
batch-if-approved = hvis godkendt:
batch-awaiting-yours = Denne batch venter på din godkendelse
batch-awaiting-yours-text = Intet er registreret endnu. Hver række herunder viser, hvad en godkendelse ville gøre. Godkend for at registrere enhederne, eller afvis batchen med en begrundelse, som partneren kan se.
batch-awaiting-text = Kunden gennemgår batches fra partnere, før noget registreres. Intet registreres, før en af kundens administratorer godkender.
batch-rejected = Kunden afviste denne batch
batch-rejected-text = Intet blev registreret. Begrundelse: { $reason }
batch-no-reason = ingen angivet
batch-some-failed = { $failed } af { $total ->
    [one] { $total } række fejlede
   *[other] { $total } rækker fejlede
}
batch-some-failed-text = De øvrige rækker er registreret. Ret de fejlede rækker (se hver rækkes besked), læg dem i en ny fil, og tilføj dem igen.
batch-all-done = Alle rækker er behandlet
batch-all-done-text = Alle enheder i filen er i kundens tenant.
batch-approve = Godkend og registrér { $count ->
    [one] { $count } enhed
   *[other] { $count } enheder
}
batch-reject-reason = Begrundelse for afvisningen (partneren kan se den)
batch-reject-reason-hint = valgfri, højst 500 tegn
batch-reject = Afvis batchen
batch-voided = Denne ordre er annulleret
batch-voided-text = Dens enheder, der ikke var startet op, blev afregistreret { $at }.
batch-void = Annullér denne ordre…
batch-download-results = Hent resultaterne (CSV)
batch-see-devices = Se enhederne
batch-add-more = Tilføj flere enheder
batch-rows = Rækker
batch-first-rows = De første { $count } rækker vises; CSV-filen har alle rækker.
batch-col-row = Række
batch-col-result = Resultat
batch-col-serial = Serienummer
batch-col-manufacturer = Producent
batch-col-model = Model
batch-col-details = Detaljer
batch-fix = Sådan retter du det:
batch-view-device = Vis enhed

# Én titel pr. fejlkode for en række (docs/domain.md#errors); rækkens egen engelske detalje følger efter.
row-error-invalid-request-body = Rækken kunne ikke læses
row-error-invalid-hardware-hash = Ugyldig hardwarehash
row-error-missing-device-identity = Rækken identificerer ingen enhed
row-error-invalid-device-field = Ugyldig værdi
row-error-identity-mismatch = Rækken er i modstrid med sin hardwarehash
row-error-unknown-group-tag = Gruppemærket passer ikke til nogen profil
row-error-device-already-registered = Allerede registreret
row-error-device-registered-to-other-tenant = Registreret til en anden organisation
row-error-device-duplicated-in-batch = Samme enhed to gange i denne upload
row-error-invalid-csv-row = Problem i CSV-rækken
row-error-device-not-registered = Ikke registreret
row-error-relationship-revoked = Kunden har tilbagekaldt relationen
row-error-batch-rejected = Kunden afviste batchen
row-error-device-already-registered-detail = En enhed med samme identitet (hardwarehash, produktnøgle-id eller producent, model og serienummer) er allerede registreret i denne tenant.
row-error-device-already-registered-fix = Den eksisterende registrering er uændret. Afregistrer enheden først, hvis den skal registreres igen.
row-error-device-registered-to-other-tenant-detail = Enheden er registreret til en anden organisation.
row-error-device-registered-to-other-tenant-fix = Enhedens nuværende ejer skal afregistrere den, før den kan registreres her.
row-error-device-duplicated-in-batch-detail = En anden række i denne upload registrerer samme enhed (samme hardwarehash, produktnøgle-id eller producent, model og serienummer).
row-error-device-duplicated-in-batch-fix = Angiv hver enhed én gang pr. upload.
row-error-relationship-revoked-detail = Kunden tilbagekaldte relationen til den organisation, der sendte batchen, før rækken blev behandlet; intet blev registreret for den.
row-error-relationship-revoked-fix = Kunden skal acceptere et nyt invitationslink, før der kan registreres enheder igen.
row-error-unknown-group-tag-detail = Gruppemærket “{ $tag }” passer ikke til nogen af kundens profiler.
row-error-unknown-group-tag-fix-suggestion = Mente du { $suggestion }? { $why }
row-error-unknown-group-tag-fix-none = Kunden har ingen profiler med et gruppemærke: lad mærket være tomt for at registrere enheden uden profil.
row-error-unknown-group-tag-fix-few = Brug et af profilernes mærker nøjagtigt (store og små bogstaver tæller): { $tags }; eller lad det være tomt for at registrere enheden uden profil.
row-error-unknown-group-tag-fix-many = Brug et profilmærke nøjagtigt (store og små bogstaver tæller), eller lad det være tomt for at registrere enheden uden profil.
tag-near-miss-whitespace = Mærket har mellemrum omkring sig.
tag-near-miss-case = Store og små bogstaver tæller i mærker.
tag-near-miss-missing-underscore = Den afsluttende understregning mangler.
tag-near-miss-extra-underscore = Profilens mærke har ingen afsluttende understregning.
tag-near-miss-several = Mærker skal passe nøjagtigt: store og små bogstaver, mellemrum omkring mærket og den afsluttende understregning tæller alle.
tag-near-miss-distance = { $count ->
    [one] Ét tegn er anderledes.
   *[other] { $count } tegn er anderledes.
}

## CSV problems (one message per code of docs/csv-rules.md)

# Hvor et problem er. "Kolonne" er regnearkets kolonne; tegnet tælles fra linjens start.
csv-where-line = Linje { $line }
csv-where-cell = Linje { $line }, kolonne { $field } ({ $column })
csv-where-field = Linje { $line }, kolonne { $field }
csv-where-character = tegn { $char }
# Hvad et problem handler om, først i en sætning.
csv-subject-header = Overskriftens kolonne { $field }
csv-subject-unnamed = Kolonne { $field }

csv-unreadable-file-title = Filen kan ikke læses
csv-unreadable-file = Filen kunne ikke læses.
csv-unreadable-file-hint = Vælg filen igen; bliver det ved, så gem den igen fra det program, der lavede den.
csv-empty-file-title = Tom fil
csv-empty-file = Filen er tom: ingen overskrift og ingen enhedsrækker.
csv-empty-file-hint = Eksportér enhedslisten igen; en enheds-CSV har en overskriftslinje og én linje pr. enhed.
csv-binary-file-title = Ikke en CSV-tekstfil
csv-binary-file = { $kind ->
    [zip] Filen er et ZIP-arkiv (en Excel .xlsx-projektmappe?), ikke en CSV-tekstfil.
    [xls] Filen er en gammel Excel .xls-projektmappe, ikke en CSV-tekstfil.
    [pdf] Filen er et PDF-dokument, ikke en CSV-tekstfil.
    [gzip] Filen er komprimeret med gzip, ikke en CSV-tekstfil.
   *[other] Filen indeholder bytes, som ingen tekstkodning forklarer: det er ikke en tekstfil.
}
csv-binary-file-hint = Brug Gem som → “CSV (semikolonsepareret)” eller “CSV (kommasepareret)” i regnearket, og upload den fil.
csv-utf16-encoding-title = UTF-16-tekst (PowerShell)
csv-utf16-encoding = Filen er UTF-16-tekst ({ $byte-order ->
    [little] little-endian
   *[big] big-endian
}), som PowerShell 5 skriver som standard; portalerne kræver ANSI/ASCII-tekst.
csv-utf16-encoding-hint = “Reparér og kontrollér igen” konverterer den. I PowerShell skrives filen med Out-File -Encoding ascii eller Export-Csv -Encoding ASCII -NoTypeInformation.
csv-utf8-bom-title = UTF-8-byte-order-mark
csv-utf8-bom = Filen begynder med et UTF-8-byte-order-mark, som portalerne læser som en del af det første kolonnenavn.
csv-utf8-bom-hint = “Reparér og kontrollér igen” fjerner det. Gem i Excel som “CSV (kommasepareret)”, ikke “CSV UTF-8”.
csv-line-too-long-title = For lang linje
csv-line-too-long = Linjen er længere end { $limit } bytes; resten af den blev ikke læst.
csv-line-too-long-hint = En enhedsrække er højst nogle få tusind tegn: kontrollér, at det er en enheds-CSV med linjeskift.
csv-row-limit-exceeded-title = For mange rækker
csv-row-limit-exceeded = Filen har mere end { $limit } enhedsrækker; denne linje og resten af filen blev ikke læst.
csv-row-limit-exceeded-hint = Del filen i mindre filer, og upload dem én ad gangen.
csv-no-device-rows-title = Ingen enhedsrækker
csv-no-device-rows = Filen har en overskrift, men ingen enhedsrækker.
csv-no-device-rows-hint = Tilføj én linje pr. enhed under overskriften.
csv-semicolon-separated-title = Værdier adskilt af semikolon
csv-semicolon-separated = { $kind ->
    [comma-in-value] En værdi på denne linje indeholder et komma, hvilket en værdi i en enheds-CSV ikke må; den blev ikke ændret.
   *[other] Værdierne er adskilt af semikolon (;), ikke komma: et regneark har gemt filen med sit regionale listeskilletegn.
}
csv-semicolon-separated-hint = { $kind ->
    [comma-in-value] Ret værdien i hånden (et serienummer eller en model indeholder aldrig komma), og kontrollér filen igen.
   *[other] “Reparér og kontrollér igen” sætter komma mellem værdierne. I regnearket kan du gemme som “CSV (kommasepareret)” med komma som listeskilletegn.
}
csv-separator-line-title = Excels “sep=”-linje
csv-separator-line = Første linje “sep={ $separator }” er Excels angivelse af skilletegnet, ikke overskriften; portalerne læser den som overskrift og afviser filen.
csv-separator-line-hint = Slet linjen (“Reparér og kontrollér igen” gør det); overskriften skal være første linje.
csv-unknown-header-title = Ikke en overskrift til enheds-CSV
csv-unknown-header = { $kind ->
    [device-row-format] Første linje er en enhedsrække, ikke en overskrift: overskriftslinjen mangler.
    [device-row] Første linje er en enhedsrække, ikke en overskrift: overskriftslinjen mangler.
   *[other] Første linje “{ $value }” er ikke overskriften i noget enheds-CSV-format.
}
csv-unknown-header-hint = { $kind ->
    [device-row-format] Tilføj { $format }-overskriften som første linje: { $header }
   *[other] Første linje skal være en af disse overskrifter: { $accepted }
}
csv-header-case-title = Kolonnenavn med forkerte store/små bogstaver
csv-header-case = Kolonnenavnet “{ $value }” skal være “{ $expected }”: der skelnes mellem store og små bogstaver i kolonnenavne.
csv-header-case-hint = Skriv overskriften nøjagtigt som { $header } (“Reparér og kontrollér igen” gør det).
csv-misspelled-column-title = Forkert stavet kolonnenavn
csv-misspelled-column = Kolonnenavnet “{ $value }” er ikke en kolonne i { $format }-formatet; det ligner “{ $expected }”.
csv-misspelled-column-hint = Omdøb den til “{ $expected }”. Overskriften i { $format }-formatet er { $header }
csv-header-order-title = Kolonner i forkert rækkefølge
csv-header-order = Kolonnerne står i forkert rækkefølge: fundet { $found }; rækkefølgen i { $format }-formatet er { $expected }.
csv-header-order-hint = Flyt kolonnerne, så hver rækkes værdier følger med (“Reparér og kontrollér igen” gør det).
csv-missing-column-title = Manglende kolonne
csv-missing-column = { $kind ->
    [group-tag] Kolonnen “{ $column }” fra { $format }-formatet mangler (Assigned User skal stå lige efter den; lad værdien være tom, når en række ikke har noget mærke).
   *[other] Kolonnen “{ $column }” fra { $format }-formatet mangler.
}
csv-missing-column-hint = Tilføj “{ $column }” som kolonne { $position }, med en tom værdi i rækker, der ikke har nogen. Overskriften i { $format }-formatet er { $header }
csv-extra-column-title = Kolonne, der ikke hører til formatet
csv-extra-column = { $kind ->
    [unnamed] Overskriftens kolonne { $field } har intet navn.
    [dropped-values] Kolonne { $field } hører ikke til { $format }-formatet, og { $count ->
        [one] { $count } række havde en værdi i den
       *[other] { $count } rækker havde en værdi i den
    }; den er udeladt af den reparerede fil.
   *[other] Kolonnen “{ $value }” hører ikke til { $format }-formatet.
}
csv-extra-column-hint = { $kind ->
    [dropped-values] Kontrollér, at værdierne ikke skal bruges, eller flyt dem til den rigtige kolonne.
   *[other] Slet kolonnen og dens værdier. Overskriften i { $format }-formatet er { $header }
}
csv-repeated-column-title = Kolonne navngivet to gange
csv-repeated-column = Kolonnen “{ $column }” forekommer mere end én gang (igen som kolonne { $field }).
csv-repeated-column-hint = Behold den ene af de to kolonner (med dens værdier), og slet den anden.
csv-quote-character-title = Anførselstegn
csv-quote-character = { $kind ->
    [wrapped] { $subject } “{ $value }” står i anførselstegn.
    [several] { $count } værdier på denne linje står i eller indeholder anførselstegn (kolonne { $fields }).
   *[other] { $subject } “{ $value }” indeholder { $count ->
        [one] et anførselstegn (")
       *[other] { $count } anførselstegn (")
    }.
}
csv-quote-character-hint = Fjern anførselstegnene: formaterne bruger ikke anførselstegn, og ingen værdi indeholder komma. Gem uden tekstafgrænsere (“Reparér og kontrollér igen” fjerner dem).
csv-leading-trailing-whitespace-title = Mellemrum omkring værdier
csv-leading-trailing-whitespace = { $kind ->
    [leading] { $subject } “{ $value }” har mellemrum foran.
    [trailing] { $subject } “{ $value }” har mellemrum efter.
   *[other] { $subject } “{ $value }” har mellemrum foran og efter.
}
csv-leading-trailing-whitespace-hint = Fjern mellemrummene omkring værdien: de gør den til en anden værdi (“Reparér og kontrollér igen” fjerner dem).
csv-tab-character-title = Tabulatortegn
csv-tab-character = { $subject } “{ $value }” indeholder { $count ->
    [one] et tabulatortegn
   *[other] { $count } tabulatortegn
}.
csv-tab-character-hint = Værdier adskilles af komma, aldrig af tabulator: slet tabulatortegnet (“Reparér og kontrollér igen” gør det).
csv-invisible-character-title = Usynlige tegn
csv-invisible-character = { $subject } “{ $value }” indeholder det usynlige tegn { $char-label }{ $count ->
    [one] {""}
   *[other] {""} ({ $count } usynlige tegn i alt)
}.
csv-invisible-character-hint = Slet det; det kommer som regel af kopiering fra en webside, en e-mail eller et dokument (“Reparér og kontrollér igen” fjerner usynlige tegn).
csv-control-character-title = Kontroltegn
csv-control-character = { $subject } “{ $value }” indeholder kontroltegnet { $char-label }{ $count ->
    [one] {""}
   *[other] {""} ({ $count } kontroltegn i alt)
}.
csv-control-character-hint = { $kind ->
    [carriage-return] Et vognretur-tegn (CR) må kun afslutte en linje; dette står alene inde i linjen. Gem med Windows- (CRLF) eller Unix-linjeskift (LF).
   *[other] Slet det: kontroltegn hører aldrig hjemme i en enheds-CSV (“Reparér og kontrollér igen” fjerner dem).
}
csv-non-ascii-character-title = Tegn uden for ASCII
csv-non-ascii-character = { $subject } “{ $value }” indeholder ikke-ASCII-tegnet { $char-label }{ $read-as ->
    [windows-1252] {""}, byten { $byte } læst som Windows-1252
   *[other] {""}
}{ $count ->
    [one] {""}
   *[other] {""} ({ $count } ikke-ASCII-tegn i alt)
}.
csv-non-ascii-character-hint = Kolonnen skal være ren ASCII, sådan som enheden selv rapporterer den: skriv værdien igen (bogstaver, der ligner hinanden, og typografiske bindestreger er de sædvanlige syndere).
csv-blank-line-title = Tomme linjer
csv-blank-line = { $kind ->
    [before-header] { $count ->
        [one] Linje { $first } er tom: overskriften skal være første linje.
       *[other] Linje { $first }–{ $last } er tomme: overskriften skal være første linje.
    }
   *[other] { $count ->
        [one] Linje { $first } er tom: tomme linjer (eller linjer med kun kommaer) er kun tilladt sidst i filen.
       *[other] Linje { $first }–{ $last } er tomme: tomme linjer (eller linjer med kun kommaer) er kun tilladt sidst i filen.
    }
}
csv-blank-line-hint = Slet de tomme linjer (“Reparér og kontrollér igen” gør det); en portal stopper med at læse eller afviser filen ved den første.
csv-wrong-column-count-title = Forkert antal værdier
csv-wrong-column-count = Rækken har { $found } værdier, men overskriften har { $expected } kolonner.
csv-wrong-column-count-hint = { $kind ->
    [more] En værdi med et komma i, eller et komma for meget: fjern det (værdier indeholder aldrig komma).
   *[other] En værdi eller et komma mangler: hver række skal have én værdi pr. kolonne, også tomme (a,,c).
}
csv-trailing-empty-columns-title = Tomme kolonner til sidst
csv-trailing-empty-columns = { $count ->
    [one] Linjen slutter med en tom kolonne efter den sidste (et komma til sidst).
   *[other] Linjen slutter med { $count } tomme kolonner efter den sidste (kommaer til sidst).
}
csv-trailing-empty-columns-hint = Slet kommaerne til sidst; regneark tilføjer dem, når en kolonne længere til højre engang har haft data (“Reparér og kontrollér igen” fjerner dem).
csv-spreadsheet-serial-title = Serienummer ødelagt af et regneark
csv-spreadsheet-serial = { $kind ->
    [scientific] Serienummeret “{ $value }” er gemt fra et regneark: det står i videnskabelig notation, og cifrene er gået tabt.
   *[other] Serienummeret “{ $value }” er gemt fra et regneark: de foranstillede nuller er gået tabt.
}
csv-spreadsheet-serial-hint = { $has-hash-serial ->
    [yes] Hardwarehashen indeholder serienummeret { $hash-serial }: brug det.
   *[other] Eksportér filen igen med serienummerkolonnen formateret som Tekst, eller aflæs serienummeret på enheden.
}
csv-invalid-product-key-id-title = Ugyldigt Windows-produkt-id
csv-invalid-product-key-id = Windows-produkt-id'et “{ $value }” er ikke 13 cifre.
csv-invalid-product-key-id-hint = { $kind ->
    [scientific] Et regneark har gjort id'et til et tal i videnskabelig notation: tag det fra den oprindelige eksport, og formatér kolonnen som Tekst.
   *[other] Windows-produkt-id'et er præcis 13 cifre; lad det være tomt, hvis det ikke kendes.
}
csv-invalid-hardware-hash-title = Ugyldig hardwarehash
csv-invalid-hardware-hash = { $problem ->
    [empty] Hardwarehashen er tom.
    [too-long] Hardwarehashen er længere, end nogen hash kan være.
    [not-base64] Hardwarehashen er ikke base64-tekst{ $has-position ->
        [yes] {""} (tegn { $position } i hashen)
       *[other] {""}
    }.
    [truncated] Hardwarehashen er afkortet.
    [checksum] Hardwarehashen er ændret, efter at enheden lavede den (dens kontrolsum passer ikke).
   *[other] Hardwarehashen er beskadiget.
}{ $has-hash-serial ->
    [yes] {""} Den indeholder serienummeret { $hash-serial }.
   *[other] {""}
} Detaljer (på engelsk): { $detail }
csv-invalid-hardware-hash-hint = { $problem ->
    [truncated] Kopiér hashen igen i sin helhed fra outputtet af Get-WindowsAutopilotInfo (regneark afkorter celler ved 32.767 tegn; editorer kan ombryde linjer).
    [checksum] Eksportér hashen igen fra enheden.
   *[other] Eksportér hashen igen fra enheden (Get-WindowsAutopilotInfo), og indsæt den uændret.
}
csv-missing-device-identity-title = Rækken identificerer ingen enhed
csv-missing-device-identity = { $kind ->
    [incomplete-tuple] Rækken har hverken hardwarehash eller Windows-produkt-id, og producent, model og serienummer mangler { $missing }.
   *[other] Rækken identificerer ingen enhed: den har hverken hardwarehash eller Windows-produkt-id.
}
csv-missing-device-identity-hint = { $tuple ->
    [yes] Angiv hardwarehashen, det 13-cifrede Windows-produkt-id eller både producent, model og serienummer.
   *[other] Angiv hardwarehashen (Get-WindowsAutopilotInfo) eller det 13-cifrede Windows-produkt-id.
}
csv-identity-mismatch-title = Rækken er i modstrid med sin hardwarehash
csv-identity-mismatch = { $column } “{ $value }” afviger fra { $role ->
    [serial-number] serienummeret
    [product-key-id] Windows-produkt-id'et
    [manufacturer] producenten
    [model] modellen (produktnavnet)
   *[other] værdien
} i hardwarehashen, “{ $expected }”.
csv-identity-mismatch-hint = Hashen er det, enheden selv rapporterer: brug “{ $expected }” (der skelnes mellem store og små bogstaver), lad værdien være tom, eller kontrollér, at hashen hører til rækkens enhed.
csv-invalid-device-field-title = Ugyldig værdi
csv-invalid-device-field = { $kind ->
    [too-long] { $column } er { $length } tegn lang, mere end de tilladte { $max }.
    [not-converted] Ikke konverteret: { $format }-formatet kræver { $missing }, og hverken rækken eller dens hardwarehash har det.
   *[other] Ikke konverteret (på engelsk): { $detail }
}
csv-invalid-device-field-hint = { $kind ->
    [too-long] Kontrollér, at kolonnerne ikke er forskudt (en værdi indsat i den forkerte kolonne).
    [not-converted] Tilføj { $missing } til rækken, eller konvertér til et format uden den kolonne.
   *[other] Ret værdien.
}
csv-group-tag-near-miss-title = Gruppemærke næsten et administreret skrivebordsmærke
csv-group-tag-near-miss = Group Tag “{ $value }” er ikke det administrerede skrivebordsmærke { $suggestion }: enheden ville ikke få nogen profil.
csv-group-tag-near-miss-hint = Skriv mærket nøjagtigt, tegn for tegn: { $suggestion }
csv-duplicate-row-title = Gentagne rækker
csv-duplicate-row = Rækken gentager linje { $earlier }.
csv-duplicate-row-hint = Slet den ene af de to rækker: en enhed registreres én gang.
csv-duplicate-device-title = Samme enhed to gange
csv-duplicate-device = Samme enhed som linje { $earlier } (samme { $key ->
    [tuple] producent, model og serienummer
    [product-key-id] Windows-produkt-id
   *[other] hardwarehash: SMBIOS-UUID og serienummer
}).
csv-duplicate-device-hint = Behold én række pr. enhed (denne eller linje { $earlier }); hver enhed må kun optræde én gang pr. upload.

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

approvals-title = Godkendelser
approvals-lead = Batches fra partnere, som du gennemgår, før noget registreres. Åbn en for at se, række for række, hvad en godkendelse vil gøre.
approvals-approved-title = Batchen er godkendt
approvals-approved-text = Dens enheder registreres nu.
approvals-rejected-title = Batchen er afvist
approvals-rejected-text = Intet af den blev registreret; partneren kan se din begrundelse.
approvals-none = Intet venter på din godkendelse. Partnere, hvis batches du gennemgår, er markeret på siden Partnere.
approvals-col-submitted = Indsendt
approvals-col-partner = Partner
approvals-col-devices = Enheder
approvals-col-order = Ordre
approvals-review = Gennemgå
approvals-review-label = { $count ->
    [one] Gennemgå batchen med { $count } enhed fra { $partner }
   *[other] Gennemgå batchen med { $count } enheder fra { $partner }
}
# The title of the void page when the batch has no order number.
void-batch-without-order = batch { $id }
void-crumb-batch = Batch
void-crumb-void = Annullér
void-title = Annullér { $order }?
void-warning-devices = Alle enheder i denne batch, der endnu ikke har været tændt, afregistreres fra lejeren hos { $customer }, som når en ordre annulleres.
void-warning-booted = Enheder, der allerede er startet, forbliver registreret: de er i brug. Kunden kan afregistrere dem, hvis de skal væk. Historikken bliver i revisionsloggen.
void-confirm = Annullér ordren
void-keep = Behold den
void-page-title = Annullér ordren
voided-crumb = Annulleret
voided-title = Ordren er annulleret
voided-count = { $count ->
    [one] { $count } enhed afregistreret
   *[other] { $count } enheder afregistreret
}
voided-kept = { $count ->
    [one] { $count } enhed er allerede startet og forbliver registreret
   *[other] { $count } enheder er allerede startet og forbliver registreret
}
voided-kept-text = De er i brug. Bed kunden om at afregistrere dem, hvis de skal væk.
voided-back = Tilbage til batchen
release-status-pending = venter på en afgørelse
release-status-approved = frigivet
release-status-denied = afvist
releases-title = Anmodninger om frigivelse
releases-lead = Når en enhed, du registrerer, er „registreret i en anden lejer“, så bed her dens indehaver om at frigive den i stedet for at oprette en supportsag. Indehaveren får intet andet at vide end din organisations navn; du får ikke at vide, hvem indehaveren er.
releases-asked-title = Anmodningen er sendt
releases-asked-text = Den organisation, der har enheden, træffer afgørelsen. Du ser resultatet her.
releases-approved-title = Enheden er frigivet
releases-approved-text = Den blev afregistreret fra din lejer; den, der anmodede, kan registrere den nu.
releases-denied-title = Anmodningen er afvist
releases-denied-text = Enheden forbliver din.
releases-incoming-heading = For dine enheder
releases-no-incoming = Ingen har anmodet om en af dine enheder.
releases-col-asked = Anmodet
releases-col-by = Af
releases-col-device = Enhed
releases-col-status = Status
releases-col-decided = Afgjort
releases-release = Frigiv…
releases-release-label = Frigiv { $serial } til { $requester }…
releases-deny = Afvis
releases-deny-label = Afvis anmodningen fra { $requester } om { $serial }
releases-outgoing-heading = Anmodet af din organisation
releases-no-outgoing = Du har ikke anmodet om nogen frigivelse.
releases-ask-heading = Anmod om en enhed
releases-hash-label = Enhedens hardware-hash
releases-hash-hint = Hashen beviser, at du har enheden: Get-WindowsAutopilotInfo indsamler den, og den står i din enhedsfil.
releases-ask-button = Anmod om frigivelse
release-confirm-crumb = Frigiv
release-confirm-title = Frigiv { $serial } til { $requester }?
release-confirm-warning = Enheden afregistreres straks fra din lejer, så { $requester } kan registrere den. Hvis den starter bagefter, får den ikke længere din konfiguration.
release-confirm-when = Gør dette, når enheden er solgt, returneret eller istandsat og ikke længere er din.
release-confirm-button = Frigiv enheden

## Audit trail

audit-title = Revisionslog
audit-lead = Alle ændringer foretaget af din organisation eller i din organisations data, uanset af hvem, nyeste først.
audit-none = Der er ikke sket noget endnu.
audit-none-matching = Ingen hændelser passer til disse filtre.
audit-older = Ældre hændelser
audit-col-when = Hvornår
audit-col-what = Hvad skete der
audit-col-code = Handlingskode
audit-request-id = Anmodning { $id }
audit-filter-action = Handling
audit-filter-any-action = Alle handlinger
audit-filter-actor = Udført af
audit-filter-anyone = Alle
audit-filter-people = Personer
audit-filter-keys = API-nøgler
audit-filter-orgs = Organisationer
audit-filter-from = Fra (UTC)
audit-filter-to = Til (UTC)
audit-filter-apply = Vis
audit-filter-clear = Ryd filtrene
# Who did it, when it is not a person of your organisation named by email.
audit-actor-key = API-nøglen „{ $name }“
audit-actor-someone = Nogen
audit-actor-other-org = En anden organisation
audit-actor-operator = Operatøren
audit-actor-device = En enhed
audit-actor-system = ztd
audit-device-unnamed = dens enheder
audit-no-reason = ingen begrundelse angivet
# Short names of the actions (the filter's list).
audit-name-device-batch-create = Batch indlæst
audit-name-device-batch-awaiting-approval = Batch venter på godkendelse
audit-name-device-batch-approve = Batch godkendt
audit-name-device-batch-reject = Batch afvist
audit-name-device-batch-finished = Batch registreret
audit-name-device-batch-discard = Indlæsning kasseret
audit-name-device-batch-void = Ordre annulleret
audit-name-device-update-group-tag = Gruppemærke ændret
audit-name-device-deregister = Enhed afregistreret
audit-name-device-activate = Enhed startet første gang
audit-name-device-superseded = Registrering erstattet
audit-name-profile-create = Profil oprettet
audit-name-profile-update = Profil ændret
audit-name-profile-delete = Profil slettet
audit-name-invitation-create = Invitationslink oprettet
audit-name-invitation-withdraw = Invitationslink trukket tilbage
audit-name-invitation-accept = Invitation accepteret
audit-name-relationship-set-approval-mode = Godkendelse af batches ændret
audit-name-relationship-revoke = Relation tilbagekaldt
audit-name-release-request-create = Frigivelse anmodet
audit-name-release-request-approve = Enhed frigivet
audit-name-release-request-deny = Frigivelse afvist
audit-name-user-create = Bruger tilføjet
audit-name-user-change-role = Rolle ændret
audit-name-user-password-reset = Engangsadgangskode givet
audit-name-user-password-change = Adgangskode skiftet
audit-name-user-disable = Bruger deaktiveret
audit-name-user-enable = Bruger genaktiveret
audit-name-user-sign-in = Logget på
audit-name-user-sign-in-failed = Log-på mislykkedes
audit-name-csrf-rejected = Formular afvist
audit-name-api-key-create = API-nøgle oprettet
audit-name-api-key-revoke = API-nøgle tilbagekaldt
audit-name-webhook-create = Webhook tilføjet
audit-name-webhook-delete = Webhook slettet
audit-name-webhook-redeliver = Webhook-levering sendt igen
audit-name-org-create = Organisation oprettet
# The actions in words. $actor is who did it; $batch, $device, $profile link to their pages.
audit-action-device-batch-create = { $count ->
    [0] { $actor } indlæste batch { $batch }
    [one] { $actor } indlæste batch { $batch } med { $count } enhed
   *[other] { $actor } indlæste batch { $batch } med { $count } enheder
}
audit-action-device-batch-awaiting-approval = { $count ->
    [one] Batch { $batch } fra { $actor } med { $count } enhed venter på godkendelse
   *[other] Batch { $batch } fra { $actor } med { $count } enheder venter på godkendelse
}
audit-action-device-batch-approve = { $actor } godkendte batch { $batch }
audit-action-device-batch-reject = { $actor } afviste batch { $batch }: { $reason }
audit-action-device-batch-reject-system = Kunden afviste batch { $batch }: { $reason }
audit-action-device-batch-finished = { $total ->
    [one] { $actor } registrerede { $registered } af { $total } enhed i batch { $batch } ({ $unassigned } uden profil, { $failed } mislykkedes)
   *[other] { $actor } registrerede { $registered } af { $total } enheder i batch { $batch } ({ $unassigned } uden profil, { $failed } mislykkedes)
}
audit-action-device-batch-discard = Indlæsningen af batch { $batch } fra { $actor } blev kasseret, før noget blev registreret
audit-action-device-batch-void = { $actor } annullerede ordren i batch { $batch }: de enheder, der ikke var startet, blev afregistreret
audit-action-device-update-group-tag = { $actor } ændrede gruppemærket for enheden { $device } fra { $from } til { $to }
audit-action-device-deregister = { $actor } afregistrerede enheden { $device }
audit-action-device-activate = Enheden { $device } startede for første gang og fik sin profil
audit-action-device-superseded = Registreringen af enheden { $device } uden hardware-hash blev erstattet af en med dens hash
audit-action-profile-create = { $actor } oprettede profilen { $profile } med gruppemærket { $tag }
audit-action-profile-update = { $actor } ændrede profilen { $profile } (gruppemærke { $tag })
audit-action-profile-delete = { $actor } slettede profilen { $profile } (gruppemærke { $tag })
audit-action-invitation-create = { $actor } oprettede et invitationslink
audit-action-invitation-withdraw = { $actor } trak et invitationslink tilbage
audit-action-invitation-accept = { $actor } accepterede invitationen fra { $partner }: { $partner } kan nu registrere enheder for { $customer }
audit-action-relationship-set-approval-mode = { $mode ->
    [review] { $actor } besluttede, at batches fra { $partner } skal vente på godkendelse
   *[other] { $actor } besluttede, at batches fra { $partner } registreres uden godkendelse
}
audit-action-relationship-revoke = { $actor } tilbagekaldte relationen mellem { $partner } og { $customer }
audit-action-release-request-create = { $actor } anmodede om frigivelse af enheden { $device }
audit-action-release-request-create-incoming = { $requester } anmodede om frigivelse af din enhed { $device }
audit-action-release-request-approve = { $actor } frigav enheden { $device } til { $requester }
audit-action-release-request-approve-system = Din anmodning om frigivelse af enheden { $device } blev godkendt: du kan registrere den nu
audit-action-release-request-deny = { $actor } afviste anmodningen fra { $requester } om frigivelse af enheden { $device }
audit-action-release-request-deny-system = Din anmodning om frigivelse af enheden { $device } blev afvist
audit-action-user-create = { $actor } tilføjede brugeren { $email } som { $role }
audit-action-user-change-role = { $actor } ændrede rollen for { $email } fra { $from } til { $to }
audit-action-user-password-reset = { $actor } gav { $email } en ny engangsadgangskode
audit-action-user-password-change = { $actor } skiftede sin adgangskode
audit-action-user-disable = { $actor } deaktiverede brugeren { $email }
audit-action-user-enable = { $actor } genaktiverede brugeren { $email }
audit-action-user-sign-in = { $actor } loggede på
audit-action-user-sign-in-failed = Et log-på som { $email } mislykkedes
audit-action-csrf-rejected = En formular sendt til { $path } blev afvist: dens sikkerhedstoken manglede eller var forældet
audit-action-api-key-create = { $actor } oprettede API-nøglen „{ $name }“ med rollen { $role }
audit-action-api-key-revoke = { $actor } tilbagekaldte API-nøglen „{ $name }“
audit-action-webhook-create = { $actor } tilføjede en webhook, der sender til { $url }
audit-action-webhook-delete = { $actor } slettede en webhook
audit-action-webhook-redeliver = { $actor } sendte en webhook-levering igen
audit-action-org-create = { $actor } oprettede organisationen { $name } ({ $kind })

## Users, API keys and organisations

users-title = Brugere
users-heading = Brugere i { $org }
users-col-email = E-mail
users-col-role = Rolle
users-col-password = Adgangskode
users-col-since = Siden
users-col-access = Adgang
users-password-one-time = engangsadgangskoden er endnu ikke skiftet
users-password-set = valgt af brugeren
users-disabled = deaktiveret
users-disable = Deaktivér
users-disable-label = Deaktivér brugeren { $email }
users-col-actions = Handlinger
users-you = dig
users-active = aktiv
users-role-of = Rolle for { $email }
users-change-role = Skift rolle
users-change-role-label = Skift rollen for { $email }
users-change-own-password = Skift din adgangskode
users-reset-password = Nulstil adgangskode…
users-reset-password-label = Giv { $email } en ny engangsadgangskode…
users-enable = Genaktivér
users-enable-label = Genaktivér brugeren { $email }
users-notice-role-changed = Rollen for { $email } er ændret.
users-notice-disabled = { $email } er deaktiveret: brugeren kan ikke længere logge på, og brugerens sessioner er afsluttet.
users-notice-enabled = { $email } er aktiveret igen og kan logge på med sin adgangskode.
users-reset-crumb = Ny engangsadgangskode
users-reset-title = Giv { $email } en ny engangsadgangskode?
users-reset-warning = Den nuværende adgangskode for { $email } holder op med at virke, og alle brugerens sessioner afsluttes med det samme.
users-reset-validity = Den nye engangsadgangskode vises én gang, på næste side. Den virker i 7 dage, og brugeren vælger sin egen adgangskode ved første log-på.
users-reset-button = Giv en ny engangsadgangskode
users-reset-done-title = Ny engangsadgangskode
users-reset-done-heading = Ny engangsadgangskode til { $email }
users-reset-done-text = Den vises kun nu og virker i 7 dage. Ved næste log-på vælger brugeren sin egen adgangskode; brugerens sessioner er afsluttet.
users-refusal-cannot-change-own-role = Du kan ikke ændre din egen rolle.
users-refusal-cannot-change-own-role-hint = Bed en anden administrator i din organisation.
users-refusal-cannot-reset-own-password = Du kan ikke give dig selv en engangsadgangskode.
users-refusal-cannot-reset-own-password-hint = Skift din egen adgangskode på siden Konto.
users-refusal-last-admin = Det ville efterlade din organisation uden en aktiv administrator.
users-refusal-last-admin-hint = Gør først en anden bruger til administrator.
users-add-heading = Tilføj en bruger
users-email-label = E-mail
users-role-label = Rolle
# A role and what it may do: "admin: users, keys, …".
users-role-choice = { $role }: { $can }
users-role-can-admin = brugere, nøgler, relationer, profiler, enheder
users-role-can-registrar = registrerer og afregistrerer enheder
users-role-can-reader = kun læseadgang
users-role-line = Rolle: { $role }
users-add-hint = Brugeren får en engangsadgangskode, som vises én gang på næste side; ved første log-på vælger brugeren sin egen.
users-add-button = Tilføj bruger
users-back = Tilbage til brugere
users-new-crumb = Ny bruger
users-added-title = Brugeren er tilføjet
users-added-heading = Brugeren { $email } er tilføjet
users-password-notice = Giv brugeren denne engangsadgangskode
users-password-notice-text = Den vises kun nu. Ved første log-på vælger brugeren sin egen adgangskode.
users-one-time-password = Engangsadgangskode
users-refusal-email-taken = Der findes allerede en bruger med e-mailen { $email }.
users-refusal-email-taken-hint = Hver e-mail logger på i én organisation; brug en anden adresse.
users-refusal-invalid-email = „{ $email }“ er ikke en e-mailadresse.
users-refusal-invalid-email-hint = Brug én adresse, f.eks. admin@contoso.com.
users-refusal-cannot-disable-yourself = Du kan ikke deaktivere din egen konto.
users-refusal-cannot-disable-yourself-hint = Bed en anden administrator i din organisation.
keys-title = API-nøgler
keys-heading = API-nøgler for { $org }
keys-lead = Til maskiner (produktionslinjer, scripts, ztd upload). Der gemmes kun en hash af hver nøgle. En nøgle sendes som
keys-none = Ingen API-nøgler endnu.
keys-col-name = Navn
keys-col-role = Rolle
keys-col-created = Oprettet
keys-col-status = Status
keys-status-revoked = tilbagekaldt
keys-status-expired = udløbet
keys-status-active = aktiv
keys-expires = virker til
keys-revoke = Tilbagekald
keys-revoke-label = Tilbagekald nøglen { $name }
keys-create-heading = Opret en API-nøgle
keys-name-label = Navn
keys-name-hint = Hvad bruger den, f.eks. „produktionslinje 3“.
keys-create-button = Opret nøgle
keys-back = Tilbage til API-nøgler
keys-new-crumb = Ny nøgle
keys-created-title = API-nøglen er oprettet
keys-created-heading = API-nøglen { $name } er oprettet
keys-copy-notice = Kopiér nøglen nu
keys-copy-notice-text = Den vises kun nu; tjenesten gemmer kun dens hash. Hvis den går tabt, så tilbagekald den og opret en ny.
keys-secret-label = API-nøgle
keys-refusal-invalid-name = Giv nøglen et navn på højst 100 tegn uden kontroltegn.
orgs-title = Organisationer
orgs-col-name = Navn
orgs-col-kind = Type
orgs-col-domain = Domæne
orgs-col-id = Id
orgs-col-created = Oprettet
orgs-create-heading = Opret en organisation
orgs-kind-customer = Kunde
orgs-kind-partner = Partner (CSP-forhandler)
orgs-kind-oem = OEM (hardwareproducent)
orgs-domain-label = Domæne (kunder)
orgs-domain-hint = Lejerens DNS-domæne, f.eks. contoso.com; enhederne får det i deres konfiguration.
orgs-admin-email-label = Den første administrators e-mail
orgs-admin-email-hint = Får en engangsadgangskode, som vises én gang på næste side.
orgs-create-button = Opret organisation
orgs-new-crumb = Ny
orgs-created-title = Organisationen er oprettet
orgs-created-heading = { $name } er oprettet
orgs-created-notice = Giv den første administrator sine log-på-oplysninger
orgs-created-notice-text = Engangsadgangskoden vises kun nu.
orgs-id-label = Organisations-id
orgs-admin-label = Administrator
orgs-open = Åbn { $name }
orgs-back = Tilbage til organisationer
orgs-refusal-email-taken = Der findes allerede en bruger med e-mailen { $email }.
orgs-refusal-email-taken-hint = Hver e-mail logger på i én organisation; brug en anden adresse til den første administrator.
orgs-refusal-invalid-email = „{ $email }“ er ikke en e-mailadresse.
orgs-refusal-invalid-email-hint = Brug én adresse, f.eks. admin@contoso.com.
orgs-refusal-invalid-name = Giv organisationen et navn på højst 200 tegn uden kontroltegn.
orgs-refusal-invalid-domain = Dette er ikke et DNS-domæne.
orgs-refusal-invalid-domain-hint = Brug lejerens DNS-domæne, f.eks. contoso.com, eller lad feltet stå tomt.
org-page-devices = Enheder
org-page-devices-in-tenant = { $count ->
    [one] { $count } enhed i dens lejer
   *[other] { $count } enheder i dens lejer
}
org-page-devices-registered = { $count ->
    [one] { $count } enhed registreret af den for dens kunder
   *[other] { $count } enheder registreret af den for dens kunder
}
org-page-users-heading = Brugere ({ $count })
org-page-no-users = Ingen brugere.
org-page-keys = { $count ->
    [one] { $count } API-nøgle virker.
   *[other] { $count } API-nøgler virker.
}
org-page-relationships-heading = Relationer
org-page-no-relationships = Ingen relationer.
org-page-col-other = Med
org-page-col-kind = Type
org-page-col-since = Siden
org-page-col-status = Status
org-page-col-approval = Batches
org-page-relationship-csp = CSP-partner
org-page-relationship-oem = OEM
org-page-active = aktiv
org-page-revoked = tilbagekaldt
org-page-approval-review = venter på godkendelse
org-page-approval-auto = registreres straks
org-page-audit-heading = Seneste hændelser i revisionsloggen

## Webhooks

webhooks-title = Webhooks
webhooks-heading = Webhooks for { $org }
webhooks-lead = ztd sender hver valgt hændelse som JSON med POST til dit HTTPS-endepunkt, signeret med webhookens hemmelighed i headeren ztd-signature, og prøver igen ved fejl i 25 timer. Dokumentationen (docs/webhooks.md) viser, hvordan en signatur kontrolleres.
webhooks-deleted-title = Webhooken er slettet
webhooks-deleted-text = Der sendes ikke mere til den; dens ventende leveringer er droppet.
webhooks-none = Ingen webhooks endnu.
webhooks-col-url = URL
webhooks-col-events = Hændelser
webhooks-col-created = Oprettet
webhooks-deliveries = Leveringer
webhooks-deliveries-label = Leveringer til { $url }
webhooks-delete = Slet…
webhooks-delete-label = Slet webhooken { $url }…
webhooks-add-heading = Tilføj en webhook
webhooks-url-label = Endepunktets URL
webhooks-url-hint = https:// og tilgængelig fra internettet, f.eks. https://hooks.example.com/ztd
webhooks-secret-once = Signeringshemmeligheden vises én gang, på næste side.
webhooks-add-button = Tilføj webhook
webhooks-new-crumb = Ny
webhooks-added-title = Webhooken er tilføjet
webhooks-added-notice = Kopiér signeringshemmeligheden nu
webhooks-added-notice-text = Den vises kun nu. Dit endepunkt bruger den til at kontrollere headeren ztd-signature i hver levering. Hvis den går tabt, så slet webhooken og tilføj den igen.
webhooks-secret-label = Signeringshemmelighed
webhooks-see-deliveries = Se dens leveringer
webhooks-back = Tilbage til webhooks
webhooks-status-pending = venter
webhooks-status-succeeded = leveret
webhooks-status-failed = mislykket
# Before the time of the last attempt: "last 2 Dec 2026, 09:05 UTC: connection refused".
webhooks-last-attempt = senest
webhooks-deliveries-heading = Leveringer til
webhooks-deliveries-title = Webhook-leveringer
webhooks-redelivered-title = Sendt igen
webhooks-redelivered-text = En ny levering af hændelsen er på vej; den vises øverst.
webhooks-deliveries-lead = De 50 nyeste leveringer; en mislykket levering forsøges igen med stigende ventetid i 25 timer.
webhooks-no-deliveries = Intet leveret endnu.
webhooks-col-event = Hændelse
webhooks-col-occurred = Indtruffet
webhooks-col-status = Status
webhooks-col-attempts = Forsøg
webhooks-col-last-code = Seneste kode
webhooks-col-next-attempt = Næste forsøg
webhooks-redeliver = Send igen
webhooks-redeliver-label = Send hændelsen { $event } { $id } igen
webhooks-delete-this = Slet denne webhook…
webhooks-delete-crumb = Slet
webhooks-delete-title = Slet denne webhook?
webhooks-delete-warning = Der sendes ikke mere til { $url }. Leveringer, der stadig forsøges igen, droppes, og leveringsloggen vises ikke længere.
webhooks-delete-again = For at modtage hændelser igen skal du tilføje en ny webhook: den får en ny hemmelighed.
webhooks-delete-button = Slet webhook
webhooks-refusal-no-event-types = Vælg mindst én hændelse, der skal sendes.
# The webhook event types as people read them (the code is shown next to the name).
webhook-event-batch-finished = Batch færdig
webhook-event-batch-finished-about = en batch af enheder er færdig (antal registrerede, ikke-tildelte og mislykkede enheder)
webhook-event-batch-awaiting-approval = Batch venter på godkendelse
webhook-event-batch-awaiting-approval-about = en partners batch venter på kundens godkendelse
webhook-event-batch-rejected = Batch afvist
webhook-event-batch-rejected-about = kunden afviste en partners batch
webhook-event-device-activated = Enhed aktiveret
webhook-event-device-activated-about = en enhed startede for første gang og fik sin profil
webhook-event-device-deregistered = Enhed afregistreret
webhook-event-device-deregistered-about = en enhed blev afregistreret
webhook-event-relationship-created = Relation oprettet
webhook-event-relationship-created-about = en kunde accepterede et invitationslink
webhook-event-relationship-revoked = Relation tilbagekaldt
webhook-event-relationship-revoked-about = en relation blev tilbagekaldt af en af parterne
webhook-event-release-request-created = Frigivelse anmodet
webhook-event-release-request-created-about = der blev anmodet om frigivelse af en enhed
webhook-event-release-request-decided = Anmodning om frigivelse afgjort
webhook-event-release-request-decided-about = en anmodning om frigivelse blev godkendt eller afvist
