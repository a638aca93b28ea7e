package volunteers

import (
	"context"
	"database/sql"
	"time"

	"github.com/riverqueue/river"

	"tremplin/internal/messages"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
)

type planArgs struct{}

func (planArgs) Kind() string { return "volunteer_shift_reminders" }

// Planner is the periodic job that queues the volunteers' reminders before their
// fixed shifts and the "did it happen?" the day after a shift.
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
		&river.PeriodicJobOpts{RunOnStart: true, ID: "volunteer_shift_reminders"})
}

func (p *Planner) Work(ctx context.Context, _ *river.Job[planArgs]) error {
	now := time.Now()
	if p.Now != nil {
		now = p.Now()
	}
	_, err := Plan(ctx, p.DB, p.Outbox, p.BaseURL, now)
	return err
}

// AskHour is when, the day after a shift, the volunteer is asked whether it
// happened (in the antenna's time zone).
const AskHour = 10

// planned is one message to plan: a volunteer, a shift, the news and its rule.
type planned struct {
	v          *Volunteer
	s          *Shift
	news, rule string
	at         time.Time
}

// Plan queues, once each, the messages falling due before now+messages.PlanAhead:
// reminders before a fixed shift (48 hours before, and the morning of the day
// unless it starts within the hour after 08:00), to volunteers who had signed up
// by then; and, the day after a fixed or window shift at 10:00, "did it happen?"
// to those coming who have not answered. It returns how many it queued.
func Plan(ctx context.Context, d *db.DB, o *messages.Outbox, baseURL string, now time.Time) (int, error) {
	ahead := now.Add(messages.PlanAhead)
	var list []planned
	// Reminders: fixed shifts starting within the next 48 hours and a bit.
	err := db.Each(d.QueryContext(ctx, "SELECT "+shiftColumns+`, v.id, v.first_name, v.last_name, v.phone, v.email, v.lang, g.created_at`+shiftFrom+`
		JOIN volunteer_signups g ON g.shift_id = s.id AND g.state = 'coming' JOIN volunteers v ON v.id = g.volunteer_id AND v.state = 'active'
		WHERE s.kind = 'fixed' AND s.state = 'open' AND s.starts_at > $1 AND s.starts_at <= $2 ORDER BY s.starts_at, s.id LIMIT 5000`,
		db.FormatTime(now), db.FormatTime(ahead.Add(messages.ReminderBefore))))(func(row db.Scanner) error {
		v := &Volunteer{}
		var created string
		s, err := scanShiftWith(row, &v.ID, &v.FirstName, &v.LastName, &v.Phone, &v.Email, &v.Lang, &created)
		if err != nil {
			return err
		}
		for rule, at := range messages.RemindersToPlan(s.StartsAt, db.ParseTime(created), now) {
			list = append(list, planned{v, s, "reminder", rule, at})
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	// "Did it happen?": shifts ended in the last two days, asked at 10:00 the day after.
	err = db.Each(d.QueryContext(ctx, "SELECT "+shiftColumns+`, v.id, v.first_name, v.last_name, v.phone, v.email, v.lang`+shiftFrom+`
		JOIN volunteer_signups g ON g.shift_id = s.id AND g.state = 'coming' JOIN volunteers v ON v.id = g.volunteer_id AND v.state = 'active'
		WHERE s.kind IN ('fixed', 'window') AND s.state = 'open' AND s.ends_at > $1 AND s.ends_at <= $2
		AND NOT EXISTS (SELECT 1 FROM volunteer_hours hh WHERE hh.shift_id = s.id AND hh.volunteer_id = v.id)
		ORDER BY s.ends_at, s.id LIMIT 5000`,
		db.FormatTime(now.Add(-48*time.Hour)), db.FormatTime(now)))(func(row db.Scanner) error {
		v := &Volunteer{}
		s, err := scanShiftWith(row, &v.ID, &v.FirstName, &v.LastName, &v.Phone, &v.Email, &v.Lang)
		if err != nil {
			return err
		}
		y, m, dd := s.EndsAt.Date()
		at := time.Date(y, m, dd+1, AskHour, 0, 0, 0, s.EndsAt.Location())
		if !at.After(ahead) {
			list = append(list, planned{v, s, "hours", "next_day", at})
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	queued := 0
	for start := 0; start < len(list); start += 500 {
		batch := list[start:min(start+500, len(list))]
		err := d.Tx(ctx, func(tx *sql.Tx) error {
			var ants []int64
			for _, p := range batch {
				ants = append(ants, p.s.AntennaID)
			}
			texts, err := messages.LoadTexts(ctx, tx, ants...)
			if err != nil {
				return err
			}
			var ms []messages.Message
			for _, p := range batch {
				for _, m := range shiftMessages(texts, p.v, p.s, p.news, baseURL, now) {
					m.SendAt = p.at
					if p.news == "hours" {
						m.Expires = p.at.Add(7 * 24 * time.Hour)
					}
					m.Dedupe = dedupe(p.news, p.s, p.v.ID, p.rule, m.Channel)
					ms = append(ms, m)
				}
			}
			n, err := o.Add(ctx, tx, ms...)
			queued += n
			return err
		})
		if err != nil {
			return queued, err
		}
	}
	return queued, nil
}

// ThinShifts lists the scope's open fixed and window shifts starting tomorrow
// (in each antenna's time zone, roughly: within the next 48 hours and on the
// day after now's) with fewer than half their places taken: the staff's alert
// the day before, on their home page and the shifts page.
func ThinShifts(ctx context.Context, d *db.DB, sc auth.Scope, now time.Time, limit int) ([]*Shift, error) {
	args := db.Args{db.FormatTime(now), db.FormatTime(now.Add(48 * time.Hour))}
	where := sc.Where("s.antenna_id", &args)
	list, err := db.Collect[*Shift](d.QueryContext(ctx, "SELECT "+shiftColumns+shiftFrom+
		` WHERE s.kind <> 'ongoing' AND s.state = 'open' AND s.starts_at > $1 AND s.starts_at <= $2 AND `+where+
		` ORDER BY s.starts_at, s.id LIMIT 1000`, args...))(scanShift)
	if err != nil {
		return nil, err
	}
	var out []*Shift
	for _, s := range list {
		y, m, dd := now.In(s.StartsAt.Location()).Date()
		tomorrow := time.Date(y, m, dd+1, 0, 0, 0, 0, s.StartsAt.Location())
		if s.StartsAt.Before(tomorrow) || !s.StartsAt.Before(tomorrow.AddDate(0, 0, 1)) || !s.HalfEmpty() {
			continue
		}
		if out = append(out, s); len(out) >= limit {
			break
		}
	}
	return out, nil
}

// ThinShiftsCount counts ThinShifts, for the staff's home page.
func ThinShiftsCount(ctx context.Context, d *db.DB, sc auth.Scope, now time.Time, limit int) (int, error) {
	list, err := ThinShifts(ctx, d, sc, now, limit)
	return len(list), err
}

// PendingHoursCount counts the scope's hours waiting for a decision, up to limit.
func PendingHoursCount(ctx context.Context, d *db.DB, sc auth.Scope, limit int) (int, error) {
	args := db.Args{}
	where := sc.Where("h.antenna_id", &args)
	return d.CountAtMost(ctx, "SELECT 1 FROM volunteer_hours h WHERE h.state = 'pending' AND "+where, limit, args...)
}
