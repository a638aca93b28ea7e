package app_test

import (
	"archive/zip"
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"tremplin/internal/donations"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/pdf/pdftest"
)

// A Lille manager records a company donor, a gift and its receipt, then
// cancels the receipt with a reason; bad input is explained next to the field
// and keeps what was typed; a receipt without an address is refused kindly.
// Bordeaux's manager gets the 404 page for Lille's donor, an adviser the 403.
func TestManagersKeepDonorsAndReceipts(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		lille := s.antennaID("Lille")
		m := s.signIn("manager.lille@tremplin.example")
		p := m.post("/donors", url.Values{"kind": {"organisation"}, "org_name": {"Numérique Solidaire"}, "siren": {"12345"},
			"last_name": {"Petit"}, "antenna": {lille}})
		if p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["siren"] == "" || valueOf(p.body, "org_name") != "Numérique Solidaire" {
			t.Fatalf("a SIREN of 5 digits: %d %v", p.status, errorsOf(p.body))
		}
		donor := lastID(t, m.post("/donors", url.Values{"kind": {"organisation"}, "org_name": {"Numérique Solidaire"},
			"siren": {"552 100 554"}, "last_name": {"Petit"}, "antenna": {lille}}))
		base := "/donors/" + donor
		p = m.post(base+"/gifts", url.Values{"kind": {"money"}, "method": {"transfer"}, "amount": {"12,5,0"}, "received_on": {"2026-11-30"}})
		if p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["amount"] == "" || valueOf(p.body, "amount") != "12,5,0" {
			t.Fatalf("a wrong amount: %d %v", p.status, errorsOf(p.body))
		}
		if p := m.post(base+"/gifts", url.Values{"kind": {"money"}, "method": {"transfer"}, "amount": {"1 500,50"},
			"received_on": {"2026-11-30"}, "for_antenna": {lille}}); p.status != http.StatusSeeOther {
			t.Fatalf("a gift: %d %v", p.status, errorsOf(p.body))
		}
		gift := s.id("SELECT id FROM gifts WHERE donor_id = $1", donor)
		// No address yet: the receipt is refused, saying why.
		p = m.post(base+"/receipts", url.Values{"gift": {gift}})
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(p.body), "adresse postale du donateur est incomplète") {
			t.Fatalf("a receipt without an address: %d %v", p.status, errorsOf(p.body))
		}
		if p := m.post(base+"/edit", url.Values{"kind": {"organisation"}, "org_name": {"Numérique Solidaire"}, "siren": {"552100554"},
			"address": {"8 avenue du Peuple Belge"}, "postcode": {"59000"}, "city": {"Lille"}, "antenna": {lille}}); p.status != http.StatusSeeOther {
			t.Fatalf("the address: %d %v", p.status, errorsOf(p.body))
		}
		if p := m.post(base+"/receipts", url.Values{"gift": {gift}}); p.status != http.StatusSeeOther {
			t.Fatalf("the receipt: %d %v", p.status, errorsOf(p.body))
		}
		var ref string
		s.app.DB.QueryRowContext(context.Background(), "SELECT CAST(year AS TEXT) || '-' || CAST(number AS TEXT) FROM receipts WHERE donor_id = $1", donor).Scan(&ref)
		y, n, _ := strings.Cut(ref, "-")
		ref = y + "-" + strings.Repeat("0", 6-len(n)) + n
		page := html.UnescapeString(m.get(base).body)
		if !strings.Contains(page, ref) || !strings.Contains(page, "1\u202f500,50\u00a0€") || !strings.Contains(page, "CERFA 16216*02") {
			t.Fatalf("the donor's page does not show receipt %s of 1 500,50 €:\n%.4000s", ref, page)
		}
		if !strings.Contains(page, "affecté à Lille") {
			t.Errorf("the gift does not say it is restricted to Lille")
		}
		if !strings.Contains(page, "plafond de la réduction d'impôt : 20\u202f000,00\u00a0€") {
			t.Errorf("the company's page does not show the ceiling of its reduction:\n%.4000s", page)
		}
		receipt := s.id("SELECT id FROM receipts WHERE donor_id = $1", donor)
		if p := m.post(base+"/receipts/"+receipt+"/cancel", url.Values{"reason": {""}}); p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["reason"] == "" {
			t.Errorf("a cancellation without a reason: %d %v", p.status, errorsOf(p.body))
		}
		if p := m.post(base+"/receipts/"+receipt+"/cancel", url.Values{"reason": {"Montant erroné"}}); p.status != http.StatusSeeOther {
			t.Fatalf("cancel: %d %v", p.status, errorsOf(p.body))
		}
		if n := s.count("SELECT COUNT(*) FROM receipts WHERE id = $1 AND state = 'cancelled' AND cancel_reason = 'Montant erroné'", receipt); n != 1 {
			t.Error("the cancelled receipt was not kept with its reason")
		}
		bordeaux := s.signIn("manager.bordeaux@tremplin.example")
		for _, path := range []string{base, base + "/edit"} {
			if p := bordeaux.get(path); p.status != http.StatusNotFound || strings.Contains(p.body, "Numérique Solidaire") {
				t.Errorf("Bordeaux GET %s: %d, want 404", path, p.status)
			}
		}
		if p := bordeaux.post(base+"/gifts", url.Values{"kind": {"money"}, "method": {"cash"}, "amount": {"10"}, "received_on": {"2026-11-30"}}); p.status != http.StatusNotFound {
			t.Errorf("Bordeaux adds a gift to Lille's donor: %d", p.status)
		}
		if strings.Contains(bordeaux.get("/donors").body, "Numérique Solidaire") {
			t.Error("Bordeaux's list shows Lille's donor")
		}
		karim := s.signIn("karim.lille@tremplin.example")
		for _, path := range []string{"/donors", base} {
			if p := karim.get(path); p.status != http.StatusForbidden {
				t.Errorf("an adviser GET %s: %d, want 403", path, p.status)
			}
		}
		if p := s.signIn("admin@tremplin.example").get("/donors?q=solidaire"); !strings.Contains(p.body, "Numérique Solidaire") {
			t.Error("the admin's search does not find the donor")
		}
	})
}

