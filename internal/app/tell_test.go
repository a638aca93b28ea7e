package app_test

import (
	"testing"
	"time"

	"tremplin/internal/platform/db"
)

// drain waits until the queue has handed over every message due (none is left
// queued or sending), so that what went out can be read from the outbox.
func (s *site) drain() {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for s.count("SELECT COUNT(*) FROM messages WHERE state IN ('queued', 'sending') AND send_at <= $1", db.Now()) > 0 {
		if time.Now().After(deadline) {
			s.t.Fatal("messages still queued after 20 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

var _ = testing.Short
