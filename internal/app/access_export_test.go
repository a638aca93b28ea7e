package app_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"tremplin/internal/learners"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/pdf/pdftest"
)

// accessPerson registers a person of Lille in a language, books them an
// interview (whose convocation is a message to them), has Karim open their
// file and write a note: what the readable export must show them.
func (s *site) accessPerson(lang, first, last, note, at string) (id int64, message string) {
	s.t.Helper()
	ctx := context.Background()
	var antenna int64
	fmt.Sscan(s.antennaID("Lille"), &antenna)
	l := &learners.Learner{AntennaID: antenna, FirstName: first, LastName: last, Phone: "0612345678", BirthYear: 1991, Lang: lang,
		Situations: []string{"rsa"}, ConsentText: "consent " + lang}
	if err := learners.Register(ctx, s.app.DB, l, "", 0); err != nil {
		s.t.Fatal(err)
	}
	karim := s.signIn("karim.lille@tremplin.example")
	if p := karim.get("/learners/" + strconv.FormatInt(l.ID, 10)); p.status != http.StatusOK {
		s.t.Fatalf("the file: %d", p.status)
	}
	if p := karim.post(fmt.Sprintf("/learners/%d/notes", l.ID), url.Values{"note": {note}}); p.status != http.StatusSeeOther {
		s.t.Fatalf("a note: %d %v", p.status, errorsOf(p.body))
	}
	s.bookFor(karim, l.ID, url.Values{"adviser": {s.staffID("karim.lille@tremplin.example")}, "date": {agendaDay().Format(time.DateOnly)},
		"kind": {"first_contact"}, "time": {at}, "duration": {"45"}, "mode": {"phone"}})
	if err := s.app.DB.QueryRowContext(ctx, "SELECT body FROM messages WHERE learner_id = $1 ORDER BY id LIMIT 1", l.ID).Scan(&message); err != nil {
		s.t.Fatalf("no message to the person: %v", err)
	}
	return l.ID, message
}

