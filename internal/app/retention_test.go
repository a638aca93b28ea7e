package app_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"tremplin/internal/impact"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/privacy"
)

func (s *site) count64(query string, args ...any) int64 { return int64(s.count(query, args...)) }

func (s *site) ids(query string, args ...any) []int64 {
	s.t.Helper()
	ids, err := db.Collect[int64](s.app.DB.QueryContext(context.Background(), query, args...))(func(r db.Scanner) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	})
	if err != nil {
		s.t.Fatal(err)
	}
	return ids
}

// The dashboards' figures of every period, antenna, age band, situation,
// gender, programme and outcome are the same after every file is anonymised,
// when the counters are refreshed and after they are rebuilt from scratch.
func TestAnonymisedFilesKeepTheFigures(t *testing.T) {
	t.Parallel()
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		d := s.app.DB
		now := time.Now()
		lille, _ := strconv.ParseInt(s.antennaID("Lille"), 10, 64)
		filters := []impact.Filter{
			{From: now.AddDate(-3, 0, 0), To: now.AddDate(1, 0, 0)},
			{From: now.AddDate(-3, 0, 0), To: now.AddDate(1, 0, 0), Antennas: []int64{lille}},
			{From: now.AddDate(0, -2, 0), To: now},
		}
		figures := func() []*impact.Figures {
			var out []*impact.Figures
			for _, f := range filters {
				fig, err := impact.Compute(ctx, d, f)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, fig)
			}
			return out
		}
		before := figures()
		var sits, bands, genders int64
		for _, g := range before[0].BySituation {
			sits += g.Counts.Registered
		}
		for _, g := range before[0].ByBand[:len(before[0].ByBand)-1] {
			bands += g.Counts.Registered
		}
		for _, g := range before[0].ByGender[:len(before[0].ByGender)-1] {
			genders += g.Counts.Registered
		}
		if sits == 0 || bands == 0 || genders == 0 || before[0].Counts.Exits() == 0 {
			t.Fatalf("the demo gives nothing to compare: %d by situation, %d by band, %d by gender, %d exits", sits, bands, genders, before[0].Counts.Exits())
		}
		ids := s.ids("SELECT id FROM learners WHERE merged_into IS NULL ORDER BY id")
		if err := d.Tx(ctx, func(tx *sql.Tx) error { return privacy.Anonymise(ctx, tx, ids, now) }); err != nil {
			t.Fatal(err)
		}
		if n := s.count64(`SELECT COUNT(*) FROM learners WHERE birth_year <> 0 OR situations <> '' OR gender <> '' OR phone <> '' OR anonymised_at = ''`); n != 0 {
			t.Fatalf("%d files still hold a birth year, situations, a gender or a phone", n)
		}
		// Every file counts as changed: the counters derive them again.
		if _, err := d.Exec(ctx, "UPDATE learners SET updated_at = $1", db.FormatTime(now.Add(time.Second))); err != nil {
			t.Fatal(err)
		}
		same := func(when string, got []*impact.Figures) {
			t.Helper()
			for i := range got {
				if !reflect.DeepEqual(before[i], got[i]) {
					t.Errorf("%s, filter %d: the figures changed\nbefore %+v\nafter  %+v", when, i, before[i], got[i])
				}
			}
		}
		same("refreshed", figures())
		if err := impact.Rebuild(ctx, d); err != nil {
			t.Fatal(err)
		}
		same("rebuilt", figures())
	})
}

