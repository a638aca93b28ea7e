package app_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"tremplin/internal/demo"
	"tremplin/internal/learners"
	"tremplin/internal/partners"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/check"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/training"
)

const sosEmail = "contact@sos-migrants.example" // the demo contact of SOS personnes migrantes (Lille)

var partnerLink = regexp.MustCompile(`/partner/login/[A-Za-z0-9]+`)

// askLink asks for a sign-in link for email and returns the path it leads to ("" if
// no email was sent).
func (s *site) askLink(b *browser, email string) string {
	s.t.Helper()
	before := len(s.outbox.Sent())
	if p := b.post("/partner/login", url.Values{"email": {email}}); p.status != http.StatusOK ||
		!strings.Contains(html.UnescapeString(p.body), i18n.For("fr").T("partner.login.sent", "minutes", 30)) {
		s.t.Fatalf("asking for a link: %d", p.status)
	}
	for _, m := range s.outbox.Sent()[before:] {
		if m.To == email {
			return partnerLink.FindString(m.Body)
		}
	}
	return ""
}

// partnerSignIn signs a partner contact in with an emailed link.
func (s *site) partnerSignIn(email string) *browser {
	s.t.Helper()
	b := s.browser()
	link := s.askLink(b, email)
	if link == "" {
		s.t.Fatalf("no link emailed to %s", email)
	}
	if p := b.post(link, nil); p.status != http.StatusSeeOther || p.header.Get("Location") != "/partner" {
		s.t.Fatalf("signing in with the link: %d %s", p.status, p.header.Get("Location"))
	}
	return b
}

func (b *browser) upload(path string, fields url.Values, filename string, data []byte) page {
	b.t.Helper()
	return b.uploadAs(path, fields, "file", filename, data)
}

// uploadAs posts a multipart form with the file in the field named field.
func (b *browser) uploadAs(path string, fields url.Values, field, filename string, data []byte) page {
	b.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			w.WriteField(k, v)
		}
	}
	if filename != "" {
		fw, _ := w.CreateFormFile(field, filename)
		fw.Write(data)
	}
	w.Close()
	req, _ := http.NewRequest("POST", b.s.srv.URL+path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.do(req)
}

func (s *site) id(query string, args ...any) string {
	s.t.Helper()
	var id int64
	if err := s.app.DB.QueryRowContext(context.Background(), query, args...).Scan(&id); err != nil {
		s.t.Fatalf("%s: %v", query, err)
	}
	return strconv.FormatInt(id, 10)
}

func referPerson(i int, first, last, phone string) url.Values {
	sfx := "_" + strconv.Itoa(i)
	return url.Values{"first_name" + sfx: {first}, "last_name" + sfx: {last}, "phone" + sfx: {phone},
		"birth_year" + sfx: {"1992"}, "where" + sfx: {"59000 Lille"}, "consent" + sfx: {"yes"}}
}

func merge(vs ...url.Values) url.Values {
	out := url.Values{}
	for _, v := range vs {
		for k, x := range v {
			out[k] = append(out[k], x...)
		}
	}
	return out
}

