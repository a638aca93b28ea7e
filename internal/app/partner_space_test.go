package app_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"tremplin/internal/learners"
	"tremplin/internal/partners"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/check"
	"tremplin/internal/platform/i18n"
)

// A partner refers someone the Lille antenna already knows (Amina Haddad, same
// phone): no second file; the partner sees the state her file is really in.
func TestPartnerReferralOfSomeoneKnownLinksToTheirFile(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		fr := i18n.For("fr")
		b := s.partnerSignIn(sosEmail)
		before := s.count("SELECT COUNT(*) FROM learners")
		var status string
		s.app.DB.QueryRowContext(context.Background(), "SELECT status FROM learners WHERE last_name = 'Haddad'").Scan(&status)
		want, _ := partners.StateFor(status)
		form := merge(url.Values{"people": {"1"}, "antenna": {s.antennaID("Lille")}}, referPerson(1, "Amina", "HADDAD", "+33 6 12 34 56 01"))
		if p := b.post("/partner/refer", form); p.status != http.StatusSeeOther {
			t.Fatalf("referring Amina: %d %v", p.status, errorsOf(p.body))
		}
		if n := s.count("SELECT COUNT(*) FROM learners"); n != before {
			t.Fatalf("%d new files for someone already known", n-before)
		}
		person := s.id(`SELECT rp.id FROM referral_people rp JOIN learners l ON l.id = rp.learner_id JOIN referrals r ON r.id = rp.referral_id
			WHERE l.last_name = 'Haddad' AND r.source = 'partner' ORDER BY rp.id DESC LIMIT 1`)
		page := html.UnescapeString(b.get("/partner/people/" + person).body)
		if want == "" || !strings.Contains(page, fr.T("partner.state."+want)) || strings.Contains(page, fr.T("partner.state.sent")) {
			t.Errorf("the partner does not see Amina as %q (her file is %q)", want, status)
		}
		// Staff see the referral linked to her file, not a possible duplicate.
		karim := s.signIn("karim.lille@tremplin.example")
		ref := s.id("SELECT referral_id FROM referral_people WHERE id = $1", person)
		staff := html.UnescapeString(karim.get("/referrals/" + ref).body)
		if !strings.Contains(staff, fr.T("partner.known_file")) || strings.Contains(staff, fr.T("partner.possible_duplicate")) {
			t.Error("the referral page does not say Amina was already known")
		}
	})
}

var rowsShown = regexp.MustCompile(`name="first_name_\d+"`)

// The group form shown again with more or fewer rows keeps everything typed, and
// never drops a row that has something in it.
func TestGroupFormKeepsWhatWasTypedWhenTheNumberChanges(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		b := s.partnerSignIn(sosEmail)
		before := s.count("SELECT COUNT(*) FROM learners")
		typed := merge(url.Values{"rows": {"2"}, "people": {"5"}, "resize": {"1"}, "antenna": {s.antennaID("Lille")}},
			referPerson(1, "Samia", "Brahimi", "07 81 22 33 41"), url.Values{"first_name_2": {"Omar"}})
		p := b.post("/partner/refer", typed)
		if p.status != http.StatusOK || len(rowsShown.FindAllString(p.body, -1)) != 5 {
			t.Fatalf("five rows: %d, %d rows shown", p.status, len(rowsShown.FindAllString(p.body, -1)))
		}
		for name, want := range map[string]string{"first_name_1": "Samia", "last_name_1": "Brahimi", "phone_1": "07 81 22 33 41",
			"where_1": "59000 Lille", "first_name_2": "Omar", "rows": "5"} {
			if got := valueOf(p.body, name); got != want {
				t.Errorf("%s: %q, want %q", name, got, want)
			}
		}
		if !strings.Contains(p.body, `name="consent_1" value="yes" checked`) || len(errorsOf(p.body)) != 0 {
			t.Errorf("consent not kept, or errors shown: %v", errorsOf(p.body))
		}
		// Down to one: the second row has a name in it, so it stays.
		typed.Set("rows", "5")
		typed.Set("people", "1")
		if p := b.post("/partner/refer", typed); p.status != http.StatusOK || len(rowsShown.FindAllString(p.body, -1)) != 2 ||
			valueOf(p.body, "first_name_2") != "Omar" {
			t.Errorf("fewer rows dropped what was typed: %d rows", len(rowsShown.FindAllString(p.body, -1)))
		}
		if n := s.count("SELECT COUNT(*) FROM learners"); n != before {
			t.Error("changing the number of rows wrote files")
		}
	})
}