// The daily run lists the files without activity for the period less 30
// days, tells each reachable person once in their language (never one who
// turned messages off), takes a file with new activity off the list, then
// anonymises the others on their day, but those the law keeps; the person's
// access export then holds no name, phone, email nor note; running again
// does nothing.
func TestInactiveFilesAreListedToldThenAnonymised(t *testing.T) {
	t.Parallel()
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		d := s.app.DB
		r := s.app.Privacy.Retention
		// A note the person may read, in the file to follow to its end.
		adviser := s.signIn("karim.lille@tremplin.example")
		var follow int64
		var first, last, phone, email string
		if err := d.QueryRowContext(ctx, `SELECT l.id, l.first_name, l.last_name, l.phone, l.email FROM learners l JOIN antennas a ON a.id = l.antenna_id
			WHERE a.name = 'Lille' AND l.merged_into IS NULL AND l.phone <> '' AND l.messages_off_at = ''
			AND NOT EXISTS (SELECT 1 FROM attendance t JOIN meetings m ON m.id = t.meeting_id JOIN cohorts c ON c.id = m.cohort_id
				JOIN programmes p ON p.id = c.programme_id WHERE t.learner_id = l.id AND p.certifying)
			AND NOT EXISTS (SELECT 1 FROM donated_devices WHERE learner_id = l.id)
			ORDER BY l.id LIMIT 1`).Scan(&follow, &first, &last, &phone, &email); err != nil {
			t.Fatal(err)
		}
		email = "suivie.retention@example.org"
		if _, err := d.Exec(ctx, "UPDATE learners SET email = $1 WHERE id = $2", email, follow); err != nil {
			t.Fatal(err)
		}
		note := "A rappelé pour son dossier CAF, très motivée"
		if p := adviser.post(fmt.Sprintf("/learners/%d/notes", follow), url.Values{"note": {note}}); p.status != http.StatusSeeOther {
			t.Fatalf("note: %d %s", p.status, errorsOf(p.body))
		}
		// One person turned messages off.
		var quiet int64
		if err := d.QueryRowContext(ctx, `SELECT MIN(id) FROM learners WHERE merged_into IS NULL AND phone <> '' AND id <> $1`, follow).Scan(&quiet); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(ctx, "UPDATE learners SET messages_off_at = $1, messages_off_by = 'staff' WHERE id = $2", db.Now(), quiet); err != nil {
			t.Fatal(err)
		}

		// The demo has one file listed already, one anonymised.
		files := s.count64("SELECT COUNT(*) FROM learners WHERE merged_into IS NULL AND anonymised_at = '' AND retention_due_on = ''")
		reachable := s.count64(`SELECT COUNT(*) FROM learners WHERE merged_into IS NULL AND anonymised_at = '' AND retention_due_on = ''
			AND messages_off_at = '' AND (phone <> '' OR email <> '')`)
		listedAt := time.Now().AddDate(3, 0, 0) // three years without activity, for every demo file
		c, err := r.Run(ctx, listedAt)
		if err != nil {
			t.Fatal(err)
		}
		if c.Listed != files || c.Told != reachable || c.Anonymised != 1 {
			t.Fatalf("first run: %+v, want %d listed, %d told, the demo's listed file anonymised", c, files, reachable)
		}
		if n := s.count64("SELECT COUNT(*) FROM messages WHERE kind = $1 AND learner_id = $2", privacy.NoticeKind, quiet); n != 0 {
			t.Errorf("the person who turned messages off was sent %d notices", n)
		}
		var body string
		if err := d.QueryRowContext(ctx, "SELECT body FROM messages WHERE kind = $1 AND learner_id = $2 AND channel = 'sms'", privacy.NoticeKind,
			follow).Scan(&body); err != nil || !strings.Contains(body, first) || !strings.Contains(body, "anonymisé") {
			t.Errorf("notice %q (%v)", body, err)
		}
		if n := s.count("SELECT COUNT(*) FROM messages WHERE kind = $1 AND learner_id = $2 AND channel = 'email' AND recipient = $3", privacy.NoticeKind,
			follow, email); n != 1 {
			t.Errorf("%d notices by email, want 1", n)
		}
		var arabic string
		if err := d.QueryRowContext(ctx, `SELECT m.body FROM messages m JOIN learners l ON l.id = m.learner_id WHERE m.kind = $1 AND l.lang = 'ar'
			ORDER BY m.id LIMIT 1`, privacy.NoticeKind).Scan(&arabic); err != nil || !strings.Contains(arabic, "مرحبًا") {
			t.Errorf("notice in Arabic: %q (%v)", arabic, err)
		}
		notices := s.count64("SELECT COUNT(*) FROM messages WHERE kind = $1", privacy.NoticeKind)

		// Told once: the next day's run tells nobody again.
		if c, err := r.Run(ctx, listedAt.Add(24*time.Hour)); err != nil || c != (privacy.RetentionCounts{}) {
			t.Fatalf("second run: %+v (%v), want nothing", c, err)
		}
		if n := s.count64("SELECT COUNT(*) FROM messages WHERE kind = $1", privacy.NoticeKind); n != notices {
			t.Errorf("%d notices after the second run, want %d", n, notices)
		}

		// The Lille manager sees Lille's files only; new activity takes one off.
		var comeback int64
		if err := d.QueryRowContext(ctx, `SELECT MAX(l.id) FROM learners l JOIN antennas a ON a.id = l.antenna_id WHERE a.name = 'Lille'
			AND l.retention_due_on <> ''`).Scan(&comeback); err != nil {
			t.Fatal(err)
		}
		listed := func(sc auth.Scope) map[int64]bool {
			out := map[int64]bool{}
			for offset := 0; ; offset += privacy.NoticesPerPage {
				page, err := privacy.Notices(ctx, d, sc, offset)
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range page[:min(len(page), privacy.NoticesPerPage)] {
					out[f.ID] = true
				}
				if len(page) <= privacy.NoticesPerPage {
					return out
				}
			}
		}
		if all := listed(auth.Scope{All: true}); int64(len(all)) != files || !all[comeback] {
			t.Fatalf("%d files on the national list, want %d with %d", len(all), files, comeback)
		}
		manager := s.signIn("manager.lille@tremplin.example")
		if p := manager.get("/privacy/notices"); p.status != http.StatusOK || !strings.Contains(p.body, "Dossiers bientôt anonymisés") {
			t.Fatalf("notice list: %d", p.status)
		}
		lilleID, _ := strconv.ParseInt(s.antennaID("Lille"), 10, 64)
		managerID := s.count64("SELECT id FROM staff WHERE email = 'manager.lille@tremplin.example'")
		for id := range listed(auth.Scope{StaffID: managerID}) {
			if n := s.count64("SELECT COUNT(*) FROM learners WHERE id = $1 AND antenna_id = $2", id, lilleID); n != 1 {
				t.Errorf("file %d of another antenna on Lille's list", id)
			}
		}
		if p := manager.post(fmt.Sprintf("/learners/%d/contacts", comeback), url.Values{"contact_kind": {"no_answer"}, "contact_note": {"Reprend contact"}}); p.status != http.StatusSeeOther {
			t.Fatalf("contact: %d %v", p.status, errorsOf(p.body))
		}
		// The contact is recorded at today's time: the test's clock is three
		// years ahead, so the activity is dated after the listing.
		if _, err := d.Exec(ctx, "UPDATE learner_contacts SET at = $1 WHERE learner_id = $2 AND at >= $3", db.FormatTime(listedAt.Add(time.Hour)),
			comeback, db.FormatTime(time.Now().Add(-time.Minute))); err != nil {
			t.Fatal(err)
		}
		if listed(auth.Scope{All: true})[comeback] {
			t.Error("a file with new activity is still on the list")
		}

		// Thirty days later: anonymised, but the file taken off and those the law keeps.
		due := listedAt.AddDate(0, 0, privacy.NoticeDays+1)
		c, err = r.Run(ctx, due)
		if err != nil {
			t.Fatal(err)
		}
		if c.Unlisted != 1 || c.Anonymised == 0 {
			t.Fatalf("third run: %+v, want 1 off the list and files anonymised", c)
		}
		for _, id := range s.ids("SELECT id FROM learners WHERE merged_into IS NULL AND anonymised_at = '' AND id <> $1", comeback) {
			holds, err := privacy.HoldsOf(ctx, d, id, due)
			if err != nil || len(holds) == 0 {
				t.Errorf("file %d not anonymised, without a legal hold (%v)", id, err)
			}
		}
		if n := s.count64("SELECT COUNT(*) FROM learners WHERE id = $1 AND anonymised_at = ''", comeback); n != 1 {
			t.Error("the file with new activity was anonymised")
		}
		admin := s.signIn("admin@tremplin.example")
		p := admin.get(fmt.Sprintf("/learners/%d/access.json", follow))
		if p.status != http.StatusOK || !strings.Contains(p.body, `"anonymised_at"`) {
			t.Fatalf("access export: %d", p.status)
		}
		for _, personal := range []string{first, last, phone, email, note, "Reprend contact"} {
			if personal != "" && strings.Contains(p.body, personal) {
				t.Errorf("the anonymised file's access export still holds %q", personal)
			}
		}
		if c, err := r.Run(ctx, due); err != nil || c != (privacy.RetentionCounts{}) {
			t.Errorf("run again: %+v (%v), want nothing", c, err)
		}
		if p := admin.get("/privacy/retention"); p.status != http.StatusOK || !strings.Contains(p.body, "Reçus fiscaux") {
			t.Errorf("retention page: %d\n%s", p.status, s.logs.String()[max(0, s.logs.Len()-3000):])
		}
	})
}

