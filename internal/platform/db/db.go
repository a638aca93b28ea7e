// Package db opens the database Tremplin keeps everything in — an embedded SQLite
// file by default, or PostgreSQL when given a postgres:// URL — and applies the one
// set of embedded migrations to it. SQL is written once for both engines ($1
// placeholders, RETURNING, ON CONFLICT); the few differences live in dialect.go.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/stdlib" // also registers the "pgx" driver
	_ "modernc.org/sqlite"           // registers the "sqlite" driver
)

// Engine names the database behind a DB.
type Engine string

const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// DB is the handle every package uses. Reads (QueryContext, QueryRowContext) go
// through a pool of readers; writes go through Tx, Exec, ExecContext or InsertID,
// which on SQLite use a single dedicated connection so that concurrent requests
// queue in Go instead of failing with "database is locked". DB offers no other way
// to the connections: a write cannot slip past the single writer.
type DB struct {
	readers *sql.DB
	writer  *sql.DB
	Engine  Engine
	path    string // the SQLite file
	// writesFailing is set by a write that failed for want of disk
	// (IsStorageFull) and cleared by a ProbeWrite that works: a write that
	// needs no new room (a session's expiry) proves nothing.
	writesFailing atomic.Bool
}

// noteWrite remembers a write that failed for want of disk.
func (d *DB) noteWrite(err error) error {
	if IsStorageFull(err) {
		d.writesFailing.Store(true)
	}
	return err
}

// WritesFailing reports whether a write failed for want of disk (full, or
// failing) since the last ProbeWrite that worked: the readiness check then says
// not ready until one does.
func (d *DB) WritesFailing() bool { return d.writesFailing.Load() }

// ProbeWrite writes a row of a few kilobytes (more than the free room of a page,
// so that the file must grow) and removes it: it fails while the disk is full.
func (d *DB) ProbeWrite(ctx context.Context) error {
	id, err := d.InsertID(ctx, "INSERT INTO write_probe (filler) VALUES ($1) RETURNING id", strings.Repeat("x", 8192))
	if err == nil {
		_, err = d.Exec(ctx, "DELETE FROM write_probe WHERE id = $1", id)
	}
	if err == nil {
		d.writesFailing.Store(false)
	}
	return err
}

