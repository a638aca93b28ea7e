// Package messages sends what Tremplin has to tell people — convocations,
// reminders, enrolments, cancellations — by SMS and email, in their language, and
// keeps the record of each: queued, sent, delivered, failed, or dropped and why.
//
// A package that has news for someone adds a Message inside the transaction that
// makes the news (Outbox.Add): the message and its job in the queue exist if and
// only if the change commits. The Sender works the jobs: it keeps quiet hours
// (no SMS from 20:00 to 08:00 in the antenna's time zone, except urgent same-day
// changes), the person's wish to receive nothing, and the antenna's daily cap; it
// drops a message whose moment has passed rather than send it late; it retries a
// provider that is down, with backoff, and says so on the record.
package messages

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"tremplin/internal/platform/check"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/notify"
	"tremplin/internal/platform/queue"
)

// Channel is how a message travels.
type Channel string

const (
	SMS   Channel = "sms"
	Email Channel = "email"
)

// States of a message (see the migration 0045 for their meaning).
const (
	Queued    = "queued"
	Sending   = "sending"
	Sent      = "sent"
	Delivered = "delivered"
	Failed    = "failed"
	Dropped   = "dropped"
	Cancelled = "cancelled"
)

// Reasons a message is held, dropped or failed, shown to staff (translated under
// messages.reason.*).
const (
	ReasonLate          = "late"          // its moment passed before it could go
	ReasonOptedOut      = "opted_out"     // the person asked for no messages
	ReasonQuietHours    = "quiet_hours"   // waiting for 08:00
	ReasonCap           = "cap"           // the antenna's daily cap was reached
	ReasonUndeliverable = "undeliverable" // the number cannot receive SMS
	ReasonRefused       = "refused"       // the provider refused it for good
	ReasonExpired       = "expired"       // the phone stayed out of reach until the network gave up
	ReasonProvider      = "provider"      // the provider failed every retry
	ReasonChanged       = "changed"       // what it announced changed or was cancelled
	ReasonNoRecipient   = "no_recipient"
	ReasonLandline      = "landline" // an SMS to a number its country's plan says is a landline
)

// Message is one message to one person by one channel.
type Message struct {
	Antenna int64
	Learner int64 // 0 when the recipient is not a learner (a partner contact)
	Channel Channel
	Kind    string // what it says: appointment, reminder, enrolment, cancellation…
	Lang    string
	To      string // E.164 phone number or email address
	ToName  string
	Subject string // email only
	// Body is the text in Lang. Links go in Link, not in Body: they are put on a
	// line of their own, outside the bidi isolation of right-to-left text.
	Body string
	Link string
	// SendAt is when to send (zero: now); Expires when the message loses its point
	// (zero: never). Urgent lets an SMS go during quiet hours: a same-day change.
	SendAt  time.Time
	Expires time.Time
	Urgent  bool
	RefKind string // what it is about, so that a change can cancel it
	RefID   int64
	Dedupe  string // a key that makes adding it twice add it once
	By      int64  // the staff member whose action caused it, if any
}

// Text is the message as it goes out: in a right-to-left language, left-to-right
// runs are isolated (notify.ForLanguage); the link follows on its own line.
func (m *Message) Text() string {
	t := notify.ForLanguage(m.Lang, m.Body)
	if m.Link != "" {
		t += "\n" + m.Link
	}
	return t
}

// Outbox queues messages.
type Outbox struct {
	Queue *queue.Queue
}

// SendArgs is the job that sends one message.
type SendArgs struct {
	ID int64 `json:"id"`
}

func (SendArgs) Kind() string { return "message_send" }

// maxAttempts bounds the retries of one message: with River's backoff (attempt⁴
// seconds) the last comes some ten hours after the first.
const maxAttempts = 12

