package impact

import (
	"cmp"
	"context"
	"maps"
	"os"
	"slices"
	"testing"
	"time"

	"tremplin/internal/learners"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/platform/i18n"
)

// The scale benchmarks run on a database made by `tremplin generate`, named by
// TREMPLIN_BENCH_DATABASE: a SQLite file path, or a postgres:// URL. Without it
// they are skipped, so that go test stays fast.
//
//	tremplin generate --learners 1000000 --data /tmp/big
//	TREMPLIN_BENCH_DATABASE=/tmp/big/tremplin.db go test ./internal/impact -run XXX -bench . -benchtime 20x
func benchDB(b *testing.B) *db.DB {
	b.Helper()
	d := dbtest.Generated(b)
	// As at start-up: a database generated before the search keys gets them, once.
	if err := learners.FillKeys(context.Background(), d, os.Stderr); err != nil {
		b.Fatal(err)
	}
	return d
}

var benchYear = Filter{From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)}

// dashboard is what the dashboard page computes: figures, tables, charts.
func dashboard(b *testing.B, d *db.DB, f Filter) *Figures {
	fig, err := Compute(context.Background(), d, f)
	if err != nil {
		b.Fatal(err)
	}
	p := i18n.For("fr")
	views(p, fig.Tables(p), map[string]int{"summary": 1, "situation": 1, "band": 1, "gender": 1, "programme": 1, "level": 1, "partners": 1})
	return fig
}

func BenchmarkNationalDashboard(b *testing.B) {
	d := benchDB(b)
	fig := dashboard(b, d, benchYear) // brings the counters up to date once
	b.Logf("2025, whole association: %+v, %.1f hours", fig.Counts, fig.Training.Hours())
	var times []time.Duration
	for b.Loop() {
		t := time.Now()
		dashboard(b, d, benchYear)
		times = append(times, time.Since(t))
	}
	dbtest.Percentiles(b, times)
}

func BenchmarkAntennaDashboard(b *testing.B) {
	d := benchDB(b)
	var ids []int64
	rows, err := d.QueryContext(context.Background(), "SELECT id FROM antennas ORDER BY id")
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	dashboard(b, d, benchYear)
	var times []time.Duration
	i := 0
	for b.Loop() {
		f := benchYear
		f.Antennas = []int64{ids[i%len(ids)]}
		i++
		t := time.Now()
		dashboard(b, d, f)
		times = append(times, time.Since(t))
	}
	dbtest.Percentiles(b, times)
}

// BenchmarkLearnerSearch runs the learners package's search as staff do: by the start
// of any word of the names, by a whole phone and by its start or end, for an
// adviser of one antenna and for a national admin.
func BenchmarkLearnerSearch(b *testing.B) {
	d := benchDB(b)
	ctx := context.Background()
	var adviser auth.Staff
	if err := d.QueryRowContext(context.Background(), "SELECT s.id FROM staff s JOIN staff_antennas sa ON sa.staff_id = s.id WHERE s.role = 'adviser' ORDER BY s.id LIMIT 1").
		Scan(&adviser.ID); err != nil {
		b.Fatal(err)
	}
	adviser.Role = auth.Adviser
	admin := auth.Staff{ID: 0, Role: auth.Admin}
	var phone string
	if err := d.QueryRowContext(context.Background(), "SELECT phone FROM learners ORDER BY id DESC LIMIT 1").Scan(&phone); err != nil {
		b.Fatal(err)
	}
	// Names by the start of any word, in any order; whole phones; parts of phones
	// (the end, a national start, an international start).
	queries := []string{"dia", "Martin", "fatou", "traoré a", "nguyen", "ah", "Keita Moussa", "ba", "zain", "benali", phone, "0" + phone[3:],
		"a", "m", "a traoré", "jean claude", "fatou d", "moussa k", "z", "sow aminata",
		"fatou amina", "KONE", "moussa diallo traoré", phone[len(phone)-4:len(phone)-2] + " " + phone[len(phone)-2:],
		"0" + phone[3:4] + " " + phone[4:6], "+33 " + phone[3:4] + " " + phone[4:6], "0" + phone[3:9]}
	var times []time.Duration
	worst := map[string]time.Duration{}
	i := 0
	for b.Loop() {
		st, who := &adviser, "adviser"
		if i%2 == 1 {
			st, who = &admin, "admin"
		}
		q := queries[(i/2)%len(queries)]
		i++
		t := time.Now()
		if _, err := learners.Search(ctx, d, st.Scope(), []string{"FR"}, q, learners.SearchLimit); err != nil {
			b.Fatal(err)
		}
		took := time.Since(t)
		times = append(times, took)
		worst[who+" "+q] = max(worst[who+" "+q], took)
	}
	dbtest.Percentiles(b, times)
	slowest := slices.SortedFunc(maps.Keys(worst), func(a, b string) int { return cmp.Compare(worst[b], worst[a]) })
	for _, q := range slowest[:min(3, len(slowest))] {
		b.Logf("slowest: %q %v", q, worst[q])
	}
}

// BenchmarkNationalDashboardMidMonth is a period cut in the middle of months: whole
// months in between, days at both ends.
func BenchmarkNationalDashboardMidMonth(b *testing.B) {
	d := benchDB(b)
	f := Filter{From: time.Date(2025, 1, 15, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 12, 14, 0, 0, 0, 0, time.UTC)}
	dashboard(b, d, f)
	var times []time.Duration
	for b.Loop() {
		t := time.Now()
		dashboard(b, d, f)
		times = append(times, time.Since(t))
	}
	dbtest.Percentiles(b, times)
}

// BenchmarkNationalNoShows is the dashboard's no-shows at appointments for the
// whole association's year, and for a period cut in the middle of months (read
// from the counters, brought up to date once before).
func BenchmarkNationalNoShows(b *testing.B) {
	d := benchDB(b)
	mid := Filter{From: time.Date(2025, 1, 15, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 12, 14, 0, 0, 0, 0, time.UTC)}
	p := i18n.For("fr")
	noShows := func(f Filter) *NoShows {
		ns, err := ComputeNoShows(context.Background(), d, f)
		if err != nil {
			b.Fatal(err)
		}
		ns.Tables(p)
		return ns
	}
	ns := noShows(benchYear)
	b.Logf("2025, whole association: %d appointments with an outcome, no-shows %+v reminded, %+v not",
		ns.All.total(), ns.All.RateReminded(), ns.All.RateNot())
	var times []time.Duration
	i := 0
	for b.Loop() {
		f := benchYear
		if i%2 == 1 {
			f = mid
		}
		i++
		t := time.Now()
		noShows(f)
		times = append(times, time.Since(t))
	}
	dbtest.Percentiles(b, times)
}
