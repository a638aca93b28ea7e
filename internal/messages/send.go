package messages

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"strconv"
	"time"
	"tremplin/internal/platform/queue"

	"github.com/riverqueue/river/rivertype"

	"github.com/riverqueue/river"
	"golang.org/x/time/rate"

	"tremplin/internal/platform/check"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/notify"
)

// Quiet hours: no SMS from QuietFrom to QuietUntil (hours, antenna's local time),
// except urgent ones.
const (
	QuietFrom  = 20
	QuietUntil = 8
)

// Sender works the jobs of the messages queue: one job, one message.
type Sender struct {
	river.WorkerDefaults[SendArgs]
	DB   *db.DB
	SMS  notify.SMS
	Mail notify.Mailer
	Log  *slog.Logger
	// Limit is the providers' rate limit (messages per second over this process);
	// nil for none.
	Limit *rate.Limiter
	// Now is the clock (time.Now when nil); tests move it.
	Now func() time.Time
}

func (s *Sender) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// record is what the sender reads about a message before sending it.
type record struct {
	id                   int64
	antenna              int64
	learner              sql.NullInt64
	channel              Channel
	to, name, subject    string
	body, state          string
	urgent               bool
	expires, countedOn   string
	tz                   string
	dailyCap             int
	offAt, undeliverable string
}

func (s *Sender) load(ctx context.Context, id int64) (*record, error) {
	var m record
	err := s.DB.QueryRowContext(ctx, `SELECT m.id, m.antenna_id, m.learner_id, m.channel, m.recipient, m.recipient_name,
			m.subject, m.body, m.state, m.urgent, m.expires_at, m.counted_on, a.timezone, a.sms_daily_cap,
			COALESCE(l.messages_off_at, ''), COALESCE(l.phone_undeliverable_at, '')
		FROM messages m JOIN antennas a ON a.id = m.antenna_id LEFT JOIN learners l ON l.id = m.learner_id
		WHERE m.id = $1`, id).Scan(&m.id, &m.antenna, &m.learner, &m.channel, &m.to, &m.name, &m.subject, &m.body,
		&m.state, &m.urgent, &m.expires, &m.countedOn, &m.tz, &m.dailyCap, &m.offAt, &m.undeliverable)
	return &m, db.NotFound(err)
}

// Work sends one message, or decides not to, and records what happened.
func (s *Sender) Work(ctx context.Context, job *river.Job[SendArgs]) error {
	return s.send(ctx, job.Args.ID, job.Attempt, job.MaxAttempts)
}

// send sends message id on the given attempt; its error is River's: a snooze
// (quiet hours, cap), a cancel (failed for good, recorded), or a reason to retry.
func (s *Sender) send(ctx context.Context, id int64, attempt, maxAttempts int) error {
	m, err := s.load(ctx, id)
	if errors.Is(err, db.ErrNotFound) {
		return nil // nothing to send: the record went with its person (erasure)
	}
	if err != nil {
		return err
	}
	if m.state != Queued && m.state != Sending {
		return nil // sent, dropped or cancelled already: never twice
	}
	now := s.now()
	loc, err := time.LoadLocation(m.tz)
	if err != nil {
		loc = time.UTC
	}
	expires := time.Time{}
	if m.expires != "" {
		expires = db.ParseTime(m.expires)
	}
	switch {
	case !expires.IsZero() && !now.Before(expires):
		return s.finish(ctx, m.id, Dropped, ReasonLate, "")
	case m.offAt != "":
		return s.finish(ctx, m.id, Dropped, ReasonOptedOut, "")
	case m.channel == SMS && m.undeliverable != "":
		return s.finish(ctx, m.id, Failed, ReasonUndeliverable, "")
	case m.channel == SMS && check.Landline(m.to):
		return s.finish(ctx, m.id, Dropped, ReasonLandline, "") // queued before the plan said so
	}
	if m.channel == SMS && !m.urgent {
		if wake, quiet := quietUntil(now.In(loc)); quiet {
			return s.hold(ctx, m, ReasonQuietHours, wake, expires, now)
		}
	}
	// Count the SMS against the antenna's day once, however many tries it takes.
	if m.channel == SMS && m.dailyCap > 0 {
		day := now.In(loc).Format(time.DateOnly)
		if m.countedOn != day {
			ok, err := s.count(ctx, m, day)
			if err != nil {
				return err
			}
			if !ok {
				y, mo, d := now.In(loc).Date()
				return s.hold(ctx, m, ReasonCap, time.Date(y, mo, d+1, QuietUntil, 0, 0, 0, loc), expires, now)
			}
		}
	}
	res, err := s.DB.Exec(ctx, `UPDATE messages SET state = 'sending', attempts = attempts + 1, updated_at = $1
		WHERE id = $2 AND state IN ('queued', 'sending')`, db.Now(), m.id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil // cancelled a moment ago
	}
	if s.Limit != nil {
		if err := s.Limit.Wait(ctx); err != nil {
			return err
		}
	}
	providerID, err := s.hand(ctx, m)
	if err == nil {
		_, err = s.DB.Exec(ctx, `UPDATE messages SET state = 'sent', reason = '', provider_id = $1, sent_at = $2, updated_at = $2
			WHERE id = $3`, providerID, db.FormatTime(s.now()), m.id)
		return err
	}
	permanent := notify.Permanent(err) || notify.PermanentSMS(err)
	if permanent || attempt >= maxAttempts {
		reason := ReasonProvider
		if permanent {
			reason = ReasonRefused
		}
		if s.Log != nil {
			s.Log.WarnContext(ctx, "message not sent", "message_id", m.id, "channel", m.channel, "attempt", attempt, "err", err)
		}
		if ferr := s.finish(ctx, m.id, Failed, reason, err.Error()); ferr != nil {
			return ferr
		}
		return river.JobCancel(err)
	}
	// Staff see the provider's last answer while the retries go on.
	s.DB.Exec(ctx, `UPDATE messages SET reason = $1, updated_at = $2 WHERE id = $3`,
		truncate(ReasonProvider+": "+err.Error(), 300), db.Now(), m.id)
	return err
}

