package demo

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
)

// stopAt cancels the load when it announces the step named word, as a kill at
// that moment would stop it.
type stopAt struct {
	mu     sync.Mutex
	word   string
	cancel func()
}

func (s *stopAt) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if strings.HasPrefix(string(p), s.word) {
		s.cancel()
	}
	return len(p), nil
}

// A generator stopped between dropping the indexes and making them again
// leaves the database to the next start, which puts back the indexes and moves
// the identity counters past the generated ids: the application can write, and
// a second run says why it does not start.
func TestGenerateStoppedMidwayIsRepairedAtTheNextStart(t *testing.T) {
	for _, engine := range []db.Engine{db.SQLite, db.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			url := dbtest.URL(t, engine)
			ctx := context.Background()
			d, err := db.Open(ctx, url, "")
			if err != nil {
				t.Fatal(err)
			}
			gctx, cancel := context.WithCancel(ctx)
			defer cancel()
			err = Generate(gctx, d, GenerateOptions{Learners: 400, Antennas: 2, Volunteers: -1, Out: &stopAt{word: "attendance", cancel: cancel}})
			if err == nil {
				t.Fatal("the load was not stopped")
			}
			var dropped int
			if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM bulk_load WHERE kind = 'index'").Scan(&dropped); err != nil || dropped == 0 {
				t.Fatalf("no index noted as dropped when the load stopped: %d %v", dropped, err)
			}
			d.Close()

			d, err = db.Open(ctx, url, "")
			if err != nil {
				t.Fatalf("the next start: %v", err)
			}
			defer d.Close()
			var pending int
			d.QueryRowContext(ctx, "SELECT COUNT(*) FROM bulk_load").Scan(&pending)
			if pending != 0 {
				t.Errorf("%d repairs still pending after the start", pending)
			}
			declared, _ := db.DeclaredIndexes()
			q := "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = $1"
			if engine == db.Postgres {
				q = "SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname = $1"
			}
			for _, ix := range declared {
				var n int
				if err := d.QueryRowContext(ctx, q, ix.Name).Scan(&n); err != nil || n != 1 {
					t.Errorf("index %s missing after the start (%v)", ix.Name, err)
				}
			}
			if engine == db.Postgres {
				for _, table := range []string{"learners", "enrolments", "cohorts", "learner_history"} {
					var max, next int64
					if err := d.QueryRowContext(ctx, fmt.Sprintf(`SELECT COALESCE((SELECT MAX(id) FROM %[1]s), 0),
						nextval(pg_get_serial_sequence('%[1]s', 'id'))`, table)).Scan(&max, &next); err != nil {
						t.Fatal(err)
					}
					if max == 0 || next <= max {
						t.Errorf("%s: largest id %d, identity counter at %d", table, max, next)
					}
				}
			}
			err = Generate(ctx, d, GenerateOptions{Learners: 10, Antennas: 1, Volunteers: -1})
			if err == nil || !strings.Contains(err.Error(), "already has") || !strings.Contains(err.Error(), "put back") {
				t.Errorf("a second run: %v", err)
			}
		})
	}
}