// Add queues ms as part of tx and returns how many were new (a message whose Dedupe
// key was queued before is skipped). A message without a recipient, or an SMS to a
// landline (check.Landline: the person's email, when they gave one, is the
// message of the other channel), is kept as dropped, so that the file shows that
// the person could not be told that way. Many
// messages (a planner's batch) go in a few statements.
func (o *Outbox) Add(ctx context.Context, tx *sql.Tx, ms ...Message) (int, error) {
	now := time.Now()
	created := db.FormatTime(now)
	type queuedMessage struct {
		id     int64
		sendAt time.Time
	}
	var due []queuedMessage
	// Rows go 500 to a statement, written as literals (db.Row): bound, their ten
	// thousand parameters would cost more than the insert on both engines.
	const perStatement = 500
	var stmt strings.Builder
	for start := 0; start < len(ms); start += perStatement {
		stmt.Reset()
		stmt.WriteString(`INSERT INTO messages (antenna_id, learner_id, channel, kind, lang, recipient, recipient_name,
			subject, body, segments, urgent, send_at, expires_at, ref_kind, ref_id, dedupe, state, reason, created_by,
			created_at, updated_at) VALUES `)
		for i := start; i < min(start+perStatement, len(ms)); i++ {
			m := &ms[i]
			if m.SendAt.IsZero() || m.SendAt.Before(now) {
				m.SendAt = now
			}
			state, reason := Queued, ""
			if strings.TrimSpace(m.To) == "" {
				state, reason = Dropped, ReasonNoRecipient
			} else if m.Channel == SMS && check.Landline(m.To) {
				state, reason = Dropped, ReasonLandline
			}
			text := m.Text()
			segments := 0
			if m.Channel == SMS {
				_, _, segments = notify.Segments(text)
			}
			var dedupe, expires any = nil, ""
			if m.Dedupe != "" {
				dedupe = m.Dedupe
			}
			if !m.Expires.IsZero() {
				expires = db.FormatTime(m.Expires)
			}
			if i > start {
				stmt.WriteString(", ")
			}
			db.Row(&stmt, m.Antenna, db.NullID(m.Learner), string(m.Channel), m.Kind, m.Lang, m.To, m.ToName,
				notify.ForLanguage(m.Lang, m.Subject), text, segments, m.Urgent, db.FormatTime(m.SendAt), expires, m.RefKind,
				db.NullID(m.RefID), dedupe, state, reason, db.NullID(m.By), created, created)
		}
		stmt.WriteString(" ON CONFLICT (dedupe) DO NOTHING RETURNING id, state, send_at")
		err := db.Each(tx.QueryContext(ctx, stmt.String()))(func(row db.Scanner) error {
			var id int64
			var state, sendAt string
			if err := row.Scan(&id, &state, &sendAt); err != nil {
				return err
			}
			if state == Queued {
				due = append(due, queuedMessage{id, db.ParseTime(sendAt)})
			}
			return nil
		})
		if err != nil {
			return 0, fmt.Errorf("queue messages: %w", err)
		}
	}
	// One job per message due alone; messages due at the same moment go in
	// batches of up to batchSize (see Batch).
	sort.SliceStable(due, func(i, j int) bool { return due[i].sendAt.Before(due[j].sendAt) })
	var jobs []river.InsertManyParams
	for i := 0; i < len(due); {
		j := i + 1
		for j < len(due) && j-i < batchSize && due[j].sendAt.Equal(due[i].sendAt) {
			j++
		}
		opts := &river.InsertOpts{Queue: queue.Messages, MaxAttempts: maxAttempts}
		if due[i].sendAt.After(now) {
			// Only a job for later is scheduled: one due now is available at once,
			// not at the scheduler's next round (five seconds).
			opts.ScheduledAt = due[i].sendAt
		}
		if j-i == 1 {
			jobs = append(jobs, river.InsertManyParams{Args: SendArgs{ID: due[i].id}, InsertOpts: opts})
		} else {
			ids := make([]int64, 0, j-i)
			for _, q := range due[i:j] {
				ids = append(ids, q.id)
			}
			jobs = append(jobs, river.InsertManyParams{Args: BatchArgs{IDs: ids}, InsertOpts: opts})
		}
		i = j
	}
	if err := o.Queue.InsertManyTx(ctx, tx, jobs); err != nil {
		return 0, fmt.Errorf("queue messages: %w", err)
	}
	return len(due), nil
}