// A manager erases a person's file on request after a page that says what
// will happen; the erasure is in the audit. An adviser may not. A file the law
// keeps (a funded certifying course's attendance under control) is refused with
// the reason.
func TestErasureOnRequest(t *testing.T) {
	t.Parallel()
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		var free int64
		if err := s.app.DB.QueryRowContext(ctx, `SELECT MIN(l.id) FROM learners l JOIN antennas a ON a.id = l.antenna_id WHERE a.name = 'Lille'
			AND l.merged_into IS NULL AND NOT EXISTS (SELECT 1 FROM attendance WHERE learner_id = l.id)
			AND NOT EXISTS (SELECT 1 FROM donated_devices WHERE learner_id = l.id)`).Scan(&free); err != nil {
			t.Fatal(err)
		}
		path := fmt.Sprintf("/learners/%d/erase", free)
		if p := s.signIn("karim.lille@tremplin.example").get(path); p.status == http.StatusOK {
			t.Error("an adviser may erase a file")
		}
		manager := s.signIn("manager.lille@tremplin.example")
		p := manager.get(path)
		if p.status != http.StatusOK || !strings.Contains(p.body, "Effacer définitivement") {
			t.Fatalf("erase page: %d", p.status)
		}
		if p := manager.post(path, url.Values{"once": {valueOf(p.body, "once")}}); p.status != http.StatusSeeOther {
			t.Fatalf("erase: %d", p.status)
		}
		if n := s.count64("SELECT COUNT(*) FROM learners WHERE id = $1 AND anonymised_at <> '' AND phone = ''", free); n != 1 {
			t.Fatal("the file was not anonymised")
		}
		if n := s.count64("SELECT COUNT(*) FROM audit_events WHERE action = $1 AND learner_id = $2", privacy.Erasure, free); n != 1 {
			t.Errorf("%d erasures in the audit", n)
		}
		if p := manager.get(path); !strings.Contains(p.body, "déjà anonymisé") {
			t.Error("the erase page of an anonymised file does not say so")
		}
		if p := manager.get(fmt.Sprintf("/learners/%d", free)); p.status != http.StatusOK || !strings.Contains(p.body, "Dossier anonymisé le") {
			t.Errorf("the anonymised file's page (%d) does not say it was anonymised", p.status)
		}

		// A funded certifying course, ended a month ago: its attendance is kept.
		held := s.learner("Lille", "Samia", "Gardée")
		var cohort, meeting int64
		err := s.app.DB.QueryRowContext(ctx, `SELECT c.id, m.id FROM cohorts c JOIN meetings m ON m.cohort_id = c.id JOIN programmes p ON p.id = c.programme_id
			WHERE p.certifying ORDER BY c.id, m.id LIMIT 1`).Scan(&cohort, &meeting)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.app.DB.Exec(ctx, `INSERT INTO attendance (meeting_id, learner_id, mark, marked_at) VALUES ($1, $2, 'present', $3)`, meeting, held, db.Now()); err != nil {
			t.Fatal(err)
		}
		if _, err := s.app.DB.Exec(ctx, `UPDATE cohorts SET ends_on = $1 WHERE id = $2`, time.Now().AddDate(0, -1, 0).Format(time.DateOnly), cohort); err != nil {
			t.Fatal(err)
		}
		path = fmt.Sprintf("/learners/%d/erase", held)
		p = manager.get(path)
		if !strings.Contains(p.body, "formation certifiante financée") || strings.Contains(p.body, "Effacer définitivement") {
			t.Fatalf("a held file's erase page does not give the reason: %d", p.status)
		}
		if p := manager.post(path, url.Values{"once": {"erase-held"}}); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "L6353-1") {
			t.Errorf("erasing a held file: %d", p.status)
		}
		if n := s.count64("SELECT COUNT(*) FROM learners WHERE id = $1 AND anonymised_at = ''", held); n != 1 {
			t.Error("a held file was anonymised")
		}
		if p := s.signIn("manager.paris@tremplin.example").get(path); p.status != http.StatusNotFound {
			t.Errorf("another antenna's manager: %d", p.status)
		}
	})
}

