package db_test

import (
	"context"
	"testing"

	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
)

// Every index the migrations declare is in a freshly migrated database: the
// start's check finds nothing to make again.
func TestDeclaredIndexesAreThere(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		made, err := d.RepairIndexes(context.Background())
		if err != nil || len(made) > 0 {
			t.Fatalf("made %v, err %v", made, err)
		}
		declared, _ := db.DeclaredIndexes()
		if len(declared) < 100 {
			t.Fatalf("only %d indexes declared", len(declared))
		}
	})
}

// An index dropped by hand (or lost otherwise) is made again at the next start.
func TestMissingIndexIsMadeAgainAtStart(t *testing.T) {
	for _, engine := range []db.Engine{db.SQLite, db.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			url := dbtest.URL(t, engine)
			d, err := db.Open(ctx, url, "")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := d.Exec(ctx, "DROP INDEX learners_name"); err != nil {
				t.Fatal(err)
			}
			d.Close()
			if d, err = db.Open(ctx, url, ""); err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			q := "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'learners_name'"
			if engine == db.Postgres {
				q = "SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname = 'learners_name'"
			}
			var n int
			if err := d.QueryRowContext(ctx, q).Scan(&n); err != nil || n != 1 {
				t.Fatalf("learners_name after the start: %d %v", n, err)
			}
		})
	}
}
