package dbtest

import (
	"context"
	"os"
	"strings"
	"testing"

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