// The journey of the issue, over HTTP: a partner signs in by link, refers a group
// of three, staff enrol one of them, the partner sees "enrolled" and was told by
// email — and never sees a staff note.
func TestPartnerRefersAGroupAndFollowsIt(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		s.work()
		fr := i18n.For("fr")
		visitor := s.browser()
		if p := visitor.get("/partner"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/partner/login?next=") {
			t.Fatalf("visitor on the partner space: %d %s", p.status, p.header.Get("Location"))
		}
		// An unknown email gets the same answer and no email.
		if link := s.askLink(visitor, "nobody@example.org"); link != "" || len(s.mailsTo("nobody@example.org")) != 0 {
			t.Fatal("an email went to an address that is no contact")
		}
		b := s.browser()
		link := s.askLink(b, sosEmail)
		if p := b.get(link); p.status != http.StatusOK || !strings.Contains(p.body, `action="`+link+`"`) {
			t.Fatalf("the emailed link's page: %d", p.status)
		}
		if p := b.post(link, nil); p.status != http.StatusSeeOther {
			t.Fatalf("signing in: %d", p.status)
		}
		// The link works once: again, a clear page offering a new one.
		again := s.browser()
		for _, p := range []page{again.post(link, nil), again.get(link)} {
			if p.status != http.StatusGone || !strings.Contains(html.UnescapeString(p.body), fr.T("partner.link.new")) ||
				!strings.Contains(p.body, `action="/partner/login"`) {
				t.Errorf("a used link: %d", p.status)
			}
		}

		space := html.UnescapeString(b.get("/partner").body)
		for _, want := range []string{"Hawa Konaté", "Abdullah Rahimi", "Mariam Osman", fr.T("partner.state.contacted")} {
			if !strings.Contains(space, want) {
				t.Errorf("the partner space lacks %q", want)
			}
		}

		// A group of three: a mistake first, then the group goes through.
		lille := s.antennaID("Lille")
		group := merge(url.Values{"people": {"3"}, "antenna": {lille}},
			referPerson(1, "Samia", "Brahimi", "07 81 22 33 41"), referPerson(2, "Omar", "Jalloh", "12"),
			referPerson(3, "Lina", "Petit", "07 81 22 33 43"))
		group.Del("consent_3")
		before := s.count("SELECT COUNT(*) FROM learners")
		p := b.post("/partner/refer", group)
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("a group with mistakes: %d", p.status)
		}
		if e := errorsOf(p.body); len(e) != 2 || e["phone_2"] == "" || e["consent_3"] == "" || valueOf(p.body, "first_name_3") != "Lina" {
			t.Errorf("messages %v, typed value %q", e, valueOf(p.body, "first_name_3"))
		}
		if n := s.count("SELECT COUNT(*) FROM learners"); n != before {
			t.Fatal("part of a refused group was written")
		}
		group.Set("phone_2", "07 81 22 33 42")
		group.Set("consent_3", "yes")
		if p := b.post("/partner/refer", group); p.status != http.StatusSeeOther || p.header.Get("Location") != "/partner/refer" {
			t.Fatalf("referring the group: %d %v", p.status, errorsOf(p.body))
		}
		if form := html.UnescapeString(b.get("/partner/refer").body); !strings.Contains(form, fr.T("partner.refer.sent")) || !strings.Contains(form, `name="first_name_1"`) {
			t.Error("after referring, the partner is not back on an empty form with a thank-you")
		}
		if n := s.count("SELECT COUNT(*) FROM learners WHERE source = 'referral' AND antenna_id = $1 AND last_name IN ('Brahimi', 'Jalloh', 'Petit')", lille); n != 3 {
			t.Fatalf("%d files for the group, want 3", n)
		}

		// Staff enrol Omar; a note of theirs must never reach the partner.
		omar := s.learnerID("Jalloh")
		karim := s.signIn("karim.lille@tremplin.example")
		const secret = "Situation administrative compliquée, ne pas en parler."
		karim.post("/learners/"+omar+"/notes", url.Values{"note": {secret}})
		var lilleID int64
		fmt.Sscan(lille, &lilleID)
		cohorts, err := training.OpenCohorts(context.Background(), s.app.DB, lilleID)
		if err != nil || len(cohorts) == 0 {
			t.Fatalf("no open Lille cohort: %v", err)
		}
		s.drain()
		sentBefore := len(s.outbox.Sent())
		if p := karim.post("/learners/"+omar+"/decision", url.Values{"decision": {"enrol"}, "cohort": {strconv.FormatInt(cohorts[0].ID, 10)}}); p.status != http.StatusSeeOther {
			t.Fatalf("enrolling: %d", p.status)
		}
		s.drain()
		var told []string
		for _, m := range s.outbox.Sent()[sentBefore:] {
			if m.To == sosEmail {
				told = append(told, m.Subject+"\n"+m.Body)
			}
		}
		if len(told) != 1 || !strings.Contains(told[0], "Omar Jalloh") || !strings.Contains(told[0], fr.T("partner.state.enrolled")) || strings.Contains(told[0], secret) {
			t.Errorf("emails to the partner: %q", told)
		}
		person := s.id("SELECT rp.id FROM referral_people rp JOIN learners l ON l.id = rp.learner_id WHERE l.last_name = 'Jalloh'")
		for _, path := range []string{"/partner", "/partner/people/" + person} {
			body := html.UnescapeString(b.get(path).body)
			if !strings.Contains(body, fr.T("partner.state.enrolled")) {
				t.Errorf("%s does not show enrolled", path)
			}
			for _, hidden := range []string{secret, fr.T("learner.situation.rsa"), cohorts[0].ProgrammeTitle + " — "} {
				if strings.Contains(body, hidden) {
					t.Errorf("%s shows staff-only %q", path, hidden)
				}
			}
		}
		// Logged with who and when.
		var by int64
		s.app.DB.QueryRowContext(context.Background(), "SELECT staff_id FROM referral_events WHERE person_id = $1 AND state = 'enrolled'", person).Scan(&by)
		if st, _ := auth.ByEmail(context.Background(), s.app.DB, "karim.lille@tremplin.example"); by != st.ID {
			t.Errorf("the change is logged as by staff %d, want Karim (%d)", by, st.ID)
		}
	})
}

