package learners

import (
	"context"
	"testing"
	"time"

	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db/dbtest"
)

// The lists' benchmarks run on a database made by `tremplin generate`, named by
// TREMPLIN_BENCH_DATABASE (a SQLite file path or a postgres:// URL); without it
// they are skipped.
//
//	tremplin generate --learners 1000000 --data /tmp/big
//	TREMPLIN_BENCH_DATABASE=/tmp/big/tremplin.db go test ./internal/learners -run XXX -bench Lists -benchtime 20x

// BenchmarkLists walks the inbox, the learners list and the home page's counts
// as the national admin and as an antenna's manager, with each filter.
func BenchmarkLists(b *testing.B) {
	d := dbtest.Generated(b)
	ctx := context.Background()
	var manager, programme, cohort int64
	if err := d.QueryRowContext(context.Background(), `SELECT s.id FROM staff s JOIN staff_antennas sa ON sa.staff_id = s.id
		WHERE s.role = 'manager' ORDER BY s.id LIMIT 1`).Scan(&manager); err != nil {
		b.Fatal(err)
	}
	if err := d.QueryRowContext(context.Background(), `SELECT c.id, c.programme_id FROM cohorts c JOIN staff_antennas sa ON sa.antenna_id = c.antenna_id
		WHERE sa.staff_id = $1 ORDER BY c.starts_on DESC LIMIT 1`, manager).Scan(&cohort, &programme); err != nil {
		b.Fatal(err)
	}
	admin := auth.Scope{All: true, StaffID: 1}
	mgr := auth.Scope{StaffID: manager}
	antennas := map[bool][]*org.Antenna{}
	for _, all := range []bool{true, false} {
		sc := mgr
		if all {
			sc = admin
		}
		list, err := org.Antennas(ctx, d, sc)
		if err != nil {
			b.Fatal(err)
		}
		antennas[all] = list
	}
	month := time.Now().AddDate(0, -1, 0).Format(time.DateOnly)
	type query struct {
		name string
		run  func(sc auth.Scope, all bool) error
	}
	inbox := func(f InboxFilter, pages int) func(auth.Scope, bool) error {
		return func(sc auth.Scope, _ bool) error {
			for range pages {
				_, next, err := InboxPage(ctx, d, sc, f, InboxLimit)
				if err != nil || next.ID == 0 {
					return err
				}
				f.After = next
			}
			return nil
		}
	}
	list := func(f ListFilter) func(auth.Scope, bool) error {
		return func(sc auth.Scope, all bool) error {
			_, _, err := Filtered(ctx, d, sc, antennas[all], f, SearchLimit, searchPool)
			return err
		}
	}
	queries := []query{
		{"inbox", inbox(InboxFilter{}, 1)},
		{"inbox-page5", inbox(InboxFilter{}, 5)},
		{"inbox-none", inbox(InboxFilter{Assignee: AssigneeNone}, 1)},
		{"inbox-mine", inbox(InboxFilter{Assignee: AssigneeMe}, 1)},
		{"inbox-offered", inbox(InboxFilter{Status: Offered}, 1)},
		{"list", list(ListFilter{})},
		{"list-status", list(ListFilter{Status: Waitlisted})},
		{"list-situation-status", list(ListFilter{Situation: "asylum", Status: Completed})},
		{"list-period", list(ListFilter{From: month})},
		{"list-programme", list(ListFilter{ProgrammeID: programme})},
		{"list-cohort", list(ListFilter{CohortID: cohort})},
		{"list-search-status", list(ListFilter{Q: "mar", Status: Completed})},
		{"today-new", func(sc auth.Scope, _ bool) error { _, err := NewRegistrations(ctx, d, sc, 100); return err }},
	}
	for _, q := range queries {
		for _, who := range []struct {
			name string
			sc   auth.Scope
			all  bool
		}{{"admin", admin, true}, {"manager", mgr, false}} {
			b.Run(q.name+"/"+who.name, func(b *testing.B) {
				var times []time.Duration
				for b.Loop() {
					t := time.Now()
					if err := q.run(who.sc, who.all); err != nil {
						b.Fatal(err)
					}
					times = append(times, time.Since(t))
				}
				dbtest.Percentiles(b, times)
			})
		}
	}
}