// The referral form's antenna list starts with an empty choice, as a required
// select must (the Nu HTML checker's rule), the organisation's one antenna chosen.
func TestReferFormAntennaHasAnEmptyFirstChoice(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		b := s.partnerSignIn(sosEmail)
		body := b.get("/partner/refer").body
		sel := regexp.MustCompile(`(?s)<select id="f-antenna" name="antenna" required[^>]*>\s*<option value="">[^<]+</option>\s*<option value="` +
			s.antennaID("Lille") + `" selected>`)
		if !sel.MatchString(body) {
			i := strings.Index(body, `id="f-antenna"`)
			t.Errorf("the antenna select: %s", body[max(0, i-10):min(len(body), i+300)])
		}
	})
}

var statusLink = regexp.MustCompile(`https?://[^\s]+/partner/people/\d+`)

// "See the follow-up" in a status email opens that person once signed in, through
// the sign-in link; the subject names nobody in full; only partner-space pages
// are accepted as where to go next.
func TestStatusEmailLeadsToThePersonAfterSignIn(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		s.work()
		karim := s.signIn("karim.lille@tremplin.example")
		person := s.id(`SELECT rp.id FROM referral_people rp JOIN learners l ON l.id = rp.learner_id WHERE l.last_name = 'Osman'`)
		sent := len(s.outbox.Sent())
		if p := karim.post("/referrals/people/"+person+"/state", url.Values{"state": {"unreachable"}}); p.status != http.StatusSeeOther {
			t.Fatalf("marking unreachable: %d", p.status)
		}
		s.drain()
		var subject, body string
		for _, m := range s.outbox.Sent()[sent:] {
			if m.To == sosEmail {
				subject, body = m.Subject, m.Body
			}
		}
		if !strings.HasPrefix(subject, "Mariam O.") || strings.Contains(subject, "Osman") {
			t.Errorf("subject %q: want the first name and initial only", subject)
		}
		link := statusLink.FindString(body)
		path := "/partner/people/" + person
		if !strings.HasSuffix(link, path) {
			t.Fatalf("the email's link %q", link)
		}
		b := s.browser()
		p := b.get(path)
		loc := p.header.Get("Location")
		if p.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/partner/login?next=") {
			t.Fatalf("signed out: %d %s", p.status, loc)
		}
		// The sign-in form (not the language switch, which also says where to come back).
		login := b.get(loc).body
		if i := strings.Index(login, `action="/partner/login"`); i < 0 || valueOf(login[i:], "next") != path {
			t.Fatalf("the sign-in form does not carry where to go: %q", login)
		}
		sent = len(s.outbox.Sent())
		b.post("/partner/login", url.Values{"email": {sosEmail}, "next": {path}})
		var mail string
		for _, m := range s.outbox.Sent()[sent:] {
			mail = m.Body
		}
		m := regexp.MustCompile(`/partner/login/[A-Za-z0-9]+\?next=[^\s]+`).FindString(mail)
		if m == "" {
			t.Fatalf("the sign-in email's link has no next: %q", mail)
		}
		u := mustURL(m)
		if page := b.get(m).body; valueOf(page[max(strings.Index(page, `action="`+u.Path+`"`), 0):], "next") != path {
			t.Errorf("the link's page does not carry next: %q", page)
		}
		if p := b.post(u.Path, url.Values{"next": {u.Query().Get("next")}}); p.status != http.StatusSeeOther || p.header.Get("Location") != path {
			t.Fatalf("after signing in: %d %s, want %s", p.status, p.header.Get("Location"), path)
		}
		if p := b.get(path); p.status != http.StatusOK || !strings.Contains(html.UnescapeString(p.body), "Mariam Osman") {
			t.Errorf("the person's page: %d", p.status)
		}
		// Elsewhere is never where a link leads.
		for _, bad := range []string{"https://evil.example/partner", "//evil.example/partner", "/partners/1", "/partner/../login",
			"/partner/login/abc", "/inbox", "/partner\\evil", "/partnerx"} {
			if got := partners.SafeNext(bad); got != "" {
				t.Errorf("SafeNext(%q) = %q", bad, got)
			}
			if !strings.Contains(bad, "evil") {
				continue // five links an hour: try the worst over HTTP
			}
			other := s.browser()
			link := s.askLink(other, sosEmail)
			if p := other.post(link, url.Values{"next": {bad}}); p.header.Get("Location") != "/partner" {
				t.Errorf("next %q led to %q", bad, p.header.Get("Location"))
			}
		}
		for _, good := range []string{"/partner", "/partner/people/12", "/partner?state=enrolled&page=2"} {
			if got := partners.SafeNext(good); got != good {
				t.Errorf("SafeNext(%q) = %q", good, got)
			}
		}
	})
}

