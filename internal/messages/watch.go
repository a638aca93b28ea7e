package messages

import (
	"context"
	"net/http"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
)

// What staff must see at once: messages that did not reach the person, and people
// who said from a link that they cannot come.

// Undelivered is a message that failed, as staff read it.
type Undelivered struct {
	Record
	LearnerID   int64
	LearnerName string
	At          time.Time
}

// CannotCome is a person's "I cannot come".
type CannotCome struct {
	LearnerID   int64
	LearnerName string
	RefKind     string // appointment, meeting
	At          time.Time
	Until       time.Time // when the thing was to begin
}

// watchDays is how far back the page and the home page look.
const watchDays = 7

// FailedSince lists the messages of the scope's antennas that failed since.
func FailedSince(ctx context.Context, d *db.DB, sc auth.Scope, since time.Time, limit int) ([]*Undelivered, error) {
	args := db.Args{db.FormatTime(since)}
	where := sc.Where("m.antenna_id", &args)
	return db.Collect[*Undelivered](d.QueryContext(ctx, `SELECT m.id, m.channel, m.kind, m.body, m.state, m.reason, m.send_at,
			m.sent_at, m.segments, COALESCE(m.learner_id, 0), COALESCE(l.first_name || ' ' || l.last_name, m.recipient_name), m.updated_at
		FROM messages m LEFT JOIN learners l ON l.id = m.learner_id
		WHERE m.state = 'failed' AND m.updated_at >= $1 AND `+where+` ORDER BY m.updated_at DESC LIMIT `+args.Add(limit), args...))(
		func(row db.Scanner) (*Undelivered, error) {
			var u Undelivered
			var sendAt, sentAt, at string
			err := row.Scan(&u.ID, &u.Channel, &u.Kind, &u.Body, &u.State, &u.Reason, &sendAt, &sentAt, &u.Segments,
				&u.LearnerID, &u.LearnerName, &at)
			u.SendAt, u.At = db.ParseTime(sendAt), db.ParseTime(at)
			return &u, err
		})
}

// AnswersSince lists the "I cannot come" of the scope's people since, for things
// still ahead.
func AnswersSince(ctx context.Context, d *db.DB, sc auth.Scope, since, now time.Time, limit int) ([]*CannotCome, error) {
	args := db.Args{db.FormatTime(since), db.FormatTime(now)}
	where := sc.Where("l.antenna_id", &args)
	return db.Collect[*CannotCome](d.QueryContext(ctx, `SELECT r.learner_id, l.first_name || ' ' || l.last_name, r.ref_kind, r.answered_at, r.expires_at
		FROM reply_links r JOIN learners l ON l.id = r.learner_id
		WHERE r.answer <> '' AND r.ref_kind <> 'job_offer' AND r.answered_at >= $1 AND r.expires_at > $2 AND `+where+` ORDER BY r.answered_at DESC LIMIT `+args.Add(limit), args...))(
		func(row db.Scanner) (*CannotCome, error) {
			var a CannotCome
			var at, until string
			err := row.Scan(&a.LearnerID, &a.LearnerName, &a.RefKind, &at, &until)
			a.At, a.Until = db.ParseTime(at), db.ParseTime(until)
			return &a, err
		})
}

// ToWatch counts what the home page points to: messages failed and answers
// received in the last week, at most limit.
func ToWatch(ctx context.Context, d *db.DB, sc auth.Scope, now time.Time, limit int) (int, error) {
	since := now.AddDate(0, 0, -watchDays)
	args := db.Args{db.FormatTime(since)}
	failed, err := d.CountAtMost(ctx, "SELECT 1 FROM messages m WHERE m.state = 'failed' AND m.updated_at >= $1 AND "+
		sc.Where("m.antenna_id", &args), limit, args...)
	if err != nil {
		return 0, err
	}
	args = db.Args{db.FormatTime(since), db.FormatTime(now)}
	answers, err := d.CountAtMost(ctx, `SELECT 1 FROM reply_links r JOIN learners l ON l.id = r.learner_id
		WHERE r.answer <> '' AND r.ref_kind <> 'job_offer' AND r.answered_at >= $1 AND r.expires_at > $2 AND `+sc.Where("l.antenna_id", &args), limit, args...)
	return min(failed+answers, limit), err
}

// watchPage is what /messages shows.
type watchPage struct {
	Failed  []*Undelivered
	Answers []*CannotCome
}

// Watch lists, for the person's antennas, the messages of the last week that did
// not reach people and the people who said they cannot come: GET /messages.
func (h *Handlers) Watch(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := auth.Current(ctx).Scope()
	now := time.Now()
	since := now.AddDate(0, 0, -watchDays)
	page := &watchPage{}
	var err error
	if page.Failed, err = FailedSince(ctx, h.DB, sc, since, 200); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if page.Answers, err = AnswersSince(ctx, h.DB, sc, since, now, 200); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, http.StatusOK, "messages/watch.html", page, nil)
}
