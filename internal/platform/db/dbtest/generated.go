package dbtest

import (
	"context"
	"os"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"tremplin/internal/platform/db"
)

// GeneratedURL is the database the scale benchmarks run on, made by
// `tremplin generate` and named by TREMPLIN_BENCH_DATABASE (a SQLite file path or
// a postgres:// URL). Without it the benchmark is skipped, so go test stays fast.
func GeneratedURL(b testing.TB) string {
	b.Helper()
	where := os.Getenv("TREMPLIN_BENCH_DATABASE")
	if where == "" {
		b.Skip("set TREMPLIN_BENCH_DATABASE to a generated database (a SQLite path or a postgres:// URL)")
	}
	if !strings.HasPrefix(where, "postgres") && !strings.HasPrefix(where, "sqlite:") {
		where = "sqlite:" + where
	}
	return where
}

// Generated opens the database of GeneratedURL, closed when the benchmark ends.
func Generated(b testing.TB) *db.DB {
	b.Helper()
	d, err := db.Open(context.Background(), GeneratedURL(b), "")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Close() })
	return d
}

// Percentiles reports the median, the 95th percentile and the longest of times,
// in milliseconds (p50-ms, p95-ms, max-ms), beside the benchmark's own figures.
func Percentiles(b *testing.B, times []time.Duration) {
	slices.Sort(times)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(times[len(times)/2]), "p50-ms")
	b.ReportMetric(ms(times[len(times)*95/100]), "p95-ms")
	b.ReportMetric(ms(times[len(times)-1]), "max-ms")
}

// CPUTime is the processor time this process has used so far (SQLite runs in
// it): on a machine shared with other work, the wall clock says more about the
// neighbours than about the query.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