// In the partner space a contact leaves a note for the adviser, corrects a phone,
// withdraws a referral, filters and counts people by state, exports the list and
// invites a colleague; staff see the notes and the withdrawal, the partner never
// sees staff notes.
func TestPartnerSpaceNotesPhoneWithdrawalExportAndInvitation(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		fr := i18n.For("fr")
		b := s.partnerSignIn(sosEmail)
		hawa := s.id(`SELECT rp.id FROM referral_people rp JOIN learners l ON l.id = rp.learner_id WHERE l.last_name = 'Konaté'`)
		hawaFile := s.id("SELECT learner_id FROM referral_people WHERE id = $1", hawa)
		karim := s.signIn("karim.lille@tremplin.example")
		const staffNote = "Note interne de l'équipe, jamais pour le partenaire."
		karim.post("/learners/"+hawaFile+"/notes", url.Values{"note": {staffNote}})

		// A note for the adviser: empty is refused, then kept with who and when.
		if p := b.post("/partner/people/"+hawa+"/notes", url.Values{}); p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["note"] == "" {
			t.Errorf("an empty note: %d", p.status)
		}
		note := url.Values{"language": {"Dari"}, "interpreter": {"yes"}, "note": {"Pas disponible le mercredi."}}
		for range 2 { // a double tap keeps one
			if p := b.post("/partner/people/"+hawa+"/notes", note); p.status != http.StatusSeeOther {
				t.Fatalf("a note: %d %v", p.status, errorsOf(p.body))
			}
		}
		if n := s.count("SELECT COUNT(*) FROM referral_notes WHERE person_id = $1", hawa); n != 1 {
			t.Errorf("%d notes after a double tap", n)
		}
		page := html.UnescapeString(b.get("/partner/people/" + hawa).body)
		if !strings.Contains(page, "Pas disponible le mercredi.") || strings.Contains(page, staffNote) {
			t.Error("the partner's page: their note missing, or the staff's note shown")
		}
		ref := s.id("SELECT referral_id FROM referral_people WHERE id = $1", hawa)
		staff := html.UnescapeString(karim.get("/referrals/" + ref).body)
		for _, want := range []string{"Pas disponible le mercredi.", fr.T("partner.note.language_is", "language", "Dari"),
			fr.T("partner.note.interpreter_needed"), "Claire Dumont"} {
			if !strings.Contains(staff, want) {
				t.Errorf("staff do not see %q on the referral", want)
			}
		}
		// The adviser also reads it on the person's file, with who wrote it.
		onFile := html.UnescapeString(karim.get("/learners/" + hawaFile).body)
		for _, want := range []string{fr.T("learner.event.partner_note"), "Claire Dumont (SOS personnes migrantes)", "Pas disponible le mercredi.",
			fr.T("partner.note.language_is", "language", "Dari"), fr.T("partner.note.interpreter_needed")} {
			if !strings.Contains(onFile, want) {
				t.Errorf("the learner file does not show the partner's note: %q", want)
			}
		}

		// A phone number: a wrong one is refused, kept as typed; a right one replaces it.
		if p := b.post("/partner/people/"+hawa+"/phone", url.Values{"phone": {"06 12"}}); p.status != http.StatusUnprocessableEntity ||
			errorsOf(p.body)["phone"] == "" || valueOf(p.body, "phone") != "06 12" {
			t.Errorf("a wrong number: %d %v", p.status, errorsOf(p.body))
		}
		if p := b.post("/partner/people/"+hawa+"/phone", url.Values{"phone": {"07 98 76 54 32"}}); p.status != http.StatusSeeOther {
			t.Fatalf("correcting the phone: %d %v", p.status, errorsOf(p.body))
		}
		if n := s.count("SELECT COUNT(*) FROM learners WHERE id = $1 AND phone = '+33798765432'", hawaFile); n != 1 {
			t.Error("the phone was not corrected")
		}
		file := html.UnescapeString(karim.get("/learners/" + hawaFile).body)
		if !strings.Contains(file, fr.T("learner.event.partner_phone", "by", "Claire Dumont (SOS personnes migrantes)")) {
			t.Error("the file's history does not say who corrected the phone")
		}

		// Withdrawing: a reason is needed; the file stays; staff see why.
		if p := b.post("/partner/people/"+hawa+"/withdraw", url.Values{}); p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["reason"] == "" {
			t.Errorf("withdrawing without a reason: %d", p.status)
		}
		if p := b.post("/partner/people/"+hawa+"/withdraw", url.Values{"reason": {"moved"}}); p.status != http.StatusSeeOther {
			t.Fatalf("withdrawing: %d", p.status)
		}
		if n := s.count("SELECT COUNT(*) FROM learners WHERE id = $1 AND merged_into IS NULL", hawaFile); n != 1 {
			t.Error("the file of a withdrawn referral is gone")
		}
		staff = html.UnescapeString(karim.get("/referrals/" + ref).body)
		if !strings.Contains(staff, fr.T("partner.state.withdrawn")+" — "+fr.T("partner.withdraw.reason.moved")) {
			t.Error("staff do not see the withdrawal and its reason")
		}

		// Filter and count by state.
		all := s.count("SELECT COUNT(*) FROM referral_people rp JOIN referrals r ON r.id = rp.referral_id JOIN partner_orgs o ON o.id = r.org_id WHERE o.name = 'SOS personnes migrantes'")
		list := html.UnescapeString(b.get("/partner").body)
		if !strings.Contains(list, fr.T("partner.state.withdrawn")+" (1)") || !strings.Contains(list, fr.T("partner.space.all_states")+" (") {
			t.Errorf("the counts by state are missing")
		}
		list = html.UnescapeString(b.get("/partner?state=withdrawn").body)
		if strings.Count(list, `<li class="card">`) != 1 || !strings.Contains(list, "Hawa Konaté") {
			t.Errorf("the withdrawn filter lists %d people", strings.Count(list, `<li class="card">`))
		}

		// The export: this organisation's people only, what the space shows.
		p := b.get("/partner/export.csv")
		if p.status != http.StatusOK || !strings.HasPrefix(p.header.Get("Content-Type"), "text/csv") {
			t.Fatalf("export: %d %s", p.status, p.header.Get("Content-Type"))
		}
		r := csv.NewReader(strings.NewReader(strings.TrimPrefix(p.body, "\uFEFF")))
		r.Comma = ';'
		rows, err := r.ReadAll()
		if err != nil || len(rows) != all+1 || rows[0][0] != fr.T("partner.column.first_name") {
			t.Fatalf("export rows: %v %d, want %d", err, len(rows), all+1)
		}
		for _, hidden := range []string{"+33798765432", "07 98", staffNote, "Bordeaux", "Rive Droite"} {
			if strings.Contains(p.body, hidden) {
				t.Errorf("the export shows %q", hidden)
			}
		}
		if p := b.get("/partner/export.csv?state=withdrawn"); strings.Count(p.body, "\n") != 2 {
			t.Errorf("the withdrawn export: %q", p.body)
		}

		// A colleague: invited, emailed a link, signs in to the same organisation.
		// Another organisation's contact: the same answer as anyone (the page tells
		// no partner which addresses are known), and the link confirms nothing.
		sent0 := len(s.outbox.Sent())
		if p := b.post("/partner/colleagues", url.Values{"name": {"Y"}, "email": {"j.moreau@cada-rivedroite.example"}}); p.status != http.StatusSeeOther ||
			p.header.Get("Location") != "/partner/colleagues" {
			t.Errorf("inviting another organisation's contact: %d %v", p.status, errorsOf(p.body))
		}
		for _, m := range s.outbox.Sent()[sent0:] {
			if l := partnerLink.FindString(m.Body); m.To == "j.moreau@cada-rivedroite.example" && l != "" {
				if p := s.browser().post(l, nil); p.status != http.StatusConflict {
					t.Errorf("confirming an address another organisation's contact has: %d", p.status)
				}
			}
		}
		sent := len(s.outbox.Sent())
		if p := b.post("/partner/colleagues", url.Values{"name": {"Inès Collègue"}, "email": {"ines@sos-migrants.example"}}); p.status != http.StatusSeeOther {
			t.Fatalf("inviting: %d %v", p.status, errorsOf(p.body))
		}
		var link string
		for _, m := range s.outbox.Sent()[sent:] {
			if m.To == "ines@sos-migrants.example" {
				link = partnerLink.FindString(m.Body)
			}
		}
		if link == "" {
			t.Fatal("no link emailed to the colleague")
		}
		c := s.browser()
		if p := c.post(link, nil); p.status != http.StatusSeeOther || p.header.Get("Location") != "/partner" {
			t.Fatalf("the colleague signs in: %d", p.status)
		}
		if list := html.UnescapeString(c.get("/partner").body); !strings.Contains(list, "SOS personnes migrantes") || !strings.Contains(list, "Hawa Konaté") {
			t.Error("the colleague does not see the organisation's people")
		}
	})
}

