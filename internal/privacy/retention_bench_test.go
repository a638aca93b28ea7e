package privacy_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/privacy"
)

// BenchmarkRetention is the daily run on a large association whose files are
// all inactive: TREMPLIN_BENCH_FILES learners (100,000 by default) registered
// three years ago, each with a history line, a contact with a note, a note and
// a message; it reports the seconds to list them all (and tell them: the
// outbox's rows are written, not sent) and then to anonymise them all, on each
// engine. Run with -benchtime 1x.
func BenchmarkRetention(b *testing.B) {
	n := 100_000
	if s := os.Getenv("TREMPLIN_BENCH_FILES"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	for _, e := range []db.Engine{db.SQLite, db.Postgres} {
		b.Run(string(e), func(b *testing.B) {
			ctx := context.Background()
			d := dbtest.Open(b, e)
			past := time.Now().AddDate(-3, 0, 0)
			at := db.FormatTime(past)
			var antenna, staff int64
			err := d.Tx(ctx, func(tx *sql.Tx) error {
				if err := tx.QueryRowContext(ctx, `INSERT INTO antennas (name, city, country, timezone, created_at, updated_at)
					VALUES ('Lille', 'Lille', 'FR', 'Europe/Paris', $1, $1) RETURNING id`, at).Scan(&antenna); err != nil {
					return err
				}
				if err := tx.QueryRowContext(ctx, `INSERT INTO staff (name, email, role, password_hash, lang, active, created_at, updated_at)
					VALUES ('A', 'a@example.org', 'adviser', '', 'fr', TRUE, $1, $1) RETURNING id`, at).Scan(&staff); err != nil {
					return err
				}
				batch := db.NewBatch(ctx, tx, "learners", "antenna_id", "first_name", "last_name", "phone", "email", "birth_year", "situations",
					"gender", "consent_text", "consent_at", "created_at", "updated_at")
				for i := range n {
					if err := batch.Add(antenna, "Prénom"+strconv.Itoa(i), "Nom"+strconv.Itoa(i), fmt.Sprintf("+336%08d", i), "p"+strconv.Itoa(i)+"@example.org",
						1960+i%50, "rsa,qpv", "woman", "consent", at, at, at); err != nil {
						return err
					}
				}
				if err := batch.Flush(); err != nil {
					return err
				}
				for _, q := range []string{
					`INSERT INTO learner_history (learner_id, kind, detail, staff_id, at) SELECT id, 'registered', 'Inscrit au guichet', $1, created_at FROM learners`,
					`INSERT INTO learner_contacts (learner_id, kind, note, staff_id, at) SELECT id, 'reached', 'Rappeler après la CAF', $1, created_at FROM learners`,
					`INSERT INTO learner_notes (learner_id, body, staff_id, at) SELECT id, 'Une note factuelle', $1, created_at FROM learners`,
					`INSERT INTO messages (antenna_id, learner_id, channel, kind, recipient, body, send_at, state, created_at, updated_at)
						SELECT antenna_id, id, 'sms', 'appointment', phone, 'Votre rendez-vous', created_at, 'sent', created_at, created_at FROM learners WHERE $1 > 0`,
				} {
					if _, err := tx.ExecContext(ctx, q, staff); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			if d.Engine == db.Postgres {
				if _, err := d.Exec(ctx, "ANALYZE"); err != nil {
					b.Fatal(err)
				}
			}
			r := &privacy.Retention{DB: d}
			now := time.Now()
			b.ResetTimer()
			for range b.N {
				start := time.Now()
				c, err := r.Run(ctx, now)
				if err != nil || c.Listed != int64(n) {
					b.Fatalf("listing: %+v (%v)", c, err)
				}
				listed := time.Since(start)
				start = time.Now()
				c, err = r.Run(ctx, now.AddDate(0, 0, privacy.NoticeDays+1))
				if err != nil || c.Anonymised != int64(n) {
					b.Fatalf("anonymising: %+v (%v)", c, err)
				}
				b.ReportMetric(listed.Seconds(), "list-s")
				b.ReportMetric(time.Since(start).Seconds(), "anonymise-s")
			}
		})
	}
}