// A partner contact of organisation A can see or change nothing of organisation B,
// whatever the URL, nor reach any staff page.
func TestPartnerReachesNothingOfAnotherOrganisation(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		bordeaux := s.antennaID("Bordeaux")
		var bdx int64
		fmt.Sscan(bordeaux, &bdx)
		orgB := s.id("SELECT id FROM partner_orgs WHERE name = 'CADA Bordeaux Rive Droite'")
		var orgBID int64
		fmt.Sscan(orgB, &orgBID)
		phone, _ := check.Phone("FR", "06 99 88 77 66")
		ref := &partners.Referral{OrgID: orgBID, AntennaID: bdx, Source: "import"}
		if err := partners.CreateReferral(ctx, s.app.DB, ref, []*learners.Learner{{FirstName: "Gaëlle", LastName: "Secrète",
			Phone: phone, BirthYear: 1990, Town: "Bordeaux", ConsentText: "accord"}}); err != nil {
			t.Fatal(err)
		}
		foreign := map[string]string{
			"person":   s.id("SELECT rp.id FROM referral_people rp WHERE rp.referral_id = $1", ref.ID),
			"referral": strconv.FormatInt(ref.ID, 10),
			"org":      orgB,
			"learner":  s.id("SELECT learner_id FROM referral_people WHERE referral_id = $1", ref.ID),
		}
		a := s.partnerSignIn(sosEmail)
		before := s.count("SELECT COUNT(*) FROM learners")
		for _, rt := range s.app.Routes() {
			method, path, _ := strings.Cut(rt.Pattern, " ")
			if rt.Policy.IsPublic() || strings.Contains(path, "{$}") {
				continue
			}
			for kind, id := range foreign {
				p := strings.NewReplacer("{id}", id, "{contact}", id).Replace(path)
				var res page
				if method == "GET" {
					res = a.get(p)
				} else {
					res = a.post(p, url.Values{"antenna": {bordeaux}, "state": {"declined"}, "reason": {"other"},
						"name": {"x"}, "contact_name": {"x"}, "note": {"x"}, "phone": {"06 11 11 11 11"}})
				}
				body := html.UnescapeString(res.body)
				if strings.Contains(body, "Secrète") || strings.Contains(body, "CADA Bordeaux") {
					t.Errorf("%s %s (%s of B): shows B's data", method, p, kind)
				}
				switch {
				case rt.Policy.Name == "partner" && strings.Contains(path, "{id}") && kind == "person":
					if res.status != http.StatusNotFound {
						t.Errorf("%s %s (%s of B): %d, want 404", method, p, kind, res.status)
					}
				case rt.Policy.Name == "partner" && strings.Contains(path, "{id}"):
					// Another kind of B's id may be the id of one of A's own people.
				case rt.Policy.Name == "partner":
					if res.status == http.StatusSeeOther && method == "POST" {
						t.Errorf("POST %s with B's antenna was accepted", p)
					}
				case method == "GET":
					// Staff pages, and other people's spaces (volunteers'): their own sign-in.
					if res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), rt.Policy.SignInPath()+"?next=") {
						t.Errorf("page GET %s: %d %s; want its sign-in", p, res.status, res.header.Get("Location"))
					}
				default:
					if res.status != http.StatusUnauthorized {
						t.Errorf("staff form POST %s: %d, want 401", p, res.status)
					}
				}
			}
		}
		if n := s.count("SELECT COUNT(*) FROM learners"); n != before {
			t.Error("the partner wrote something with B's antenna")
		}
		var state string
		s.app.DB.QueryRowContext(context.Background(), "SELECT state FROM referral_people WHERE referral_id = $1", ref.ID).Scan(&state)
		if state != partners.Sent {
			t.Errorf("B's person moved to %q", state)
		}
		if n := s.count("SELECT COUNT(*) FROM referral_notes WHERE person_id = $1", foreign["person"]); n != 0 {
			t.Error("A left a note on B's person")
		}
		if n := s.count("SELECT COUNT(*) FROM learners WHERE id = $1 AND phone = $2", foreign["learner"], phone); n != 1 {
			t.Error("A changed the phone of B's person")
		}
		if list := html.UnescapeString(a.get("/partner").body); strings.Contains(list, "Secrète") {
			t.Error("A's list shows B's person")
		}
		// Signed out, the partner space is closed again.
		a.post("/partner/logout", nil)
		if p := a.get("/partner"); p.status != http.StatusSeeOther {
			t.Errorf("after signing out: %d", p.status)
		}
	})
}