// A purge stopped in the middle of a batch (its transaction not committed)
// leaves every file of the batch as it was: none half anonymised, no
// statistics row frozen; the next run does the whole batch.
func TestAnonymisationStoppedMidwayLeavesTheFilesWhole(t *testing.T) {
	t.Parallel()
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		ids := s.ids("SELECT id FROM learners WHERE merged_into IS NULL AND anonymised_at = '' ORDER BY id LIMIT 5")
		names := s.count("SELECT COUNT(*) FROM learners WHERE first_name <> '—' AND phone <> '' AND id IN ($1, $2, $3, $4, $5)",
			ids[0], ids[1], ids[2], ids[3], ids[4])
		stop := errors.New("killed")
		err := s.app.DB.Tx(ctx, func(tx *sql.Tx) error {
			if err := privacy.Anonymise(ctx, tx, ids, time.Now()); err != nil {
				return err
			}
			return stop
		})
		if !errors.Is(err, stop) {
			t.Fatal(err)
		}
		if n := s.count("SELECT COUNT(*) FROM learners WHERE first_name <> '—' AND phone <> '' AND id IN ($1, $2, $3, $4, $5)",
			ids[0], ids[1], ids[2], ids[3], ids[4]); n != names || n != 5 {
			t.Errorf("%d of 5 files whole after the stop", n)
		}
		if n := s.count("SELECT COUNT(*) FROM impact_frozen WHERE learner_id IN ($1, $2, $3, $4, $5)", ids[0], ids[1], ids[2], ids[3], ids[4]); n != 0 {
			t.Errorf("%d statistics rows frozen", n)
		}
		if err := s.app.DB.Tx(ctx, func(tx *sql.Tx) error { return privacy.Anonymise(ctx, tx, ids, time.Now()) }); err != nil {
			t.Fatal(err)
		}
		if n := s.count("SELECT COUNT(*) FROM learners WHERE anonymised_at <> '' AND phone = '' AND id IN ($1, $2, $3, $4, $5)",
			ids[0], ids[1], ids[2], ids[3], ids[4]); n != 5 {
			t.Errorf("%d of 5 files anonymised by the next run", n)
		}
	})
}
