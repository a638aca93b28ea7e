package app_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"tremplin/internal/calendar"
	"tremplin/internal/platform/db"
	"tremplin/internal/training"
)

// agendaDay is a Monday, Wednesday or Friday at least a week ahead in Paris that
// is no public holiday: a working day with time to book, and none of the demo
// cohorts' Tuesday and Thursday meetings, whatever day the tests run.
func agendaDay() time.Time {
	d := morning().AddDate(0, 0, 7)
	for {
		holiday := false
		for _, h := range calendar.FrenchHolidays(d.Year()) {
			holiday = holiday || (h.Date.Month() == d.Month() && h.Date.Day() == d.Day())
		}
		if wd := d.Weekday(); !holiday && (wd == time.Monday || wd == time.Wednesday || wd == time.Friday) {
			return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, d.Location())
		}
		d = d.AddDate(0, 0, 1)
	}
}

func isoWeekOf(t time.Time) string {
	y, w := t.ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

var (
	agendaItem = regexp.MustCompile(`(?s)<li class="(ag-[a-z -]+)">(.*?)</li>`)
	anyTag     = regexp.MustCompile(`<[^>]+>`)
	spaces     = regexp.MustCompile(`\s+`)
)

// dayRows returns the rows of one day of an agenda page, each as its class and
// its text; nil when the page does not show the day.
func dayRows(body string, day time.Time) (rows [][2]string) {
	start := strings.Index(body, `aria-labelledby="d-`+day.Format(time.DateOnly)+`"`)
	if start < 0 {
		return nil
	}
	section := body[start:]
	section = section[:strings.Index(section, "</section>")]
	for _, m := range agendaItem.FindAllStringSubmatch(section, -1) {
		text := strings.TrimSpace(spaces.ReplaceAllString(html.UnescapeString(anyTag.ReplaceAllString(m[2], " ")), " "))
		rows = append(rows, [2]string{m[1], text})
	}
	return rows
}

// daySection is the HTML of one day of an agenda page.
func daySection(body string, day time.Time) string {
	start := strings.Index(body, `aria-labelledby="d-`+day.Format(time.DateOnly)+`"`)
	if start < 0 {
		return ""
	}
	section := body[start:]
	return html.UnescapeString(section[:strings.Index(section, "</section>")])
}

// bookFor books through the learner file's form, as the adviser does.
func (s *site) bookFor(b *browser, learner int64, form url.Values) int64 {
	s.t.Helper()
	if p := b.post(fmt.Sprintf("/learners/%d/appointments", learner), form); p.status != http.StatusSeeOther {
		s.t.Fatalf("booking %v: %d %v", form, p.status, errorsOf(p.body))
	}
	var id int64
	if err := s.app.DB.QueryRowContext(context.Background(), "SELECT MAX(id) FROM appointments WHERE learner_id = $1", learner).Scan(&id); err != nil {
		s.t.Fatal(err)
	}
	return id
}

// An adviser's week: her appointments and the meetings she teaches in time order,
// the free time between them in working hours, a cancelled appointment still
// there and marked, holidays and closures; weeks and days to move through; the
// place's and the antenna's weeks for those who may see them; and her phone's
// calendar with the first names only. Nobody of another antenna shows.
func TestAdviserSeesHerWeekWithTheFreeTimeBetween(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		karim := s.signIn("karim.lille@tremplin.example")
		day := agendaDay()
		week := isoWeekOf(day)
		karimID := s.staffID("karim.lille@tremplin.example")
		grappe := s.placeID("La Grappe – tiers-lieu")
		base := url.Values{"adviser": {karimID}, "date": {day.Format(time.DateOnly)}}
		with := func(kv ...string) url.Values {
			f := url.Values{}
			for k, v := range base {
				f[k] = v
			}
			for i := 0; i < len(kv); i += 2 {
				f.Set(kv[i], kv[i+1])
			}
			return f
		}
		amal, paul, nora := s.learner("Lille", "Amal", "Haddad"), s.learner("Lille", "Paul", "Girard"), s.learner("Lille", "Nora", "Saïdi")
		s.bookFor(karim, amal, with("kind", "first_contact", "time", "10:00", "duration", "45", "mode", "place", "place", grappe))
		s.bookFor(karim, paul, with("kind", "follow_up", "time", "14:30", "duration", "30", "mode", "phone"))
		cancelled := s.bookFor(karim, nora, with("kind", "positioning", "time", "11:00", "duration", "30", "mode", "video",
			"video_url", "https://visio.example.org/karim"))
		if p := karim.post(fmt.Sprintf("/appointments/%d/cancel", cancelled), nil); p.status != http.StatusSeeOther {
			t.Fatalf("cancel: %d", p.status)
		}
		// A meeting of the cohort Karim teaches, that afternoon.
		var cohort int64
		fmt.Sscan(s.demoCohort("Lille", "Premiers pas numériques"), &cohort)
		at := func(h, m int) time.Time {
			return time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, day.Location())
		}
		if _, err := training.AddMeetings(ctx, s.app.DB, cohort, []training.Slot{{Start: at(16, 0), End: at(17, 30)}}); err != nil {
			t.Fatal(err)
		}
		// Karim once saw someone of Bordeaux (he has left that antenna since):
		// that person is not his to see any more.
		ousmane := s.learner("Bordeaux", "Ousmane", "Keita")
		now := db.Now()
		if _, err := s.app.DB.Exec(ctx, `INSERT INTO appointments (antenna_id, learner_id, staff_id, kind, mode, starts_at, ends_at, created_at, updated_at)
			VALUES ($1, $2, $3, 'follow_up', 'phone', $4, $5, $6, $6)`, s.antennaID("Bordeaux"), ousmane, karimID,
			db.FormatTime(at(12, 0)), db.FormatTime(at(12, 30)), now); err != nil {
			t.Fatal(err)
		}
		// The antenna closes the next day.
		manager := s.signIn("manager.lille@tremplin.example")
		next := day.AddDate(0, 0, 1)
		if p := manager.post("/closures", url.Values{"antenna": {s.antennaID("Lille")}, "from": {next.Format(time.DateOnly)},
			"to": {next.Format(time.DateOnly)}, "label": {"Inventaire"}}); p.status != http.StatusSeeOther {
			t.Fatalf("closure: %d", p.status)
		}

		p := karim.get("/agenda?week=" + week)
		if p.status != http.StatusOK {
			t.Fatalf("agenda: %d", p.status)
		}
		want := []struct{ class, text string }{
			{"ag-free", "09:00–10:00 libre"},
			{"ag-appt", "10:00–10:45 premier contact · Amal Haddad · La Grappe – tiers-lieu"},
			{"ag-free", "10:45–14:30 libre"},
			{"ag-appt ag-cancelled", "11:00–11:30 positionnement · Nora Saïdi · en visio annulé par l'équipe"},
			{"ag-appt", "14:30–15:00 suivi · Paul Girard · par téléphone"},
			{"ag-free", "15:00–16:00 libre"},
			{"ag-meeting", "16:00–17:30 séance · Premiers pas numériques · La Grappe – tiers-lieu"},
			{"ag-free", "17:30–18:00 libre"},
		}
		rows := dayRows(p.body, day)
		if len(rows) != len(want) {
			t.Errorf("the day shows %d rows, want %d:\n%q", len(rows), len(want), rows)
		}
		for i := range min(len(rows), len(want)) {
			if rows[i][0] != want[i].class || !strings.HasPrefix(rows[i][1], want[i].text) {
				t.Errorf("row %d is %q %q, want %q %q", i, rows[i][0], rows[i][1], want[i].class, want[i].text)
			}
		}
		section := daySection(p.body, day)
		if !strings.Contains(section, "<s>") || !strings.Contains(section, fmt.Sprintf(`href="/learners/%d"`, nora)) {
			t.Error("the cancelled appointment is not struck through, or lost its link to the file")
		}
		if !strings.Contains(section, `/meetings/`) || !strings.Contains(section, `/attendance"`) {
			t.Error("the meeting does not lead to its roll call")
		}
		if strings.Contains(p.body, "Ousmane") || strings.Contains(p.body, "Keita") {
			t.Error("Karim's agenda shows a person of another antenna")
		}
		closedDay := daySection(p.body, next)
		if !strings.Contains(closedDay, "Antenne fermée : Inventaire") || strings.Contains(closedDay, "libre") {
			t.Errorf("the closed day does not say so, or offers free time:\n%s", closedDay)
		}

		// Moving through the weeks and the days.
		prev, following := isoWeekOf(day.AddDate(0, 0, -7)), isoWeekOf(day.AddDate(0, 0, 7))
		for _, link := range []string{`href="/agenda?week=` + prev + `"`, `href="/agenda?week=` + following + `"`, `href="/agenda"`,
			`href="?day=` + day.Format(time.DateOnly) + `"`} {
			if !strings.Contains(p.body, link) {
				t.Errorf("the week page lacks the link %s", link)
			}
		}
		if p := karim.get("/agenda?week=" + following); dayRows(p.body, day.AddDate(0, 0, 7)) == nil || dayRows(p.body, day) != nil {
			t.Error("the next week is not the week after")
		}
		one := karim.get("/agenda?day=" + day.Format(time.DateOnly))
		if n := strings.Count(one.body, `<section class="ag-day`); one.status != http.StatusOK || n != 1 || len(dayRows(one.body, day)) != len(want) {
			t.Errorf("the day view: %d, %d days shown", one.status, n)
		}
		for _, link := range []string{"?day=" + day.AddDate(0, 0, -1).Format(time.DateOnly), "?day=" + next.Format(time.DateOnly), "?week=" + week} {
			if !strings.Contains(one.body, link) {
				t.Errorf("the day view lacks the link %s", link)
			}
		}
		if p := karim.get("/agenda"); p.status != http.StatusOK || !strings.Contains(p.body, `id="today"`) {
			t.Errorf("this week: %d, or today is not marked", p.status)
		}
		for _, q := range []string{"week=2027-W54", "week=2027-W53", "day=2027-02-30", "week=soon"} {
			if p := karim.get("/agenda?" + q); p.status != http.StatusBadRequest {
				t.Errorf("/agenda?%s: %d, want 400", q, p.status)
			}
		}
		if p := karim.get("/agenda?week=2027-W28"); !strings.Contains(html.UnescapeString(p.body), "Jour férié : Fête nationale") {
			t.Error("14 July is not shown as a public holiday")
		}
		karim.post("/lang", url.Values{"lang": {"ar"}, "next": {"/agenda"}})
		if p := karim.get("/agenda?week=" + week); p.status != http.StatusOK || !strings.Contains(p.body, `dir="rtl"`) || !strings.Contains(p.body, "وقت فارغ") {
			t.Errorf("the agenda in Arabic: %d", p.status)
		}
		karim.post("/lang", url.Values{"lang": {"fr"}, "next": {"/agenda"}})
		if p := karim.get("/"); !strings.Contains(p.body, `href="/agenda#today"`) {
			t.Error("the home page does not lead to the agenda")
		}

		// The place's week: what happens there, with who, in its opening hours
		// (Mo-Fr 09:00-12:30,13:30-17:30); not the phone call.
		place := karim.get("/agenda/places/" + grappe + "?week=" + week)
		if place.status != http.StatusOK {
			t.Fatalf("place week: %d", place.status)
		}
		placeDay := daySection(place.body, day)
		for _, w := range []string{"Amal Haddad", "Premiers pas numériques", "Karim Benhaddou", "10:45–12:30", "13:30–16:00"} {
			if !strings.Contains(placeDay, w) {
				t.Errorf("the place's day lacks %q", w)
			}
		}
		if strings.Contains(placeDay, "Paul") || strings.Contains(placeDay, "17:30–18:00") {
			t.Error("the place's week shows a phone call, or free time after closing")
		}

		// The antenna's week, by adviser, for its manager.
		lille := s.antennaID("Lille")
		ant := manager.get("/agenda/antenna/" + lille + "?week=" + week)
		antDay := daySection(ant.body, day)
		k := strings.Index(antDay, "<bdi>Karim Benhaddou</bdi></h3>")
		if ant.status != http.StatusOK || k < 0 {
			t.Fatalf("antenna week: %d, no lane for Karim", ant.status)
		}
		lane := antDay[k:]
		if end := strings.Index(lane[1:], "<h3"); end >= 0 {
			lane = lane[:end+1]
		}
		for _, w := range []string{"Amal Haddad", "Paul Girard", "Nora Saïdi", "Premiers pas numériques", "10:45–14:30"} {
			if !strings.Contains(lane, w) {
				t.Errorf("Karim's lane of the antenna's week lacks %q", w)
			}
		}
		if strings.Contains(ant.body, "Ousmane") {
			t.Error("the Lille week shows a person of Bordeaux")
		}

		// His phone's calendar: the appointments with first names only.
		feed := regexp.MustCompile(`href="http://[^/"]+(/advisers/[0-9]+/calendar\.ics\?token=[a-z0-9]+)"`).FindStringSubmatch(p.body)
		if feed == nil {
			t.Fatal("the agenda gives no calendar address")
		}
		ics := s.browser().get(feed[1])
		body := strings.ReplaceAll(ics.body, "\r\n ", "")
		if ics.status != http.StatusOK || !strings.HasPrefix(body, "BEGIN:VCALENDAR\r\n") {
			t.Fatalf("feed: %d", ics.status)
		}
		events := map[string]string{}
		for _, ev := range strings.Split(body, "BEGIN:VEVENT")[1:] {
			for _, line := range strings.Split(ev, "\r\n") {
				if summary, ok := strings.CutPrefix(line, "SUMMARY:"); ok {
					events[summary] = ev
				}
			}
		}
		for summary, want := range map[string][]string{
			"RDV premier contact – Amal": {"LOCATION:La Grappe – tiers-lieu\\, ", "STATUS:CONFIRMED", "DTSTART;TZID=Europe/Paris:" + day.Format("20060102") + "T100000"},
			"RDV suivi – Paul":           {"LOCATION:par téléphone", "STATUS:CONFIRMED"},
			"RDV positionnement – Nora":  {"LOCATION:en visio", "STATUS:CANCELLED"},
		} {
			ev, ok := events[summary]
			if !ok {
				t.Errorf("the feed has no event %q (it has %q)", summary, func() []string {
					var l []string
					for k := range events {
						l = append(l, k)
					}
					return l
				}())
				continue
			}
			for _, w := range want {
				if !strings.Contains(ev, w) {
					t.Errorf("the event %q lacks %q:\n%s", summary, w, ev)
				}
			}
		}
		if _, ok := events["Premiers pas numériques – Lille"]; !ok {
			t.Error("the feed lost the meetings Karim teaches")
		}
		for _, private := range []string{"Haddad", "Girard", "Saïdi", "Ousmane", "visio.example.org"} {
			if strings.Contains(body, private) {
				t.Errorf("the phone's calendar holds %q", private)
			}
		}
		// An account closed, its feed is gone.
		s.app.DB.Exec(ctx, "UPDATE staff SET active = FALSE WHERE id = $1", karimID)
		if p := s.browser().get(feed[1]); p.status != http.StatusNotFound || strings.Contains(p.body, "VCALENDAR") {
			t.Errorf("the feed of a closed account: %d", p.status)
		}
	})
}