// The admin imports HelloAsso's payments twice (the second changes nothing)
// and reads the year's declaration, HelloAsso's receipts counted; a file in
// another layout is refused with its reason; managers may do neither.
func TestAdminImportsHelloAssoAndDeclares(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		file, err := os.ReadFile("../donations/testdata/helloasso_payments.json")
		if err != nil {
			t.Fatal(err)
		}
		before, err := donations.Declare(context.Background(), s.app.DB, 2026)
		if err != nil {
			t.Fatal(err)
		}
		admin := s.signIn("admin@tremplin.example")
		for round, want := range []string{"3 ajoutés, 0 déjà là, 1 remboursés, 2 laissés de côté", "0 ajoutés, 4 déjà là, 0 remboursés, 2 laissés de côté"} {
			p := admin.upload("/donations/import", nil, "paiements.json", file)
			if p.status != http.StatusOK || !strings.Contains(html.UnescapeString(p.body), want) {
				t.Fatalf("import %d: %d, want %q\n%.3000s", round+1, p.status, want, p.body)
			}
		}
		p := admin.upload("/donations/import", nil, "export.csv", []byte("Date;Montant;Nom\n01/03/2026;50;Diallo\n"))
		if body := html.UnescapeString(p.body); p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["file"] == "" ||
			!strings.Contains(body, "Il manque des colonnes") || !strings.Contains(body, "statut du paiement") {
			t.Errorf("a CSV without HelloAsso's columns: %d %v", p.status, errorsOf(p.body))
		}
		if p := admin.upload("/donations/import", nil, "", nil); p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["file"] == "" {
			t.Errorf("no file: %d %v", p.status, errorsOf(p.body))
		}
		// HelloAsso's receipt of 50 € (payment 7001) is counted once.
		after, err := donations.Declare(context.Background(), s.app.DB, 2026)
		if err != nil || after.HelloAsso.Receipts != before.HelloAsso.Receipts+1 || after.HelloAsso.Cents != before.HelloAsso.Cents+5000 {
			t.Fatalf("HelloAsso's receipts in 2026: %+v, then %+v (%v)", before.HelloAsso, after.HelloAsso, err)
		}
		dec := html.UnescapeString(admin.get("/donations/declaration?year=2026").body)
		if want := i18n.For("fr").N("donations.declaration.count_amount", after.HelloAsso.Receipts, "amount", donations.Euros("fr", after.HelloAsso.Cents)); !strings.Contains(dec, want) {
			t.Errorf("the 2026 declaration does not say %q:\n%.3000s", want, dec)
		}
		lille := s.signIn("manager.lille@tremplin.example")
		for _, path := range []string{"/donations/import", "/donations/declaration"} {
			if p := lille.get(path); p.status != http.StatusForbidden {
				t.Errorf("a manager GET %s: %d, want 403", path, p.status)
			}
		}
	})
}

// The demo association has donors to show: the company's receipt cancelled and
// replaced, the monthly donor's annual receipt, a donor without an address, and
// HelloAsso's payments (its own receipt kept, the membership left out).
func TestDemoDonors(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		if n := s.count("SELECT COUNT(*) FROM receipts WHERE state = 'cancelled' AND replaced_by IS NOT NULL"); n != 1 {
			t.Errorf("%d cancelled and replaced receipts, want 1", n)
		}
		if n := s.count(`SELECT COUNT(*) FROM receipts r JOIN donors d ON d.id = r.donor_id WHERE d.last_name = 'Haddad'
			AND r.state = 'issued' AND r.period_from LIKE '%-01-05' AND r.period_to LIKE '%-12-05'`); n != 1 {
			t.Errorf("the monthly donor's annual receipt: %d", n)
		}
		if n := s.count("SELECT COUNT(*) FROM gifts WHERE helloasso_id IS NOT NULL AND helloasso_receipt_url <> ''"); n != 1 {
			t.Errorf("%d HelloAsso gifts with HelloAsso's receipt, want 1", n)
		}
		if n := s.count("SELECT COUNT(*) FROM gifts WHERE helloasso_id = '910003'"); n != 0 {
			t.Error("the HelloAsso membership became a gift")
		}
		page := html.UnescapeString(s.signIn("manager.lille@tremplin.example").get("/donors").body)
		if !strings.Contains(page, "Numérique Solidaire SAS") || !strings.Contains(page, "Haddad") || strings.Contains(page, "Camara") {
			t.Errorf("Lille's donors page:\n%.3000s", page)
		}
	})
}