// A person's data comes to them in their language, whoever prints it: an
// Arabic speaker gets the page and the PDF in Arabic, right to left, with
// their name in Arabic letters; an English speaker gets English. Both hold
// the note written about them, the message sent to them and who opened
// their file; fetching them is in the audit as an export; another antenna's
// manager gets the 404 page.
func TestReadableAccessInThePersonsLanguage(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ar := i18n.For("ar")
		for _, c := range []struct {
			lang, first, last, note, at string
			titles                      []string
		}{
			{"ar", "فاطمة الزهراء", "بن علي", "تريد أن تبدأ الدورة في شهر سبتمبر", "10:00",
				[]string{ar.T("privacy.access.s.identity"), ar.T("privacy.access.s.messages"), ar.T("privacy.access.s.readers")}},
			{"en", "John", "Smith", "Wants to start the course in September", "14:00",
				[]string{"Identity and contact details", "Messages sent to you", "Who read your file"}},
		} {
			id, message := s.accessPerson(c.lang, c.first, c.last, c.note, c.at)
			path := "/learners/" + strconv.FormatInt(id, 10) + "/access"
			karim := s.signIn("karim.lille@tremplin.example")

			p := karim.get(path)
			page := html.UnescapeString(p.body)
			if p.status != http.StatusOK || !strings.Contains(page, `lang="`+c.lang+`"`) {
				t.Fatalf("%s page: %d, not in %s", c.lang, p.status, c.lang)
			}
			if c.lang == "ar" && !strings.Contains(page, `dir="rtl"`) {
				t.Error("the Arabic page is not right to left")
			}
			for _, want := range append([]string{c.first, c.last, c.note, message, "Karim Benhaddou", `href="` + path + `.pdf"`}, c.titles...) {
				if !strings.Contains(page, want) {
					t.Errorf("the %s page lacks %q", c.lang, want)
				}
			}
			// Karim is named among those who opened the file, with his role; a
			// table no section presents (the links of the convocation's SMS)
			// is in the other data.
			readers := page[strings.Index(page, `aria-labelledby="a-readers"`):]
			readers = readers[:strings.Index(readers, "</section>")]
			role := i18n.For(c.lang).T("role.adviser")
			if !strings.Contains(readers, "Karim Benhaddou — "+role) || !strings.Contains(readers, i18n.For(c.lang).T("privacy.action.read_file")) {
				t.Errorf("the %s page does not say Karim (%s) read the file:\n%s", c.lang, role, readers)
			}
			if other := page[strings.Index(page, `aria-labelledby="a-other"`):]; !strings.Contains(other, "reply_links") {
				t.Errorf("the %s page's other data lacks the reply links", c.lang)
			}
			if c.lang == "en" && strings.Contains(page, "Qui a consulté votre dossier") {
				t.Error("the English page has French section titles")
			}

			p = karim.get(path + ".pdf")
			if p.status != http.StatusOK || p.header.Get("Content-Type") != "application/pdf" {
				t.Fatalf("%s PDF: %d %s", c.lang, p.status, p.header.Get("Content-Type"))
			}
			text := pdftest.Letters(pdftest.Text(t, []byte(p.body)))
			// The message's first words (a link or an hour may be laid out
			// apart in a right-to-left line).
			words := strings.Fields(message)
			for _, want := range append([]string{c.first + " " + c.last, c.note, strings.Join(words[:3], " "), "Karim Benhaddou"}, c.titles...) {
				if !strings.Contains(text, pdftest.Letters(want)) {
					t.Errorf("the %s PDF lacks %q:\n%s", c.lang, want, text)
				}
			}
			if readers := text[strings.Index(text, pdftest.Letters(c.titles[2])):]; !strings.Contains(readers, pdftest.Letters("Karim Benhaddou")) {
				t.Errorf("the %s PDF does not name Karim among who read the file", c.lang)
			}
			// The title starts at the right margin in Arabic, the left one in English.
			left, right := topLine(t, []byte(p.body))
			if margin := (210.0 - 18) / 25.4 * 72; c.lang == "ar" && (right < margin-3 || right > margin+1) {
				t.Errorf("the Arabic title's right edge is at %.0f pt, want the right margin %.0f pt", right, margin)
			}
			if margin := 18 / 25.4 * 72; c.lang == "en" && (left < margin-1 || left > margin+3) {
				t.Errorf("the English title's left edge is at %.0f pt, want the left margin %.0f pt", left, margin)
			}

			if n := s.count(`SELECT COUNT(*) FROM audit_events WHERE learner_id = $1 AND action = 'export_person' AND path IN ($2, $3)`,
				id, path, path+".pdf"); n != 2 {
				t.Errorf("%d exports of the person's data in the audit, want 2", n)
			}
			bordeaux := s.signIn("manager.bordeaux@tremplin.example")
			for _, u := range []string{path, path + ".pdf"} {
				if p := bordeaux.get(u); p.status != http.StatusNotFound || strings.Contains(p.body, c.last) {
					t.Errorf("Bordeaux's manager GET %s: %d, want 404", u, p.status)
				}
			}
		}
	})
}

// topLine is the left and right edges of the highest line of a PDF's first
// page, in points.
func topLine(t *testing.T, body []byte) (left, right float64) {
	top := 1e9
	for _, w := range strings.Split(pdftest.Text(t, body, "-bbox", "-l", "1"), "<word ")[1:] {
		attr := func(name string) float64 {
			_, v, _ := strings.Cut(w, name+`="`)
			f, _ := strconv.ParseFloat(v[:strings.IndexByte(v, '"')], 64)
			return f
		}
		if y := attr("yMin"); y < top-1 {
			top, left, right = y, attr("xMin"), attr("xMax")
		} else if y < top+1 {
			left, right = min(left, attr("xMin")), max(right, attr("xMax"))
		}
	}
	return left, right
}
