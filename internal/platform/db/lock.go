package db

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"syscall"
)

// TryLock takes the lock called name, which one holder at a time has among all
// the processes sharing this database, and which dies with its holder: a
// process killed in the middle of the work it guards leaves nothing behind, and
// the next one takes the lock at once. ok is false when another holds it.
// unlock releases it.
//
// On PostgreSQL it is a session advisory lock on a connection kept for the
// purpose; on SQLite, whose processes share a machine, a lock on a file beside
// the database.
func (d *DB) TryLock(ctx context.Context, name string) (unlock func(), ok bool, err error) {
	if d.Engine == Postgres {
		h := fnv.New64a()
		h.Write([]byte("tremplin lock " + name))
		key := int64(h.Sum64())
		conn, err := d.writer.Conn(ctx)
		if err != nil {
			return nil, false, err
		}
		if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&ok); err != nil || !ok {
			conn.Close()
			return nil, false, err
		}
		return func() {
			// The connection is closed rather than returned to the pool: the
			// server releases its locks then, whatever state it is in.
			conn.Raw(func(any) error { return driver.ErrBadConn })
			conn.Close()
		}, true, nil
	}
	if d.path == "" {
		return nil, false, errors.New("lock: no database file")
	}
	f, err := os.OpenFile(d.path+".lock-"+name, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, false, fmt.Errorf("lock %s: %w", name, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("lock %s: %w", name, err)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, true, nil
}