// The receipt's PDF is the donor's antenna's managers' (another antenna's
// manager gets the 404 page) and says its number; the settings are the
// admin's, and a signature that is not an image is refused next to the field.
func TestReceiptPDFAndSettings(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		var donor, receipt int64
		s.app.DB.QueryRowContext(context.Background(), `SELECT r.donor_id, r.id FROM receipts r JOIN donors d ON d.id = r.donor_id
			WHERE d.org_name = 'Numérique Solidaire SAS' AND r.state = 'issued'`).Scan(&donor, &receipt)
		path := fmt.Sprintf("/donors/%d/receipts/%d/recu.pdf", donor, receipt)
		p := s.signIn("manager.lille@tremplin.example").get(path)
		if p.status != http.StatusOK || p.header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(p.body, "%PDF") {
			t.Fatalf("the receipt's PDF: %d %s", p.status, p.header.Get("Content-Type"))
		}
		if p := s.signIn("manager.bordeaux@tremplin.example").get(path); p.status != http.StatusNotFound {
			t.Errorf("Bordeaux's manager reads Lille's receipt: %d", p.status)
		}
		admin := s.signIn("admin@tremplin.example")
		p = admin.uploadAs("/donations/settings", url.Values{"address": {"12 rue d'Arras"}, "postcode": {"59000"}, "city": {"Lille"},
			"purpose": {"Former au numérique"}, "body_kind": {"general_interest"}, "signatory_name": {"Nadia Benali"}}, "signature", "signature.png", []byte("not an image"))
		if p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["signature"] == "" || valueOf(p.body, "signatory_name") != "Nadia Benali" {
			t.Errorf("a signature that is not an image: %d %v", p.status, errorsOf(p.body))
		}
	})
}

// The year's report for the accounts gives the same figures on the page, in
// the CSV, the XLSX and the PDF: gifts by antenna (the restriction, else the
// donor's), by programme, by kind, and the contributions in kind of the annex.
func TestDonationsReportFormatsAgree(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		var lille, programme int64
		s.app.DB.QueryRowContext(ctx, "SELECT id FROM antennas WHERE name = 'Lille'").Scan(&lille)
		s.app.DB.QueryRowContext(ctx, "SELECT MIN(id) FROM programmes").Scan(&programme)
		o := &donations.Donor{Kind: donations.Organisation, OrgName: "Fondation =HYPERLINK(1)", AntennaID: lille}
		if err := donations.SaveDonor(ctx, s.app.DB, o); err != nil {
			t.Fatal(err)
		}
		for _, g := range []*donations.Gift{
			{Kind: donations.Money, Method: "transfer", AmountCents: 10050, ProgrammeID: programme},
			{Kind: donations.InKind, AmountCents: 300000, Description: "20 ordinateurs"},
			{Kind: donations.Skills, AmountCents: 120000, Description: "Jury"},
		} {
			g.DonorID, g.ReceivedOn = o.ID, time.Date(2024, 5, 2, 0, 0, 0, 0, time.UTC)
			if err := donations.AddGift(ctx, s.app.DB, g); err != nil {
				t.Fatal(err)
			}
		}
		rep, err := donations.YearReport(ctx, s.app.DB, 2024)
		if err != nil || rep.Total.Total() != 430050 {
			t.Fatalf("2024: %+v, %v", rep, err)
		}
		admin := s.signIn("admin@tremplin.example")
		page := html.UnescapeString(admin.get("/donations/report?year=2024").body)
		total := donations.Euros("fr", rep.Total.Total())
		for _, want := range []string{"Lille", total, donations.Euros("fr", rep.InKindTotal())} {
			if !strings.Contains(page, want) {
				t.Errorf("the page does not show %q", want)
			}
		}
		csv := readCSV(t, admin.get("/donations/report.csv?year=2024"), ';')
		xlsx := readXLSX(t, admin.get("/donations/report.xlsx?year=2024"))
		if len(csv) != len(xlsx) {
			t.Fatalf("CSV has %d rows, XLSX %d", len(csv), len(xlsx))
		}
		var csvTotal, xlsxTotal string
		for i := range csv {
			if csv[i][0] == "Total" {
				csvTotal, xlsxTotal = csv[i][5], xlsx[i][5]
			}
			if csv[i][1] != xlsx[i][1] {
				t.Errorf("row %d: CSV %q, XLSX %q", i, csv[i][1], xlsx[i][1])
			}
		}
		if csvTotal != "4300,50" || xlsxTotal != "4300.5" {
			t.Errorf("totals: CSV %q, XLSX %q; want 4300,50 and 4300.5", csvTotal, xlsxTotal)
		}
		pdfText := strings.Join(strings.Fields(readPDF(t, admin.get("/donations/report.pdf?year=2024").body)), " ")
		if !strings.Contains(pdfText, strings.Join(strings.Fields(strings.ReplaceAll(total, "\u202f", " ")), " ")) {
			t.Errorf("the PDF does not show the total %q:\n%s", total, pdfText)
		}
		if p := s.signIn("manager.lille@tremplin.example").get("/donations/report?year=2024"); p.status != http.StatusForbidden {
			t.Errorf("a manager reads the association's report: %d", p.status)
		}
	})
}

