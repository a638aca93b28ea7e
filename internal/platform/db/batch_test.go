package db_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
)

// batchRow is a row of the table the batch tests write.
type batchRow struct {
	id   int64
	name sql.NullString
	flag bool
	at   time.Time
}

// values are the row as given to Batch.Add: NULL for no name, the time as stored.
func (r batchRow) values() []any {
	var name any
	if r.name.Valid {
		name = r.name.String
	}
	return []any{r.id, name, r.flag, db.FormatTime(r.at)}
}

var batchCols = []string{"id", "name", "flag", "at"}

// batchRows are awkward values: a quote, a backslash, NULL against the empty
// string, a name in Arabic script, both booleans, a time.
var batchRows = []batchRow{
	{1, sql.NullString{String: "Aïcha O'Brien", Valid: true}, true, time.Date(2025, 3, 30, 1, 30, 0, 0, time.UTC)},
	{2, sql.NullString{}, false, time.Date(2024, 2, 29, 23, 59, 59, 0, time.UTC)},
	{3, sql.NullString{String: "", Valid: true}, false, time.Date(2022, 1, 3, 8, 0, 0, 0, time.UTC)},
	{4, sql.NullString{String: "محمد", Valid: true}, true, time.Date(2026, 6, 30, 12, 0, 0, 0, time.UTC)},
	{5, sql.NullString{String: `C:\dossier\''`, Valid: true}, true, time.Date(2023, 10, 29, 2, 30, 0, 0, time.UTC)},
}

// readBatchRows returns the rows of batch_rows, by id, through q (a transaction
// sees its own rows).
func readBatchRows(t *testing.T, q db.Execer) []batchRow {
	t.Helper()
	rows, err := q.QueryContext(context.Background(), "SELECT id, name, flag, at FROM batch_rows ORDER BY id")
	got, err := db.Collect[batchRow](rows, err)(func(s db.Scanner) (batchRow, error) {
		var r batchRow
		var at string
		err := s.Scan(&r.id, &r.name, &r.flag, &at)
		r.at = db.ParseTime(at)
		return r, err
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func checkBatchRows(t *testing.T, got, want []batchRow) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d rows read back, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		if g := got[i]; g.id != w.id || g.name != w.name || g.flag != w.flag || !g.at.Equal(w.at) {
			t.Errorf("row %d reads back as %+v, want %+v", i, g, w)
		}
	}
}

// Rows added through a Batch read back as they were given, however the
// statements are cut, and whether they are run as they fill, held until Flush,
// or handed over to be run elsewhere.
func TestBatchRowsReadBack(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.Exec(ctx, "CREATE TABLE batch_rows (id INTEGER PRIMARY KEY, name TEXT, flag BOOLEAN NOT NULL, at TEXT NOT NULL)"); err != nil {
			t.Fatal(err)
		}
		// add puts every row in b, checking how many are in the table (seen
		// through tx) after each.
		add := func(t *testing.T, tx *sql.Tx, b *db.Batch, written func(added int) int) {
			t.Helper()
			for i, r := range batchRows {
				if err := b.Add(r.values()...); err != nil {
					t.Fatal(err)
				}
				if tx == nil {
					continue
				}
				if n := len(readBatchRows(t, tx)); n != written(i+1) {
					t.Fatalf("%d rows in the table after adding %d, want %d", n, i+1, written(i+1))
				}
			}
		}
		write := func(t *testing.T, fn func(tx *sql.Tx) error) {
			t.Helper()
			if _, err := d.Exec(ctx, "DELETE FROM batch_rows"); err != nil {
				t.Fatal(err)
			}
			if err := d.Tx(ctx, fn); err != nil {
				t.Fatal(err)
			}
			checkBatchRows(t, readBatchRows(t, d), batchRows)
		}

		t.Run("one statement", func(t *testing.T) {
			write(t, func(tx *sql.Tx) error {
				b := db.NewBatch(ctx, tx, "batch_rows", batchCols...)
				add(t, tx, b, func(int) int { return 0 })
				return b.Flush()
			})
		})
		t.Run("a statement as each fills", func(t *testing.T) {
			write(t, func(tx *sql.Tx) error {
				b := db.NewBatch(ctx, tx, "batch_rows", batchCols...)
				b.PerStatement(2)
				add(t, tx, b, func(added int) int { return added / 2 * 2 })
				return b.Flush()
			})
		})
		t.Run("held until flush", func(t *testing.T) {
			write(t, func(tx *sql.Tx) error {
				b := db.NewBatch(ctx, tx, "batch_rows", batchCols...)
				b.PerStatement(2)
				b.Hold()
				add(t, tx, b, func(int) int { return 0 })
				return b.Flush()
			})
		})
		t.Run("statements handed over without a transaction", func(t *testing.T) {
			var jobs []db.BatchJob
			b := db.NewBatch(ctx, nil, "batch_rows", batchCols...)
			b.PerStatement(2)
			b.Emit(func(j db.BatchJob) { jobs = append(jobs, j) }, false)
			add(t, nil, b, nil)
			if len(jobs) != 2 {
				t.Fatalf("%d statements handed over before Flush, want 2", len(jobs))
			}
			if err := b.Flush(); err != nil {
				t.Fatal(err)
			}
			if len(jobs) != 3 {
				t.Fatalf("%d statements handed over, want 3", len(jobs))
			}
			write(t, func(tx *sql.Tx) error {
				for _, j := range jobs {
					if _, err := tx.ExecContext(ctx, j.SQL); err != nil {
						return err
					}
				}
				return nil
			})
		})
		t.Run("rows handed over for COPY", func(t *testing.T) {
			var jobs []db.BatchJob
			b := db.NewBatch(ctx, nil, "batch_rows", batchCols...)
			b.Emit(func(j db.BatchJob) { jobs = append(jobs, j) }, true)
			vals := make([]any, 0, len(batchCols))
			for _, r := range batchRows {
				vals = append(vals[:0], r.values()...) // the batch keeps its own copy
				if err := b.Add(vals...); err != nil {
					t.Fatal(err)
				}
			}
			if err := b.Flush(); err != nil {
				t.Fatal(err)
			}
			if len(jobs) != 1 || jobs[0].SQL != "" || jobs[0].Table != "batch_rows" || len(jobs[0].Cols) != len(batchCols) || len(jobs[0].Rows) != len(batchRows) {
				t.Fatalf("handed over %+v", jobs)
			}
			ins := "INSERT INTO batch_rows (id, name, flag, at) VALUES ($1, $2, $3, $4)"
			write(t, func(tx *sql.Tx) error {
				for _, r := range jobs[0].Rows {
					if _, err := tx.ExecContext(ctx, ins, r...); err != nil {
						return err
					}
				}
				return nil
			})
		})
	})
}