func (s *Sender) hand(ctx context.Context, m *record) (string, error) {
	ref := strconv.FormatInt(m.id, 10)
	if m.channel == SMS {
		if s.SMS == nil {
			return "", errors.New("no SMS driver")
		}
		return s.SMS.SendSMS(ctx, notify.SMSMessage{To: m.to, Body: m.body, Reference: ref})
	}
	if s.Mail == nil {
		return "", errors.New("no mail driver")
	}
	return "", s.Mail.Send(ctx, notify.Email{To: m.to, ToName: m.name, Subject: m.subject, Body: m.body})
}

// count takes one SMS from the antenna's budget for day; false when it is spent.
func (s *Sender) count(ctx context.Context, m *record, day string) (bool, error) {
	ok := false
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		err := tx.QueryRowContext(ctx, `INSERT INTO message_counts (antenna_id, day, n) VALUES ($1, $2, 1)
			ON CONFLICT (antenna_id, day) DO UPDATE SET n = message_counts.n + 1 WHERE message_counts.n < $3
			RETURNING n`, m.antenna, day, m.dailyCap).Scan(&n)
		if err == sql.ErrNoRows {
			return nil
		}
		if err != nil {
			return err
		}
		ok = true
		_, err = tx.ExecContext(ctx, `UPDATE messages SET counted_on = $1 WHERE id = $2`, day, m.id)
		return err
	})
	return ok, err
}

// hold puts the message back until wake, or drops it when wake comes too late.
func (s *Sender) hold(ctx context.Context, m *record, reason string, wake, expires, now time.Time) error {
	if !expires.IsZero() && !wake.Before(expires) {
		return s.finish(ctx, m.id, Dropped, ReasonLate, reason)
	}
	if _, err := s.DB.Exec(ctx, `UPDATE messages SET reason = $1, send_at = $2, updated_at = $3 WHERE id = $4`,
		reason, db.FormatTime(wake), db.Now(), m.id); err != nil {
		return err
	}
	if s.Log != nil {
		s.Log.InfoContext(ctx, "message waits", "message_id", m.id, "reason", reason, "until", wake.Format(time.RFC3339))
	}
	return river.JobSnooze(wake.Sub(now))
}

func (s *Sender) finish(ctx context.Context, id int64, state, reason, detail string) error {
	if detail != "" {
		reason += ": " + detail
	}
	_, err := s.DB.Exec(ctx, `UPDATE messages SET state = $1, reason = $2, updated_at = $3 WHERE id = $4`,
		state, truncate(reason, 300), db.Now(), id)
	return err
}

// quietUntil says whether local is within quiet hours and, if so, when they end.
func quietUntil(local time.Time) (time.Time, bool) {
	h := local.Hour()
	if h >= QuietUntil && h < QuietFrom {
		return time.Time{}, false
	}
	y, mo, d := local.Date()
	if h >= QuietFrom {
		d++
	}
	return time.Date(y, mo, d, QuietUntil, 0, 0, 0, local.Location()), true
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// BatchArgs is the job that sends messages queued together for the same moment
// (a planner's reminders): one job for up to batchSize messages, so that a
// national morning is a thousand jobs rather than a hundred thousand.
type BatchArgs struct {
	IDs []int64 `json:"ids"`
}

func (BatchArgs) Kind() string { return "message_send_batch" }

// batchSize is the most messages one batch job sends.
const batchSize = 100

// Batch works the batch jobs with its Sender. A message of the batch that must
// wait (quiet hours, the day's cap) or be tried again (the provider failed) gets
// a job of its own, so that it waits or retries alone; a batch interrupted
// half-way is worked again, and what was sent is not sent twice.
type Batch struct {
	river.WorkerDefaults[BatchArgs]
	Sender *Sender
}

// Timeout leaves a batch the time to wait for the provider's rate limit, which
// the batches worked at once share (100 messages at a few per second each).
func (b *Batch) Timeout(*river.Job[BatchArgs]) time.Duration { return 30 * time.Minute }

func (b *Batch) Work(ctx context.Context, job *river.Job[BatchArgs]) error {
	client := river.ClientFromContext[*sql.Tx](ctx)
	for _, id := range job.Args.IDs {
		err := b.Sender.send(ctx, id, 1, maxAttempts)
		if err == nil {
			continue
		}
		var cancel *rivertype.JobCancelError
		if errors.As(err, &cancel) {
			continue // failed for good, recorded
		}
		at := time.Now().Add(time.Second) // River's first retry comes as soon
		var snooze *rivertype.JobSnoozeError
		if errors.As(err, &snooze) {
			at = time.Now().Add(snooze.Duration)
		}
		if _, err := client.Insert(ctx, SendArgs{ID: id}, &river.InsertOpts{Queue: queue.Messages, ScheduledAt: at,
			MaxAttempts: maxAttempts}); err != nil {
			return err
		}
	}
	return nil
}
