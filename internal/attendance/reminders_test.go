package attendance_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"tremplin/internal/attendance"
	"tremplin/internal/messages"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/platform/queue"
	"tremplin/internal/training"
	"tremplin/internal/training/trainingtest"
)

type queuedReminder struct {
	learner int64
	sendAt  time.Time
	body    string
	expires time.Time
}

func reminders(t *testing.T, d *db.DB) []queuedReminder {
	t.Helper()
	list, err := db.Collect[queuedReminder](d.QueryContext(context.Background(),
		"SELECT learner_id, send_at, body, expires_at FROM messages WHERE kind = 'meeting_reminder' AND state = 'queued' ORDER BY send_at, learner_id"))(
		func(row db.Scanner) (queuedReminder, error) {
			var r queuedReminder
			var sendAt, expires string
			err := row.Scan(&r.learner, &sendAt, &r.body, &expires)
			r.sendAt, r.expires = db.ParseTime(sendAt), db.ParseTime(expires)
			return r, err
		})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// Each person enrolled is reminded of each meeting 48 hours before and at 08:00 on
// the day, once however often the planner runs; someone enrolled after a
// reminder's moment does not get that one; a cancelled meeting reminds nobody.
func TestMeetingRemindersArePlannedOnceForEachPersonEnrolled(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := trainingtest.New(t, d, "Lille", "Europe/Paris")
		loc := training.Location(f.Antenna.Timezone)
		c := f.Cohort(10, time.Date(2027, 3, 1, 0, 0, 0, 0, loc))
		ms := f.Meetings(c, 3, 3, 3) // 1, 2 and 3 March at 09:00
		ana, ben := f.Learner("Ana"), f.Learner("Ben")
		for _, l := range []int64{ana, ben} {
			if _, err := training.Enrol(f.Ctx, d, c.ID, l, f.Staff.ID); err != nil {
				t.Fatal(err)
			}
		}
		// Ben's seat dates from after the 48-hour reminder of the first meeting.
		if _, err := d.Exec(f.Ctx, "UPDATE enrolments SET since = $1 WHERE learner_id = $2",
			db.FormatTime(time.Date(2027, 2, 27, 9, 30, 0, 0, loc)), ben); err != nil {
			t.Fatal(err)
		}
		q, err := queue.New(d, queue.Config{})
		if err != nil {
			t.Fatal(err)
		}
		o := &messages.Outbox{Queue: q}
		plan := func(now time.Time) int {
			t.Helper()
			n, err := attendance.PlanReminders(f.Ctx, d, o, "https://tremplin.example", now)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		// 27 Feb 08:00: the 48-hour reminder of the 1 March meeting is due within
		// the planning window; only Ana's (Ben was not enrolled yet).
		if n := plan(time.Date(2027, 2, 27, 8, 0, 0, 0, loc)); n != 1 {
			t.Fatalf("%d reminders queued on 27 Feb, want 1", n)
		}
		got := reminders(t, d)
		if got[0].learner != ana || !got[0].sendAt.Equal(time.Date(2027, 2, 27, 9, 0, 0, 0, loc)) || !got[0].expires.Equal(ms[0].Start) {
			t.Errorf("the reminder is %+v, want Ana's at 27 Feb 09:00 expiring at the meeting", got[0])
		}
		for _, want := range []string{"Ana", "Premiers pas Lille", "09:00", "Salle Lille", "https://tremplin.example/m/"} {
			if !strings.Contains(got[0].body, want) {
				t.Errorf("the reminder %q lacks %q", got[0].body, want)
			}
		}
		if n := plan(time.Date(2027, 2, 27, 8, 10, 0, 0, loc)); n != 0 {
			t.Errorf("planning again queued %d more", n)
		}
		// The third meeting is cancelled: nobody is reminded of it.
		if err := training.CancelMeeting(f.Ctx, d, ms[2].ID); err != nil {
			t.Fatal(err)
		}
		// 1 March 06:30: the morning reminders of the first meeting (both), and
		// the 48-hour ones of the second (both) come due.
		if n := plan(time.Date(2027, 3, 1, 6, 30, 0, 0, loc)); n != 4 {
			t.Errorf("%d reminders queued on 1 March, want 4", n)
		}
		if n := plan(time.Date(2027, 3, 1, 7, 0, 0, 0, loc)); n != 0 {
			t.Errorf("planning again queued %d more", n)
		}
		for _, r := range reminders(t, d) {
			if r.expires.Equal(ms[2].Start) {
				t.Errorf("a reminder for the cancelled meeting: %+v", r)
			}
		}
	})
}

// A planner that did not run for two days (a server down over the weekend) sends
// one reminder of a meeting whose two moments have passed, not two identical
// messages in the same minute.
func TestAPlannerBackFromAnOutageSendsOneReminder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := trainingtest.New(t, d, "Lille", "Europe/Paris")
		loc := training.Location(f.Antenna.Timezone)
		c := f.Cohort(10, time.Date(2027, 3, 1, 0, 0, 0, 0, loc))
		ms := f.Meetings(c, 3, 3) // 1 and 2 March at 09:00
		ana := f.Learner("Ana")
		if _, err := training.Enrol(f.Ctx, d, c.ID, ana, f.Staff.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(f.Ctx, "UPDATE enrolments SET since = $1", db.FormatTime(time.Date(2027, 2, 20, 9, 0, 0, 0, loc))); err != nil {
			t.Fatal(err)
		}
		q, err := queue.New(d, queue.Config{})
		if err != nil {
			t.Fatal(err)
		}
		o := &messages.Outbox{Queue: q}
		// 1 March 08:30, the first run for three days: the first meeting's 48-hour
		// reminder (27 Feb) and morning one (08:00) have both passed; the second
		// meeting's 48-hour one (28 Feb 09:00) too.
		n, err := attendance.PlanReminders(f.Ctx, d, o, "https://tremplin.example", time.Date(2027, 3, 1, 8, 30, 0, 0, loc))
		if err != nil {
			t.Fatal(err)
		}
		got := reminders(t, d)
		if n != 2 || len(got) != 2 {
			t.Fatalf("%d reminders queued, want one per meeting: %+v", n, got)
		}
		if !got[0].sendAt.Equal(time.Date(2027, 2, 28, 9, 0, 0, 0, loc)) || !got[0].expires.Equal(ms[1].Start) ||
			!got[1].sendAt.Equal(time.Date(2027, 3, 1, 8, 0, 0, 0, loc)) || !got[1].expires.Equal(ms[0].Start) {
			t.Errorf("the reminders are %+v, want the second meeting's 48-hour one and the first's morning one", got)
		}
	})
}
