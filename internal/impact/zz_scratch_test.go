package impact

import (
	"context"
	"os"
	"testing"
	"time"

	"tremplin/internal/platform/db"
)

func TestZZPG(t *testing.T) {
	where := os.Getenv("ZZDB")
	if where == "" {
		t.Skip()
	}
	d, err := db.Open(context.Background(), where, "")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for range 2 {
		s := time.Now()
		w, _ := readWatermark(ctx, d, false)
		t.Log("wm", time.Since(s), w)
		s = time.Now()
		ok, err := stale(ctx, d, w)
		t.Log("stale", ok, err, time.Since(s))
		s = time.Now()
		_, err = read(ctx, d, benchYear)
		t.Log("read", err, time.Since(s))
	}
	for _, q := range []string{"SELECT 1 FROM learners WHERE updated_at >= $1 LIMIT 1", "SELECT 1 FROM attendance WHERE marked_at >= $1 LIMIT 1",
		"SELECT 1 FROM learner_followups WHERE recorded_at >= $1 AND recorded_at <> '' LIMIT 1", "SELECT 1 FROM enrolments WHERE updated_at >= $1 LIMIT 1",
		"SELECT 1 FROM positioning_tests WHERE taken_at >= $1 LIMIT 1", "SELECT 1 FROM cohorts WHERE updated_at >= $1 LIMIT 1"} {
		rows, err := d.Query("EXPLAIN ANALYZE "+q, "2026-11-28T20:00:00Z")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			rows.Scan(&s)
			t.Log(s)
		}
		rows.Close()
	}
}