// Twenty laptops: the Lille manager records two of them by serial number in
// Lille's stock; an adviser hands one to a learner from the file, where it
// then shows; the same laptop cannot be handed over twice; the other goes to
// a room. An adviser of Bordeaux cannot hand Lille's laptops out.
func TestDonatedDevicesGoToLearnersAndRooms(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		lille := s.antennaID("Lille")
		m := s.signIn("manager.lille@tremplin.example")
		donor := s.id("SELECT id FROM donors WHERE org_name = 'Numérique Solidaire SAS'")
		gift := s.id("SELECT id FROM gifts WHERE donor_id = $1 AND kind = 'in_kind'", donor)
		base := "/donors/" + donor
		if p := m.post(base+"/gifts/"+gift+"/devices", url.Values{"device_label": {""}, "device_antenna": {lille}}); p.status != http.StatusUnprocessableEntity ||
			errorsOf(p.body)["device_label"] == "" || errorsOf(p.body)["count"] == "" {
			t.Fatalf("devices without a label nor a count: %d %v", p.status, errorsOf(p.body))
		}
		if p := m.post(base+"/gifts/"+gift+"/devices", url.Values{"device_label": {"Lenovo T480"}, "serials": {"PF-1A2B\nPF-3C4D\n"},
			"device_antenna": {lille}}); p.status != http.StatusSeeOther {
			t.Fatalf("devices: %d %v", p.status, errorsOf(p.body))
		}
		learner := s.id("SELECT MIN(id) FROM learners WHERE antenna_id = $1", lille)
		first := s.id("SELECT id FROM donated_devices WHERE serial = 'PF-1A2B'")
		karim := s.signIn("karim.lille@tremplin.example")
		file := html.UnescapeString(karim.get("/learners/" + learner).body)
		if !strings.Contains(file, "Lenovo T480 (PF-1A2B)") {
			t.Fatalf("the learner file does not offer Lille's stock:\n%.3000s", file)
		}
		bordeaux := s.signIn("manager.bordeaux@tremplin.example")
		if p := bordeaux.post("/learners/"+learner+"/devices", url.Values{"device": {first}}); p.status != http.StatusNotFound {
			t.Errorf("Bordeaux hands out to a Lille learner: %d", p.status)
		}
		if p := karim.post("/learners/"+learner+"/devices", url.Values{"device": {first}}); p.status != http.StatusSeeOther {
			t.Fatalf("hand over: %d", p.status)
		}
		if n := s.count("SELECT COUNT(*) FROM donated_devices WHERE id = $1 AND state = 'given' AND learner_id = $2", first, learner); n != 1 {
			t.Fatal("the laptop was not recorded as given to the learner")
		}
		if !strings.Contains(html.UnescapeString(karim.get("/learners/"+learner).body), "Lenovo T480 (PF-1A2B), remis le") {
			t.Error("the file does not show the laptop given")
		}
		other := s.id("SELECT MIN(id) FROM learners WHERE antenna_id = $1 AND id <> $2", lille, learner)
		karim.post("/learners/"+other+"/devices", url.Values{"device": {first}})
		if n := s.count("SELECT COUNT(*) FROM donated_devices WHERE id = $1 AND learner_id = $2", first, learner); n != 1 {
			t.Error("the same laptop was handed over twice")
		}
		second := s.id("SELECT id FROM donated_devices WHERE serial = 'PF-3C4D'")
		place := s.id("SELECT MIN(id) FROM places WHERE antenna_id = $1", lille)
		if p := m.post(base+"/devices/"+second+"/use", url.Values{"place": {place}}); p.status != http.StatusSeeOther {
			t.Fatalf("use in a room: %d", p.status)
		}
		page := html.UnescapeString(m.get(base).body)
		if !strings.Contains(page, "Utilisé dans la salle") || !strings.Contains(page, "Remis à") {
			t.Errorf("the donor's page does not say where the laptops went:\n%.4000s", page)
		}
	})
}

