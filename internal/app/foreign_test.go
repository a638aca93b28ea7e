package app_test

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"tremplin/internal/demo"
	"tremplin/internal/platform/auth"
)

// foreignAllowed are the routes whose records are shared between antennas on
// purpose, with why: another antenna's manager may open them.
var foreignAllowed = map[string]string{
	"GET /messages/templates/{key}":        "a message's key, not a record: each manager rewords it for their own antennas",
	"POST /messages/templates/{key}":       "a message's key, not a record: each manager rewords it for their own antennas",
	"GET /positioning/questions/{id}/edit": "the positioning questions are the association's, shared by every antenna",
	"POST /positioning/questions/{id}":     "the positioning questions are the association's, shared by every antenna",
}

// Every route with an id, filled with records of Lille (the demo's richest
// antenna, the ids the walk's queries find), answers Bordeaux's manager with
// the 404 page, for reading and for changing: staff of one antenna never see
// nor touch another antenna's people and records, whatever the URL they type.
func TestForeignIDsAreNotFound(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) { foreignIDs(t, s) })
}

func foreignIDs(t *testing.T, s *site) {
	lille, _ := s.app.DB.QueryRowContext(t.Context(), "SELECT id FROM antennas WHERE name = 'Lille'"), 0
	var antenna int64
	if err := lille.Scan(&antenna); err != nil {
		t.Fatal(err)
	}
	ids := &walkIDs{d: s.app.DB, antenna: antenna, known: map[string]string{"admin": "0"}, now: time.Now()}
	// Where the walk's queries look for the generated dataset's records, the
	// demo's: Lille's company (its agreement), a meeting of Lille's.
	for kind, q := range map[string]string{
		"donors":   "SELECT id FROM donors WHERE org_name = 'Numérique Solidaire SAS'",
		"meetings": "SELECT MIN(m.id) FROM meetings m JOIN cohorts c ON c.id = m.cohort_id WHERE c.antenna_id = $1",
	} {
		var id int64
		if err := s.app.DB.QueryRowContext(t.Context(), q, antenna).Scan(&id); err == nil && id != 0 {
			ids.known[kind] = strconv.FormatInt(id, 10)
		}
	}
	bordeaux := s.signIn("manager.bordeaux@tremplin.example")
	tried := 0
	for _, rt := range s.app.Routes() {
		method, pattern, _ := strings.Cut(rt.Pattern, " ")
		if !strings.Contains(pattern, "{") || rt.Policy.IsPublic() ||
			!rt.Policy.Allows(&auth.Staff{Role: auth.Manager, Active: true}) {
			continue
		}
		if why, ok := foreignAllowed[rt.Pattern]; ok {
			t.Logf("%s: shared (%s)", rt.Pattern, why)
			continue
		}
		path, err := ids.fill(pattern)
		if errors.Is(err, errNoRow) {
			t.Logf("%s: no Lille record in the demo", rt.Pattern)
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", rt.Pattern, err)
			continue
		}
		var p page
		if method == "GET" {
			p = bordeaux.get(path)
		} else {
			p = bordeaux.post(path, url.Values{"name": {"x"}})
		}
		tried++
		if !slices.Contains([]int{http.StatusNotFound, http.StatusForbidden}, p.status) {
			t.Errorf("Bordeaux's manager %s %s: %d, want 404", method, path, p.status)
		}
	}
	if tried < 50 {
		t.Errorf("only %d routes tried", tried)
	}
}

// Every company-space route with an id, filled with another company's
// records, answers a recruiter with the 404 page, for reading and for
// changing; filled with their own company's, it answers.
func TestCompanyForeignIDsAreNotFound(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		b := s.recruiterSignIn(demo.DemoRecruiter)
		if b == nil {
			t.Fatal("no link for the recruiter")
		}
		own := s.id(`SELECT MAX(o.id) FROM job_offers o JOIN recruiters r ON r.donor_id = o.donor_id
			JOIN donor_contacts c ON c.id = r.contact_id WHERE c.email = $1 AND o.state = 'open'`, demo.DemoRecruiter)
		foreign := s.id(`SELECT MAX(o.id) FROM job_offers o WHERE o.donor_id NOT IN (SELECT r.donor_id FROM recruiters r
			JOIN donor_contacts c ON c.id = r.contact_id WHERE c.email = $1)`, demo.DemoRecruiter)
		// An application of the own offer (pending: a state posted that it may
		// not take changes nothing), one of another company's offer.
		ownApp := s.id(`SELECT MIN(id) FROM job_applications WHERE offer_id = $1 AND state IN ('new', 'processing', 'postponed')`, own)
		foreignApp := s.id(`SELECT MIN(a.id) FROM job_applications a WHERE a.offer_id NOT IN (SELECT o.id FROM job_offers o
			JOIN recruiters r ON r.donor_id = o.donor_id JOIN donor_contacts c ON c.id = r.contact_id WHERE c.email = $1)`, demo.DemoRecruiter)
		tried := 0
		for _, rt := range s.app.Routes() {
			method, pattern, _ := strings.Cut(rt.Pattern, " ")
			if rt.Policy.Name != "company" || !strings.Contains(pattern, "{id}") {
				continue
			}
			tried++
			for _, c := range []struct {
				id, app string
				want    []int
			}{{foreign, foreignApp, []int{http.StatusNotFound}}, {own, foreignApp, []int{http.StatusNotFound}},
				{own, ownApp, []int{http.StatusOK, http.StatusSeeOther, http.StatusUnprocessableEntity}}} {
				if !strings.Contains(pattern, "{app}") && c.app == foreignApp && c.id == own {
					continue
				}
				path := strings.ReplaceAll(strings.ReplaceAll(pattern, "{id}", c.id), "{app}", c.app)
				var p page
				if method == "GET" {
					p = b.get(path)
				} else {
					// The state posted is none the offer may take: nothing changes.
					p = b.post(path, url.Values{"state": {"open"}})
				}
				if c.id == own && c.app != foreignApp && strings.HasSuffix(path, "/state") {
					c.want = []int{http.StatusConflict}
				}
				if !slices.Contains(c.want, p.status) {
					t.Errorf("the recruiter %s %s: %d, want %v", method, path, p.status, c.want)
				}
			}
		}
		if tried < 4 {
			t.Errorf("only %d company routes tried", tried)
		}
	})
}
