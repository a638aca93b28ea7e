package app_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var personalFeed = regexp.MustCompile(`href="http://[^/"]+(/advisers/[0-9]+/calendar\.ics\?token=[a-z0-9]+)"`)

// A staff member renews the address of their calendar from their agenda: the
// old addresses (their feed and the cohorts' feeds they subscribed to) stop at
// once and the new one shows. A closed account's feeds stop at once.
func TestCalendarFeedsRenewAndStopWithTheAccount(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		karim := s.signIn("karim.lille@tremplin.example")
		cohort := s.demoCohort("Lille", "Premiers pas numériques")
		visitor := s.browser()
		mine := personalFeed.FindStringSubmatch(karim.get("/agenda").body)
		if mine == nil {
			t.Fatal("the agenda shows no feed address")
		}
		cohortURL := cohortFeed(t, karim, cohort)
		for _, u := range []string{mine[1], cohortURL} {
			if p := visitor.get(u); p.status != http.StatusOK || !strings.HasPrefix(p.body, "BEGIN:VCALENDAR") {
				t.Fatalf("feed %s: %d", u, p.status)
			}
		}

		p := karim.post("/agenda/feed", url.Values{})
		if p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/agenda") {
			t.Fatalf("renewing the feed: %d", p.status)
		}
		page := karim.get(p.header.Get("Location"))
		renewed := personalFeed.FindStringSubmatch(page.body)
		if renewed == nil || renewed[1] == mine[1] {
			t.Fatalf("the agenda does not show a new address: %v", renewed)
		}
		if !strings.Contains(html.UnescapeString(page.body), "nouvelle adresse") {
			t.Error("the agenda does not say the address changed")
		}
		for _, u := range []string{mine[1], cohortURL} {
			if p := visitor.get(u); p.status != http.StatusNotFound || strings.Contains(p.body, "VCALENDAR") {
				t.Errorf("an old address still works: %s %d", u, p.status)
			}
		}
		newCohort := cohortFeed(t, karim, cohort)
		for _, u := range []string{renewed[1], newCohort} {
			if p := visitor.get(u); p.status != http.StatusOK {
				t.Errorf("a new address: %s %d", u, p.status)
			}
		}

		// The account is closed: every feed of it stops at once.
		if _, err := s.app.DB.Exec(context.Background(), "UPDATE staff SET active = FALSE WHERE email = 'karim.lille@tremplin.example'"); err != nil {
			t.Fatal(err)
		}
		for _, u := range []string{renewed[1], newCohort} {
			if p := visitor.get(u); p.status != http.StatusNotFound || strings.Contains(p.body, "VCALENDAR") {
				t.Errorf("a closed account's feed: %s %d", u, p.status)
			}
		}
	})
}
