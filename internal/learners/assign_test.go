package learners

import (
	"context"
	"slices"
	"testing"
	"time"

	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
)

// registerAt registers a person at a given time.
func (f *fixture) registerAt(t *testing.T, antenna int64, first string, at time.Time, situations ...string) *Learner {
	t.Helper()
	l := &Learner{AntennaID: antenna, FirstName: first, LastName: "Test", Phone: "+3361000" + at.Format("150405"), BirthYear: 1990,
		ConsentText: "J'accepte.", CreatedAt: at, Situations: situations}
	if err := Register(context.Background(), f.d, l, "", 0); err != nil {
		t.Fatal(err)
	}
	return l
}

func orgAntennas(t *testing.T, f *fixture) []*org.Antenna {
	t.Helper()
	list, err := org.Antennas(context.Background(), f.d, f.lilleScope)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestAssignStaysInScopeAndInTheAdvisersAntennas(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		lille := f.register(t, f.lille, "Amina", "Haddad", "+33612345601", 1994)
		dzaleka := f.register(t, f.dzaleka, "Grace", "Banda", "+265991234567", 1990)
		bordeaux := f.register(t, f.bordeaux, "Pierre", "Dubois", "+33612345603", 1980)
		res, err := Assign(ctx, d, f.lilleScope, []int64{lille.ID, dzaleka.ID, bordeaux.ID}, f.adviser, f.adviser.ID)
		if err != nil || res != (AssignResult{Done: 2, Missing: 1}) {
			t.Fatalf("assign: %+v %v", res, err)
		}
		if s, _ := Assignee(ctx, d, f.bordeauxScope, bordeaux.ID); s != nil {
			t.Fatal("a file out of scope was assigned")
		}
		if s, _ := Assignee(ctx, d, f.lilleScope, lille.ID); s == nil || s.ID != f.adviser.ID {
			t.Fatalf("assignee: %v", s)
		}
		// Someone of Bordeaux cannot follow a Lille file, even when a national admin asks.
		all := auth.Scope{All: true}
		if res, _ := Assign(ctx, d, all, []int64{lille.ID}, f.bordeauxAdviser, 0); res != (AssignResult{Refused: 1}) {
			t.Fatalf("refused: %+v", res)
		}
		if res, _ := Assign(ctx, d, f.lilleScope, []int64{lille.ID}, f.adviser, f.adviser.ID); res != (AssignResult{Same: 1}) {
			t.Fatalf("again: %+v", res)
		}
		if res, _ := Assign(ctx, d, f.lilleScope, []int64{lille.ID}, nil, f.adviser.ID); res != (AssignResult{Done: 1}) {
			t.Fatalf("to nobody: %+v", res)
		}
		if s, err := Assignee(ctx, d, f.lilleScope, lille.ID); s != nil || err != nil {
			t.Fatalf("still assigned: %v %v", s, err)
		}
		ev, _ := Timeline(ctx, d, lille.ID)
		var steps []string
		for _, e := range ev {
			if e.Kind == "assigned" {
				steps = append(steps, e.Detail+"/"+e.StaffName)
			}
		}
		slices.Sort(steps) // both within the same second: their order is not kept
		if len(steps) != 2 || steps[0] != "/Karim" || steps[1] != "Karim/Karim" {
			t.Fatalf("history: %q", steps)
		}
	})
}

// The inbox pages walk each antenna's registrations in order and merge them:
// every one shown once, oldest first, by assignee too.
func TestInboxPagesAcrossAntennas(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		start := time.Now().Add(-time.Hour).Truncate(time.Second)
		var want []int64
		for i := range 8 {
			antenna := f.lille
			if i%3 == 1 {
				antenna = f.dzaleka
			}
			l := f.registerAt(t, antenna, string(rune('A'+i)), start.Add(time.Duration(i)*time.Minute))
			want = append(want, l.ID)
		}
		f.register(t, f.bordeaux, "Pierre", "Dubois", "+33612345603", 1980)
		var got []int64
		var after Cursor
		for range 5 {
			items, next, err := InboxPage(ctx, d, f.lilleScope, InboxFilter{After: after}, 3)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range items {
				got = append(got, it.ID)
			}
			if next.ID == 0 {
				break
			}
			after = ParseCursor(next.String())
		}
		if len(got) != len(want) {
			t.Fatalf("got %v, want %v", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("got %v, want %v", got, want)
			}
		}
		Assign(ctx, d, f.lilleScope, []int64{want[2], want[4]}, f.adviser, f.adviser.ID)
		mine, _, _ := InboxPage(ctx, d, f.lilleScope, InboxFilter{Assignee: AssigneeMe}, 10)
		none, _, _ := InboxPage(ctx, d, f.lilleScope, InboxFilter{Assignee: AssigneeNone}, 10)
		if len(mine) != 2 || mine[0].ID != want[2] || mine[0].AssignedName != "Karim" || len(none) != 6 {
			t.Fatalf("mine %d, nobody's %d", len(mine), len(none))
		}
		// One antenna; a status; an antenna out of scope.
		if items, _, _ := InboxPage(ctx, d, f.lilleScope, InboxFilter{AntennaID: f.dzaleka}, 10); len(items) != 3 {
			t.Fatalf("Dzaleka: %d", len(items))
		}
		SetStatus(ctx, d, want[0], Positioned, "", f.adviser.ID)
		if items, _, _ := InboxPage(ctx, d, f.lilleScope, InboxFilter{Status: Positioned}, 10); len(items) != 1 || items[0].ID != want[0] {
			t.Fatalf("positioned: %d", len(items))
		}
		if items, _, _ := InboxPage(ctx, d, f.lilleScope, InboxFilter{AntennaID: f.bordeaux}, 10); len(items) != 0 {
			t.Fatal("another antenna's inbox")
		}
		// Closed files leave the inbox.
		SetStatus(ctx, d, want[1], NotEligible, "âge", f.adviser.ID)
		if items, _, _ := InboxPage(ctx, d, f.lilleScope, InboxFilter{}, 10); len(items) != 7 {
			t.Fatalf("after a decision: %d", len(items))
		}
	})
}

