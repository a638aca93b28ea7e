package db_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
)

func TestMigrateTwiceIsHarmless(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if err := d.Migrate(ctx); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
		ms, _ := db.Migrations()
		var n int
		if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM schema_migrations").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != len(ms) {
			t.Fatalf("schema_migrations has %d rows, want %d", n, len(ms))
		}
	})
}

func TestUniqueViolationIsRecognised(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ins := "INSERT INTO antennas (name, city, country, timezone, created_at, updated_at) VALUES ($1, 'Lille', 'FR', 'Europe/Paris', $2, $2)"
		if _, err := d.Exec(ctx, ins, "Lille", db.Now()); err != nil {
			t.Fatal(err)
		}
		_, err := d.Exec(ctx, ins, "Lille", db.Now())
		if !db.IsUniqueViolation(err) {
			t.Fatalf("second insert: got %v, want a unique violation", err)
		}
	})
}

// Many concurrent writers must all succeed: SQLite writes are queued, never
// answered with "database is locked".
func TestConcurrentWritesAllSucceed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var wg sync.WaitGroup
		errs := make(chan error, 50)
		for i := range 50 {
			wg.Go(func() {
				errs <- d.Tx(ctx, func(tx *sql.Tx) error {
					_, err := tx.ExecContext(ctx, "INSERT INTO login_failures (email, address, at) VALUES ($1, $2, $3)", "a@b.c", "127.0.0.1", i)
					return err
				})
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("concurrent write: %v", err)
			}
		}
		var n int
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM login_failures").Scan(&n)
		if n != 50 {
			t.Fatalf("%d rows written, want 50", n)
		}
	})
}

func TestBackupIsAReadableCopy(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t, db.SQLite)
	if _, err := d.Exec(ctx, "INSERT INTO antennas (name, city, country, timezone, created_at, updated_at) VALUES ('Bordeaux', 'Bordeaux', 'FR', 'Europe/Paris', $1, $1)", db.Now()); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "copy.db")
	if err := d.Backup(ctx, out); err != nil {
		t.Fatal(err)
	}
	if err := d.Backup(ctx, out); err == nil {
		t.Fatal("a second backup over the first must be refused")
	}
	c, err := db.Open(ctx, "sqlite:"+out, "")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var name string
	if err := c.QueryRowContext(ctx, "SELECT name FROM antennas").Scan(&name); err != nil || name != "Bordeaux" {
		t.Fatalf("backup holds %q, %v", name, err)
	}
}

func TestUnreachablePostgresIsUnavailable(t *testing.T) {
	_, err := db.Open(context.Background(), "postgres://nobody@127.0.0.1:1/none?connect_timeout=2", "")
	if err == nil {
		t.Fatal("opening a closed port must fail")
	}
	if !db.IsUnavailable(errors.Unwrap(err)) && !db.IsUnavailable(err) {
		t.Fatalf("%v is not recognised as the database being unavailable", err)
	}
}

// Conditions built apart from each other with Args number their placeholders in
// the order they are added, so the query finds what each condition asked for.
func TestArgsNumberPlaceholdersInOrder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ins := "INSERT INTO antennas (name, city, country, timezone, created_at, updated_at) VALUES ($1, $2, 'FR', 'Europe/Paris', $3, $3)"
		for _, a := range [][2]string{{"Lille", "Lille"}, {"Roubaix", "Lille"}, {"Paris", "Paris"}} {
			if _, err := d.Exec(ctx, ins, a[0], a[1], db.Now()); err != nil {
				t.Fatal(err)
			}
		}
		args := db.Args{}
		city := "city = " + args.Add("Lille")
		names := "name IN (" + args.In("Roubaix", "Paris", "Bordeaux") + ")"
		if city != "city = $1" || names != "name IN ($2, $3, $4)" {
			t.Fatalf("placeholders: %q %q", city, names)
		}
		var got []string
		rows, err := d.QueryContext(ctx, "SELECT name FROM antennas WHERE "+city+" AND "+names+" ORDER BY name", args...)
		got, err = db.Collect[string](rows, err)(func(s db.Scanner) (string, error) {
			var n string
			return n, s.Scan(&n)
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0] != "Roubaix" {
			t.Fatalf("found %v, want [Roubaix]", got)
		}
	})
}

