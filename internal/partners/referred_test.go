package partners_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"tremplin/internal/learners"
	"tremplin/internal/partners"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
)

// The referrals export reads every referred person a page at a time, in the
// order the referrals list shows (newest first, ties by id) and each referral's
// people in the order sent: the same lines as reading each referral's people in
// turn, within the scope and the organisation asked for.
func TestEachReferredPersonPagesInTheListsOrder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		defer partners.SetReferredPage(2)()
		at := time.Date(2026, 10, 5, 9, 0, 0, 0, time.UTC)
		n := 0
		for i, r := range []struct {
			org     *partners.Org
			antenna int64
			people  int
			at      time.Time
		}{
			{f.orgA, f.lille, 2, at},
			{f.orgA, f.lille, 3, at.Add(time.Hour)},
			{f.orgB, f.rennes, 1, at.Add(time.Hour)}, // same time as the one before
			{f.orgA, f.lille, 1, at.Add(2 * time.Hour)},
			{f.orgA, f.lille, 2, at.Add(time.Hour)},
			{f.orgB, f.rennes, 2, at.Add(-time.Hour)},
		} {
			var people []*learners.Learner
			for range r.people {
				n++
				people = append(people, person(fmt.Sprintf("P%02d-%d", n, i), n))
			}
			ref := &partners.Referral{OrgID: r.org.ID, AntennaID: r.antenna, Source: "import", CreatedAt: r.at}
			if err := partners.CreateReferral(ctx, d, ref, people); err != nil {
				t.Fatal(err)
			}
		}
		// A referral whose people are gone (none is ever deleted today) is passed
		// over, and does not end the walk early.
		if _, err := d.Exec(ctx, `INSERT INTO referrals (org_id, antenna_id, source, created_at) VALUES ($1, $2, 'import', $3),
			($1, $2, 'import', $3)`, f.orgA.ID, f.lille, db.FormatTime(at.Add(90*time.Minute))); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name  string
			scope auth.Scope
			org   int64
			lines int
		}{
			{"national", auth.Scope{All: true}, 0, 11},
			{"Lille adviser", f.adviserInLille, 0, 8},
			{"one organisation", auth.Scope{All: true}, f.orgB.ID, 3},
			{"another antenna's organisation", f.adviserInLille, f.orgB.ID, 0},
		} {
			var want []string
			refs, err := partners.Referrals(ctx, d, c.scope, c.org, 1000)
			if err != nil {
				t.Fatal(err)
			}
			for _, ref := range refs {
				people, err := partners.People(ctx, d, ref.ID)
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range people {
					want = append(want, fmt.Sprintf("%d %s %s %d %s %s", ref.ID, ref.CreatedAt.Format(time.RFC3339), ref.OrgName,
						p.LearnerID, p.FirstName, p.State))
				}
			}
			var got []string
			err = partners.EachReferredPerson(ctx, d, c.scope, c.org, func(rp *partners.ReferredPerson) error {
				r, p := rp.Referral, rp.Person
				got = append(got, fmt.Sprintf("%d %s %s %d %s %s", r.ID, r.CreatedAt.Format(time.RFC3339), r.OrgName,
					p.LearnerID, p.FirstName, p.State))
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) || len(got) != c.lines {
				t.Errorf("%s: %d lines\n%q\nwant %d\n%q", c.name, len(got), got, c.lines, want)
			}
		}
	})
}