// Staff of Bordeaux see nothing of Lille's partners, whatever the URL.
func TestStaffSeeOnlyTheirAntennasPartners(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		sos := s.id("SELECT id FROM partner_orgs WHERE name = 'SOS personnes migrantes'")
		ids := map[string]string{
			"/partners/":          sos,
			"/referrals/people/":  s.id("SELECT MIN(rp.id) FROM referral_people rp JOIN referrals r ON r.id = rp.referral_id WHERE r.org_id = $1", sos),
			"/referrals/":         s.id("SELECT MIN(id) FROM referrals WHERE org_id = $1", sos),
			"/outreach/":          s.id("SELECT MIN(i.id) FROM partner_interactions i JOIN partner_orgs o ON o.id = i.org_id WHERE o.name = $1", "CCAS d'Armentières"),
			"/partners/{id}/cont": s.id("SELECT MIN(id) FROM partner_contacts WHERE org_id = $1", sos),
		}
		bdx := s.signIn("manager.bordeaux@tremplin.example")
		for _, rt := range s.app.Routes() {
			method, path, _ := strings.Cut(rt.Pattern, " ")
			if rt.Policy.Name != "staff" || !strings.Contains(path, "{id}") || !(strings.HasPrefix(path, "/partners/") ||
				strings.HasPrefix(path, "/referrals/") || strings.HasPrefix(path, "/outreach/")) {
				continue
			}
			id := ids["/partners/"]
			for prefix, v := range ids {
				if strings.HasPrefix(path, prefix) && len(prefix) > len("/partners/") && prefix != "/partners/{id}/cont" {
					id = v
				}
			}
			p := strings.NewReplacer("{id}", id, "{contact}", ids["/partners/{id}/cont"]).Replace(path)
			var res page
			if method == "GET" {
				res = bdx.get(p)
			} else {
				res = bdx.post(p, url.Values{"state": {"unreachable"}, "name": {"Renamed"}, "kind": {"ccas"}, "stage": {"active"},
					"antennas": {s.antennaID("Bordeaux")}, "contact_name": {"X"}, "interaction_kind": {"call"}})
			}
			if res.status != http.StatusNotFound {
				t.Errorf("Bordeaux manager %s %s: %d, want 404", method, p, res.status)
			}
		}
		if list := bdx.get("/partners").body; strings.Contains(list, "SOS personnes") || !strings.Contains(list, "CADA Bordeaux") {
			t.Error("the Bordeaux directory is not Bordeaux's")
		}
		if n := s.count("SELECT COUNT(*) FROM partner_orgs WHERE name = 'Renamed'"); n != 0 {
			t.Error("a Bordeaux manager renamed a Lille partner")
		}
		if n := s.count("SELECT COUNT(*) FROM referral_events WHERE state = 'unreachable'"); n != 0 {
			t.Error("a Bordeaux manager changed a Lille referral")
		}
	})
}

