package appointments

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"tremplin/internal/messages"
	"tremplin/internal/platform/db"
)

type planArgs struct{}

func (planArgs) Kind() string { return "appointment_reminders" }

// Planner is the periodic job that queues the reminders coming due.
type Planner struct {
	river.WorkerDefaults[planArgs]
	Outbox  *messages.Outbox
	DB      *db.DB
	BaseURL string
	Now     func() time.Time
}

// Periodic is the planner's schedule, for the queue.
func Periodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(messages.PlanEvery),
		func() (river.JobArgs, *river.InsertOpts) { return planArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true, ID: "appointment_reminders"})
}

func (p *Planner) Work(ctx context.Context, _ *river.Job[planArgs]) error {
	now := time.Now()
	if p.Now != nil {
		now = p.Now()
	}
	_, err := Plan(ctx, p.DB, p.Outbox, p.BaseURL, now)
	return err
}

// Plan queues the reminders of booked appointments that fall due before
// now+messages.PlanAhead, once each (planning twice queues nothing more), and returns how
// many it queued.
func Plan(ctx context.Context, d *db.DB, o *messages.Outbox, baseURL string, now time.Time) (int, error) {
	horizon := now.Add(messages.PlanAhead + messages.ReminderBefore)
	type due struct {
		a       *Appointment
		p       *person
		created time.Time
	}
	var list []due
	err := db.Each(d.QueryContext(ctx, "SELECT "+columns+`, a.created_at, l.first_name, l.last_name, l.phone, l.email, l.lang, n.name, n.phone`+from+
		` WHERE a.state = 'booked' AND a.starts_at > $1 AND a.starts_at <= $2 ORDER BY a.starts_at`,
		db.FormatTime(now), db.FormatTime(horizon)))(func(row db.Scanner) error {
		var a Appointment
		var pe person
		var starts, ends, created string
		err := row.Scan(&a.ID, &a.AntennaID, &a.LearnerID, &a.StaffID, &a.Kind, &a.Mode, &a.PlaceID, &a.VideoURL,
			&starts, &ends, &a.State, &a.CancelledBy, &a.Outcome, &a.Note, &a.StaffName, &a.LearnerName,
			&a.PlaceName, &a.PlaceAddress, &a.TZ, &created, &pe.FirstName, &pe.LastName, &pe.Phone, &pe.Email, &pe.Lang,
			&pe.AntennaName, &pe.AntennaPhone)
		if err != nil {
			return err
		}
		loc, err := time.LoadLocation(a.TZ)
		if err != nil {
			loc = time.UTC
		}
		a.StartsAt, a.EndsAt = db.ParseTime(starts).In(loc), db.ParseTime(ends).In(loc)
		pe.ID, pe.AntennaID, pe.TZ = a.LearnerID, a.AntennaID, a.TZ
		list = append(list, due{&a, &pe, db.ParseTime(created)})
		return nil
	})
	if err != nil {
		return 0, err
	}
	queued := 0
	for start := 0; start < len(list); start += 500 {
		batch := list[start:min(start+500, len(list))]
		err := d.Tx(ctx, func(tx *sql.Tx) error {
			var antennas []int64
			for _, x := range batch {
				antennas = append(antennas, x.a.AntennaID)
			}
			texts, err := messages.LoadTexts(ctx, tx, antennas...)
			if err != nil {
				return err
			}
			for _, x := range batch {
				for rule, at := range messages.RemindersToPlan(x.a.StartsAt, x.created, now) {
					ms := compose(ctx, tx, texts, baseURL, now, x.p, x.a, newsReminder, 0)
					for i := range ms {
						ms[i].SendAt = at
						ms[i].Dedupe = fmt.Sprintf("reminder:appointment:%d:%d:%s:%s", x.a.ID, x.a.StartsAt.Unix(), rule, ms[i].Channel)
					}
					n, err := o.Add(ctx, tx, ms...)
					if err != nil {
						return err
					}
					queued += n
				}
			}
			return nil
		})
		if err != nil {
			return queued, err
		}
	}
	return queued, nil
}