// The admin emails the year's receipts: one email per receipt in force, in
// the donor's language, with a link that opens the PDF without an account;
// sending again sends nothing twice; a wrong link, or the link of a receipt
// cancelled since, is the 404 page.
func TestReceiptsAreEmailedWithALink(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		admin := s.signIn("admin@tremplin.example")
		year := fmt.Sprint(time.Now().Year())
		want := s.count(`SELECT COUNT(*) FROM receipts r JOIN donors o ON o.id = r.donor_id WHERE r.year = $1 AND r.state = 'issued' AND o.email <> ''`, year)
		if want == 0 {
			t.Fatal("the demo has no receipt to email this year")
		}
		if p := admin.get("/donations/send?year=" + year); !strings.Contains(html.UnescapeString(p.body), i18n.For("fr").N("donations.send.button", want)) {
			t.Fatalf("the page does not offer to send %d receipts:\n%.3000s", want, p.body)
		}
		if p := admin.post("/donations/send", url.Values{"year": {year}}); p.status != http.StatusSeeOther {
			t.Fatalf("send: %d", p.status)
		}
		admin.post("/donations/send", url.Values{"year": {year}})
		if n := s.count("SELECT COUNT(*) FROM messages WHERE kind = 'receipt' AND channel = 'email'"); n != want {
			t.Fatalf("%d receipt emails, want %d (once each)", n, want)
		}
		var body string
		var receipt int64
		s.app.DB.QueryRowContext(context.Background(), `SELECT m.body, r.id FROM messages m JOIN receipts r ON r.id = m.ref_id
			JOIN donors o ON o.id = r.donor_id WHERE m.kind = 'receipt' AND o.org_name = 'Numérique Solidaire SAS'
			ORDER BY r.id LIMIT 1`).Scan(&body, &receipt)
		link := regexp.MustCompile(`/recu/[A-Za-z0-9]+`).FindString(body)
		if link == "" || !strings.Contains(body, "Voici votre reçu fiscal") {
			t.Fatalf("the email: %q", body)
		}
		visitor := s.browser()
		if p := visitor.get(link); p.status != http.StatusOK || !strings.HasPrefix(p.body, "%PDF") {
			t.Fatalf("the link: %d", p.status)
		}
		if p := visitor.get(link + "x"); p.status != http.StatusNotFound {
			t.Errorf("a wrong link: %d", p.status)
		}
		// The receipt of that email is cancelled: its link no longer opens it.
		if err := donations.Cancel(context.Background(), s.app.DB, receipt, "Erreur", 0); err != nil {
			t.Fatal(err)
		}
		if p := visitor.get(link); p.status != http.StatusNotFound {
			t.Errorf("the link of a cancelled receipt: %d", p.status)
		}
	})
}

// The admin issues the year's receipts of recurring donors from the page: the
// demo's monthly donor gets one for this year's gifts; again, nothing more.
func TestAnnualReceiptsFromThePage(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		admin := s.signIn("admin@tremplin.example")
		year := fmt.Sprint(time.Now().Year())
		before := s.count("SELECT COUNT(*) FROM receipts")
		p := admin.post("/donations/annual", url.Values{"year": {year}})
		if p.status != http.StatusOK || !strings.Contains(html.UnescapeString(p.body), "1 reçu émis") {
			t.Fatalf("annual receipts: %d\n%.3000s", p.status, p.body)
		}
		p = admin.post("/donations/annual", url.Values{"year": {year}})
		if !strings.Contains(html.UnescapeString(p.body), "0 reçu") || s.count("SELECT COUNT(*) FROM receipts") != before+1 {
			t.Errorf("a second run issued more:\n%.2000s", p.body)
		}
		if p := s.signIn("manager.lille@tremplin.example").post("/donations/annual", url.Values{"year": {year}}); p.status != http.StatusForbidden {
			t.Errorf("a manager issues the association's annual receipts: %d", p.status)
		}
	})
}

// The fundraising role works for the whole association's donors: it sees every
// antenna's donors, the receipts' office pages and a home page of its own, and
// is refused the people the association serves and the receipts' settings.
func TestFundraisingRoleSeesDonorsOnly(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		f := s.signIn("dons@tremplin.example")
		home := html.UnescapeString(f.get("/").body)
		for _, want := range []string{`href="/donors"`, "Dons en attente d'un reçu fiscal"} {
			if !strings.Contains(home, want) {
				t.Errorf("the fundraiser's home page lacks %q", want)
			}
		}
		for _, not := range []string{`href="/learners"`, `href="/inbox`, `href="/cohorts"`} {
			if strings.Contains(home, not) {
				t.Errorf("the fundraiser's home page links to %s", not)
			}
		}
		donors := f.get("/donors")
		// The demo's donors followed by different antennas are all there.
		var total int
		s.app.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM donors").Scan(&total)
		if got := strings.Count(donors.body, `<li class="card"><a href="/donors/`); donors.status != http.StatusOK || got != min(total, donations.DonorsPerPage) {
			t.Errorf("the fundraiser lists %d donors of %d (status %d)", got, total, donors.status)
		}
		for _, path := range []string{"/donations/report", "/donations/declaration", "/donations/send", "/donations/import", "/profile"} {
			if p := f.get(path); p.status != http.StatusOK {
				t.Errorf("GET %s: status %d, want 200", path, p.status)
			}
		}
		for _, path := range []string{"/learners", "/inbox", "/donations/settings", "/impact", "/staff"} {
			if p := f.get(path); p.status != http.StatusForbidden {
				t.Errorf("GET %s: status %d, want 403", path, p.status)
			}
		}
		// An admin creates such an account without antennas; a manager's
		// account still needs one.
		a := s.signIn("admin@tremplin.example")
		if p := a.post("/staff", url.Values{"name": {"Inès Roy"}, "email": {"ines.roy@example.org"}, "role": {"fundraising"}, "lang": {"fr"}}); p.status != http.StatusSeeOther {
			t.Errorf("a fundraising account without an antenna: %d %v", p.status, errorsOf(p.body))
		}
		if p := a.post("/staff", url.Values{"name": {"Léa Roy"}, "email": {"lea.roy@example.org"}, "role": {"manager"}, "lang": {"fr"}}); p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["antennas"] == "" {
			t.Errorf("a manager without an antenna: %d %v", p.status, errorsOf(p.body))
		}
	})
}