// Advisers keep the directory and the outreach log, and see what is due this week.
func TestOutreachLogAndDueThisWeek(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		karim := s.signIn("karim.lille@tremplin.example")
		due := html.UnescapeString(karim.get("/outreach").body)
		if !strings.Contains(due, "Confirmer la date de la session d'information au CCAS") || strings.Contains(due, "Mission locale de Paris") {
			t.Errorf("Karim's week is not the CCAS next step of Lille:\n%s", due)
		}
		p := karim.post("/partners", url.Values{"name": {"Secours populaire de Roubaix"}, "kind": {"other"}, "stage": {"to_contact"},
			"identifier": {"123"}, "antennas": {s.antennaID("Lille")}})
		if p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["identifier"] == "" {
			t.Fatalf("a wrong SIRET: %d %v", p.status, errorsOf(p.body))
		}
		p = karim.post("/partners", url.Values{"name": {"Secours populaire de Roubaix"}, "kind": {"other"}, "stage": {"to_contact"},
			"identifier": {"w591234567"}, "antennas": {s.antennaID("Lille"), s.antennaID("Bordeaux")}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("new partner: %d %v", p.status, errorsOf(p.body))
		}
		org := p.header.Get("Location")
		if n := s.count("SELECT COUNT(*) FROM partner_antennas pa JOIN partner_orgs o ON o.id = pa.org_id WHERE o.name = 'Secours populaire de Roubaix'"); n != 1 {
			t.Errorf("a Lille adviser tied a partner to %d antennas (Bordeaux is not theirs)", n)
		}
		if p := karim.post(org+"/contacts", url.Values{"contact_name": {"Lucie Martin"}, "contact_email": {sosEmail}}); p.status != http.StatusUnprocessableEntity {
			t.Errorf("a contact with another contact's email: %d", p.status)
		}
		if p := karim.post(org+"/contacts", url.Values{"contact_name": {"Lucie Martin"}, "contact_role": {"Bénévole"}, "contact_email": {"lucie@example.org"}}); p.status != http.StatusSeeOther {
			t.Errorf("adding a contact: %d %v", p.status, errorsOf(p.body))
		}
		if p := karim.post(org+"/interactions", url.Values{"interaction_kind": {"call"}, "next_step": {"Envoyer la plaquette"}}); p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["due_on"] == "" {
			t.Errorf("a next step without a date: %d", p.status)
		}
		today := time.Now().Format(time.DateOnly)
		if p := karim.post(org+"/interactions", url.Values{"interaction_kind": {"call"}, "stage": {"contacted"}, "note": {"Bon accueil."},
			"next_step": {"Envoyer la plaquette"}, "due_on": {today}}); p.status != http.StatusSeeOther {
			t.Fatalf("logging a call: %d %v", p.status, errorsOf(p.body))
		}
		page := html.UnescapeString(karim.get(org).body)
		for _, want := range []string{"Lucie Martin", "Bon accueil.", "Envoyer la plaquette", "W591234567", i18n.For("fr").T("partner.stage.contacted")} {
			if !strings.Contains(page, want) {
				t.Errorf("the partner's page lacks %q", want)
			}
		}
		if !strings.Contains(html.UnescapeString(karim.get("/outreach").body), "Envoyer la plaquette") {
			t.Error("the new next step is not in Karim's week")
		}
		// Julie sees the team's week only when she asks for it.
		julie := s.signIn("julie.lille@tremplin.example")
		if strings.Contains(html.UnescapeString(julie.get("/outreach").body), "Envoyer la plaquette") ||
			!strings.Contains(html.UnescapeString(julie.get("/outreach?all=1").body), "Envoyer la plaquette") {
			t.Error("Julie's week and the team's week are mixed up")
		}
		figs := html.UnescapeString(karim.get("/partners/figures").body)
		if !strings.Contains(figs, "SOS personnes migrantes</a></th><td>3</td><td>1</td>") {
			t.Errorf("figures of SOS personnes migrantes (3 referred, 1 reached):\n%s", figs)
		}
	})
}

