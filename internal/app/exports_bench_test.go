package app_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"tremplin/internal/app"
	"tremplin/internal/platform/db/dbtest"
)

// benchExports are the lists a national admin may download whole: the two
// formats of each, and a learners list through the list page's other filters.
// One antenna's learners (the first antenna), a hundredth of the rows,
// show whether the memory grows with them.
var benchExports = []string{
	"/exports/learners.csv?antenna={antenna}",
	"/exports/learners.xlsx?antenna={antenna}",
	"/exports/learners.csv",
	"/exports/learners.xlsx",
	"/exports/learners.csv?situation=rsa",
	"/exports/cohorts.csv",
	"/exports/cohorts.xlsx",
	"/exports/referrals.csv",
	"/exports/referrals.xlsx",
}

// BenchmarkExports downloads each national list once as the national admin of a
// generated database (TREMPLIN_BENCH_DATABASE: a SQLite path or a postgres://
// URL; the database is migrated, so give a copy), and reports the time to the
// first byte (the goal: a second at most), the whole time, the size and the
// server's peak heap growth (the goal: flat, whatever the number of rows). The
// sizes are what travels: CSV gzipped, XLSX as it is (a zip archive already).
//
//	TREMPLIN_BENCH_DATABASE=/tmp/copy/tremplin.db go test ./internal/app -run XXX -bench Exports -benchtime 1x -timeout 1h
func BenchmarkExports(b *testing.B) {
	where := dbtest.GeneratedURL(b)
	a, err := app.New(context.Background(), app.Config{DatabaseURL: where, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	c := walkSignIn(b, srv.URL, walkViewers[0].email)
	var antenna int64
	if err := a.DB.QueryRowContext(context.Background(), "SELECT MIN(id) FROM antennas").Scan(&antenna); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		fmt.Printf("\n%-40s %12s %12s %10s %10s\n", "national admin", "first byte", "whole", "MB", "heap +MB")
		for _, p := range benchExports {
			path := strings.ReplaceAll(p, "{antenna}", strconv.FormatInt(antenna, 10))
			m := walkFile(b, c, srv.URL+path)
			fmt.Printf("%-40s %9.0f ms %9.0f ms %10.1f %10.1f\n", path, ms(m.first), ms(m.total),
				float64(m.bytes)/(1<<20), float64(m.heap)/(1<<20))
		}
	}
}