var cards = regexp.MustCompile(`<li class="card">`)

// The referrals and the figures per partner come a page at a time, each page
// light, and staff of another antenna see none of them.
func TestReferralsAndPartnerFiguresArePaginated(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		var lille int64
		fmt.Sscan(s.antennaID("Lille"), &lille)
		before := s.count("SELECT COUNT(*) FROM referrals r JOIN antennas a ON a.id = r.antenna_id WHERE a.name = 'Lille'")
		start := time.Now().Add(-time.Hour)
		for i := range 60 {
			o := &partners.Org{Name: fmt.Sprintf("Association %02d", i), Kind: "other", Antennas: []int64{lille}}
			if err := partners.SaveOrg(ctx, s.app.DB, o, nil); err != nil {
				t.Fatal(err)
			}
			phone, _ := check.Phone("FR", fmt.Sprintf("07 80 00 %02d %02d", i/100, i%100))
			ref := &partners.Referral{OrgID: o.ID, AntennaID: lille, Source: "import", CreatedAt: start.Add(time.Duration(i) * time.Second)}
			if err := partners.CreateReferral(ctx, s.app.DB, ref, []*learners.Learner{{FirstName: "Page", LastName: fmt.Sprintf("Personne%02d", i),
				Phone: phone, BirthYear: 1990, Town: "Lille", ConsentText: "accord"}}); err != nil {
				t.Fatal(err)
			}
		}
		karim := s.signIn("karim.lille@tremplin.example")
		p := karim.get("/referrals")
		next := regexp.MustCompile(`href="(/referrals\?after=[^"]+)"`).FindStringSubmatch(p.body)
		if p.status != http.StatusOK || len(cards.FindAllString(p.body, -1)) != 50 || next == nil || len(p.body) > 30_000 {
			t.Fatalf("first page: %d, %d referrals, %d bytes", p.status, len(cards.FindAllString(p.body, -1)), len(p.body))
		}
		// Newest first: the last one made leads the first page.
		if !strings.Contains(p.body[:strings.Index(p.body, `<li class="card">`)+400], "Association 59") {
			t.Error("the newest referral does not come first")
		}
		seen := 50
		for next != nil {
			p = karim.get(html.UnescapeString(next[1]))
			seen += len(cards.FindAllString(p.body, -1))
			next = regexp.MustCompile(`href="(/referrals\?after=[^"]+)"`).FindStringSubmatch(p.body)
		}
		if seen != before+60 {
			t.Errorf("%d referrals over the pages, want %d", seen, before+60)
		}
		if p := karim.get("/referrals?after=nonsense"); p.status != http.StatusOK {
			t.Errorf("a bad cursor: %d", p.status)
		}
		bordeaux := s.signIn("manager.bordeaux@tremplin.example")
		if body := bordeaux.get("/referrals").body; strings.Contains(body, "Association 0") {
			t.Error("Bordeaux sees Lille's referrals")
		}

		// Figures: 25 organisations a page, counted from the impact counters.
		p = karim.get("/partners/figures")
		rows := regexp.MustCompile(`<tr><th scope="row">`).FindAllString(p.body, -1)
		if p.status != http.StatusOK || len(rows) != 25 || !strings.Contains(p.body, `href="/partners/figures?page=2"`) || len(p.body) > 30_000 {
			t.Fatalf("figures page 1: %d, %d rows, %d bytes", p.status, len(rows), len(p.body))
		}
		all := p.body
		for page := 2; ; page++ {
			next := karim.get(fmt.Sprintf("/partners/figures?page=%d", page))
			all += next.body
			if !strings.Contains(next.body, fmt.Sprintf(`href="/partners/figures?page=%d"`, page+1)) {
				break
			}
		}
		if !strings.Contains(all, "Association 59") || strings.Count(all, "Association 00") != 1 {
			t.Error("the pages of figures")
		}
		// The same numbers as counted from the referrals themselves.
		figs, _ := partners.OrgFigures(ctx, s.app.DB, mustStaff(t, s, "karim.lille@tremplin.example").Scope(), 0)
		for _, f := range figs {
			row := fmt.Sprintf(`">%s</a></th><td>%d</td><td>%d</td><td>%d</td><td>%d</td><td>%d</td></tr>`, html.EscapeString(f.OrgName),
				f.Referred, f.Reached, f.Enrolled, f.Completed, f.Positive)
			if !strings.Contains(all, row) {
				t.Errorf("figures of %s: want %+v", f.OrgName, *f)
			}
		}
		// An organisation's own page shows the same figures.
		fr := i18n.For("fr")
		for _, f := range figs[:min(3, len(figs))] {
			page := karim.get(fmt.Sprintf("/partners/%d", f.OrgID)).body
			want := fmt.Sprintf(`<dt>%s</dt><dd>%d</dd>
<dt>%s</dt><dd>%d</dd>
<dt>%s</dt><dd>%d</dd>`, fr.T("partner.fig.referred"), f.Referred, fr.T("partner.fig.reached"), f.Reached, fr.T("partner.fig.enrolled"), f.Enrolled)
			if !strings.Contains(html.UnescapeString(page), want) {
				t.Errorf("the page of %s does not show its figures %+v", f.OrgName, *f)
			}
		}
		if body := bordeaux.get("/partners/figures").body; strings.Contains(body, "Association 0") {
			t.Error("Bordeaux sees Lille's partner figures")
		}
	})
}

