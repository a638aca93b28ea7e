package volunteers

import (
	"context"
	"database/sql"
	"time"

	"github.com/riverqueue/river"

	"tremplin/internal/platform/db"
)

// KeepVolunteers is how long a volunteer's identity is kept after the last
// decision about them (CNIL guidance, as for learners' files and civic-service
// applicants):
//   - someone declined, or whose sign-up nobody answered, is then deleted with
//     everything they gave (skills, languages, charter);
//   - someone who left is anonymised: their name, contacts, availability,
//     skills, languages, requirements and calendar feed go; the hours they gave
//     stay, without a name, so that the valuation of past years in the accounts
//     does not change.
const KeepVolunteers = 2 * 365 * 24 * time.Hour

// Anonymous is the name an anonymised volunteer keeps, and forgotten is the
// address that stands for their contacts: the table requires a phone or an
// address, and the reserved .invalid domain can never be delivered to (RFC
// 2606). A volunteer who left can neither sign in nor be sent anything.
const (
	Anonymous = "—"
	forgotten = "anonymised@volunteer.invalid"
)

// Forget applies KeepVolunteers with before = now − KeepVolunteers and says
// how many volunteers were deleted and anonymised. It may run again at any
// time, also after a crash midway: what is done is not done twice.
func Forget(ctx context.Context, d *db.DB, before time.Time) (deleted, anonymised int64, err error) {
	cut := db.FormatTime(before)
	err = d.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM volunteers WHERE (state = 'declined' AND COALESCE(decided_at, created_at) < $1)
			OR (state = 'pending' AND created_at < $1)`, cut)
		if err != nil {
			return err
		}
		deleted, _ = res.RowsAffected()
		const gone = `SELECT id FROM volunteers WHERE state = 'left' AND COALESCE(decided_at, created_at) < $1 AND email <> $2`
		for _, t := range []string{"volunteer_skills", "volunteer_languages", "volunteer_requirements", "volunteer_feeds"} {
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+t+" WHERE volunteer_id IN ("+gone+")", cut, forgotten); err != nil {
				return err
			}
		}
		res, err = tx.ExecContext(ctx, `UPDATE volunteers SET first_name = $3, last_name = '', phone = '', email = $2, availability = ''
			WHERE id IN (`+gone+`)`, cut, forgotten, Anonymous)
		if err != nil {
			return err
		}
		anonymised, _ = res.RowsAffected()
		return nil
	})
	return deleted, anonymised, err
}

type forgetArgs struct{}

func (forgetArgs) Kind() string { return "volunteer_forget" }

// Forgetter is the daily job that applies KeepVolunteers.
type Forgetter struct {
	river.WorkerDefaults[forgetArgs]
	DB *db.DB
}

// Work forgets the volunteers kept long enough.
func (f *Forgetter) Work(ctx context.Context, _ *river.Job[forgetArgs]) error {
	_, _, err := Forget(ctx, f.DB, time.Now().Add(-KeepVolunteers))
	return err
}

// ForgetPeriodic is the forgetter's schedule, for the queue: daily, and at start.
func ForgetPeriodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(24*time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return forgetArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true, ID: "volunteer_forget"})
}