// A company lends two employees under an agreement; sessions count only once
// their named sheet comes back signed; the year's time is valued at the
// declared cost within 3 × the social-security ceiling per employee, becomes a
// gift, and a CERFA 16216 receipts it. Bad input is explained next to its field.
func TestSkillsSponsorshipIsValuedFromSignedSheets(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		lille := s.antennaID("Lille")
		m := s.signIn("dons@tremplin.example")
		donor := lastID(t, m.post("/donors", url.Values{"kind": {"organisation"}, "org_name": {"Datacode SA"}, "siren": {"552100554"},
			"address": {"12 rue Nationale"}, "postcode": {"59000"}, "city": {"Lille"}, "antenna": {lille}}))
		base := "/donors/" + donor
		p := m.post(base+"/agreements", url.Values{"agreement_title": {"Jurys web 2026"}, "agreement_from": {"2026-12-31"},
			"agreement_to": {"2026-01-01"}, "agreement_signed": {"2025-12-15"}})
		if p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["agreement_to"] == "" || valueOf(p.body, "agreement_title") != "Jurys web 2026" {
			t.Fatalf("an end before the start: %d %v", p.status, errorsOf(p.body))
		}
		agreement := lastID(t, m.post(base+"/agreements", url.Values{"agreement_title": {"Jurys web 2026"}, "agreement_from": {"2026-01-01"},
			"agreement_to": {"2026-12-31"}, "agreement_signed": {"2025-12-15"}}))
		ab := base + "/agreements/" + agreement
		if p := m.post(ab+"/employees", url.Values{"emp_name": {"Claire Dubois"}, "emp_job": {"Développeuse"}, "emp_cost": {"soixante"}}); p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["emp_cost"] == "" || valueOf(p.body, "emp_name") != "Claire Dubois" {
			t.Errorf("a cost in words: %d %v", p.status, errorsOf(p.body))
		}
		for _, e := range [][2]string{{"Claire Dubois", "60,00"}, {"سامي حداد", "20000"}} {
			if p := m.post(ab+"/employees", url.Values{"emp_name": {e[0]}, "emp_job": {"Développeur·se"}, "emp_cost": {e[1]}}); p.status != http.StatusSeeOther {
				t.Fatalf("employee %s: %d %v", e[0], p.status, errorsOf(p.body))
			}
		}
		claire := s.id("SELECT id FROM sponsorship_employees WHERE name = 'Claire Dubois' AND agreement_id = $1", agreement)
		sami := s.id("SELECT id FROM sponsorship_employees WHERE name = 'سامي حداد' AND agreement_id = $1", agreement)
		session := func(on, start, end string, who ...string) page {
			return m.post(ab+"/sessions", url.Values{"session_kind": {"jury"}, "session_on": {on}, "session_start": {start},
				"session_end": {end}, "attendee": who})
		}
		if p := session("2027-01-05", "09:00", "12:00", claire); p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["session_on"] == "" {
			t.Errorf("a session after the agreement: %d %v", p.status, errorsOf(p.body))
		}
		if p := session("2026-03-10", "17:00", "14:00", claire); p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["session_end"] == "" {
			t.Errorf("an end before the start: %d %v", p.status, errorsOf(p.body))
		}
		if p := session("2026-03-10", "14:00", "17:00"); p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["attendee"] == "" {
			t.Errorf("a session without anyone: %d %v", p.status, errorsOf(p.body))
		}
		for _, x := range [][]string{{"2026-03-10", "14:00", "17:00", claire}, {"2026-06-20", "09:00", "17:00", claire, sami},
			{"2026-11-05", "10:00", "12:00", claire}} {
			if p := session(x[0], x[1], x[2], x[3:]...); p.status != http.StatusSeeOther {
				t.Fatalf("session %v: %d %v", x, p.status, errorsOf(p.body))
			}
		}
		if p := m.post(ab+"/valuation", url.Values{"year": {"2026"}}); p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["year"] == "" {
			t.Errorf("a valuation before any sheet came back signed: %d %v", p.status, errorsOf(p.body))
		}
		sessionOn := func(day string) string {
			return s.id("SELECT id FROM sponsorship_sessions WHERE agreement_id = $1 AND on_date = $2", agreement, day)
		}
		jury := sessionOn("2026-06-20")
		sheet := pdftest.Plain(readPDF(t, m.get(ab+"/sessions/"+jury+"/sheet.pdf").body))
		for _, want := range []string{"Feuille d'émargement", "Claire Dubois", "سامي حداد", "Datacode SA", "Jurys web 2026"} {
			if !strings.Contains(sheet, want) {
				t.Errorf("the attendance sheet lacks %q:\n%s", want, sheet)
			}
		}
		signed := func(id, on string) page {
			return m.post(ab+"/sessions/"+id+"/signed", url.Values{"signed_" + id: {on}})
		}
		if p := signed(jury, "2026-06-19"); p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["signed_"+jury] == "" {
			t.Errorf("a sheet signed before its session: %d %v", p.status, errorsOf(p.body))
		}
		for _, id := range []string{sessionOn("2026-03-10"), jury} {
			if p := signed(id, "2026-06-25"); p.status != http.StatusSeeOther {
				t.Fatalf("sign %s: %d %v", id, p.status, errorsOf(p.body))
			}
		}
		// Claire: 3 h + 8 h at 60 € = 660 €. Sami: 8 h at 20 000 € = 160 000 €,
		// capped at 3 × 48 060 € = 144 180 €. The unsigned session of November
		// does not count.
		page := html.UnescapeString(m.get(ab).body)
		for _, want := range []string{"11 h", "660,00\u00a0€", "144\u202f180,00\u00a0€", "(plafonné)", "144\u202f840,00\u00a0€"} {
			if !strings.Contains(page, want) {
				t.Errorf("the agreement's valuation lacks %q", want)
			}
		}
		if p := m.post(ab+"/valuation", url.Values{"year": {"2026"}}); p.status != http.StatusSeeOther {
			t.Fatalf("record the valuation: %d %v", p.status, errorsOf(p.body))
		}
		gift := s.id("SELECT id FROM gifts WHERE agreement_id = $1 AND agreement_year = 2026 AND kind = 'skills' AND amount_cents = 14484000", agreement)
		if p := m.post(base+"/receipts", url.Values{"gift": {gift}}); p.status != http.StatusSeeOther {
			t.Fatalf("receipt the valuation: %d %v", p.status, errorsOf(p.body))
		}
		receipt := s.id("SELECT id FROM receipts WHERE donor_id = $1 AND form = '16216' AND amount_cents = 14484000", donor)
		text := readPDF(t, m.get(base+"/receipts/"+receipt+"/recu.pdf").body)
		if !strings.Contains(text, "mécénat de compétences") || !strings.Contains(text, "144 840,00") {
			t.Errorf("the receipt does not carry the valued skills:\n%s", text)
		}
		// A late sheet changes the year's valuation, but not the receipt issued.
		if p := signed(sessionOn("2026-11-05"), "2026-11-06"); p.status != http.StatusSeeOther {
			t.Fatalf("sign November: %d", p.status)
		}
		if p := m.post(ab+"/valuation", url.Values{"year": {"2026"}}); p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["year"] == "" {
			t.Errorf("a receipted valuation changed: %d %v", p.status, errorsOf(p.body))
		}
		if n := s.count("SELECT COUNT(*) FROM gifts WHERE id = $1 AND amount_cents = 14484000", gift); n != 1 {
			t.Error("the receipted gift's amount changed")
		}
		// An individual has no agreement; another antenna's manager no access.
		if p := s.signIn("manager.bordeaux@tremplin.example").get(ab); p.status != http.StatusNotFound {
			t.Errorf("Bordeaux opens Lille's company's agreement: %d", p.status)
		}
	})
}

