package attendance_test

import (
	"context"
	"testing"
	"time"

	"tremplin/internal/attendance"
	"tremplin/internal/messages"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/platform/queue"
	"tremplin/internal/training"
)

// BenchmarkPlanNationalDay plans the reminders of the busiest day of the
// generated national dataset (tremplin generate --learners 1000000) as the
// morning's run of the planner does at 06:00: the day's morning reminders and the
// 48-hour reminders of two days later, each with its reply link and its job.
// Budget (issue 10): 100,000 reminders queued in ≤ 10 s. The messages it queues
// are removed afterwards.
func BenchmarkPlanNationalDay(b *testing.B) {
	d := dbtest.Generated(b)
	ctx := context.Background()
	var day string
	if err := d.QueryRowContext(ctx, `SELECT substr(starts_at, 1, 10) FROM meetings GROUP BY substr(starts_at, 1, 10)
		ORDER BY COUNT(*) DESC LIMIT 1`).Scan(&day); err != nil {
		b.Fatal(err)
	}
	t, _ := time.ParseInLocation(time.DateOnly, day, training.Location("Europe/Paris"))
	now := t.Add(6 * time.Hour)
	q, err := queue.New(d, queue.Config{})
	if err != nil {
		b.Fatal(err)
	}
	o := &messages.Outbox{Queue: q}
	started := db.Now()
	cleanup := func() {
		for _, sql := range []string{
			"DELETE FROM river_job WHERE kind = 'message_send' AND created_at >= " + startedLiteral(d, started),
			"DELETE FROM messages WHERE kind = 'meeting_reminder' AND created_at >= '" + started + "'",
			"DELETE FROM reply_links WHERE ref_kind = 'meeting' AND created_at >= '" + started + "'",
		} {
			if _, err := d.Exec(ctx, sql); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Cleanup(cleanup)
	queued := 0
	for b.Loop() {
		cleanup()
		if queued, err = attendance.PlanReminders(ctx, d, o, "https://tremplin.example", now); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(queued), "reminders")
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N)/1000, "s/run")
}

// startedLiteral is the moment as River stores its jobs' created_at.
func startedLiteral(d *db.DB, started string) string {
	if d.Engine == db.Postgres {
		return "'" + started + "'::timestamptz"
	}
	return "'" + started + "'"
}
