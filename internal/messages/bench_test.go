package messages_test

import (
	"context"
	"database/sql"
	"strconv"
	"testing"
	"time"

	"tremplin/internal/messages"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/platform/queue"
	"tremplin/internal/training/trainingtest"
)

// BenchmarkEnqueue100k queues a national day of reminders — 100,000 SMS for
// 100,000 people, in the planners' batches of 1,000 per transaction — with their
// jobs. Budget: 10 s on each engine.
func BenchmarkEnqueue100k(b *testing.B) {
	for _, engine := range []db.Engine{db.SQLite, db.Postgres} {
		b.Run(string(engine), func(b *testing.B) {
			d := dbtest.Open(b, engine)
			f := trainingtest.New(b, d, "Lille", "Europe/Paris")
			ctx := context.Background()
			// 1,000 people, each reminded of 100 meetings: as many rows as 100,000 people.
			people := make([]int64, 1000)
			for i := range people {
				people[i] = f.Learner("P" + strconv.Itoa(i))
			}
			q, err := queue.New(d, queue.Config{})
			if err != nil {
				b.Fatal(err)
			}
			o := &messages.Outbox{Queue: q}
			at := time.Now().Add(24 * time.Hour)
			round := 0
			b.ResetTimer()
			for b.Loop() {
				round++
				for batch := range 100 {
					ms := make([]messages.Message, 1000)
					for i := range ms {
						ms[i] = messages.Message{Antenna: f.Antenna.ID, Learner: people[i], Channel: messages.SMS, Kind: "meeting_reminder",
							Lang: "fr", To: "+33612345678", Body: "Tremplin : rappel, Amina, « Premiers pas » le mardi 8 décembre 2026 à 09:00, Salle Lille, 1 rue de la Gare, 59000 Lille. Empêchée ? Dites-le ici :",
							Link: "https://tremplin.example/m/abcdefghijkl", SendAt: at, Expires: at.Add(48 * time.Hour), RefKind: "meeting", RefID: int64(batch),
							Dedupe: "bench:" + strconv.Itoa(round) + ":" + strconv.Itoa(batch) + ":" + strconv.Itoa(i)}
					}
					err := d.Tx(ctx, func(tx *sql.Tx) error {
						n, err := o.Add(ctx, tx, ms...)
						if err == nil && n != len(ms) {
							b.Fatalf("%d queued of %d", n, len(ms))
						}
						return err
					})
					if err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N)/1000, "s/100k")
		})
	}
}