func mustStaff(t *testing.T, s *site, email string) *auth.Staff {
	st, err := auth.ByEmail(context.Background(), s.app.DB, email)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// In the preview staff untick rows; the confirmation writes only the rows kept.
// A town is read where the help says "postcode or town", whatever the column's name.
func TestImportPreviewLeavesRowsOut(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		fr := i18n.For("fr")
		karim := s.signIn("karim.lille@tremplin.example")
		sos := s.id("SELECT id FROM partner_orgs WHERE name = 'SOS personnes migrantes'")
		list := "Prénom;Nom;Téléphone;Année de naissance;Code postal ou ville\n" +
			"Zoé;Lefèvre;06 55 44 33 01;1995;Roubaix\n" + // line 2
			"Yanis;Bouzid;06 55 44 33 02;1996;59100 Roubaix\n" + // line 3: left out
			"Xavier;Nguyen;06 55 44 33 03;1997;Tourcoing\n" + // line 4
			"Zoé;Lefèvre;06 55 44 33 01;1995;Roubaix\n" // line 5: repeats line 2, left out at first
		p := karim.upload("/partners/"+sos+"/import", url.Values{"antenna": {s.antennaID("Lille")}, "consent": {"yes"}}, "liste.csv", []byte(list))
		if p.status != http.StatusSeeOther {
			t.Fatalf("upload: %d %v", p.status, errorsOf(p.body))
		}
		preview := p.header.Get("Location")
		body := html.UnescapeString(karim.get(preview).body)
		for _, want := range []string{fr.N("partner.import.valid", 4), fr.N("partner.import.kept", 3), fr.N("partner.import.excluded", 1),
			`name="keep" value="2" checked`, `name="keep" value="5">`, fr.T("partner.import.same_as", "line", 2)} {
			if !strings.Contains(body, want) {
				t.Errorf("the preview lacks %q", want)
			}
		}
		before := s.count("SELECT COUNT(*) FROM learners")
		// Keep my choices first (nothing written), then confirm.
		choice := url.Values{"shown": {"2", "3", "4", "5"}, "keep": {"2", "4"}, "action": {"save"}}
		if p := karim.post(preview+"/confirm", choice); p.status != http.StatusSeeOther || p.header.Get("Location") != preview {
			t.Fatalf("keeping the choices: %d %s", p.status, p.header.Get("Location"))
		}
		if s.count("SELECT COUNT(*) FROM learners") != before {
			t.Fatal("keeping the choices wrote files")
		}
		if body := karim.get(preview).body; !strings.Contains(body, `name="keep" value="3">`) || !strings.Contains(html.UnescapeString(body), fr.N("partner.import.kept", 2)) {
			t.Error("the choices are not kept")
		}
		choice.Set("action", "confirm")
		if p := karim.post(preview+"/confirm", choice); p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/referrals/") {
			t.Fatalf("confirm: %d %s", p.status, p.header.Get("Location"))
		}
		if n := s.count("SELECT COUNT(*) FROM learners"); n != before+2 {
			t.Errorf("%d files written, want the 2 kept", n-before)
		}
		if n := s.count("SELECT COUNT(*) FROM learners WHERE last_name IN ('Bouzid')"); n != 0 {
			t.Error("a row left out was written")
		}
		if n := s.count("SELECT COUNT(*) FROM learners WHERE last_name = 'Nguyen' AND town = 'Tourcoing' AND postcode = ''"); n != 1 {
			t.Error("the town was not read from the 'code postal ou ville' column")
		}
	})
}
