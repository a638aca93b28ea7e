package db

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
)

// What a start puts back: the indexes the migrations declare, and what a bulk
// load that stopped midway (a generator killed) left undone.

var (
	comment     = regexp.MustCompile(`--[^\n]*`)
	createIndex = regexp.MustCompile(`(?is)^\s*CREATE\s+(UNIQUE\s+)?INDEX\s+(IF\s+NOT\s+EXISTS\s+)?(\w+)\s+ON\s+(\w+)`)
	dropIndex   = regexp.MustCompile(`(?is)^\s*DROP\s+INDEX\s+(IF\s+EXISTS\s+)?(\w+)`)
	dropTable   = regexp.MustCompile(`(?is)^\s*DROP\s+TABLE\s+(IF\s+EXISTS\s+)?(\w+)`)
	renameTable = regexp.MustCompile(`(?is)^\s*ALTER\s+TABLE\s+(\w+)\s+RENAME\s+TO\s+(\w+)`)
)

// DeclaredIndex is an index that the migrations, applied in order, leave.
type DeclaredIndex struct {
	Name, Table string
	Create      string // the statement that makes it, for both engines' markers
	Version     int    // the migration that makes it
}

// DeclaredIndexes reads the migrations' CREATE INDEX, DROP INDEX, DROP TABLE
// and ALTER TABLE … RENAME TO statements, in order.
func DeclaredIndexes() ([]DeclaredIndex, error) {
	ms, err := Migrations()
	if err != nil {
		return nil, err
	}
	var out []DeclaredIndex
	for _, m := range ms {
		for _, stmt := range strings.Split(comment.ReplaceAllString(m.SQL, ""), ";") {
			switch {
			case createIndex.MatchString(stmt):
				g := createIndex.FindStringSubmatch(stmt)
				out = append(out, DeclaredIndex{Name: strings.ToLower(g[3]), Table: strings.ToLower(g[4]), Create: strings.TrimSpace(stmt), Version: m.Version})
			case dropIndex.MatchString(stmt):
				name := strings.ToLower(dropIndex.FindStringSubmatch(stmt)[2])
				out = deleteIndexes(out, func(ix DeclaredIndex) bool { return ix.Name == name })
			case dropTable.MatchString(stmt):
				table := strings.ToLower(dropTable.FindStringSubmatch(stmt)[2])
				out = deleteIndexes(out, func(ix DeclaredIndex) bool { return ix.Table == table })
			case renameTable.MatchString(stmt):
				g := renameTable.FindStringSubmatch(stmt)
				for i := range out {
					if out[i].Table == strings.ToLower(g[1]) {
						out[i].Table = strings.ToLower(g[2])
					}
				}
			}
		}
	}
	return out, nil
}

func deleteIndexes(ixs []DeclaredIndex, gone func(DeclaredIndex) bool) []DeclaredIndex {
	out := ixs[:0]
	for _, ix := range ixs {
		if !gone(ix) {
			out = append(out, ix)
		}
	}
	return out
}

// ifNotExists makes a CREATE INDEX statement harmless when the index is there.
func ifNotExists(create string) string {
	g := createIndex.FindStringSubmatchIndex(create)
	if g == nil || g[4] >= 0 { // not an index, or IF NOT EXISTS already
		return create
	}
	return create[:g[6]] + "IF NOT EXISTS " + create[g[6]:]
}

// RepairIndexes makes again every index that the migrations declare and the
// database lacks (one lost to a bulk load killed midway, or dropped by hand),
// and returns their names; one that cannot be made stops the start with what
// to do.
func (d *DB) RepairIndexes(ctx context.Context) ([]string, error) {
	declared, err := DeclaredIndexes()
	if err != nil {
		return nil, err
	}
	q := "SELECT name FROM sqlite_master WHERE type = 'index'"
	if d.Engine == Postgres {
		q = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
	}
	have := map[string]bool{}
	err = Each(d.QueryContext(ctx, q))(func(row Scanner) error {
		var name string
		err := row.Scan(&name)
		have[strings.ToLower(name)] = true
		return err
	})
	if err != nil {
		return nil, err
	}
	var made []string
	for _, ix := range declared {
		if have[ix.Name] {
			continue
		}
		slog.Default().Warn("index missing, made again", "index", ix.Name, "table", ix.Table)
		if _, err := d.Exec(ctx, ifNotExists(dialects[d.Engine].Replace(ix.Create))); err != nil {
			return made, fmt.Errorf("the index %s on %s (migration %04d) is missing and could not be made again: %w; "+
				"make it by hand (%s) or restore a backup", ix.Name, ix.Table, ix.Version, err, ix.Create)
		}
		made = append(made, ix.Name)
	}
	return made, nil
}

