package civic

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"tremplin/internal/platform/db"
)

// KeepApplications is how long an application that led to no contract is kept
// after its last change: then it is deleted with its history (CNIL guidance, as
// for learners' files).
const KeepApplications = 2 * 365 * 24 * time.Hour

// Forget deletes the applications without a contract last changed before
// before, and returns how many.
func Forget(ctx context.Context, d *db.DB, before time.Time) (int64, error) {
	res, err := d.ExecContext(ctx, `DELETE FROM civic_applications WHERE updated_at < $1
		AND NOT EXISTS (SELECT 1 FROM civic_contracts c WHERE c.application_id = civic_applications.id)`, db.FormatTime(before))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

type forgetArgs struct{}

func (forgetArgs) Kind() string { return "civic_forget" }

// Forgetter is the daily job that deletes the applications kept long enough.
type Forgetter struct {
	river.WorkerDefaults[forgetArgs]
	DB *db.DB
}

// Work deletes what is kept long enough.
func (f *Forgetter) Work(ctx context.Context, _ *river.Job[forgetArgs]) error {
	_, err := Forget(ctx, f.DB, time.Now().Add(-KeepApplications))
	return err
}

// Periodic is the forgetter's schedule, for the queue: daily, and at start.
func Periodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(24*time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return forgetArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true, ID: "civic_forget"})
}