// The year's receipts come as a ZIP of PDFs, every one issued that year, the
// cancelled ones marked so, each readable and bearing its own number; a year
// to come is a bad request, and a manager is refused the association's copy.
func TestReceiptsArchiveHoldsTheYear(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		var year int
		s.app.DB.QueryRowContext(context.Background(), "SELECT MAX(year) FROM receipts").Scan(&year)
		f := s.signIn("dons@tremplin.example")
		if p := f.get("/donations/declaration?year=" + fmt.Sprint(year)); !strings.Contains(p.body, "/donations/receipts.zip?year="+fmt.Sprint(year)) {
			t.Error("the declaration does not offer the year's receipts")
		}
		p := f.get("/donations/receipts.zip?year=" + fmt.Sprint(year))
		if p.status != http.StatusOK || p.header.Get("Content-Type") != "application/zip" {
			t.Fatalf("the archive: %d %s", p.status, p.header.Get("Content-Type"))
		}
		z, err := zip.NewReader(strings.NewReader(p.body), int64(len(p.body)))
		if err != nil {
			t.Fatalf("the archive does not open: %v", err)
		}
		want := map[string]bool{}
		err = db.Each(s.app.DB.QueryContext(context.Background(), "SELECT year, number, state FROM receipts WHERE year = $1", year))(func(row db.Scanner) error {
			var y, n int
			var state string
			err := row.Scan(&y, &n, &state)
			name := fmt.Sprintf("recu-fiscal-%04d-%06d.pdf", y, n)
			if state == "cancelled" {
				name = fmt.Sprintf("recu-fiscal-%04d-%06d-annule.pdf", y, n)
			}
			want[name] = true
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(z.File) != len(want) || len(want) == 0 {
			t.Errorf("the archive holds %d files, the year %d receipts", len(z.File), len(want))
		}
		for _, file := range z.File {
			if !want[file.Name] {
				t.Errorf("unexpected file %s", file.Name)
				continue
			}
			r, err := file.Open()
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(r)
			ref := strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(file.Name, "recu-fiscal-"), ".pdf"), "-annule")
			if text := readPDF(t, string(body)); !strings.Contains(text, "Numéro d'ordre du reçu : "+ref) {
				t.Errorf("%s does not bear its number:\n%s", file.Name, text)
			}
		}
		if p := f.get(fmt.Sprint("/donations/receipts.zip?year=", year+2)); p.status != http.StatusBadRequest {
			t.Errorf("a year to come: %d, want 400", p.status)
		}
		if p := s.signIn("manager.lille@tremplin.example").get(fmt.Sprint("/donations/receipts.zip?year=", year)); p.status != http.StatusForbidden {
			t.Errorf("a manager downloads the association's receipts: %d", p.status)
		}
	})
}