// Staff upload the list a partner sent, see each bad row and the likely
// duplicates, and nothing is written until they confirm; then all valid rows.
func TestImportAPartnersList(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		karim := s.signIn("karim.lille@tremplin.example")
		sos := s.id("SELECT id FROM partner_orgs WHERE name = 'SOS personnes migrantes'")
		lille := s.antennaID("Lille")
		form := url.Values{"antenna": {lille}, "consent": {"yes"}}
		// Excel on a French Windows: semicolons, Windows-1252, a blank line, a
		// person already known (Amina Haddad's phone), and two bad rows.
		csv, _ := charmap.Windows1252.NewEncoder().String("NOM;Prénom;Téléphone;Année de naissance;Ville\r\n" +
			"Lefèvre;Zoé;06 55 44 33 01;1995;59000 Lille\r\n" +
			"\r\n" +
			"Haddad;Amina;06 12 34 56 01;1994;Lille\r\n" +
			"Mbappé;;06 55 44 33 03;1999;Lille\r\n" +
			"Ngata;Joël;0655;1880;Lille\r\n")
		before := s.count("SELECT COUNT(*) FROM learners")
		if p := karim.upload("/partners/"+sos+"/import", url.Values{"antenna": {lille}}, "liste.csv", []byte(csv)); p.status != http.StatusUnprocessableEntity ||
			errorsOf(p.body)["consent"] == "" {
			t.Errorf("without the partner's confirmation of consent: %d", p.status)
		}
		p := karim.upload("/partners/"+sos+"/import", form, "liste.csv", []byte(csv))
		if p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/imports/") {
			t.Fatalf("upload: %d %v", p.status, errorsOf(p.body))
		}
		preview := p.header.Get("Location")
		body := html.UnescapeString(karim.get(preview).body)
		fr := i18n.For("fr")
		for _, want := range []string{fr.N("partner.import.valid", 2), fr.N("partner.import.invalid", 2), fr.N("partner.import.known", 1),
			"<th scope=\"row\">5</th>", fr.T("partner.row.first_name_missing"), "<th scope=\"row\">6</th>", fr.T("partner.row.phone_invalid"),
			fr.T("partner.row.birth_year_invalid"), fr.T("partner.import.known_file"), "Zoé Lefèvre"} {
			if !strings.Contains(body, want) {
				t.Errorf("the preview lacks %q", want)
			}
		}
		if n := s.count("SELECT COUNT(*) FROM learners"); n != before {
			t.Fatal("the preview wrote files")
		}
		// The list is its uploader's: another adviser cannot see or confirm it.
		julie := s.signIn("julie.lille@tremplin.example")
		if p := julie.get(preview); p.status != http.StatusNotFound {
			t.Errorf("another adviser reads the preview: %d", p.status)
		}
		if p := julie.post(preview+"/confirm", nil); p.status != http.StatusNotFound {
			t.Errorf("another adviser confirms: %d", p.status)
		}
		if p := karim.post(preview+"/confirm", nil); p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/referrals/") {
			t.Fatalf("confirm: %d", p.status)
		}
		karim.post(preview+"/confirm", nil) // a double tap writes nothing more
		// Zoé is new; Amina Haddad, already known, is linked to her file.
		if n := s.count("SELECT COUNT(*) FROM learners"); n != before+1 {
			t.Errorf("%d files written, want Zoé's only", n-before)
		}
		if n := s.count("SELECT COUNT(*) FROM learners WHERE last_name = 'Haddad'"); n != 1 {
			t.Errorf("%d files for Amina Haddad, want 1", n)
		}
		if n := s.count("SELECT COUNT(*) FROM referral_people rp JOIN learners l ON l.id = rp.learner_id WHERE l.last_name = 'Haddad' AND rp.known"); n != 1 {
			t.Error("the known person's referral is not linked to her file")
		}

		// Wrong columns: a clear message, nothing kept.
		p = karim.upload("/partners/"+sos+"/import", form, "autre.csv", []byte("name,age\nZoé,30\n"))
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(p.body), fr.T("partner.column.phone")) {
			t.Errorf("wrong columns: %d", p.status)
		}
		// A real spreadsheet.
		x := excelize.NewFile()
		for i, row := range [][]any{{"Prénom", "Nom", "Portable", "Naissance", "CP"}, {"Inès", "Roussel", "0655443310", 1998, 59800}} {
			x.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &row)
		}
		var buf bytes.Buffer
		x.Write(&buf)
		p = karim.upload("/partners/"+sos+"/import", form, "liste.xlsx", buf.Bytes())
		if p.status != http.StatusSeeOther {
			t.Fatalf("xlsx upload: %d %v", p.status, errorsOf(p.body))
		}
		if body := html.UnescapeString(karim.get(p.header.Get("Location")).body); !strings.Contains(body, "Inès Roussel") || !strings.Contains(body, fr.N("partner.import.valid", 1)) {
			t.Error("the spreadsheet's preview")
		}
	})
}