// Open connects to url, or to data/tremplin.db when url is empty, and migrates.
func Open(ctx context.Context, url, dataDir string) (*DB, error) {
	d, err := open(ctx, url, dataDir)
	if err != nil {
		return nil, err
	}
	if err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	if err := d.repairAtStart(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

func open(ctx context.Context, url, dataDir string) (*DB, error) {
	if strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://") {
		cfg, err := pgx.ParseConfig(url)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		// A request whose deadline passes, or whose client went away, has its
		// statement cancelled by the server (and its transaction rolled back)
		// rather than only its connection dropped: a statement waiting on a lock
		// would otherwise still run, and commit, once the lock is released. When
		// the server does not answer the cancellation either, the connection is
		// dropped a second later.
		cfg.BuildContextWatcherHandler = func(c *pgconn.PgConn) ctxwatch.Handler {
			return &pgconn.CancelRequestContextWatcherHandler{Conn: c, DeadlineDelay: time.Second}
		}
		pool := stdlib.OpenDB(*cfg)
		pool.SetMaxOpenConns(20)
		pool.SetMaxIdleConns(10)
		pool.SetConnMaxIdleTime(5 * time.Minute)
		d := &DB{readers: pool, writer: pool, Engine: Postgres}
		if err := pool.PingContext(ctx); err != nil {
			pool.Close()
			return nil, fmt.Errorf("connect to postgres: %w", err)
		}
		return d, nil
	}
	if url != "" && !strings.HasPrefix(url, "sqlite:") {
		return nil, fmt.Errorf("database URL %q: expected postgres://… or empty for SQLite", url)
	}
	path := strings.TrimPrefix(url, "sqlite:")
	if path == "" {
		if err := os.MkdirAll(dataDir, 0o750); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
		path = filepath.Join(dataDir, "tremplin.db")
	}
	// WAL lets readers go on while one writer writes; the busy timeout covers the
	// rare checkpoint; foreign keys are off by default in SQLite.
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	readers, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	readers.SetMaxOpenConns(8)
	writer, err := sql.Open("sqlite", dsn)
	if err != nil {
		readers.Close()
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	writer.SetMaxOpenConns(1)
	if err := writer.PingContext(ctx); err != nil {
		readers.Close()
		writer.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return &DB{readers: readers, writer: writer, Engine: SQLite, path: path}, nil
}

// Close closes both pools.
func (d *DB) Close() error {
	err := d.readers.Close()
	if d.writer != d.readers {
		err = errors.Join(err, d.writer.Close())
	}
	return err
}

// Tx runs fn in a write transaction, committed when fn returns nil.
func (d *DB) Tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := d.writer.BeginTx(ctx, nil)
	if err != nil {
		return d.noteWrite(err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return d.noteWrite(err)
	}
	return d.noteWrite(tx.Commit())
}

// Exec runs one write statement outside an explicit transaction.
func (d *DB) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := d.writer.ExecContext(ctx, query, args...)
	return res, d.noteWrite(err)
}

// ExecContext is Exec, so that a DB serves where an Execer is asked for.
func (d *DB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return d.Exec(ctx, query, args...)
}

// QueryContext runs a read on the readers.
func (d *DB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return d.readers.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a read of one row on the readers.
func (d *DB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return d.readers.QueryRowContext(ctx, query, args...)
}

// CountAtMost counts the rows of query, stopping at limit: the counts of the
// staff home page ("99+") cost the same however large the association grows.
func (d *DB) CountAtMost(ctx context.Context, query string, limit int, args ...any) (int, error) {
	var n int
	err := d.readers.QueryRowContext(ctx, "SELECT COUNT(*) FROM ("+query+" LIMIT "+strconv.Itoa(limit)+") x", args...).Scan(&n)
	return n, err
}

// Ping checks that the database answers, for the health check.
func (d *DB) Ping(ctx context.Context) error { return d.readers.PingContext(ctx) }

// WriterConn is the writer's connection, held until it is closed, for work that
// needs one session throughout: migrations under a lock, and bulk loads (the
// dataset generator) that set session options. Nothing else writes meanwhile.
func (d *DB) WriterConn(ctx context.Context) (*sql.Conn, error) { return d.writer.Conn(ctx) }

// QueuePool is the pool the job queue (platform/queue) runs on: the writer, since
// taking a job is a write.
func (d *DB) QueuePool() *sql.DB { return d.writer }

// InsertID runs an INSERT … RETURNING id on the writer and returns the new id.
func (d *DB) InsertID(ctx context.Context, query string, args ...any) (int64, error) {
	var id int64
	err := d.writer.QueryRowContext(ctx, query, args...).Scan(&id)
	return id, d.noteWrite(err)
}

// Backup writes a consistent copy of a SQLite database to path while it is in use.
func (d *DB) Backup(ctx context.Context, path string) error {
	if d.Engine != SQLite {
		return errors.New("backup: use pg_dump for PostgreSQL")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s already exists", path)
	}
	_, err := d.writer.ExecContext(ctx, "VACUUM INTO $1", path)
	return err
}

// Now is the timestamp format stored in every *_at column: UTC, RFC 3339, which
// sorts as text the same way on both engines.
func Now() string { return FormatTime(time.Now()) }

// FormatTime formats t the way timestamps are stored.
func FormatTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// ParseTime reads a stored timestamp; the zero time for an empty string.
func ParseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339, s)
	return t
}

// Execer is what a package's write helper needs, so that it can run alone or inside
// another package's transaction (*sql.Tx and *db.DB both satisfy it).
type Execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Scanner is a row to scan: *sql.Row or *sql.Rows.
type Scanner interface{ Scan(dest ...any) error }

// ScanInt64 scans a row of one integer column (an id, a count), for Collect.
func ScanInt64(row Scanner) (int64, error) {
	var n int64
	return n, row.Scan(&n)
}

// Collect reads every row of a query with scan and closes the rows:
// Collect(d.QueryContext(ctx, q, args...))(scanThing).
func Collect[T any](rows *sql.Rows, err error) func(scan func(Scanner) (T, error)) ([]T, error) {
	return func(scan func(Scanner) (T, error)) ([]T, error) {
		var out []T
		err := Each(rows, err)(func(row Scanner) error {
			v, err := scan(row)
			out = append(out, v)
			return err
		})
		if err != nil {
			return nil, err
		}
		return out, nil
	}
}

// Each calls fn with every row of a query, stopping at its first error, and
// closes the rows: for reads that fill a map, add up or stream rather than list.
// Each(d.QueryContext(ctx, q, args...))(func(row db.Scanner) error { … }).
func Each(rows *sql.Rows, err error) func(fn func(row Scanner) error) error {
	return func(fn func(row Scanner) error) error {
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := fn(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	}
}

// ErrNotFound is returned for a record that does not exist or is outside the
// caller's reach (another antenna for staff, another organisation for a partner
// contact): both are answered the same way, with the 404 page (web's Fail).
var ErrNotFound = errors.New("not found")

// NotFound is err with sql.ErrNoRows, the one row asked for missing, told as
// ErrNotFound; any other error, and nil, come back as they are.
func NotFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// NullID is an optional reference for a query: NULL for 0.
func NullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// Args gathers a query's arguments and numbers their placeholders, so that a
// condition built in one place never counts the arguments that came before it:
//
//	args := db.Args{cohortID}
//	where := sc.Where("c.antenna_id", &args) // uses $2 and $3
//	rows, err := d.QueryContext(ctx, "… WHERE c.id = $1 AND "+where, args...)
type Args []any

// Add appends v and returns its placeholder ("$3" for the third argument).
func (a *Args) Add(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

// In appends vs and returns their placeholders ("$3, $4, $5"), for a row of
// VALUES; an IN list of ids or codes is InList.
func (a *Args) In(vs ...any) string {
	var b strings.Builder
	for i, v := range vs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(a.Add(v))
	}
	return b.String()
}

// InList appends every value of vs to args and returns their placeholders, for
// an IN list of ids or codes: "x.id IN (" + db.InList(&args, ids) + ")".
func InList[T any](args *Args, vs []T) string {
	var b strings.Builder
	for i, v := range vs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(args.Add(v))
	}
	return b.String()
}
