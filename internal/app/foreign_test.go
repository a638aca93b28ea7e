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
