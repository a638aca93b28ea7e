// Package dbtest runs a test against every database engine Tremplin supports: a fresh
// SQLite file always, and a fresh PostgreSQL schema when TREMPLIN_TEST_DATABASE_URL
// is set.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"net/url"
	"os"
	"strings"
	"testing"

	"tremplin/internal/platform/db"
)

// Each runs fn once per engine, in subtests named "sqlite" and "postgres".
func Each(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, Open(t, db.SQLite)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Open(t, db.Postgres)) })
}

// URL returns a database URL for a new, empty database of the given engine, removed
// when the test ends. For PostgreSQL it is a new schema in the test database. The
// test skips when PostgreSQL is not configured.
func URL(t testing.TB, engine db.Engine) string {
	t.Helper()
	if engine == db.SQLite {
		return "sqlite:" + t.TempDir() + "/test.db"
	}
	base := os.Getenv("TREMPLIN_TEST_DATABASE_URL")
	if base == "" {
		t.Skip("PostgreSQL tests skipped: set TREMPLIN_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test to run them")
	}
	schema := "t_" + strings.ToLower(rand.Text()[:12])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("postgres at %s: %v", base, err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer admin.Close()
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("TREMPLIN_TEST_DATABASE_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Open returns a migrated, empty database of the given engine.
func Open(t testing.TB, engine db.Engine) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), URL(t, engine), "")
	if err != nil {
		t.Fatalf("open %s: %v", engine, err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}