// Ten thousand rows: checked, previewed and written in one go, quickly.
func TestImportTenThousandRows(t *testing.T) {
	for _, e := range []db.Engine{db.SQLite, db.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			s := newSite(t, e)
			karim := s.signIn("karim.lille@tremplin.example")
			sos := s.id("SELECT id FROM partner_orgs WHERE name = 'SOS personnes migrantes'")
			var b strings.Builder
			b.WriteString("prénom,nom,téléphone,année de naissance,code postal\n")
			for i := range partners.MaxImportRows {
				fmt.Fprintf(&b, "Prénom%d,Nom%d,07%08d,%d,59000\n", i, i, 50000000+i, 1950+i%50)
			}
			before := s.count("SELECT COUNT(*) FROM learners")
			start := time.Now()
			p := karim.upload("/partners/"+sos+"/import", url.Values{"antenna": {s.antennaID("Lille")}, "consent": {"yes"}}, "grand.csv", []byte(b.String()))
			if p.status != http.StatusSeeOther {
				t.Fatalf("upload: %d %v", p.status, errorsOf(p.body))
			}
			preview := p.header.Get("Location")
			page := karim.get(preview)
			uploaded := time.Since(start)
			if !strings.Contains(html.UnescapeString(page.body), i18n.For("fr").N("partner.import.valid", partners.MaxImportRows)) {
				t.Fatal("the preview does not count 10,000 valid rows")
			}
			start = time.Now()
			if p := karim.post(preview+"/confirm", nil); p.status != http.StatusSeeOther {
				t.Fatalf("confirm: %d", p.status)
			}
			t.Logf("10,000 rows: upload, check and preview %v (preview page %d bytes); confirm %v", uploaded, len(page.body), time.Since(start))
			if n := s.count("SELECT COUNT(*) FROM learners"); n != before+partners.MaxImportRows {
				t.Errorf("%d files written, want 10,000", n-before)
			}
		})
	}
}

// The demo's partners, outreach and referral are seeded once, however often the
// demo is seeded.
func TestDemoPartnersAreSeededOnce(t *testing.T) {
	s := newSite(t, db.SQLite) // seeded once already
	count := func() int {
		return s.count(`SELECT (SELECT COUNT(*) FROM partner_orgs) + (SELECT COUNT(*) FROM partner_contacts) +
			(SELECT COUNT(*) FROM partner_interactions) + (SELECT COUNT(*) FROM referrals) + (SELECT COUNT(*) FROM referral_people) +
			(SELECT COUNT(*) FROM referral_events) + (SELECT COUNT(*) FROM learners)`)
	}
	first := count()
	if _, err := demo.Seed(context.Background(), s.app.DB); err != nil {
		t.Fatal(err)
	}
	if first == 0 || count() != first {
		t.Fatalf("rows after one seed %d, after two %d", first, count())
	}
	if n := s.count("SELECT COUNT(*) FROM partner_orgs o JOIN partner_antennas pa ON pa.org_id = o.id JOIN antennas a ON a.id = pa.antenna_id WHERE a.name = 'Lille'"); n != 4 {
		t.Errorf("%d Lille partners, want 4", n)
	}
}