// Cancel marks what was queued about refKind/refID and not yet sent as cancelled,
// as part of the change that makes it wrong (a moved or cancelled appointment),
// for one person (learnerID) or everyone (0). Their jobs find them cancelled and
// send nothing.
func Cancel(ctx context.Context, tx *sql.Tx, refKind string, refID, learnerID int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE messages SET state = 'cancelled', reason = $1, updated_at = $2
		WHERE ref_kind = $3 AND ref_id = $4 AND state IN ('queued', 'sending') AND ($5 = 0 OR learner_id = $5)`,
		ReasonChanged, db.Now(), refKind, refID, learnerID)
	return err
}

// CancelFor is Cancel for the messages to some recipients only (phone numbers
// or addresses): one volunteer's reminders of a shift they no longer come to.
func CancelFor(ctx context.Context, tx *sql.Tx, refKind string, refID int64, recipients ...string) error {
	args := db.Args{ReasonChanged, db.Now(), refKind, refID}
	var to []string
	for _, r := range recipients {
		if r != "" {
			to = append(to, r)
		}
	}
	if len(to) == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE messages SET state = 'cancelled', reason = $1, updated_at = $2
		WHERE ref_kind = $3 AND ref_id = $4 AND state IN ('queued', 'sending') AND recipient IN (`+db.InList(&args, to)+`)`, args...)
	return err
}

// Record is a message as the learner file shows it.
type Record struct {
	ID       int64
	Channel  Channel
	Kind     string
	Body     string
	State    string
	Reason   string // a code (see the Reason constants), maybe followed by ": " and the provider's words
	SendAt   time.Time
	SentAt   time.Time
	Segments int
}

// ReasonCode is the reason's code, for its translation.
func (r *Record) ReasonCode() string {
	code, _, _ := strings.Cut(r.Reason, ":")
	return code
}

// ForLearner lists the latest messages to a person, newest first.
func ForLearner(ctx context.Context, d *db.DB, learnerID int64, limit int) ([]*Record, error) {
	return db.Collect[*Record](d.QueryContext(ctx, `SELECT id, channel, kind, body, state, reason, send_at, sent_at, segments
		FROM messages WHERE learner_id = $1 ORDER BY id DESC LIMIT $2`, learnerID, limit))(func(row db.Scanner) (*Record, error) {
		var r Record
		var sendAt, sentAt string
		if err := row.Scan(&r.ID, &r.Channel, &r.Kind, &r.Body, &r.State, &r.Reason, &sendAt, &sentAt, &r.Segments); err != nil {
			return nil, err
		}
		r.SendAt = db.ParseTime(sendAt)
		if sentAt != "" {
			r.SentAt = db.ParseTime(sentAt)
		}
		return &r, nil
	})
}

// Reminders go 48 hours before an appointment or a meeting and at 08:00 on its day
// (the antenna's time). The planners of appointments and meetings run every
// PlanEvery and queue the reminders due within PlanAhead, so that each is queued
// several runs before its moment.
const (
	ReminderBefore = 48 * time.Hour
	MorningHour    = 8
	PlanAhead      = 2 * time.Hour
	PlanEvery      = 15 * time.Minute
)

// ReminderTimes returns when the reminders of something starting at start (in its
// antenna's time zone) are due, by rule: "48h", and "morning" unless it starts
// within the hour after 08:00.
func ReminderTimes(start time.Time) map[string]time.Time {
	out := map[string]time.Time{"48h": start.Add(-ReminderBefore)}
	y, m, d := start.Date()
	if morning := time.Date(y, m, d, MorningHour, 0, 0, 0, start.Location()); start.Sub(morning) >= time.Hour {
		out["morning"] = morning
	}
	return out
}

// RemindersToPlan returns the reminders of something starting at start to queue
// at now: those due before now+PlanAhead and after since (the enrolment, the
// booking, the sign-up: its own message said it). Of the moments already past (a
// planner stopped for two days, a meeting booked the day before), only the
// latest is kept: two identical messages in the same minute say nothing more.
func RemindersToPlan(start, since, now time.Time) map[string]time.Time {
	out := map[string]time.Time{}
	latestPast := ""
	for rule, at := range ReminderTimes(start) {
		if at.After(now.Add(PlanAhead)) || !at.After(since) {
			continue
		}
		out[rule] = at
		if !at.After(now) && (latestPast == "" || at.After(out[latestPast])) {
			latestPast = rule
		}
	}
	for rule, at := range out {
		if rule != latestPast && !at.After(now) {
			delete(out, rule)
		}
	}
	return out
}
