package db

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migration is one numbered step of the schema, shared by both engines.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations lists the embedded migrations in order. A file is named
// NNNN_what.sql; the number is its version and never changes once released.
func Migrations() ([]Migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []Migration
	for _, e := range entries {
		num, name, ok := strings.Cut(strings.TrimSuffix(e.Name(), ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must be NNNN_what.sql", e.Name())
		}
		body, err := migrationFiles.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: v, Name: name, SQL: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i := 1; i < len(ms); i++ {
		if ms[i].Version == ms[i-1].Version {
			return nil, fmt.Errorf("two migrations numbered %d", ms[i].Version)
		}
	}
	return ms, nil
}

// Migrate applies the migrations not yet applied, each in its own transaction.
// On PostgreSQL an advisory lock keeps two processes starting together from
// applying the same step twice.
func (d *DB) Migrate(ctx context.Context) error {
	ms, err := Migrations()
	if err != nil {
		return err
	}
	conn, err := d.writer.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()
	if d.Engine == Postgres {
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(727346)"); err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(727346)")
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	applied := map[int]bool{}
	err = Each(conn.QueryContext(ctx, "SELECT version FROM schema_migrations"))(func(row Scanner) error {
		var v int
		if err := row.Scan(&v); err != nil {
			return err
		}
		applied[v] = true
		return nil
	})
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, m := range ms {
		if applied[m.Version] {
			continue
		}
		if err := apply(ctx, conn, d.Engine, dialects[d.Engine].Replace(m.SQL), m); err != nil {
			return err
		}
	}
	if d.Engine == Postgres {
		// Still under the advisory lock, on other connections of the pool.
		return d.migrateQueue(ctx)
	}
	// SQLite's single writer connection is the one held here: give it back first.
	conn.Close()
	return d.migrateQueue(ctx)
}

// migrateQueue creates or updates the tables of the job queue (River's own
// migrations, shipped with its driver for each engine), beside ours.
func (d *DB) migrateQueue(ctx context.Context) error {
	quiet := slog.New(slog.DiscardHandler)
	var err error
	if d.Engine == Postgres {
		var m *rivermigrate.Migrator[*sql.Tx]
		if m, err = rivermigrate.New(riverdatabasesql.New(d.writer), &rivermigrate.Config{Logger: quiet}); err == nil {
			_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
		}
	} else {
		var m *rivermigrate.Migrator[*sql.Tx]
		if m, err = rivermigrate.New(riversqlite.New(d.writer), &rivermigrate.Config{Logger: quiet}); err == nil {
			_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
		}
	}
	if err != nil {
		return fmt.Errorf("migrate the job queue: %w", err)
	}
	return nil
}

func apply(ctx context.Context, conn *sql.Conn, engine Engine, body string, m Migration) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, stmt := range splitStatements(body) {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("migration %04d_%s: %w\n%s", m.Version, m.Name, err, stmt)
		}
	}
	if step := engineSteps[m.Version]; step != nil {
		if err := step(ctx, tx, engine); err != nil {
			return fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
		}
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
		m.Version, m.Name, Now()); err != nil {
		return err
	}
	return tx.Commit()
}

// engineSteps are the few schema changes the two engines cannot say in the same
// SQL. Each runs after its migration's SQL, in the same transaction, and its
// migration file says what it does.
var engineSteps = map[int]func(ctx context.Context, tx *sql.Tx, e Engine) error{
	81: func(ctx context.Context, tx *sql.Tx, e Engine) error {
		return widenCheck(ctx, tx, e, "staff", "role", "role IN ('admin', 'manager', 'adviser', 'fundraising')")
	},
}

// widenCheck replaces the CHECK constraint on table's column by check, which must
// accept every row the old one did (a value added to a list, say).
//
// PostgreSQL drops the constraint and adds the new one. SQLite cannot alter a
// constraint; for a change that loosens it, its documentation gives the
// procedure used here (https://sqlite.org/lang_altertable.html, "otheralter"):
// rewrite the table's CREATE statement in the schema and bump the schema
// version, without copying the table, so that the foreign keys of the tables
// that reference it are untouched.
func widenCheck(ctx context.Context, tx *sql.Tx, e Engine, table, column, check string) error {
	if e == Postgres {
		name := table + "_" + column + "_check"
		_, err := tx.ExecContext(ctx, "ALTER TABLE "+table+" DROP CONSTRAINT "+name+", ADD CONSTRAINT "+name+" CHECK ("+check+")")
		return err
	}
	var create string
	if err := tx.QueryRowContext(ctx, "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = $1", table).Scan(&create); err != nil {
		return err
	}
	old := regexp.MustCompile(`CHECK \(` + column + ` IN \([^)]*\)\)`)
	if len(old.FindAllStringIndex(create, -1)) != 1 {
		return fmt.Errorf("widen the check on %s.%s: not found once in %q", table, column, create)
	}
	create = old.ReplaceAllLiteralString(create, "CHECK ("+check+")")
	var version int64
	if err := tx.QueryRowContext(ctx, "PRAGMA schema_version").Scan(&version); err != nil {
		return err
	}
	for _, stmt := range []string{
		"PRAGMA writable_schema = ON",
		"UPDATE sqlite_schema SET sql = '" + strings.ReplaceAll(create, "'", "''") + "' WHERE type = 'table' AND name = '" + table + "'",
		"PRAGMA schema_version = " + strconv.FormatInt(version+1, 10),
		"PRAGMA writable_schema = OFF",
	} {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	var ok string
	if err := tx.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&ok); err != nil {
		return err
	}
	if ok != "ok" {
		return fmt.Errorf("widen the check on %s.%s: %s", table, column, ok)
	}
	return nil
}

// splitStatements cuts a migration at semicolons that end a line; migrations keep
// one statement per such line and no semicolons inside string literals at line ends.
func splitStatements(body string) []string {
	var out []string
	var cur strings.Builder
	for line := range strings.Lines(body) {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "--") {
			continue
		}
		cur.WriteString(line)
		if strings.HasSuffix(trimmed, ";") {
			if s := strings.TrimSpace(cur.String()); s != ";" {
				out = append(out, s)
			}
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}