// bulkLoadLock is held by a bulk load while it runs: a start meanwhile leaves
// its bookkeeping alone.
const bulkLoadLock = "bulk-load"

// BeginLoad starts a bulk load that writes its own ids: until FinishLoad, the
// identity counters are marked as to be moved past them, and no other process
// repairs the load. end releases the lock (the marks stay until FinishLoad).
func (d *DB) BeginLoad(ctx context.Context) (end func(), err error) {
	unlock, ok, err := d.TryLock(ctx, bulkLoadLock)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("another bulk load is running on this database")
	}
	if _, err := d.Exec(ctx, "INSERT INTO bulk_load (name, kind, create_sql) VALUES ('sequences', 'sequences', '') ON CONFLICT DO NOTHING"); err != nil {
		unlock()
		return nil, err
	}
	return unlock, nil
}

// DropIndexForLoad drops an index for the load's speed, having first noted
// how to make it again, in the same transaction.
func (d *DB) DropIndexForLoad(ctx context.Context, name, create string) error {
	return d.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "INSERT INTO bulk_load (name, kind, create_sql) VALUES ($1, 'index', $2)", "index "+name, create); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "DROP INDEX "+name)
		return err
	})
}

// FinishLoad makes again the indexes a load dropped and moves PostgreSQL's
// identity counters past the ids written: at the end of a load, or at the next
// start after one stopped midway.
func (d *DB) FinishLoad(ctx context.Context) error {
	type todo struct{ name, kind, create string }
	list, err := Collect[todo](d.QueryContext(ctx, "SELECT name, kind, create_sql FROM bulk_load ORDER BY name"))(func(row Scanner) (todo, error) {
		var t todo
		return t, row.Scan(&t.name, &t.kind, &t.create)
	})
	if err != nil {
		return err
	}
	for _, t := range list {
		if t.kind == "index" {
			if _, err := d.Exec(ctx, ifNotExists(t.create)); err != nil {
				return fmt.Errorf("%s: %w", t.name, err)
			}
		} else if err := d.resyncSequences(ctx); err != nil {
			return err
		}
		if _, err := d.Exec(ctx, "DELETE FROM bulk_load WHERE name = $1", t.name); err != nil {
			return err
		}
	}
	return nil
}

// resyncSequences moves every identity counter of this schema past the
// largest id of its table (SQLite follows by itself).
func (d *DB) resyncSequences(ctx context.Context) error {
	if d.Engine != Postgres {
		return nil
	}
	type col struct{ table, column string }
	cols, err := Collect[col](d.QueryContext(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND is_identity = 'YES' ORDER BY table_name`))(func(row Scanner) (col, error) {
		var c col
		return c, row.Scan(&c.table, &c.column)
	})
	if err != nil {
		return err
	}
	for _, c := range cols {
		if _, err := d.Exec(ctx, fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%[1]q', '%[2]s'), COALESCE((SELECT MAX(%[2]q) FROM %[1]q), 0) + 1, false)`,
			c.table, c.column)); err != nil {
			return fmt.Errorf("identity of %s: %w", c.table, err)
		}
	}
	return nil
}

// repairAtStart finishes a bulk load that stopped midway, unless one is
// running, then makes again any index the migrations declare that is missing.
func (d *DB) repairAtStart(ctx context.Context) error {
	var pending int
	if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM bulk_load").Scan(&pending); err != nil {
		return err
	}
	if pending > 0 {
		unlock, ok, err := d.TryLock(ctx, bulkLoadLock)
		if err != nil {
			return err
		}
		if !ok {
			return nil // a load is running: it finishes its own work
		}
		slog.Default().Warn("a bulk load stopped midway: putting back its indexes and identity counters")
		err = d.FinishLoad(ctx)
		unlock()
		if err != nil {
			return fmt.Errorf("finishing a bulk load that stopped midway: %w", err)
		}
	}
	_, err := d.RepairIndexes(ctx)
	return err
}
