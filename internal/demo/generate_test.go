package demo

import (
	"context"
	"io"
	"testing"
	"time"

	"tremplin/internal/impact"
	"tremplin/internal/learners"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
)

// A small generated association is consistent: the association's totals are the
// sum of its antennas', every referral is counted once in the funnel, and the
// application can go on writing into it (identity counters moved past its ids).
func TestGeneratedDatasetIsConsistent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if err := Generate(ctx, d, GenerateOptions{Learners: 3000, Antennas: 3, Out: io.Discard}); err != nil {
			t.Fatal(err)
		}
		count := func(q string) int {
			var n int
			if err := d.QueryRowContext(ctx, q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count("SELECT COUNT(*) FROM learners"); n != 3000 {
			t.Fatalf("%d learners", n)
		}
		referred := count("SELECT COUNT(*) FROM referral_people")
		if referred < 300 || referred > 600 {
			t.Errorf("%d people referred out of 3000, want about one in seven", referred)
		}
		if n := count("SELECT COUNT(*) FROM attendance"); n == 0 {
			t.Error("no attendance marks")
		}
		if n := count("SELECT COUNT(*) FROM learners WHERE gender <> ''"); n < 2500 || n == 3000 {
			t.Errorf("%d of 3000 gave their gender, want most but not all", n)
		}
		all := impact.Filter{From: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2030, 12, 31, 0, 0, 0, 0, time.UTC)}
		whole, err := impact.Compute(ctx, d, all)
		if err != nil {
			t.Fatal(err)
		}
		var sum impact.Counts
		var hours float64
		rows, err := d.QueryContext(ctx, "SELECT id FROM antennas ORDER BY id")
		ids, err := db.Collect[int64](rows, err)(db.ScanInt64)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			f := all
			f.Antennas = []int64{id}
			fig, err := impact.Compute(ctx, d, f)
			if err != nil {
				t.Fatal(err)
			}
			c := fig.Counts
			sum = impact.Counts{Registered: sum.Registered + c.Registered, Positioned: sum.Positioned + c.Positioned, Enrolled: sum.Enrolled + c.Enrolled,
				Completed: sum.Completed + c.Completed, Certified: sum.Certified + c.Certified, Dropped: sum.Dropped + c.Dropped}
			hours += fig.Training.Hours()
		}
		if whole.Counts != sum || whole.Counts.Registered != 3000 || whole.Training.Hours() != hours {
			t.Errorf("association %+v %.1f h, sum of antennas %+v %.1f h", whole.Counts, whole.Training.Hours(), sum, hours)
		}
		funnel := 0
		for _, o := range whole.Partners {
			funnel += o.Referred
		}
		if funnel != referred {
			t.Errorf("the funnel counts %d referred people, the database %d", funnel, referred)
		}
		l := &learners.Learner{AntennaID: ids[0], FirstName: "Awa", LastName: "Diallo", Phone: "+33699999999", BirthYear: 1990, ConsentText: "ok"}
		if err := learners.Register(ctx, d, l, "", 0); err != nil {
			t.Fatalf("registering after the generator: %v", err)
		}
	})
}