// A company's contacts: added with a message next to a field typed wrong,
// removed when they leave; another antenna's manager can do neither.
func TestDonorContacts(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		company := s.id("SELECT id FROM donors WHERE org_name = 'Numérique Solidaire SAS'")
		base := "/donors/" + company
		m := s.signIn("manager.lille@tremplin.example")
		p := m.post(base+"/contacts", url.Values{"contact_name": {"Hélène Roux"}, "contact_role": {"Responsable RSE"}, "contact_email": {"helene@"}})
		if p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["contact_email"] == "" || valueOf(p.body, "contact_name") != "Hélène Roux" {
			t.Fatalf("a wrong email: %d %v", p.status, errorsOf(p.body))
		}
		if p := m.post(base+"/contacts", url.Values{"contact_name": {"Hélène Roux"}, "contact_role": {"Responsable RSE"},
			"contact_email": {"Helene.Roux@numerique-solidaire.example"}, "contact_phone": {"03 20 00 00 00"}}); p.status != http.StatusSeeOther {
			t.Fatalf("a contact: %d %v", p.status, errorsOf(p.body))
		}
		page := html.UnescapeString(m.get(base).body)
		if !strings.Contains(page, "Hélène Roux") || !strings.Contains(page, "helene.roux@numerique-solidaire.example") {
			t.Fatalf("the contact is not on the company's page")
		}
		contact := s.id("SELECT id FROM donor_contacts WHERE donor_id = $1 AND name = 'Hélène Roux'", company)
		if p := s.signIn("manager.bordeaux@tremplin.example").post(base+"/contacts/"+contact+"/remove", nil); p.status != http.StatusNotFound {
			t.Errorf("Bordeaux removes Lille's company's contact: %d", p.status)
		}
		if p := m.post(base+"/contacts/"+contact+"/remove", nil); p.status != http.StatusSeeOther {
			t.Fatalf("remove: %d", p.status)
		}
		if strings.Contains(m.get(base).body, "Hélène Roux") {
			t.Error("the removed contact is still shown")
		}
	})
}

// A company's employees who volunteer are linked to it by their email, among
// the volunteers the staff member may see; its page shows them with the hours
// approved; a link made by mistake is undone.
func TestCompanySentVolunteers(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		company := s.id("SELECT id FROM donors WHERE org_name = 'Numérique Solidaire SAS'")
		base := "/donors/" + company
		var email, name, other string
		ctx := context.Background()
		// Bordeaux's volunteer, given an email for the test.
		s.app.DB.ExecContext(ctx, "UPDATE volunteers SET email = 'jeanne.martin@example.org' WHERE first_name = 'Jeanne' AND last_name = 'Martin'")
		s.app.DB.QueryRowContext(ctx, `SELECT v.email, v.first_name FROM volunteers v JOIN antennas a ON a.id = v.antenna_id
			WHERE a.name = 'Lille' AND v.email <> '' ORDER BY v.id LIMIT 1`).Scan(&email, &name)
		s.app.DB.QueryRowContext(ctx, `SELECT v.email FROM volunteers v JOIN antennas a ON a.id = v.antenna_id
			WHERE a.name <> 'Lille' AND v.email <> '' ORDER BY v.id LIMIT 1`).Scan(&other)
		if email == "" || other == "" {
			t.Fatal("the demo has no volunteers with an email in Lille and elsewhere")
		}
		m := s.signIn("manager.lille@tremplin.example")
		for _, e := range []string{"nobody@example.org", other} {
			p := m.post(base+"/volunteers", url.Values{"volunteer_email": {e}})
			if p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["volunteer_email"] == "" || valueOf(p.body, "volunteer_email") != e {
				t.Errorf("link %s: %d %v", e, p.status, errorsOf(p.body))
			}
		}
		if p := m.post(base+"/volunteers", url.Values{"volunteer_email": {strings.ToUpper(email)}}); p.status != http.StatusSeeOther {
			t.Fatalf("link %s: %d %v", email, p.status, errorsOf(p.body))
		}
		page := html.UnescapeString(m.get(base).body)
		if !strings.Contains(page, name) || !strings.Contains(page, "validée") {
			t.Errorf("the company's page does not show the volunteer %s with their hours", name)
		}
		volunteer := s.id("SELECT volunteer_id FROM donor_volunteers WHERE donor_id = $1", company)
		if p := m.post(base+"/volunteers/"+volunteer+"/remove", nil); p.status != http.StatusSeeOther {
			t.Fatalf("unlink: %d", p.status)
		}
		if n := s.count("SELECT COUNT(*) FROM donor_volunteers WHERE donor_id = $1", company); n != 0 {
			t.Error("the link is still there")
		}
	})
}