func TestFilteredCombinesFilters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		now := time.Now()
		old := f.registerAt(t, f.lille, "Ancienne", now.AddDate(0, 0, -40), "rsa")
		rsa := f.registerAt(t, f.lille, "Recente", now.AddDate(0, 0, -2), "rsa", "qpv")
		other := f.registerAt(t, f.lille, "Autre", now.AddDate(0, 0, -1), "asylum")
		f.registerAt(t, f.bordeaux, "Bordelaise", now.AddDate(0, 0, -1), "rsa")
		SetStatus(ctx, d, other.ID, Contacted, "", 0)
		antennas := orgAntennas(t, f)
		ids := func(fl ListFilter) []int64 {
			t.Helper()
			list, _, err := Filtered(ctx, d, f.lilleScope, antennas, fl, 50, 500)
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, l := range list {
				out = append(out, l.ID)
			}
			return out
		}
		if got := ids(ListFilter{Situation: "rsa"}); len(got) != 2 || got[0] != rsa.ID || got[1] != old.ID {
			t.Errorf("rsa: %v", got)
		}
		from := now.AddDate(0, 0, -7).Format(time.DateOnly)
		if got := ids(ListFilter{Situation: "rsa", From: from}); len(got) != 1 || got[0] != rsa.ID {
			t.Errorf("rsa this week: %v", got)
		}
		if got := ids(ListFilter{Status: Contacted}); len(got) != 1 || got[0] != other.ID {
			t.Errorf("contacted: %v", got)
		}
		if got := ids(ListFilter{To: now.AddDate(0, 0, -30).Format(time.DateOnly)}); len(got) != 1 || got[0] != old.ID {
			t.Errorf("until a month ago: %v", got)
		}
		Assign(ctx, d, f.lilleScope, []int64{old.ID}, f.adviser, f.adviser.ID)
		if got := ids(ListFilter{Assignee: AssigneeMe}); len(got) != 1 || got[0] != old.ID {
			t.Errorf("mine: %v", got)
		}
		if got := ids(ListFilter{Q: "test", Situation: "asylum"}); len(got) != 1 || got[0] != other.ID {
			t.Errorf("search and situation: %v", got)
		}
		if got := ids(ListFilter{IDs: []int64{old.ID, other.ID}}); len(got) != 2 {
			t.Errorf("ticked: %v", got)
		}
		if got := ids(ListFilter{AntennaID: f.bordeaux}); len(got) != 0 {
			t.Errorf("another antenna: %v", got)
		}
		q, bad := ParseListFilter(map[string][]string{"from": {"2026-13-01"}, "to": {"2026-01-01"}, "situation": {"nope"}, "status": {"received"}})
		if bad["from"] != "learner.date_invalid" || q.Situation != "" || q.Status != Received || q.To != "2026-01-01" {
			t.Errorf("parse: %+v %v", q, bad)
		}
		if _, bad := ParseListFilter(map[string][]string{"from": {"2026-02-01"}, "to": {"2026-01-01"}}); bad["to"] != "learner.period_reversed" {
			t.Errorf("reversed: %v", bad)
		}
	})
}

func TestTodayCountsStopAtTheirLimit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		start := time.Now().Add(-time.Hour)
		var ids []int64
		for i := range 5 {
			ids = append(ids, f.registerAt(t, f.lille, string(rune('A'+i)), start.Add(time.Duration(i)*time.Minute)).ID)
		}
		f.register(t, f.dzaleka, "Grace", "Banda", "+265991234567", 1990)
		f.register(t, f.bordeaux, "Pierre", "Dubois", "+33612345603", 1980)
		for _, c := range []struct {
			sc          auth.Scope
			limit, want int
		}{{f.lilleScope, 100, 6}, {f.lilleScope, 3, 3}, {f.bordeauxScope, 100, 1}, {auth.Scope{All: true}, 100, 7}, {auth.Scope{All: true}, 4, 4}} {
			if n, err := NewRegistrations(ctx, d, c.sc, c.limit); err != nil || n != c.want {
				t.Errorf("new registrations %+v limit %d: %d %v, want %d", c.sc, c.limit, n, err, c.want)
			}
		}
		AddContact(ctx, d, &Contact{LearnerID: ids[0], Kind: "reached", StaffID: f.adviser.ID})
		Assign(ctx, d, f.lilleScope, ids[:2], f.adviser, f.adviser.ID)
		if n, _ := NewRegistrations(ctx, d, f.lilleScope, 100); n != 5 {
			t.Errorf("after a contact: %d", n)
		}
		if n, _ := MyQueue(ctx, d, f.adviser.ID, 100); n != 2 {
			t.Errorf("my queue: %d", n)
		}
	})
}