// Each hands every row to its function and stops at the first error, which it
// returns; the rows are closed either way, so the next query on the same
// connection is not blocked.
func TestEachStopsAtTheFirstError(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ins := "INSERT INTO antennas (name, city, country, timezone, created_at, updated_at) VALUES ($1, 'Lille', 'FR', 'Europe/Paris', $2, $2)"
		for _, name := range []string{"A", "B", "C"} {
			if _, err := d.Exec(ctx, ins, name, db.Now()); err != nil {
				t.Fatal(err)
			}
		}
		const q = "SELECT name FROM antennas ORDER BY name"
		t.Run("every row", func(t *testing.T) {
			var seen []string
			err := db.Each(d.QueryContext(ctx, q))(func(row db.Scanner) error {
				var n string
				seen = append(seen, n)
				return row.Scan(&seen[len(seen)-1])
			})
			if err != nil || strings.Join(seen, "") != "ABC" {
				t.Fatalf("seen %v, err %v", seen, err)
			}
		})
		t.Run("stops at an error", func(t *testing.T) {
			stop := errors.New("enough")
			calls := 0
			err := db.Each(d.QueryContext(ctx, q))(func(row db.Scanner) error {
				calls++
				if calls == 2 {
					return stop
				}
				return nil
			})
			if !errors.Is(err, stop) || calls != 2 {
				t.Fatalf("calls %d, err %v", calls, err)
			}
		})
		t.Run("query error", func(t *testing.T) {
			err := db.Each(d.QueryContext(ctx, "SELECT nothing FROM nowhere"))(func(db.Scanner) error {
				t.Fatal("called for a query that failed")
				return nil
			})
			if err == nil {
				t.Fatal("no error for a query on a missing table")
			}
		})
	})
}

// The staff role check was widened in place (migration 0081): the new role is
// accepted, an unknown one still refused, and the accounts' antennas, which
// reference the table, are kept.
func TestWidenedRoleCheck(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		insert := func(email, role string) error {
			_, err := d.ExecContext(ctx, `INSERT INTO staff (name, email, role, created_at, updated_at) VALUES ('x', $1, $2, '', '')`, email, role)
			return err
		}
		if err := insert("f@example.org", "fundraising"); err != nil {
			t.Fatalf("a fundraising account is refused: %v", err)
		}
		if err := insert("g@example.org", "treasurer"); err == nil {
			t.Fatal("an unknown role is accepted")
		}
		var id, antenna int64
		if err := d.QueryRowContext(ctx, "SELECT id FROM staff WHERE email = 'f@example.org'").Scan(&id); err != nil {
			t.Fatal(err)
		}
		if err := d.QueryRowContext(ctx, `INSERT INTO antennas (name, city, country, timezone, created_at, updated_at)
			VALUES ('A', 'B', 'FR', 'Europe/Paris', '', '') RETURNING id`).Scan(&antenna); err != nil {
			t.Fatal(err)
		}
		if _, err := d.ExecContext(ctx, "INSERT INTO staff_antennas (staff_id, antenna_id) VALUES ($1, $2)", id, antenna); err != nil {
			t.Fatal(err)
		}
		// The reference still holds: deleting the account takes its antennas.
		if _, err := d.ExecContext(ctx, "DELETE FROM staff WHERE id = $1", id); err != nil {
			t.Fatal(err)
		}
		var n int
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM staff_antennas WHERE staff_id = $1", id).Scan(&n)
		if n != 0 {
			t.Errorf("%d antennas left behind a deleted account: the foreign key was lost", n)
		}
	})
}