// A place's or an antenna's week is the 404 page for staff of another antenna,
// and an antenna's week is for its managers.
func TestAgendaOfAnotherAntennaIsNotFound(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		bastide, bordeaux := s.placeID("Espace Bastide"), s.antennaID("Bordeaux")
		lille := s.signIn("manager.lille@tremplin.example")
		karim := s.signIn("karim.lille@tremplin.example")
		for _, c := range []struct {
			who    *browser
			path   string
			status int
		}{
			{lille, "/agenda/places/" + bastide, http.StatusNotFound},
			{lille, "/agenda/antenna/" + bordeaux, http.StatusNotFound},
			{karim, "/agenda/places/" + bastide, http.StatusNotFound},
			{karim, "/agenda/antenna/" + bordeaux, http.StatusForbidden},
			{karim, "/agenda/antenna/" + s.antennaID("Lille"), http.StatusForbidden},
			{lille, "/agenda/places/999999", http.StatusNotFound},
		} {
			p := c.who.get(c.path)
			if p.status != c.status || strings.Contains(p.body, "Bastide") || strings.Contains(p.body, "Bordeaux") {
				t.Errorf("GET %s: %d, want %d without Bordeaux's data", c.path, p.status, c.status)
			}
		}
		admin := s.signIn("admin@tremplin.example")
		for _, path := range []string{"/agenda", "/agenda/places/" + bastide, "/agenda/antenna/" + bordeaux} {
			if p := admin.get(path); p.status != http.StatusOK {
				t.Errorf("admin GET %s: %d", path, p.status)
			}
		}
		// The Bordeaux manager sees Bordeaux's, and Bastide's week among the others.
		own := s.signIn("manager.bordeaux@tremplin.example")
		if p := own.get("/agenda"); !strings.Contains(p.body, `href="/agenda/places/`+bastide+`"`) || !strings.Contains(p.body, `href="/agenda/antenna/`+bordeaux+`"`) {
			t.Error("the Bordeaux manager's agenda does not lead to the place's and antenna's weeks")
		}
	})
}
