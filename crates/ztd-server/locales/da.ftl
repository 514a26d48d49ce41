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

## Customers and invitations

## Partners and relationships

## Profiles

## Approvals and release requests

## Audit trail

## Users, API keys and organisations

## Webhooks
